"""`make setup` step: say whether the district boundaries can be read, and from where.

A missing or broken file is reported, not fatal: the dashboard still starts and
shows the same message, with its tables working.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cluster_model.issues import DataFileError
from geo.boundaries import boundaries_path, boundaries_province, load_boundaries


def main() -> int:
    path, province = boundaries_path(), boundaries_province()
    try:
        districts = load_boundaries(path, province=province)
    except DataFileError as exc:
        print(f"WARNING: boundaries not usable: {exc}", file=sys.stderr)
        return 0
    print(f"Boundaries OK: {len(districts)} districts{' of ' + province if province else ''} from {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
