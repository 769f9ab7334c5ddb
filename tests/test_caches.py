"""The in-process caches (cluster_model.memo, whose docstring lists every cache): bounded, least recently
used dropped first, one computation per key however many session threads ask at once, keyed by content."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from cluster_model.memo import Memo
from cluster_model.view import View
from geo import derived
from ui.data_access import AtlasData

THREADS = 8


def _view() -> View:
    return View(round_id=None, round_label="r", illustrative=False, pillars=[], sectors=[], districts=[])


def _atlas() -> AtlasData:
    return AtlasData(dataset=None, districts=None, boundary_file=Path("none"), sites=pd.DataFrame())


def _memoisers():
    """Each in-process cache as ``get(key, compute)`` over a fresh cache."""
    yield "Memo", Memo(16).get
    yield "AtlasData.memo", _atlas().memo
    yield "View.keep", _view().keep
    derived._derived_cache.clear()
    yield "geo.derived", lambda key, compute: derived.derived(("test-caches", *key), compute)


def test_memo_drops_the_least_recently_used_beyond_its_bound():
    memo = Memo(3)
    for key in "abc":
        memo.get(key, lambda key=key: key.upper())
    assert memo.get("a", lambda: "recomputed") == "A"  # a use: "a" is now the most recent
    memo.get("d", lambda: "D")
    assert len(memo) == 3
    assert memo.keys() == ["c", "a", "d"]  # "b", least recently used, went first
    assert memo.get("b", lambda: "again") == "again"
    assert "c" not in memo


def test_atlas_memo_keeps_what_is_in_use():
    atlas = _atlas()
    atlas.memo(("first",), lambda: "first")
    for i in range(300):
        atlas.memo(("first",), lambda: "recomputed")  # the current page's view, asked every rerun
        atlas.memo(("other", i), lambda i=i: i)
    assert atlas.memo(("first",), lambda: "recomputed") == "first"


def test_a_view_keeps_a_bounded_number_of_products():
    view = _view()
    for i in range(1000):
        view.keep(("snapshot", i), lambda i=i: i)
    assert view.kept(("snapshot", 999)) == 999
    assert view.kept(("snapshot", 0)) is None  # dropped: a long-lived base view does not grow without end


@pytest.mark.parametrize("name,get", list(_memoisers()), ids=lambda v: v if isinstance(v, str) else "")
def test_threads_asking_at_once_compute_each_key_once(name, get):
    computed: Counter = Counter()
    count_lock = threading.Lock()
    start = threading.Barrier(THREADS)
    errors: list = []

    def compute(key):
        with count_lock:
            computed[key] += 1
        # Give the other threads time to arrive while this one computes (no timing is asserted).
        threading.Event().wait(0.02)
        return key * 10

    def session(n: int):
        try:
            start.wait()
            for key in range(4):
                assert get((key,), lambda key=key: compute(key)) == key * 10
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=session, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert computed == {0: 1, 1: 1, 2: 1, 3: 1}


def test_a_failed_computation_is_not_kept_and_can_be_retried():
    memo = Memo(4)
    with pytest.raises(ZeroDivisionError):
        memo.get("k", lambda: 1 / 0)
    assert memo.get("k", lambda: 5) == 5


def test_frames_made_and_dropped_get_the_key_of_their_content():
    # Frames made and dropped in turn often reuse one id(): a key remembered by id alone would
    # hand a new frame the key of an old one. Each frame's key must be that of its own values.
    derived._keys_by_frame.clear()
    seen: dict[str, int] = {}
    for i in range(200):
        frame = pd.DataFrame({"cluster_id": [f"c{i}"], "lat": [float(i)]})
        key = derived.content_key(frame, ["cluster_id", "lat"])
        assert key == derived.content_key(frame.copy(), ["cluster_id", "lat"])
        assert seen.setdefault(key, i) == i
        del frame


def test_the_derived_cache_misses_when_the_content_changes():
    derived._derived_cache.clear()
    computed: list[int] = []
    for i in range(40):
        frame = pd.DataFrame({"district": [f"d{i}"]})
        key = ("test-caches-markers", derived.content_key(frame, ["district"]))
        assert derived.derived(key, lambda i=i: computed.append(i) or i) == i
        del frame
    assert computed == list(range(40))
    frame = pd.DataFrame({"district": ["d39"]})  # the same content as the last: a hit
    assert (
        derived.derived(("test-caches-markers", derived.content_key(frame, ["district"])), lambda: -1) == 39
    )
