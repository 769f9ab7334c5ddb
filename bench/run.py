"""`make bench`: the Atlas view against a straightforward reference, on Sindh and on all of Pakistan.

Prints ONE table. See bench/README.md for what each figure means. Every case runs
in its own worker process (``run.py --worker IMPL CASE``) so caches never leak
between cases; the browser timings start a real Streamlit server per case.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from cluster_model.settings import export_vars, settings
from cluster_model.vocabulary import PILLARS

SHARED = REPO.parent / "shared" / "boundaries"
APPS = {"ours": REPO / "app.py", "reference": REPO / "bench" / "reference_app.py"}
# Start -> paint of a page holding one small map and nothing else: what the stack costs before any app work.
FLOOR_APP = REPO / "bench" / "floor_app.py"
# What a server runs (Chromium rows): ours as `make run` starts it, with its warm start (serve.py).
SERVED = {**APPS, "ours": REPO / "serve.py"}
RERUNS = settings().bench_reruns
PILLAR_CYCLE = (
    ["hrm"],
    ["technology", "hrm"],
    ["support", "incentive"],
    ["technology", "support", "hrm", "incentive"],
)
# Every other pillar choice, each shown once after the timed cycle: reruns whose views are not memoised yet.
NEW_CHOICES = [
    list(c) for n in (1, 2, 3) for c in itertools.combinations(PILLARS, n) if list(c) not in PILLAR_CYCLE
]
MAP_HEIGHT = 620
VIEWPORT = (1400, 900)  # as bench/browser.py
# Pillar changes per view kind (new, repeated) in Chromium; the median of these is reported.
BROWSER_CHANGES = settings().bench_browser_changes
KB = 1000  # the budgets are in KB


def case_env(case: str, tmp: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(environment, URL query) for a case."""
    if case == "a":
        return {
            "ATLAS_BOUNDARIES": str(SHARED / "sindh_adm2.geojson"),
            "ATLAS_PROVINCE": "Sindh",
            "ATLAS_DATA_DIR": str(REPO / "data"),
        }, {}
    folder = tmp / "synthetic"
    if not (folder / "assessments.csv").exists():
        from bench.synth import write_synthetic

        write_synthetic(folder)
    return {
        "ATLAS_BOUNDARIES": str(SHARED / "pakistan_adm2.geojson"),
        "ATLAS_PROVINCE": "",
        "ATLAS_DATA_DIR": str(folder),
    }, {"round": "syn-r5"}


# ------------------------------------------------------------------ worker: AppTest reruns + payload


