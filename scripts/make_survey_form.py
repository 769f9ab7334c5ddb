"""Write the cluster survey XLSForm (ODK Collect / KoboToolbox) from the indicator framework in data/.

    python scripts/make_survey_form.py [--data data/] [--out var/survey/cluster_survey.xlsx]

Upload the file to ODK Central or KoboToolbox as a new form. Import its exported
submissions on the Data page (or with cluster_model.store.survey_import).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cluster_model.loading import DATA_DIR, load_dataset
from cluster_model.survey import FORM_FILE
from outputs.tables import build_xlsform


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", default=str(DATA_DIR), help="folder with indicators.csv, clusters.csv, sites.csv"
    )
    parser.add_argument("--out", default=str(REPO / "var" / "survey" / FORM_FILE))
    args = parser.parse_args(argv)
    ds = load_dataset(args.data)
    errors = [i for i in ds.issues if i.severity == "error"]
    for issue in errors:
        print(f"skipped: {issue}", file=sys.stderr)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(build_xlsform(ds))
    print(
        f"wrote {out}: {len(ds.indicators)} indicator questions, {len(ds.clusters)} clusters"
        + (f" ({len(errors)} bad row(s) in data/ left out, listed above)" if errors else "")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
