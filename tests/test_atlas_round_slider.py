"""(#27 item 2) Time on the map, through AppTest: the Atlas's round slider steps through the rounds a
reader may see, oldest first, illustrative rounds marked; it holds the same round as the sidebar's picker
(moving one moves the other, the banner and the link); the play control steps to the last round and stops.
The browser half (only styles travel on a step) is tests/browser/test_round_slider_browser.py."""

from __future__ import annotations

import pytest
from signin_support import EDITOR, page_app
from test_pages import run_app

from cluster_model import store
from cluster_model.publishing import start_correction
from ui.page import play_step

DEMO_ROUNDS = ("demo-1", "demo-2")
ILLUSTRATIVE_BANNER = "ILLUSTRATIVE DATA"


def add_illustrative_rounds(url: str) -> None:
    """Two illustrative rounds after the seed's desk review, visible to a signed-out reader: Thatta's
    fisheries absent in the first, present in the second (its gap moves), jute newly assessed."""
    engine = store.open_store(url)
    values = {
        "demo-1": [("fisheries", "absent")],
        "demo-2": [("fisheries", "present"), ("jute", "present")],
    }
    for number, round_id in enumerate(DEMO_ROUNDS, start=1):
        store.create_round(
            engine,
            round_id=round_id,
            name=f"Demonstration round {number}",
            date=f"2026-12-0{number}",
            kind="survey",
            illustrative=True,
            author="t",
        )
        edits = [store.Edit(c, "tech_equipment", s, "icck_desk", "x") for c, s in values[round_id]]
        store.save_assessments(engine, round_id, edits, author="t")
    engine.dispose()


@pytest.fixture
def demo_store(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path}/rounds.db"
    monkeypatch.setenv("ATLAS_DB_URL", url)
    add_illustrative_rounds(url)
    return url


def slider(at):
    return at.select_slider(key="w_round_slider")


def banner_shown(at) -> bool:
    return any(ILLUSTRATIVE_BANNER in e.value for e in at.error)


def test_the_slider_offers_the_readers_rounds_oldest_first_illustrative_marked(demo_store):
    at = run_app()
    s = slider(at)
    assert s.options == [
        "Desk review of the 2019 sources (2026-11-25)",
        "Demonstration round 1 (2026-12-01) — ILLUSTRATIVE",
        "Demonstration round 2 (2026-12-02) — ILLUSTRATIVE",
    ]
    assert s.value == "desk-2026" == at.sidebar.selectbox(key="w_round").value
    assert not banner_shown(at)


def test_moving_the_slider_moves_the_sidebar_the_banner_and_the_link(demo_store):
    at = run_app()
    slider(at).set_value("demo-2").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.sidebar.selectbox(key="w_round").value == "demo-2"
    assert banner_shown(at)  # the illustrative round is marked as the slider shows it
    assert at.query_params["round"] == "demo-2"
    # And back the other way: the sidebar's picker moves the slider.
    at.sidebar.selectbox(key="w_round").set_value("desk-2026").run()
    assert slider(at).value == "desk-2026"
    assert not banner_shown(at)


def test_a_link_with_a_round_opens_the_slider_at_that_round(demo_store):
    at = run_app(round="demo-1")
    assert slider(at).value == "demo-1" and banner_shown(at)


def test_play_starts_from_the_first_round_when_the_last_is_shown_and_says_stop(demo_store):
    at = run_app(round="demo-2")
    play = at.button(key="w_round_play")
    assert "Play" in play.label
    play.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert slider(at).value == "desk-2026"  # from the start
    assert "Stop" in at.button(key="w_round_play").label
    at.button(key="w_round_play").click().run()
    assert "Play" in at.button(key="w_round_play").label and slider(at).value == "desk-2026"


def test_leaving_the_atlas_while_it_plays_stops_the_play(demo_store):
    at = run_app(round="demo-2")
    at.button(key="w_round_play").click().run()
    assert "Stop" in at.button(key="w_round_play").label
    at.switch_page("pages/methods.py").run()
    at.switch_page("pages/atlas.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Play" in at.button(key="w_round_play").label  # not playing again on return


def test_playing_steps_to_the_next_round_and_stops_on_the_last():
    order = ["desk-2026", *DEMO_ROUNDS]
    assert play_step(order, "desk-2026") == ("demo-1", True)
    assert play_step(order, "demo-1") == ("demo-2", False)  # the last round: shown, then the play stops
    assert play_step(order, "demo-2") == (None, False)


def test_one_round_has_no_slider():
    at = run_app()
    assert not at.select_slider and not [b for b in at.button if b.key == "w_round_play"]


def test_a_visitor_steps_through_published_and_illustrative_rounds_only_an_editor_through_drafts_too(
    demo_store,
):
    engine = store.open_store(demo_store)
    start_correction(engine, "latest", "seed copy", round_id="desk-2026-draft")
    engine.dispose()

    visitor = page_app("atlas", editor=False).run()
    assert not visitor.exception, [e.value for e in visitor.exception]
    assert len(slider(visitor).options) == 3  # the desk review and the two illustrative rounds

    editor = page_app("atlas", signed_in=EDITOR).run()
    assert not editor.exception, [e.value for e in editor.exception]
    assert len(slider(editor).options) == 4  # and the draft
    slider(editor).set_value("desk-2026-draft").run()
    assert editor.sidebar.selectbox(key="w_round").value == "desk-2026-draft"
