"""Geometry-derived results (TopoJSON, label points, markers, snapshot geometry) computed once per
content, not per frame object: the same data give the same key, however often a page reloads them.

Kept in this process (a few dozen entries, cluster_model.memo) and, when asked, in var/cache/ between
starts (cluster_model.disk_cache); both are listed with every other cache in cluster_model.memo.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import pandas as pd

from cluster_model import disk_cache
from cluster_model.memo import Memo
from cluster_model.settings import settings

# The Atlas rebuilds its map on every rerun, and these cost 0.1-0.5 s on a national map.
_derived_cache = Memo(32)


# Pages hand the same frames rerun after rerun (the atlas's districts, a view's sites; read-only, as
# views are): the key is remembered per frame object, so a rerun does not hash 2,000 sites and 156
# geometries again (~20 ms of a national rerun, #14). Keyed by id() for speed: the frame is held with
# its key, so while the entry lives no other frame can get its id.
_keys_by_frame = Memo(64)


def content_key(frame: pd.DataFrame, columns: Iterable[str], geometry: bool = False) -> str:
    """A hash of ``frame``'s values in ``columns`` (and its geometry as WKB): the same data give the same key."""
    columns = tuple(columns)
    # The entry holds the frame itself (first item), which is what keeps its id from being reused.
    _frame, key = _keys_by_frame.get(
        (id(frame), columns, geometry), lambda: (frame, _content_key(frame, columns, geometry))
    )
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
    if on_disk is None:
        return _derived_cache.get(key, compute)

    def from_disk():
        disk_key = disk_cache.files_hash([], repr(key), on_disk)
        return disk_cache.cached(settings().cache_dir / "map", key[0], disk_key, compute)

    return _derived_cache.get(key, from_disk)
