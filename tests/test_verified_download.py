"""scripts/verified_download.py: HTTPS only, pinned hashes, whole files or none."""

from __future__ import annotations

import sys

import pytest
import support

sys.path.insert(0, str(support.REPO / "scripts"))
import verified_download as vd


def test_plain_http_is_refused_except_from_this_machine():
    with pytest.raises(vd.DownloadError, match="only HTTPS"):
        vd.download("http://registry.example.org/x.tgz", offline_hint="")
    with pytest.raises(vd.DownloadError, match="only HTTPS"):
        vd.download("ftp://example.org/x", offline_hint="")


def test_hex_and_npm_integrity_are_both_checked():
    data = b"leaflet"
    assert vd.matches(data, vd.sha256_hex(data))
    integrity = vd._actual(data, "sha512-x")
    assert integrity.startswith("sha512-") and vd.matches(data, integrity)
    with pytest.raises(
        vd.DownloadError, match="x.tgz: downloaded bytes have integrity .* nothing was written"
    ):
        vd.verify(b"tampered", integrity, "x.tgz")
    with pytest.raises(vd.DownloadError, match=r"SHA-256 .* \(PROVENANCE.md\)"):
        vd.verify(b"tampered", vd.sha256_hex(data), "f.csv", pinned_in=" (PROVENANCE.md)")


def test_writes_leave_no_partial_or_temporary_files(tmp_path):
    vd.write_files(tmp_path / "out", {"a.csv": b"1", "b.csv": b"2"})
    vd.write_atomic(tmp_path / "out" / "a.csv", b"new")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.csv", "b.csv"]
    assert (tmp_path / "out" / "a.csv").read_bytes() == b"new"
    staging = tmp_path / "staging"
    staging.mkdir()
    (staging / "lib.js").write_text("v2")
    target = tmp_path / "vendor" / "lib-1"
    target.mkdir(parents=True)
    (target / "old.js").write_text("v1")
    vd.replace_folder(staging, target)
    assert [p.name for p in target.iterdir()] == ["lib.js"]
    assert [p.name for p in target.parent.iterdir()] == ["lib-1"]  # nothing left beside it


def test_setup_step_skips_present_files_and_only_warns_when_offline_in_setup(capsys):
    calls = []

    def offline():
        calls.append("fetch")
        raise vd.DownloadError("could not reach example.org (no route). Copy the files by hand")

    def fetched():
        calls.append("fetch")
        return ["wrote a.csv"]

    step = dict(what="the files", still_starts="The atlas still starts.")
    # Present: said so, nothing downloaded.
    assert vd.setup_step(offline, if_missing=True, present=lambda: (True, "files present in x"), **step) == 0
    assert calls == [] and "files present in x" in capsys.readouterr().out
    # Missing, offline, in `make setup`: a warning with what to do, exit 0.
    assert vd.setup_step(offline, if_missing=True, present=lambda: (False, "not found in x"), **step) == 0
    out, err = capsys.readouterr()
    assert calls == ["fetch"] and "not found in x" in out
    assert "WARNING: the files not downloaded: could not reach example.org" in err
    assert "Copy the files by hand" in err and "The atlas still starts." in err
    # Run by hand, offline: an error, exit 1; presence is not asked.
    never = lambda: pytest.fail("presence checked without --if-missing")
    assert vd.setup_step(offline, if_missing=False, present=never, **step) == 1
    err = capsys.readouterr().err
    assert "error: the files not downloaded: could not reach" in err and "still starts" not in err
    # Downloaded: its notes printed, exit 0.
    assert vd.setup_step(fetched, if_missing=False, present=never, **step) == 0
    assert "wrote a.csv" in capsys.readouterr().out
