"""Geometry-derived results (TopoJSON, label points, markers, snapshot geometry) computed once per
content, not per frame object: the same data give the same key, however often a page reloads them.

Kept in this process (a few dozen entries) and, when asked, in var/cache/ between starts
(cluster_model.disk_cache).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import pandas as pd

from cluster_model import disk_cache
from cluster_model.settings import settings

# The Atlas rebuilds its map on every rerun, and these cost 0.1-0.5 s on a national map.
_derived_cache: dict[tuple, object] = {}
_DERIVED_CACHE_SIZE = 32


def content_key(frame: pd.DataFrame, columns: Iterable[str], geometry: bool = False) -> str:
    """A hash of ``frame``'s values in ``columns`` (and its geometry as WKB): the same data give the same key."""
    digest = hashlib.sha256()
    cols = [c for c in columns if c in frame.columns]
    digest.update(repr(cols).encode())
    digest.update(pd.util.hash_pandas_object(frame[cols].astype(str), index=False).to_numpy().tobytes())
    if geometry:
        for wkb in frame.geometry.to_wkb():
            digest.update(wkb or b"")
    return digest.hexdigest()


def derived(key: tuple, compute, on_disk=None):
    """``compute()`` once per key in this process; with ``on_disk`` (the function that computes it),
    also kept in var/cache/ between starts, keyed by the content and that function's code."""
    if key not in _derived_cache:
        if len(_derived_cache) >= _DERIVED_CACHE_SIZE:
            _derived_cache.pop(next(iter(_derived_cache)))  # oldest first
        if on_disk is not None:
            disk_key = disk_cache.files_hash([], repr(key), on_disk)
            _derived_cache[key] = disk_cache.cached(settings().cache_dir / "map", key[0], disk_key, compute)
        else:
            _derived_cache[key] = compute()
    return _derived_cache[key]
