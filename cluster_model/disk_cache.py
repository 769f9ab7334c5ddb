"""Derived results kept on disk between server starts, keyed by a hash of what they come from.

Used for what a start would otherwise recompute from unchanged inputs (issue #14): the
validated seed files, the display geometry of a boundary file, its TopoJSON. Files live
in ``settings().cache_dir`` (``var/cache/`` beside the data folder: generated, git-ignored), never in ``data/``. A key is a hash of the
inputs' bytes plus a hash of the code that derives them, so a changed file or a changed
rule recomputes. Anything unreadable is recomputed; a cache failure never stops the app.
Listed with every other cache in ``cluster_model.memo``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)

MAX_FILES = 64  # per folder: older entries are removed beyond this


def files_hash(paths: Iterable[Path], *code: object) -> str:
    """SHA-256 of the files' names and bytes, plus the source of the ``code`` objects (modules, functions)."""
    import inspect

    digest = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    for obj in code:
        digest.update(inspect.getsource(obj).encode() if not isinstance(obj, str) else obj.encode())
    return digest.hexdigest()


def cached(folder: Path, name: str, key: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per key: read back from ``folder/name-key.pickle`` when it is there.

    Only files this app wrote are read (the folder is the app's own ``var/cache``)."""
    path = Path(folder) / f"{name}-{key[:32]}.pickle"
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)  # our own cache file, written below
    except FileNotFoundError:
        pass
    except Exception as exc:  # noqa: BLE001 - a damaged or outdated cache is recomputed
        log.warning("cache %s unreadable (%s); recomputing", path.name, type(exc).__name__)
    value = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # all or nothing: a reader never sees half a file
        _prune(path.parent)
    except OSError as exc:  # read-only disk etc.: work without the cache
        log.warning("cannot write cache %s (%s)", path, exc)
    return value


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime)
    for old in files[:-MAX_FILES]:
        old.unlink(missing_ok=True)