def share_script_cache(set_attribute=setattr) -> None:
    """Make AppTest compile a script once, as a server does. Streamlit's AppTest (1.67) builds a new
    ``ScriptCache`` for every run, so each rerun parsed and compiled app.py and the page again: ~30 ms of
    every server-only rerun of ours (a multipage app: two scripts, one of ~300 lines), which the server
    never spends (its one cache is kept until a file changes). ``set_attribute``: a test's monkeypatch."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    for module in (app_test, local_script_runner):
        set_attribute(module, "ScriptCache", lambda: shared)


def worker(impl: str, case: str, tmp: Path, out: Path) -> None:
    env, query = case_env(case, tmp)
    export_vars(env)
    load = [round(os.getloadavg()[0], 1)]
    from streamlit.testing.v1 import AppTest

    share_script_cache()

    at = AppTest.from_file(str(APPS[impl]), default_timeout=600)
    for k, v in query.items():
        at.query_params[k] = v
    t0 = time.perf_counter()
    at.run()
    first = time.perf_counter() - t0
    if at.exception:
        raise SystemExit(f"{impl}/{case}: {[e.value for e in at.exception]}")
    times = []
    for i in range(RERUNS + 1):
        widget = at.sidebar.multiselect(key="w_pillars").set_value(PILLAR_CYCLE[i % len(PILLAR_CYCLE)])
        t0 = time.perf_counter()
        widget.run()
        if i:  # the first change warms the per-round caches of both implementations
            times.append(time.perf_counter() - t0)
        if at.exception:
            raise SystemExit(f"{impl}/{case}: {[e.value for e in at.exception]}")
    fresh = []  # a choice not made before in this session: nothing of its view is cached
    for choice in NEW_CHOICES:
        widget = at.sidebar.multiselect(key="w_pillars").set_value(choice)
        t0 = time.perf_counter()
        widget.run()
        fresh.append(time.perf_counter() - t0)
    # What the last run handed to the map component: its arguments as the browser receives them
    # (AppTest's element tree, public API). The map's HTML and script hold everything not served as files.
    maps = [e.proto for e in at.get("component_instance") if e.proto.component_name.endswith("st_folium")]
    if not maps:
        raise SystemExit(f"{impl}/{case}: no map component on the page")
    map_args = json.loads(maps[-1].json_args)
    sent = [
        {
            "bytes": len(maps[-1].json_args.encode()) + sum(len(a.bytes) for a in maps[-1].special_args),
            "script": (map_args.get("html") or "") + "\n" + (map_args.get("script") or ""),
        }
    ]
    script_file = out.with_suffix(".js")
    # The app's districts, markers and legend are files the map fetches (geo.atlas_map, served=True):
    # appended here so the simplification check reads the districts that were sent.
    from geo.atlas_map import SERVED_DIR

    served = [
        (SERVED_DIR / name).read_text(encoding="utf-8")
        for name in dict.fromkeys(re.findall(r"/generated/([\w.-]+\.json)", sent[-1]["script"]))
        if (SERVED_DIR / name).is_file()
    ]
    script_file.write_text("\n".join([sent[-1]["script"], *served]), encoding="utf-8")
    result = {
        "first_run_s": first,
        "rerun_s": statistics.median(times),
        "rerun_all": times,
        "new_choice_s": statistics.median(fresh),
        "new_choice_all": fresh,
        "map_bytes": sent[-1]["bytes"],
        "script_file": str(script_file),
        "snapshot_s": None,
    }
    if impl == "ours":
        result["snapshot_s"] = time_snapshot()
    result["load"] = [*load, round(os.getloadavg()[0], 1)]
    out.write_text(json.dumps(result), encoding="utf-8")


def time_snapshot():
    """Seconds to build and render the PNG snapshot of the default view (median of 3), or None."""
    try:
        from geo import snapshot
    except Exception:  # noqa: BLE001 - exports may not have landed
        return None
    from cluster_model.view import make_view
    from ui.data_access import get_atlas_data

    atlas = get_atlas_data()
    ds = atlas.dataset
    round_id = ds.latest_round() or ds.latest_round(include_illustrative=True)
    scores = make_view(ds, round_id, sites=atlas.sites).district_scores()
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        chart = snapshot.snapshot_chart(
            atlas.districts,
            scores,
            atlas.sites,
            title="Cluster gap",
            subtitle_lines=["All pillars"],
            credits=["bench"],
            illustrative=bool(ds.rounds.set_index("round_id").loc[round_id, "illustrative"]),
        )
        png = snapshot.render(chart, "png")
        times.append(time.perf_counter() - t0)
        assert png[:4] == b"\x89PNG"
    return statistics.median(times)


# ------------------------------------------------------------------ browser (Chromium): see bench/browser.py


def browser_figures(impl: str, case: str, tmp: Path) -> dict:
    """Start -> paint, pillar change -> repaint, bytes per change, new and repeated views (bench/browser.py)."""
    from bench.browser import measure

    env, query = case_env(case, tmp)
    # Only the atlas has a round slider (#27): the reference's map has no rounds to step through.
    steps = BROWSER_CHANGES if impl == "ours" else 0
    return measure(SERVED[impl], env, query, tmp, n_changes=BROWSER_CHANGES, n_round_steps=steps)


# ------------------------------------------------------------------ simplification error


def feature_collections(script: str):
    """Every GeoJSON FeatureCollection (or TopoJSON object, decoded) literal embedded in a map script."""
    dec = json.JSONDecoder()
    for m in re.finditer(r'\{\s*"(?:type|features|bbox|objects|arcs)"', script):
        try:
            obj, _ = dec.raw_decode(script, m.start())
        except ValueError:
            continue
        if isinstance(obj, dict) and obj.get("type") == "FeatureCollection":
            yield obj
        elif isinstance(obj, dict) and obj.get("type") == "Topology":  # decoded as topojson-client does
            from geo.atlas_map import decode_topojson

            for name in obj.get("objects", {}):
                yield decode_topojson(obj, name)


def fitted_zoom(bounds, width: int, height: int) -> int:
    """The zoom Leaflet's fitBounds picks (zoomSnap 1, no padding) for lon/lat bounds."""
    minx, miny, maxx, maxy = bounds

    def merc_y(lat):
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    dx = (maxx - minx) / 360 * 256
    dy = (merc_y(maxy) - merc_y(miny)) / (2 * math.pi) * 256
    return max(0, int(math.floor(math.log2(min(width / dx, height / dy)))))


