"""`make bench`'s API rows (issue #26 item 3): ``GET /api/v1/editions/{edition}/gaps`` on Sindh and on all of
Pakistan (the national synthetic data, bench/synth.py), p50/p95 latency at 1 and at 50 concurrent clients.

The server is the atlas as ``make run`` serves it (``streamlit run serve.py``, scripts/atlas_server.py),
on a fresh store seeded from the case's data folder, with the per-address limit off
(``ATLAS_API_REQUESTS_PER_MINUTE=0``: the bench's clients share one address); ``--bare`` serves the
API's routes alone with uvicorn (``bench/api_app.py``) instead, to see what Streamlit's server adds.
Each case warms one request per pillar choice (the first answer of a query is worked out; its time is
printed), waits until the server is idle, then times requests cycling through the choices.

The client costs little per request, so the figures are the server's: one asyncio event loop, one
keep-alive HTTP/1.1 connection per client, requests written and answers read on raw sockets (50 threads
of a full HTTP client each on 2 cores cost more CPU than the server's answer). Figures only: the issue's
budget (p95 ≤ 50 ms at 50 clients, Sindh) is printed beside them as PASS/FAIL, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))  # scripts/ is not a package
from atlas_server import free_port, start_server, stop_server

from bench.run import PILLAR_CYCLE, case_env
from cluster_model.settings import child_env_vars
from web.api import COOKIE

REQUESTS = 400  # per concurrency level (the clients share them)
CLIENTS = (1, 50)
BUDGET_MS = 50
CLIENT = "asyncio raw HTTP/1.1, one keep-alive connection per client, in one process"
SEEDED_WITHIN_S = 900  # the national store is seeded by the first request that reads it
# Public requests (kept answers after the first) and the same with a session cookie that signs no one in:
# never answered from the kept answers, so worked out in a worker thread each time (the store asked whether
# the cookie is an editor's, the bundle, the memo of rendered bodies), as every request was before #26 item 3.
PUBLIC = "public"
REQUEST_KINDS = {PUBLIC: "", "with a cookie": f"Cookie: {COOKIE}=not-a-session\r\n"}
IDLE_CPU_S = 0.05  # the server is idle when it used less CPU than this in a second (after warm-up)


def _start_bare(env: dict[str, str], db_url: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bench.api_app:app", "--port", str(port)]
        + ["--log-level", "warning", "--no-access-log"],
        cwd=REPO,
        env=child_env_vars({**env, "ATLAS_DB_URL": db_url}),
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/v1/openapi.json", timeout=5).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError("the API server did not start")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _wait_idle(pid: int, at_most_s: float = 300) -> None:
    """Until the server has finished its warm-up (serve.py prepares the Atlas's first screen)."""
    deadline = time.monotonic() + at_most_s
    used = _cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(1)
        now = _cpu_seconds(pid)
        if now - used < IDLE_CPU_S:
            return
        used = now


def _paths(edition: str) -> list[str]:
    return [f"/api/v1/editions/{edition}/gaps?pillars={','.join(p)}" for p in PILLAR_CYCLE]


async def _client(host: str, port: int, paths: list[str], start: int, n: int, headers: str) -> list[float]:
    """``n`` GETs on one keep-alive connection, each timed from writing the request to its last byte."""
    reader, writer = await asyncio.open_connection(host, port)
    times = []
    try:
        for i in range(n):
            request = (
                f"GET {paths[(start + i) % len(paths)]} HTTP/1.1\r\nHost: {host}:{port}\r\n{headers}\r\n"
            )
            started = time.perf_counter()
            writer.write(request.encode("ascii"))
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            await reader.readexactly(length)
            times.append(time.perf_counter() - started)
            if status != 200:
                raise RuntimeError(f"{paths[(start + i) % len(paths)]}: HTTP {status}")
    finally:
        writer.close()
    return times


async def _run(base: str, paths: list[str], clients: int, headers: str) -> list[float]:
    """Latencies (s) of REQUESTS requests shared by ``clients`` concurrent clients."""
    where = urlsplit(base)
    tasks = [
        _client(where.hostname, where.port, paths, n, REQUESTS // clients, headers) for n in range(clients)
    ]
    return [t for times in await asyncio.gather(*tasks) for t in times]


def _p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000


def measure(case: str, tmp: Path, bare: bool) -> tuple[dict, list[float]]:
    """({clients: (latencies, 1-minute load average before → after, server CPU per request)}, first-request
    times) for one case."""
    env, query = case_env(case, tmp)
    edition = query.get("round", "latest")  # the synthetic rounds are illustrative: served by round id
    db_url = f"sqlite:///{tmp / case / 'bench-api.db'}"
    if bare:
        server, base = _start_bare(env, db_url)
    else:
        server, base = start_server({**env, "ATLAS_API_REQUESTS_PER_MINUTE": "0"}, log_dir=tmp, db_url=db_url)
    try:
        first = []
        with httpx.Client(timeout=SEEDED_WITHIN_S) as client:
            for path in _paths(edition):  # the first request of a choice works its answer out
                started = time.perf_counter()
                client.get(base + path).raise_for_status()
                first.append(time.perf_counter() - started)
        _wait_idle(server.pid)
        figures = {}
        for (kind, headers), n in itertools.product(REQUEST_KINDS.items(), CLIENTS):
            before, cpu = os.getloadavg()[0], _cpu_seconds(server.pid)
            times = asyncio.run(_run(base, _paths(edition), n, headers))
            cpu_ms = (_cpu_seconds(server.pid) - cpu) / len(times) * 1000
            figures[kind, n] = (times, f"{before:.1f} → {os.getloadavg()[0]:.1f}", f"{cpu_ms:.2f} ms")
        return figures, first
    finally:
        stop_server(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bare", action="store_true", help="the API's routes alone (uvicorn), not serve.py")
    parser.add_argument("--cases", default="ab", help="which cases: a (Sindh), b (Pakistan); default both")
    args = parser.parse_args()
    server = (
        "uvicorn serving bench/api_app.py (the API's routes alone)" if args.bare else "streamlit run serve.py"
    )
    rows, notes = [], []
    with tempfile.TemporaryDirectory(prefix="atlas-bench-api-") as name:
        tmp = Path(name)
        for case, label in (("a", "(a) Sindh, 16 clusters"), ("b", "(b) Pakistan, 1,000 synth. clusters")):
            if case not in args.cases:
                continue
            (tmp / case).mkdir()
            print(f"[bench] API gaps, case {case} …", file=sys.stderr, flush=True)
            figures, first = measure(case, tmp, args.bare)
            notes.append(
                f"{label}: first request of each choice {', '.join(f'{t * 1000:.0f}' for t in first)} ms"
            )
            for (kind, n), (times, load, cpu_ms) in figures.items():
                verdict = ""
                if case == "a" and n == max(CLIENTS) and kind == PUBLIC:
                    verdict = f"{'PASS' if _p(times, 95) <= BUDGET_MS else 'FAIL'} (≤ {BUDGET_MS} ms)"
                p50, p95 = f"{_p(times, 50):.1f} ms", f"{_p(times, 95):.1f} ms"
                rows.append((label, kind, f"{n} client(s)", p50, p95, cpu_ms, load, verdict))
    print(
        f"\nAPI: GET /api/v1/editions/…/gaps, {REQUESTS} requests per row cycling {len(PILLAR_CYCLE)} pillar choices"
    )
    print(f"server: {server}, no rate limit; client: {CLIENT}")
    header = (
        "case",
        "requests",
        "concurrency",
        "p50",
        "p95",
        "server CPU/request",
        "load avg",
        "budget (p95)",
    )
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths)))
    print("Warm-up (answers worked out, then kept): " + "; ".join(notes))
    print(
        "Server CPU/request: the server process's CPU time over the row's requests; at 50 clients a request"
        " waits for about 50 of them, on cores shared with the load average's other processes."
    )


if __name__ == "__main__":
    main()
