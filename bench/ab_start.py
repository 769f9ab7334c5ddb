"""Server start -> map painted, this code against another copy of it, interleaved (#28's A/B of the map bundle).

    git archive main | tar -x -C /tmp/before      # the code before, beside a ../shared like this one's
    cp -r static/vendor /tmp/before/static/   # a copy: Streamlit refuses to serve a symlink out of static/
    .venv/bin/python bench/ab_start.py /tmp/before [--rounds 3] [--case a]

Each round measures both (``bench/browser.py``: a set-up start, then ``START_SAMPLES`` measured starts,
each with a fresh browser context), the order swapped every round so neither always runs on the
quieter machine. Prints the medians, every start and the load average; asserts nothing.

``--page-loads N``: both servers started once, then N page loads of each, alternating, each in a fresh
browser context (a cold HTTP cache): page opened -> map painted, and how long the map's frame spent
fetching its scripts (first script request to last script received, the frame's resource timing).
Quicker than whole starts, and closer to what the bundle changes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MAP_IFRAME,
    _Server,
    _wait_painted,
    measure,
    offline_context,
)
from bench.run import case_env

# The map frame's script fetches: how many, and first request -> last response (ms).
SCRIPTS_JS = """() => { const s = performance.getEntriesByType('resource').filter(e => e.initiatorType === 'script');
  return {n: s.length, chain_ms: s.length ? Math.max(...s.map(e => e.responseEnd)) - Math.min(...s.map(e => e.startTime)) : null}; }"""


def page_loads(
    browser, copies: dict[str, Path], env: dict[str, str], query: dict[str, str], tmp: Path, n: int
) -> None:
    """Page opened -> map painted on running servers, alternating, each load in a fresh context."""
    servers = {}
    for name, copy in copies.items():
        store = {"ATLAS_DB_URL": f"sqlite:///{tempfile.mkdtemp(prefix='store-', dir=tmp)}/atlas.db"}
        servers[name] = _Server(copy / "serve.py", {**store, **env}, tmp / f"ab-{name}.log", copy)
    query_s = "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    figures: dict[str, list[tuple[float, dict]]] = {name: [] for name in copies}
    loads = []
    try:
        for i in range(n + 1):  # the first load of each is the first visitor's (warm-up, set-up): not counted
            for name in list(copies)[:: 1 if i % 2 == 0 else -1]:
                ctx = offline_context(browser, [], marks=False)
                page = ctx.new_page()
                t0 = time.perf_counter()
                page.goto(servers[name].url + query_s, wait_until="domcontentloaded")
                _wait_painted(page)
                painted = time.perf_counter() - t0
                scripts = page.query_selector(MAP_IFRAME).content_frame().evaluate(SCRIPTS_JS)
                ctx.close()
                loads.append(os.getloadavg()[0])
                if i:
                    figures[name].append((painted, scripts))
                print(f"[ab] load {i} {name}: {painted:.3f} s {scripts}", file=sys.stderr, flush=True)
    finally:
        for server in servers.values():
            server.stop()
    for name, values in figures.items():
        chain = [s["chain_ms"] for _, s in values if s["chain_ms"] is not None]
        print(
            f"{name}: page opened -> map painted median {statistics.median(p for p, _ in values):.3f} s "
            f"of {len(values)}; map frame's scripts: {values[0][1]['n']} fetched, "
            f"first request -> last response median {statistics.median(chain):.0f} ms"
        )
    print(f"load average {min(loads):.1f}–{max(loads):.1f} on {os.cpu_count()} CPUs")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", type=Path, help="the other copy of the code (its serve.py is started)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--case", choices=("a", "b"), default="a")
    ap.add_argument(
        "--page-loads", type=int, default=0, help="page loads on running servers instead of starts"
    )
    args = ap.parse_args()
    copies = {"before": args.before.resolve(), "after": REPO}
    samples: dict[str, list[float]] = {name: [] for name in copies}
    loads: list[float] = []
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="atlas-ab-") as tmpname, sync_playwright() as p:
        tmp = Path(tmpname)
        env, query = case_env(args.case, tmp)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        if args.page_loads:
            page_loads(browser, copies, env, query, tmp, args.page_loads)
            browser.close()
            return
        for n in range(args.rounds):
            for name in list(copies)[:: 1 if n % 2 == 0 else -1]:
                out = measure(
                    copies[name] / "serve.py", env, query, tmp, n_changes=0, browser=browser, cwd=copies[name]
                )
                samples[name] += out["start_samples_s"]
                loads += out["load"]
                print(
                    f"[ab] round {n + 1} {name}: {out['start_samples_s']} load {out['load']}",
                    file=sys.stderr,
                    flush=True,
                )
        browser.close()
    for name, values in samples.items():
        print(f"{name}: median {statistics.median(values):.3f} s of {len(values)} starts {sorted(values)}")
    print(f"case ({args.case}); load average {min(loads):.1f}–{max(loads):.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
