"""Setting up says what to do, does nothing twice, and the server asks the internet nothing (issue #24 item 21)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
import atlas_server
import fetch_boundaries

from cluster_model.issues import DataFileError
from geo.boundaries import load_boundaries


def test_offline_boundary_warning_says_where_to_copy_the_files():
    hint = fetch_boundaries.OFFLINE_HINT
    assert f"to {fetch_boundaries.SHARED_DIR}" in hint
    assert f"from {fetch_boundaries.SHARED_DIR}" not in hint


def test_missing_boundary_file_names_shared_and_make_setup(tmp_path):
    with pytest.raises(DataFileError) as info:
        load_boundaries(tmp_path / "sindh_adm2.geojson")
    hint = info.value.issue.hint
    assert "../shared/boundaries" in hint and "make setup" in hint


def _executable(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def test_font_check_installs_nothing_when_dejavu_is_there(tmp_path):
    # fc-list prints far more than a pipe holds after the match, as on a machine with many fonts:
    # `grep -q` stops reading at the match and fc-list dies of SIGPIPE (141) under pipefail.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _executable(
        bin_dir / "fc-list",
        "#!/bin/sh\necho '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf: DejaVu Sans:style=Book'\n"
        'i=0; while [ $i -lt 20000 ]; do echo "/usr/share/fonts/other/Font$i.ttf: Other $i:style=Regular"; '
        "i=$((i+1)); done\n",
    )
    asked = tmp_path / "apt-get.calls"
    _executable(bin_dir / "apt-get", f'#!/bin/sh\necho "$@" >> {asked}\n')
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "scripts/system_packages.sh", "fonts"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    said = done.stdout + done.stderr + (asked.read_text() if asked.exists() else "")
    assert "fonts-dejavu-core" not in said
    if Path("/usr/share/fonts/opentype/lateef/Lateef-Regular.ttf").exists():
        assert not asked.exists(), said  # every font there: no apt-get update, no install


def test_server_start_asks_no_outside_host_for_an_address(tmp_path):
    # Started as `make run` starts it: no --server.address, so Streamlit decides what URLs to print.
    port = atlas_server.free_port()
    log_path = tmp_path / "server.log"
    env = {**atlas_server.child_env(db_url=atlas_server.temp_store_url()), "PYTHONUNBUFFERED": "1"}
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port)],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        # The banner is printed after the addresses are worked out (an outside lookup comes first).
        deadline = time.time() + atlas_server.HEALTHY_WITHIN_S
        while "You can now view" not in log_path.read_text() and proc.poll() is None:
            assert time.time() < deadline, log_path.read_text()
            time.sleep(0.3)
        text = log_path.read_text()
    finally:
        atlas_server.stop_server(proc)
    assert "You can now view" in text, text
    assert "External URL" not in text and "Did not auto detect external IP" not in text, text
    assert f"localhost:{port}" in text