def error_px(case: str, script_file: str, tmp: Path, width: int, height: int) -> tuple[float, int]:
    """Max over districts of the Hausdorff distance (original vs sent), in screen pixels."""
    import geopandas as gpd
    import shapely

    from geo.boundaries import load_boundaries

    env, _ = case_env(case, tmp)
    original = load_boundaries(env["ATLAS_BOUNDARIES"], province=env["ATLAS_PROVINCE"] or None)
    script = Path(script_file).read_text(encoding="utf-8")
    shown = None
    for fc in feature_collections(script):
        names = [f.get("properties", {}).get("district") for f in fc["features"]]
        if len(names) == len(original) and set(names) == set(original["district"]):
            shown = gpd.GeoDataFrame.from_features(fc["features"], crs=4326).set_index("district")
            break
    if shown is None:
        return float("nan"), -1
    zoom = fitted_zoom(original.total_bounds, width, height)
    a = original.set_index("district").geometry.to_crs(3857)
    b = shown.geometry.to_crs(3857).reindex(a.index)
    metres = max(shapely.hausdorff_distance(x, y) for x, y in zip(a.values, b.values))
    return metres / (156543.03392 / 2**zoom), zoom  # Web Mercator metres per pixel at this zoom


# ------------------------------------------------------------------ table


def fmt(v, unit):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    if unit == "s":
        return f"{v:.3f} s"
    if unit == "B":
        return f"{v / 1024:,.0f} KiB" if v >= 10240 else f"{v:,} B"
    if unit == "px":
        return f"{v:.2f} px"
    if unit == "KB":
        return f"{v / KB:,.1f} KB"
    if unit == "x":
        return f"{v:.2f}x"
    return str(v)


def _ratio(a, b):
    return a / b if a is not None and b else None


def floor_figures(tmp: Path) -> dict:
    """The floors (bench/floor_app.py), no data: the start of the page with one map and nothing else,
    and the repaint floor, its polygon restyled by the Pillars filter (``?repaint=1``)."""
    from bench.browser import measure

    return {
        "start": measure(FLOOR_APP, {}, {}, tmp, n_changes=0),
        "repaint": measure(FLOOR_APP, {}, {"repaint": "1"}, tmp, n_changes=BROWSER_CHANGES),
    }


