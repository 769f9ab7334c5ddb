"""Download a pinned file, check it against its pinned hash, write it whole or not at all.

Shared by the setup scripts that bring files from outside (fetch_boundaries.py, fetch_context.py,
install_map_assets.py) and install_web_fonts.py (which copies a pinned file out of a wheel):
HTTPS only (plain HTTP only from this machine, for the tests' local servers); a hash pinned in the
script is what makes a download trustworthy; without network, an error that says what to do; a
reader never sees half a file. ``setup_step`` is the fetch scripts' ``--if-missing`` flow for ``make setup``.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


class DownloadError(Exception):
    pass


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _actual(data: bytes, expected: str) -> str:
    """The digest of ``data`` in the form of ``expected``: hex SHA-256, or an npm/SRI ``<algo>-<base64>``."""
    algo, dash, _ = expected.partition("-")
    if dash:
        return f"{algo}-{base64.b64encode(hashlib.new(algo, data).digest()).decode()}"
    return sha256_hex(data)


def matches(data: bytes, expected: str) -> bool:
    return _actual(data, expected) == expected


def verify(data: bytes, expected: str, what: str, *, pinned_in: str = "") -> None:
    """DownloadError unless ``data`` has the pinned digest (hex SHA-256 or ``sha512-…`` integrity)."""
    actual = _actual(data, expected)
    if actual != expected:
        kind = "SHA-256" if "-" not in expected else "integrity"
        raise DownloadError(
            f"{what}: downloaded bytes have {kind} {actual}, expected {expected}{pinned_in}: "
            "upstream changed or the download is corrupt; nothing was written"
        )


def download(url: str, *, offline_hint: str, timeout: float = 60) -> bytes:
    """The bytes at ``url`` (HTTPS); DownloadError naming the host and what to do when it cannot be reached."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme != "https" and not (parsed.scheme == "http" and parsed.hostname in LOOPBACK_HOSTS):
        raise DownloadError(f"{url}: only HTTPS downloads are accepted")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        raise DownloadError(
            f"{url} answered {exc.code} {exc.reason}: the upstream file moved or the URL is wrong"
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        raise DownloadError(
            f"could not reach {parsed.netloc} ({getattr(exc, 'reason', exc)}). {offline_hint}"
        ) from None


def download_verified(url: str, expected: str, what: str, *, offline_hint: str, pinned_in: str = "") -> bytes:
    data = download(url, offline_hint=offline_hint)
    verify(data, expected, what, pinned_in=pinned_in)
    return data


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` through a temporary file in the same folder: a reader sees the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as tmp:
        tmp.write(data)
    os.replace(tmp.name, path)


def write_files(folder: Path, files: dict[str, bytes]) -> None:
    """Write every file of ``files`` into ``folder``, each atomically (call once all are verified)."""
    for name, data in files.items():
        write_atomic(folder / name, data)


def replace_folder(staging: Path, target: Path) -> None:
    """Put a complete copy of ``staging`` at ``target``, replacing what was there in one rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    shutil.copytree(staging, incoming, dirs_exist_ok=True)
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
        os.replace(incoming, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(incoming, target)


def setup_step(
    fetch: Callable[[], Iterable[str]],
    *,
    what: str,
    if_missing: bool,
    present: Callable[[], tuple[bool, str]],
    still_starts: str,
) -> int:
    """Run a fetch script's download and return its exit code (fetch_boundaries.py, fetch_context.py).

    With ``if_missing`` (``make setup``): ``present()`` says whether the app already has the files and the
    line to print; when it has them nothing is downloaded, and a failed download is a warning saying
    ``still_starts``, exit 0, so the setup goes on. Without it a failed download is an error, exit 1.
    """
    if if_missing:
        found, line = present()
        print(line)
        if found:
            return 0
    try:
        for note in fetch():
            print(note)
    except DownloadError as exc:
        print(f"{'WARNING' if if_missing else 'error'}: {what} not downloaded: {exc}", file=sys.stderr)
        if if_missing:
            print(still_starts, file=sys.stderr)
            return 0
        return 1
    return 0
