"""Two editors, one value: the second save is refused with the current value and who changed it."""

from __future__ import annotations

import threading

import pytest

from cluster_model import store
from cluster_model.publishing import start_correction
from tests.store_support import SEED_DRAFT, backend, store_env


@pytest.fixture
def engine(store_env):
    """The seeded store with a draft copy of the seed round to edit (the seed round is an edition)."""
    start_correction(store_env[0], "latest", "seed copy", round_id=SEED_DRAFT)
    return store_env[0]


KEY = ("mango", "tech_rnd_link")


def _editor_table(engine):
    return store.round_grid(engine, SEED_DRAFT)


def _set(grid, status, note):
    edited = grid.copy()
    mask = (edited["cluster_id"] == KEY[0]) & (edited["indicator_id"] == KEY[1])
    edited.loc[mask, ["status", "note"]] = [status, note]
    return edited


def test_second_save_of_the_same_value_is_refused_and_nothing_is_lost(engine):
    alice_grid, bob_grid = _editor_table(engine), _editor_table(engine)  # both open the editor
    store.save_assessments(
        engine,
        SEED_DRAFT,
        store.edits_from_grid(alice_grid, _set(alice_grid, "partial", "alice: informal contact")),
        author="Alice (alice)",
    )
    bob_edits = store.edits_from_grid(bob_grid, _set(bob_grid, "present", "bob: joint project"))
    with pytest.raises(store.ConflictError) as exc:
        store.save_assessments(engine, SEED_DRAFT, bob_edits, author="Bob (bob)")
    (c,) = exc.value.conflicts
    assert (c.current_status, c.current_note, c.changed_by, c.current_version) == (
        "partial",
        "alice: informal contact",
        "Alice (alice)",
        2,
    )
    assert c.yours[0] == "present" and c.changed_at is not None
    text = str(exc.value)
    assert "changed by Alice (alice)" in text and "now 'partial'" in text and "Your value 'present'" in text
    row = _editor_table(engine).set_index(["cluster_id", "indicator_id"]).loc[KEY]
    assert (row["status"], row["updated_by"]) == ("partial", "Alice (alice)")  # Alice's value kept
    h = store.history(engine, round_id=SEED_DRAFT, cluster_id=KEY[0], indicator_id=KEY[1])
    assert list(h["changed_by"]) == [
        "Alice (alice)",
        "seed copy",
    ]  # Bob's refused save left no trace of a change
    # Bob reloads, sees Alice's value, and saves on top of it: accepted, and both changes are in the history.
    fresh = _editor_table(engine)
    store.save_assessments(
        engine,
        SEED_DRAFT,
        store.edits_from_grid(fresh, _set(fresh, "present", "bob: joint project")),
        author="Bob (bob)",
    )
    h = store.history(engine, cluster_id=KEY[0], indicator_id=KEY[1])
    assert list(h["new_status"][:2]) == ["present", "partial"] and list(h["old_status"][:2]) == [
        "partial",
        "absent",
    ]


def test_a_conflict_in_one_row_saves_none_of_the_rows(engine):
    stale = _editor_table(engine)
    store.save_assessments(
        engine, SEED_DRAFT, store.edits_from_grid(stale, _set(stale, "partial", "alice")), author="alice"
    )
    edited = _set(stale, "present", "bob")
    edited.loc[
        (edited["cluster_id"] == "rice") & (edited["indicator_id"] == "tech_equipment"),
        ["status", "source_id"],
    ] = ["absent", "icck_desk"]
    with pytest.raises(store.ConflictError):
        store.save_assessments(engine, SEED_DRAFT, store.edits_from_grid(stale, edited), author="bob")
    assert (
        _editor_table(engine)
        .set_index(["cluster_id", "indicator_id"])
        .at[("rice", "tech_equipment"), "version"]
        == 0
    )


def test_saving_the_value_already_there_is_not_a_conflict(engine):
    a, b = _editor_table(engine), _editor_table(engine)
    store.save_assessments(
        engine, SEED_DRAFT, store.edits_from_grid(a, _set(a, "partial", "same")), author="alice"
    )
    result = store.save_assessments(
        engine, SEED_DRAFT, store.edits_from_grid(b, _set(b, "partial", "same")), author="bob"
    )
    assert (result.updated, result.unchanged) == (0, 1)


def test_two_new_values_for_the_same_pair_race(engine):
    """Two editors create the same missing value at the same moment: exactly one wins."""
    grid = _editor_table(engine)
    pair = ("rice", "tech_equipment")
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def save(who: str, status: str) -> None:
        edited = grid.copy()
        edited.loc[
            (edited["cluster_id"] == pair[0]) & (edited["indicator_id"] == pair[1]),
            ["status", "source_id", "note"],
        ] = [status, "icck_desk", who]
        barrier.wait()
        try:
            store.save_assessments(engine, SEED_DRAFT, store.edits_from_grid(grid, edited), author=who)
            outcomes.append("saved")
        except store.ConflictError as exc:
            assert exc.conflicts[0].changed_by in {"alice", "bob"}
            outcomes.append("refused")

    threads = [
        threading.Thread(target=save, args=("alice", "present")),
        threading.Thread(target=save, args=("bob", "absent")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["refused", "saved"]
    h = store.history(engine, cluster_id=pair[0], indicator_id=pair[1])
    assert len(h) == 1 and h.iloc[0]["action"] == "create"
