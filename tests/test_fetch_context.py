"""scripts/fetch_context.py (and `make setup`'s --if-missing path) against a fake upstream on 127.0.0.1.

The fake upstream serves files made back from the shared converted copies (UTF-8 → Windows-1252,
a byte-order mark added, the poverty CSV as a workbook): converting the two CSVs must give exactly
the bytes pinned in the script, so the conversion PROVENANCE.md describes is tested for real. The
workbook cannot be remade byte-exactly (openpyxl writes floats with 15 significant digits), so its
converted SHA-256 is pinned from this fake and its figures compared with the shared copy instead.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import io
import socket
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest
import support

from cluster_model import context as cx
from cluster_model.loading import DATA_DIR

sys.path.insert(0, str(support.REPO / "scripts"))
import fetch_boundaries
import fetch_context


@pytest.fixture(scope="module")
def upstream_files(tmp_path_factory) -> tuple[Path, dict]:
    """A folder of upstream-like files, and the FILES table pinning their SHA-256."""
    shared = cx.context_dir()
    if not (shared / cx.INDICATORS_FILE).exists():
        pytest.skip(f"no shared context files in {shared}: run `make setup`")
    root = tmp_path_factory.mktemp("upstream")
    (root / "pakistan_indicators.csv").write_bytes(
        (shared / cx.INDICATORS_FILE).read_text(encoding="utf-8").encode("cp1252")
    )
    (root / "domain_source_pak_indicators.csv").write_bytes(
        b"\xef\xbb\xbf" + (shared / cx.DEFINITIONS_FILE).read_bytes()
    )
    buffer = io.BytesIO()
    pd.read_csv(shared / cx.POVERTY_FILE).to_excel(buffer, index=False, sheet_name="Headcount")
    (root / "Povertyheadcount.xlsx").write_bytes(buffer.getvalue())
    files = {
        name: (hashlib.sha256((root / name).read_bytes()).hexdigest(), target, target_sha)
        for name, (_, target, target_sha) in fetch_context.FILES.items()
    }
    workbook_csv = fetch_context.convert("Povertyheadcount.xlsx", buffer.getvalue())
    files["Povertyheadcount.xlsx"] = (
        *files["Povertyheadcount.xlsx"][:2],
        hashlib.sha256(workbook_csv).hexdigest(),
    )
    return root, files


@pytest.fixture(scope="module")
def server(upstream_files):
    """A real HTTP server on 127.0.0.1 serving the upstream-like files; yields its base URL."""
    root, _ = upstream_files
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once closed


def test_download_verify_convert_gives_the_shared_bytes(server, upstream_files, tmp_path):
    _, files = upstream_files
    out = tmp_path / "context"
    notes = fetch_context.fetch(out, base_url=server, files=files)
    assert sorted(p.name for p in out.iterdir()) == sorted(t for _, t, _ in files.values())
    for name, (_, target, target_sha) in files.items():
        assert hashlib.sha256((out / target).read_bytes()).hexdigest() == target_sha
        if name != "Povertyheadcount.xlsx":  # the real pinned value: byte-identical to the shared copy
            assert target_sha == fetch_context.FILES[name][2]
            assert (out / target).read_bytes() == (cx.context_dir() / target).read_bytes()
    pd.testing.assert_frame_equal(
        pd.read_csv(out / cx.POVERTY_FILE), pd.read_csv(cx.context_dir() / cx.POVERTY_FILE), rtol=1e-12
    )
    assert sum("SHA-256 verified" in n for n in notes) == 3
    # And the app reads the downloaded folder like the shared one.
    ctx = cx.load_context(out, DATA_DIR, "Sindh", None)
    assert ctx.issues == [] and "adult_literacy" in set(ctx.indicators["indicator_id"])


def test_corrupt_download_writes_nothing(server, upstream_files, tmp_path):
    _, files = upstream_files
    bad = dict(files)
    name = "Povertyheadcount.xlsx"
    bad[name] = ("0" * 64, *files[name][1:])
    out = tmp_path / "context"
    with pytest.raises(
        fetch_context.FetchError,
        match="Povertyheadcount.xlsx: downloaded bytes have SHA-256 .* nothing was written",
    ):
        fetch_context.fetch(out, base_url=server, files=bad)
    assert not out.exists() or not any(out.iterdir())  # all-or-nothing: not even the two good files


def test_conversion_that_differs_from_the_shared_copy_is_refused(server, upstream_files, tmp_path):
    _, files = upstream_files
    bad = dict(files)
    name = "pakistan_indicators.csv"
    bad[name] = (files[name][0], files[name][1], "f" * 64)
    with pytest.raises(fetch_context.FetchError, match="converted file has SHA-256"):
        fetch_context.fetch(tmp_path / "c", base_url=server, files=bad)


def test_missing_upstream_file_is_named(server, upstream_files, tmp_path):
    _, files = upstream_files
    with pytest.raises(fetch_context.FetchError, match="404"):
        fetch_context.fetch(tmp_path / "c", base_url=server + "/moved", files=files)


def test_offline_says_what_to_do(tmp_path):
    with pytest.raises(fetch_context.FetchError) as info:
        fetch_context.fetch(tmp_path / "c", base_url=f"http://127.0.0.1:{_closed_port()}")
    message = str(info.value)
    assert "could not reach 127.0.0.1" in message and "ATLAS_CONTEXT" in message and "make setup" in message


def test_setup_step_downloads_when_missing_and_never_fails(
    monkeypatch, server, upstream_files, tmp_path, capsys
):
    _, files = upstream_files
    monkeypatch.setenv("ATLAS_CONTEXT", str(tmp_path / "none"))
    monkeypatch.setattr(fetch_context, "FILES", files)
    monkeypatch.setattr(fetch_context, "UPSTREAM_BASE", server)
    out = tmp_path / "var-context"
    assert fetch_context.main(["--if-missing", "--out", str(out)]) == 0
    assert (out / cx.INDICATORS_FILE).exists()
    # Offline: a warning with what to do, exit 0 so `make run` still starts the atlas.
    monkeypatch.setattr(fetch_context, "UPSTREAM_BASE", f"http://127.0.0.1:{_closed_port()}")
    assert fetch_context.main(["--if-missing", "--out", str(tmp_path / "other")]) == 0
    err = capsys.readouterr().err
    assert "WARNING: district context not downloaded" in err and "still starts" in err
    # Present: nothing downloaded.
    monkeypatch.setenv("ATLAS_CONTEXT", str(out))
    assert fetch_context.main(["--if-missing", "--out", str(tmp_path / "third")]) == 0
    assert not (tmp_path / "third").exists() and "present" in capsys.readouterr().out


def test_boundaries_setup_step_offline_warns_and_continues(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("ATLAS_BOUNDARIES", str(tmp_path / "none.geojson"))
    monkeypatch.setattr(
        fetch_boundaries, "UPSTREAM_URL", f"http://127.0.0.1:{_closed_port()}/geography.topojson.json"
    )
    monkeypatch.setattr(
        fetch_boundaries.fetch, "__defaults__", (fetch_boundaries.DEFAULT_OUT, fetch_boundaries.UPSTREAM_URL)
    )
    assert fetch_boundaries.main(["--if-missing", "--out", str(tmp_path / "b")]) == 0
    err = capsys.readouterr().err
    assert "WARNING: boundaries not downloaded" in err and "could not reach 127.0.0.1" in err
    assert not (tmp_path / "b").exists()
