"""Server start -> map painted, this code against another copy of it, interleaved (#28's A/B of the map bundle).

    git archive main | tar -x -C /tmp/before      # the code before, beside a ../shared like this one's
    cp -r static/vendor /tmp/before/static/   # a copy: Streamlit refuses to serve a symlink out of static/
    .venv/bin/python bench/ab_start.py /tmp/before [--rounds 3] [--case a]

Each round measures both (``bench/browser.py``: a set-up start, then ``START_SAMPLES`` measured starts,
each with a fresh browser context), the order swapped every round so neither always runs on the
quieter machine. Prints the medians, every start and the load average; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.browser import CHROMIUM, CHROMIUM_ARGS, measure
from bench.run import case_env


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", type=Path, help="the other copy of the code (its serve.py is started)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--case", choices=("a", "b"), default="a")
    args = ap.parse_args()
    copies = {"before": args.before.resolve(), "after": REPO}
    samples: dict[str, list[float]] = {name: [] for name in copies}
    loads: list[float] = []
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="atlas-ab-") as tmpname, sync_playwright() as p:
        tmp = Path(tmpname)
        env, query = case_env(args.case, tmp)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
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
