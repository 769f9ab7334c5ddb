"""Where the server start goes (issue #14): imports, then the first run of the Atlas page, profiled.

    .venv/bin/python bench/profile_start.py [a|b] [--top N] [--pstats FILE]

(a) Sindh, (b) all of Pakistan with the synthetic data (bench/synth.py). The start measured in
Chromium (bench/browser.py) is: process start -> server answering (Python, imports of Streamlit,
the server), then the browser's page load and websocket, then the first script run (imports of
the app's modules, store open, loading, simplification, TopoJSON, first render), then the
component iframe and Leaflet drawing. This script times the Python parts separately:

1. ``imports``: each library the first run imports, in a fresh interpreter, in the order the app
   meets them (incremental: what each adds to the ones before).
2. ``first run``: one cold ``AppTest`` run of ``app.py`` (Atlas page) under cProfile, with a store
   seeded beforehand in another process (as after the first-run set-up, so seeding is not
   counted), then the cumulative time of the named steps.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from cluster_model.settings import export_vars

IMPORTS = [
    "streamlit",
    "pandas",
    "numpy",
    "shapely",
    "pyproj",
    "pyogrio",
    "geopandas",
    "sqlalchemy",
    "yaml",
    "folium",
    "branca",
    "streamlit_folium",
    "topojson",
    "altair",
    "cluster_model.loading",
    "cluster_model.store",
    "geo.boundaries",
    "geo.atlas_map",
    "ui.data_access",
    "ui.page",
]

# (label, file suffix, function name): cumulative time of each, from the profile of the first run.
STEPS = [
    ("store: open (engine, migrations check)", "store/repository.py", "open_store"),
    ("store: read the dataset", "store/repository.py", "load_dataset"),
    ("seed files: read + validate data/ CSVs", "cluster_model/loading.py", "load_dataset"),
    ("boundaries: read + repair the file", "geo/boundaries.py", "load_boundaries"),
    ("boundaries: simplify for display", "geo/boundaries.py", "simplify_for_display"),
    ("sites: match district names", "geo/names.py", "match_column"),
    ("sites: check within districts", "", "check_sites_within"),
    ("map: TopoJSON of the districts", "geo/atlas_map.py", "districts_topojson"),
    ("map: base map (markers, legend, TopoJSON)", "geo/atlas_map.py", "build_atlas_base"),
    ("map: style table", "geo/atlas_map.py", "atlas_styles"),
    ("map: st_folium (render + hand to the frontend)", "streamlit_folium/__init__.py", "st_folium"),
    ("scores: assessment matrix", "cluster_model/scoring.py", "assessment_matrix"),
    ("scores: district gaps", "cluster_model/scoring.py", "district_gaps"),
    ("page: district panel tables", "cluster_model/tables.py", "district_detail"),
    ("page: ranking table", "cluster_model/tables.py", "ranking_table"),
    ("page: st.dataframe (Arrow)", "", "dataframe"),
]


def case_env(case: str, tmp: Path) -> tuple[dict[str, str], dict[str, str]]:
    from bench.run import case_env as run_case_env

    return run_case_env(case, tmp)


def import_times() -> list[tuple[str, float]]:
    code = (
        "import sys, time, json; sys.path.insert(0, %r); out = []; t = time.perf_counter()\n"
        "for name in %r:\n    __import__(name); n = time.perf_counter(); out.append((name, n - t)); t = n\n"
        "print(json.dumps(out))"
    ) % (str(REPO), IMPORTS)
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    rows = json.loads(done.stdout.strip().splitlines()[-1])
    rows.append(("(interpreter start + the rest)", time.perf_counter() - t0 - sum(t for _, t in rows)))
    return rows


def first_run(case: str, tmp: Path, pstats_file: Path | None) -> tuple[float, pstats.Stats]:
    env, query = case_env(case, tmp)
    url = f"sqlite:///{tmp}/profile-{case}.db"
    export_vars({**env, "ATLAS_DB_URL": url})
    # Seed the store in another process: the measured start comes after this first-run set-up.
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, %r); from cluster_model import store; "
            "store.open_store(%r, data_dir=%r)" % (str(REPO), url, env["ATLAS_DATA_DIR"]),
        ],
        check=True,
        cwd=REPO,
    )
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=600)
    for k, v in query.items():
        at.query_params[k] = v
    # AppTest runs the script in a thread of its own: profile that thread (cProfile is per thread).
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    prof = cProfile.Profile()
    original = ScriptRunner._run_script

    def profiled(self, *a, **kw):
        prof.enable()
        try:
            return original(self, *a, **kw)
        finally:
            prof.disable()

    ScriptRunner._run_script = profiled
    t0 = time.perf_counter()
    try:
        at.run()
    finally:
        ScriptRunner._run_script = original
    took = time.perf_counter() - t0
    if at.exception:
        raise SystemExit(f"first run failed: {[e.value for e in at.exception]}")
    if pstats_file:
        prof.dump_stats(pstats_file)
    return took, pstats.Stats(prof)


def step_times(stats: pstats.Stats) -> list[tuple[str, float, int]]:
    rows = []
    for label, suffix, name in STEPS:
        found = [
            (v[3], v[1])
            for (file, _line, func), v in stats.stats.items()
            if func == name and (not suffix or file.replace(os.sep, "/").endswith(suffix))
        ]
        # Recursive or repeated entries: the largest cumulative time is the outermost call.
        rows.append((label, max((ct for ct, _ in found), default=0.0), sum(n for _, n in found)))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("case", nargs="?", default="a", choices=["a", "b"])
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--pstats", type=Path)
    args = ap.parse_args()
    print(f"# case ({args.case}); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n")
    print("## imports (fresh interpreter, incremental)\n")
    rows = import_times()
    for name, t in rows:
        print(f"  {t:7.3f} s  {name}")
    print(f"  {sum(t for _, t in rows):7.3f} s  total\n")
    with tempfile.TemporaryDirectory(prefix="atlas-profile-") as tmp:
        took, stats = first_run(args.case, Path(tmp), args.pstats)
    print(f"## first run of the Atlas page (AppTest, cold caches, seeded store): {took:.3f} s\n")
    imports = max((v[3] for (f, _l, func), v in stats.stats.items() if func == "_find_and_load"), default=0.0)
    print(
        f"  {imports:7.3f} s  imports during the run (modules not imported by the server before the script)"
    )
    for label, t, n in step_times(stats):
        print(
            f"  {t:7.3f} s  {label}" + (f"  ({n} calls)" if n > 1 else "") + ("" if n else "  (not called)")
        )
    print(f"\n## top {args.top} by cumulative time\n")
    stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