def start_only(cases: list[str], tmp: Path) -> None:
    """``--start-only``: server start -> map painted, ours (serve.py) and the floor, no pillar change and no
    reference (a few minutes instead of 18): the start rows of #28 for checking a start-up change."""
    from bench.browser import measure

    started = time.perf_counter()
    floor = measure(FLOOR_APP, {}, {}, tmp, n_changes=0)
    print(
        "| case | ours: start -> map painted | floor | above the floor | budget | pass | ours: each start | ours: server answering | load avg (ours / floor) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for case in cases:
        env, query = case_env(case, tmp)
        o = measure(SERVED["ours"], env, query, tmp, n_changes=0)
        above = o["start_s"] - floor["start_s"]
        budget = START_ABOVE_FLOOR_S[case]
        print(
            f"| ({case}) | {o['start_s']:.3f} s | {floor['start_s']:.3f} s | {above:+.2f} s | <= floor + {budget} s "
            f"| {'PASS' if above <= budget else 'FAIL'} | {o['start_samples_s']} | {o['start_ready_s']:.3f} s "
            f"| {load_text(o)} / {load_text(floor)} |"
        )
    print(
        f"\nChromium, medians of {len(floor['start_samples_s'])} starts after a set-up start; floor starts "
        f"{floor['start_samples_s']}; total {time.perf_counter() - started:.0f} s."
    )


def load_text(*figures: dict | None) -> str:
    """The 1-minute load average during each measurement (start-end), ours first: times follow the machine."""
    spans = [f.get("load") for f in figures if f]
    return " | ".join("–".join(f"{v:.1f}" for v in span) if span else "?" for span in spans)


def floor_rows(floor: dict) -> list[tuple]:
    start, repaint = floor.get("start", {}), floor.get("repaint", {})
    label = "(floor) one small map, nothing else"
    rows = [
        (
            label,
            "Chromium: server start -> map painted (after a set-up start)",
            fmt(start.get("start_s"), "s"),
            "-",
            "-",
            "(reported)",
            None,
            load_text(start),
        )
    ]
    for view in ("new", "repeated"):
        rows.append(
            (
                label + ", ?repaint=1",
                f"Chromium: pillar change -> polygon restyled, {view} view (median of {BROWSER_CHANGES}): repaint floor",
                fmt(repaint.get(view, {}).get("repaint_s"), "s"),
                "-",
                "-",
                "(reported)",
                None,
                load_text(repaint),
            )
        )
    return rows


# Budgets of #28 against the floors measured in the same run.
START_ABOVE_FLOOR_S = {"a": 0.5, "b": 1.5}
REPAINT_OVER_FLOOR = 1.3


def browser_rows(label: str, case: str, o: dict, r: dict, a: dict | None, floor: dict) -> list[tuple]:
    """The Chromium rows of one case: issue #14's budgets, and #28's against the floors of the same run."""
    rows = []
    n = BROWSER_CHANGES
    repaint_floor = floor.get("repaint", {})
    for view in ("new", "repeated"):
        ov, rv, fv = o.get(view, {}), r.get(view, {}), repaint_floor.get(view, {})
        ratio = _ratio(ov.get("repaint_s"), rv.get("repaint_s"))
        rows.append(
            (
                label,
                f"Chromium: pillar change -> map repainted, {view} view (median of {n})",
                fmt(ov.get("repaint_s"), "s"),
                fmt(rv.get("repaint_s"), "s"),
                fmt(ratio, "x"),
                "<= 0.2x",
                None if ratio is None else ratio <= 0.2,
                load_text(o, r),
            )
        )
        over_floor = _ratio(ov.get("repaint_s"), fv.get("repaint_s"))
        rows.append(
            (
                label,
                f"Chromium: pillar change -> map repainted, {view} view, against the repaint floor",
                fmt(ov.get("repaint_s"), "s"),
                fmt(fv.get("repaint_s"), "s") + " (floor)",
                fmt(over_floor, "x"),
                f"<= {REPAINT_OVER_FLOOR}x floor",
                None if over_floor is None else over_floor <= REPAINT_OVER_FLOOR,
                load_text(o, repaint_floor),
            )
        )
    if case == "b" and a is not None:
        for view in ("new", "repeated"):
            ab = _ratio(o.get(view, {}).get("repaint_s"), a.get(view, {}).get("repaint_s"))
            rows.append(
                (
                    label,
                    f"Chromium: repaint, case (b) / case (a), {view} view",
                    fmt(o.get(view, {}).get("repaint_s"), "s"),
                    fmt(a.get(view, {}).get("repaint_s"), "s") + " (a)",
                    fmt(ab, "x"),
                    "<= 2x",
                    None if ab is None else ab <= 2,
                    load_text(o, a),
                )
            )
    # Two byte rows per view: what crosses the wire to the browser (after websocket compression, with
    # every header: the budget's sense), and the messages' own size (before compression), so neither hides.
    budget_new = 20 if case == "a" else 60
    for key, what in (
        ("wire_bytes", "bytes on the wire (compressed, all traffic)"),
        ("bytes", "message bytes (websocket payload + /_stcore/message, uncompressed)"),
    ):
        for view, budget in (("new", budget_new), ("repeated", 5)):
            ob, rb = o.get(view, {}).get(key), r.get(view, {}).get(key)
            rows.append(
                (
                    label,
                    f"Chromium: {what} per pillar change, {view} view (median)",
                    fmt(ob, "KB"),
                    fmt(rb, "KB"),
                    fmt(_ratio(ob, rb), "x"),
                    f"<= {budget} KB",
                    None if ob is None else ob <= budget * KB,
                    load_text(o, r),
                )
            )
    above = START_ABOVE_FLOOR_S[case]
    start_floor = floor.get("start", {})
    os_, rs, fs = o.get("start_s"), r.get("start_s"), start_floor.get("start_s")
    rows.append(
        (
            label,
            "Chromium: server start -> map painted (after a set-up start), against the floor",
            fmt(os_, "s"),
            fmt(fs, "s") + " (floor)",
            "n/a" if os_ is None or fs is None else f"{os_ - fs:+.2f} s",
            f"<= floor + {above} s",
            None if os_ is None or fs is None else os_ <= fs + above,
            load_text(o, start_floor),
        )
    )
    rows.append(
        (
            label,
            "Chromium: server start -> map painted (after a set-up start)",
            fmt(os_, "s"),
            fmt(rs, "s"),
            fmt(_ratio(os_, rs), "x"),
            "(reported)",
            None,
            load_text(o, r),
        )
    )
    return rows


def round_step_rows(label: str, o: dict) -> list[tuple]:
    """The round slider's steps (#27), measured like a pillar change and reported, no budget: n/a with one round."""
    step = o.get("round", {})
    n = step.get("n", 0)
    return [
        (
            label,
            f"Chromium: {what} (median of {n})",
            fmt(step.get(key), unit),
            "-",
            "-",
            "(reported)",
            None,
            load_text(o),
        )
        for what, key, unit in (
            ("round step -> map repainted", "repaint_s", "s"),
            ("bytes per round step, on the wire (compressed, all traffic)", "wire_bytes", "KB"),
            ("bytes per round step, messages (uncompressed)", "bytes", "KB"),
        )
    ]


def where_notes(res: dict) -> list[str]:
    """Where a pillar change goes, from the page's own timestamps (medians, s after the click)."""
    measured = [
        (
            f"{impl} ({case})",
            res.get((impl, case), {}).get("browser", {}),
            res.get((impl, case), {}).get("rerun_s"),
        )
        for case in "ab"
        for impl in ("ours", "reference")
    ]
    measured.append(("repaint floor", res.get("floor", {}).get("repaint", {}), None))
    notes = []
    for name, figures, script_s in measured:
        for view in ("new", "repeated"):
            w = figures.get(view, {}).get("where")
            if not w:
                continue
            parts = [
                f"first websocket message {fmt(w['first_message_s'], 's')}",
                f"last {fmt(w['last_message_s'], 's')}",
                f"map frame has its arguments {fmt(w['map_args_s'], 's')}",
                f"map repainted {fmt(w['repaint_s'], 's')}",
                f"long tasks {fmt(w['long_tasks_s'], 's')}",
            ]
            if script_s is not None:  # the AppTest figure of the same run, when it ran
                parts.append(f"server-only script {fmt(script_s, 's')}")
            notes.append(f"* {name}, {view} view: " + "; ".join(parts))
    return notes


def server_rows(label: str, case: str, o: dict, r: dict, a: dict) -> list[tuple]:
    """The AppTest rows (server-only: the script's run, not what the browser does with its output)."""
    rows = []
    rr = o["rerun_s"] / r["rerun_s"]
    rows.append(
        (
            label,
            "server-only (AppTest): rerun after pillar change (median)",
            fmt(o["rerun_s"], "s"),
            fmt(r["rerun_s"], "s"),
            f"{rr:.2f}x",
            "<= 0.2x",
            rr <= 0.2,
        )
    )
    if case == "b":
        ab = o["rerun_s"] / a["rerun_s"]
        rows.append(
            (
                label,
                "server-only (AppTest): rerun, case (b) / case (a)",
                fmt(o["rerun_s"], "s"),
                fmt(a["rerun_s"], "s") + " (a)",
                f"{ab:.2f}x",
                "<= 2x",
                ab <= 2,
            )
        )
    nc = o["new_choice_s"] / r["new_choice_s"]
    rows.append(
        (
            label,
            f"server-only (AppTest): rerun after a new pillar choice (median of {len(NEW_CHOICES)})",
            fmt(o["new_choice_s"], "s"),
            fmt(r["new_choice_s"], "s"),
            f"{nc:.2f}x",
            "(reported)",
            None,
        )
    )
    br = o["map_bytes"] / r["map_bytes"]
    rows.append(
        (
            label,
            "server-only (AppTest): map data handed to st_folium",
            fmt(o["map_bytes"], "B"),
            fmt(r["map_bytes"], "B"),
            f"{br:.2f}x",
            "<= 0.2x",
            br <= 0.2,
        )
    )
    rows.append(
        (
            label,
            f"simplification error (zoom {o['zoom']})",
            fmt(o["error_px"], "px"),
            fmt(r["error_px"], "px"),
            "-",
            "< 1 px",
            o["error_px"] < 1,
        )
    )
    snap = o["snapshot_s"]
    rows.append(
        (
            label,
            "PNG snapshot",
            fmt(snap, "s") if snap is not None else "n/a (exports not landed)",
            "-",
            "-",
            "< 1 s",
            None if snap is None else snap < 1,
        )
    )
    rows.append(
        (
            label,
            "server-only (AppTest): first run, cold caches",
            fmt(o["first_run_s"], "s"),
            fmt(r["first_run_s"], "s"),
            f"{o['first_run_s'] / r['first_run_s']:.2f}x",
            "(reported)",
            None,
        )
    )
    return [(*row, load_text(o, r)) for row in rows]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", nargs=2, metavar=("IMPL", "CASE"))
    ap.add_argument("--tmp")
    ap.add_argument("--out")
    ap.add_argument("--json", help="also write all figures to this file")
    part = ap.add_mutually_exclusive_group()
    part.add_argument("--no-browser", action="store_true", help="AppTest figures only")
    part.add_argument("--browser", action="store_true", help="Chromium figures only (make bench-browser)")
    part.add_argument(
        "--start-only",
        action="store_true",
        help="Chromium server start -> map painted only, ours and the floor",
    )
    ap.add_argument(
        "--case", choices=("a", "b"), action="append", help="only this case (repeatable; default both)"
    )
    args = ap.parse_args()
    cases = args.case or ["a", "b"]
    if args.worker:
        worker(args.worker[0], args.worker[1], Path(args.tmp), Path(args.out))
        return

    if args.start_only:
        with tempfile.TemporaryDirectory(prefix="atlas-bench-") as tmpname:
            start_only(cases, Path(tmpname))
        return
    started = time.perf_counter()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="atlas-bench-") as tmpname:
        tmp = Path(tmpname)
        if "b" in cases:
            case_env("b", tmp)  # generate the synthetic data once
        res: dict = {}
        for case in cases:
            for impl in ("ours", "reference"):
                r: dict = {}
                if not args.browser:
                    out = tmp / f"{impl}-{case}.json"
                    print(f"[bench] {impl} case {case}: {RERUNS} reruns …", file=sys.stderr, flush=True)
                    subprocess.run(
                        [
                            sys.executable,
                            __file__,
                            "--worker",
                            impl,
                            case,
                            "--tmp",
                            str(tmp),
                            "--out",
                            str(out),
                        ],
                        check=True,
                        cwd=REPO,
                        stderr=subprocess.DEVNULL if not settings().bench_verbose else None,
                    )
                    r = json.loads(out.read_text())
                w, h = 790, MAP_HEIGHT
                if not args.no_browser:
                    print(
                        f"[bench] {impl} case {case}: Chromium, {BROWSER_CHANGES} new + {BROWSER_CHANGES} repeated pillar changes …",
                        file=sys.stderr,
                        flush=True,
                    )
                    try:
                        r["browser"] = browser_figures(impl, case, tmp)
                        w, h = r["browser"]["view"]["w"], r["browser"]["view"]["h"]
                    except Exception as exc:  # noqa: BLE001 - report, do not abort the table
                        print(
                            f"[bench] {impl} case {case}: Chromium failed: {exc}", file=sys.stderr, flush=True
                        )
                        r["browser"] = {"error": str(exc)[:300]}
                        w = res.get(("ours", case), {}).get("browser", {}).get("view", {}).get("w", 548)
                if not args.browser:
                    r["error_px"], r["zoom"] = error_px(case, r["script_file"], tmp, w, h)
                res[(impl, case)] = r
                if args.json:  # as it goes: a long run that fails later still leaves its figures
                    Path(args.json).write_text(
                        json.dumps(
                            {k if isinstance(k, str) else f"{k[0]}-{k[1]}": v for k, v in res.items()},
                            indent=1,
                            default=str,
                        )
                    )
        if not args.no_browser:
            print("[bench] floors: Chromium, start and repaint …", file=sys.stderr, flush=True)
            try:
                res["floor"] = floor_figures(tmp)
            except Exception as exc:  # noqa: BLE001 - report, do not abort the table
                print(f"[bench] floor: Chromium failed: {exc}", file=sys.stderr, flush=True)
                res["floor"] = {"error": str(exc)[:300]}
        rows = []
        for case, label in (("a", "(a) Sindh, 16 clusters"), ("b", "(b) Pakistan, 1,000 synth. clusters")):
            if case not in cases:
                continue
            o, r = res[("ours", case)], res[("reference", case)]
            if not args.browser:
                rows += server_rows(label, case, o, r, res.get(("ours", "a"), o))
            if not args.no_browser:
                rows += browser_rows(
                    label,
                    case,
                    o["browser"],
                    r["browser"],
                    res.get(("ours", "a"), {}).get("browser"),
                    res["floor"],
                )
                rows += round_step_rows(label, o["browser"])
        if not args.no_browser:
            rows += floor_rows(res["floor"])
        head = (
            "case",
            "metric",
            "ours",
            "other (reference, floor, case a)",
            "ratio",
            "budget",
            "pass",
            "load avg (ours | other)",
        )
        table = [head] + [
            (*row[:6], "-" if row[6] is None else ("PASS" if row[6] else "FAIL"), row[7]) for row in rows
        ]
        widths = [max(len(str(t[i])) for t in table) for i in range(len(head))]
        line = lambda t: "| " + " | ".join(str(c).ljust(w) for c, w in zip(t, widths)) + " |"  # noqa: E731
        print(line(head))
        print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        for t in table[1:]:
            print(line(t))
        parts = []
        if not args.browser:
            parts.append(f"AppTest: {RERUNS} reruns per case")
        if not args.no_browser:
            parts.append(
                f"Chromium: {BROWSER_CHANGES} new + {BROWSER_CHANGES} repeated pillar changes per case, "
                f"viewport {VIEWPORT[0]}x{VIEWPORT[1]}, offline"
            )
        print(
            f"\n{'; '.join(parts)}; load average {load:.1f} at start, {os.getloadavg()[0]:.1f} at end "
            f"on {os.cpu_count()} CPUs; total {time.perf_counter() - started:.0f} s."
        )
        if not args.no_browser:
            print("\nWhere a pillar change goes (the page's own timestamps, medians, after the click):")
            print("\n".join(where_notes(res)))
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {k if isinstance(k, str) else f"{k[0]}-{k[1]}": v for k, v in res.items()},
                    indent=1,
                    default=str,
                )
            )


if __name__ == "__main__":
    main()
