"""The one in-process memo, and the table of every cache the atlas keeps.

:class:`Memo` is a small bounded, thread-safe get-or-compute map: Streamlit runs each session in a
thread, so two sessions asking for the same key at once must get one computation, not two, and
never a half-updated dict. Least recently used entries go first beyond ``size``. A value is
computed under its key's own lock (not the memo's), so keys compute in parallel and a memoised
value may build on another key of the same memo. No dependency: ``cachetools.cached`` computes
outside its lock (two sessions compute the same key), so a get-or-compute wrapper would be
needed on top of it anyway.

Every cache the atlas keeps, in one place (keys are content or revisions, never a bare ``id()``):

1. ``st.cache_resource`` (ui/data_access.py, ui/context_access.py, ui/i18n.py): the store's engine,
   the validated seed, the display boundaries, ``AtlasData``, the district context, the names table.
   Key: data folder mtimes, store revision, boundary file mtime, province, context folder mtimes,
   names file mtime. Bound: 4 per function (engine and names: one per URL or file).
   Invalidated when a file in data/ is saved, the store is written (its revision), a boundary or
   context file changes, or a page clears it after a write.
2. ``AtlasData.memo`` (ui/data_access.py, a Memo): per-round results shared by all sessions (views,
   linkages, survey reasons). Key: (what, round, filters, language). Bound: 128.
   Invalidated with its ``AtlasData`` (a new store revision or file builds a new one).
3. ``View._keep`` (cluster_model/view.py, a Memo): the matrix, scores, gaps, classes and rendered
   products of one view, and on a round's view its linkages and district context. Key: (what, filters).
   Bound: 256. Invalidated with the view (other filters, another data revision or context file make a
   new View). Inside them, each a Memo: the round's link tables (``linkages.LinkageView``, key (what,
   cluster or district), bound 256) and the context figures' tables (``context.ContextFigures``, key
   (what, figure or district), bound 64), dropped with their view.
4. Derived results (geo/derived.py ``derived``, a Memo): TopoJSON, label points, markers, snapshot
   geometry. Key: (what, ``content_key``: SHA-256 of the frame's values and geometry WKB, parameters).
   Bound: 32. Never stale: new content gives a new key.
5. Frame keys (geo/derived.py ``content_key``, a Memo): the content key per frame object, so a rerun
   does not hash 2,000 sites and 156 geometries again. Key: (``id(frame)``, columns, geometry), the
   frame held beside its key so its id cannot be reused while the entry lives. Bound: 64.
   Invalidated when the entry is evicted; frames handed to it are read-only (as views are).
6. Disk cache (cluster_model/disk_cache.py, ``var/cache/``, between starts): the seed dataset, the
   display boundaries, TopoJSON, label points. Key: SHA-256 of the inputs' bytes and of the deriving
   code's source. Bound: 64 files per folder, oldest first. Invalidated when the inputs or the code
   change (new key); an unreadable file is recomputed.
7. ``functools.lru_cache`` (cluster_model/i18n.py; outputs/pdf.py): a translator per catalogue, key
   (language, path, mtime), bound 8, re-read when the .po file changes; the code points the PDF
   fonts cover, bound 1, fonts are installed once per process.
8. Names look-up by English (ui/i18n.py, an attribute on the cached names object): bound and
   invalidation those of the names object (a new names.csv builds a new object).
9. Generated static files (static/generated/, geo/atlas_map.py ``_served_url``): the Atlas map's
   districts, markers and legend served as files, each named by a hash of its content; and the map's
   one script (``geo.offline.build_map_bundle``, built by ``make setup``, again on import when a source
   changed). No bound (not pruned yet). Never stale: new content, new file name.
10. The API's answers (web/api.py ``Source.kept``, a Memo kept as one entry of ``AtlasData.memo``): what
   a name resolves to, an edition's narrowed bundle, checksums, rendered JSON/CSV bodies, data packages.
   Key: (what, ETag: the edition's checksum, route, query and format; base URL). Bound: 512, apart from
   the pages' 128 so API traffic never evicts their views. Invalidated with its ``AtlasData``.
11. The API's ready answers (web/api.py ``KeptAnswers``, a Memo): the bytes and headers of answers anyone
   may read (never a draft, never for a request with a session cookie), sent from the event loop.
   Key: (data key: ``ui.data_access.data_key``, URL, format). Bound: 1024. Invalidated when the data
   key changes, read at most once a second (``web.api.STALE_SECONDS``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


class Memo:
    """``compute()`` once per key, at most ``size`` entries, least recently used dropped first."""

    def __init__(self, size: int):
        if size < 1:
            raise ValueError("a memo holds at least one entry")
        self.size = size
        self._values: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()  # guards the two dicts only, never held while computing
        self._computing: dict[Hashable, threading.RLock] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value kept under ``key``, else ``compute()`` (once, however many threads ask at once)."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            key_lock = self._computing.setdefault(key, threading.RLock())
        with key_lock:  # the second thread asking for this key waits here, then finds the value
            with self._lock:
                if key in self._values:
                    self._values.move_to_end(key)
                    return self._values[key]
            try:
                value = compute()
            except BaseException:
                with self._lock:
                    self._computing.pop(key, None)
                raise
            with self._lock:  # stored and unmarked at once: no third thread starts it again in between
                self._values[key] = value
                self._computing.pop(key, None)
                while len(self._values) > self.size:
                    self._values.popitem(last=False)
            return value

    def peek(self, key: Hashable, default=None):
        """The value kept under ``key`` without computing it (nor counting as a use)."""
        with self._lock:
            return self._values.get(key, default)

    def use(self, key: Hashable, default=None):
        """The value kept under ``key`` without computing it, counted as a use (kept longer than the rest)."""
        with self._lock:
            if key not in self._values:
                return default
            self._values.move_to_end(key)
            return self._values[key]

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._values

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)

    def keys(self) -> list:
        """The keys, least recently used first."""
        with self._lock:
            return list(self._values)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
