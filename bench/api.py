"""`make bench`'s API rows (issue #26 item 3): ``GET /api/v1/editions/{edition}/gaps`` on Sindh and on all of
Pakistan (the national synthetic data, bench/synth.py), p50/p95 latency at 1 and at 50 concurrent clients.

Each case starts its own server process (uvicorn serving ``bench/api_app.py``: the API's routes as serve.py
mounts them, no rate limit) on a fresh store seeded from the case's data folder, warms it with one request
per pillar choice, then times requests cycling through the bench's pillar choices. Figures only: the issue's
budget (p95 ≤ 50 ms at 50 clients, Sindh) is printed beside them, never asserted.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.run import PILLAR_CYCLE, case_env
from cluster_model.settings import child_env_vars

REQUESTS = 400  # per concurrency level (the 50 clients share them)
CLIENTS = (1, 50)
BUDGET_MS = 50


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(env: dict[str, str], tmp: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.api_app:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=REPO,
        env=child_env_vars({**env, "ATLAS_DB_URL": f"sqlite:///{tmp / 'bench-api.db'}"}),
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 900  # the national store is seeded on the first start
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/v1/openapi.json", timeout=5).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError("the API server did not start")


def _urls(base: str, edition: str) -> list[str]:
    return [f"{base}/api/v1/editions/{edition}/gaps?pillars={','.join(p)}" for p in PILLAR_CYCLE]


def _timed(client: httpx.Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed


def _run(urls: list[str], clients: int) -> list[float]:
    """Latencies (s) of REQUESTS requests shared by ``clients`` concurrent clients (one connection each)."""
    per_client = REQUESTS // clients

    def one_client(n: int) -> list[float]:
        with httpx.Client(timeout=120) as client:
            return [_timed(client, urls[(n + i) % len(urls)]) for i in range(per_client)]

    with ThreadPoolExecutor(clients) as pool:
        return [t for times in pool.map(one_client, range(clients)) for t in times]


def _p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000


def measure(case: str, tmp: Path) -> dict:
    env, query = case_env(case, tmp)
    edition = query.get("round", "latest")  # the synthetic rounds are illustrative: served by round id
    server, base = _start(env, tmp / case)
    try:
        urls = _urls(base, edition)
        with httpx.Client(timeout=900) as client:
            for url in urls:  # warm: the first request of a choice builds its view
                client.get(url).raise_for_status()
        return {n: _run(urls, n) for n in CLIENTS}
    finally:
        server.terminate()
        server.wait(timeout=60)


def main() -> None:
    load = os.getloadavg()[0]
    rows = []
    with tempfile.TemporaryDirectory(prefix="atlas-bench-api-") as name:
        tmp = Path(name)
        for case, label in (("a", "(a) Sindh, 16 clusters"), ("b", "(b) Pakistan, 1,000 synth. clusters")):
            (tmp / case).mkdir()
            print(f"[bench] API gaps, case {case} …", file=sys.stderr, flush=True)
            figures = measure(case, tmp)
            for n, times in figures.items():
                budget = f"≤ {BUDGET_MS} ms" if case == "a" and n == 50 else ""
                rows.append(
                    (label, f"{n} client(s)", f"{_p(times, 50):.1f} ms", f"{_p(times, 95):.1f} ms", budget)
                )
    print(
        f"\nAPI: GET /api/v1/editions/…/gaps ({REQUESTS} requests per row; load average {load:.1f} at start)"
    )
    header = ("case", "concurrency", "p50", "p95", "budget (p95)")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths)))


if __name__ == "__main__":
    main()
