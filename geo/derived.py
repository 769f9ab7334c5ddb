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


# Pages hand the same frames rerun after rerun (the atlas's districts, a view's sites; read-only, as
# views are): the key is remembered per frame object, so a rerun does not hash 2,000 sites and 156
# geometries again (~20 ms of a national rerun, #14). The frame is held with its key, so its id is not reused.
_keys_by_frame: dict[tuple, tuple[pd.DataFrame, str]] = {}
_KEYS_BY_FRAME_SIZE = 64


def content_key(frame: pd.DataFrame, columns: Iterable[str], geometry: bool = False) -> str:
    """A hash of ``frame``'s values in ``columns`` (and its geometry as WKB): the same data give the same key."""
    columns = tuple(columns)
    memo = (id(frame), columns, geometry)
    hit = _keys_by_frame.get(memo)
    if hit is not None and hit[0] is frame:
        return hit[1]
    key = _content_key(frame, columns, geometry)
    if len(_keys_by_frame) >= _KEYS_BY_FRAME_SIZE:
        _keys_by_frame.pop(next(iter(_keys_by_frame)), None)  # oldest first
    _keys_by_frame[memo] = (frame, key)
    return key


def _content_key(frame: pd.DataFrame, columns: tuple, geometry: bool) -> str:
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
