"""Start the real atlas (``streamlit run serve.py``, as ``make run``) on a free local port, wait until it is healthy, stop it.

Used by scripts/screenshots.py and the browser tests (tests/browser/browser_support.py). The
server gets a store of its own unless the caller names one, so it never writes to the
developer's var/atlas.db.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from cluster_model.settings import child_env, settings

HEALTHY_WITHIN_S = 90  # a cold start imports geopandas, folium and the store: seconds under load


# Headless Debian Chromium as the tests, the screenshots and the benches launch it: no background
# traffic of its own, so "nothing requested from outside" is the page's doing alone.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class ServerError(RuntimeError):
    pass


def chromium_path() -> str | None:
    """Debian's chromium (ATLAS_CHROMIUM names another), or None when it is not installed."""
    return settings().chromium or shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def temp_store_url() -> str:
    """A SQLite store of its own (seeded from data/ on first start)."""
    return f"sqlite:///{tempfile.mkdtemp(prefix='atlas-store-')}/atlas.db"


def start_server(
    env: dict[str, str] | None = None, *, log_dir: Path | None = None, db_url: str | None = None
) -> tuple[subprocess.Popen, str]:
    """Start the atlas and return (process, base URL) once ``/_stcore/health`` answers.

    ``env``: extra environment variables for the server; ``db_url``: its store (default: a
    fresh temporary one). The server's output goes to ``<log_dir>/streamlit-<port>.log``.
    """
    port = free_port()
    log_dir = log_dir or Path(tempfile.gettempdir())
    log_dir.mkdir(parents=True, exist_ok=True)
    server_env = {**child_env(db_url=db_url or temp_store_url()), **(env or {})}
    log = open(log_dir / f"streamlit-{port}.log", "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "serve.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=REPO,
        env=server_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + HEALTHY_WITHIN_S
    while time.time() < deadline:
        if proc.poll() is not None:
            raise ServerError(f"streamlit exited early; see {log.name}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    stop_server(proc)
    raise ServerError(f"streamlit did not become healthy in {HEALTHY_WITHIN_S} s; see {log.name}")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def running_server(
    env: dict[str, str] | None = None, *, log_dir: Path | None = None, db_url: str | None = None
) -> Iterator[str]:
    """``with running_server() as url:`` the atlas at ``url``, stopped afterwards."""
    proc, url = start_server(env, log_dir=log_dir, db_url=db_url)
    try:
        yield url
    finally:
        stop_server(proc)
