"""The Workshop page (AppTest): viewers present, editors create dialogues and record the room."""

from __future__ import annotations

import pytest
from signin_support import page_app, page_store, sign_in
from streamlit.testing.v1 import AppTest

from cluster_model import workshop as ws
from cluster_model.store import dialogue as dl


@pytest.fixture
def db(tmp_path, monkeypatch):
    engine = page_store(tmp_path, monkeypatch, "workshop")
    yield engine
    engine.dispose()


def _app() -> AppTest:
    return page_app("workshop")


def _texts(at: AppTest) -> str:
    return "\n".join(
        [m.value for m in at.markdown]
        + [e.value for e in at.error]
        + [s.value for s in at.success]
        + [c.value for c in at.caption]
    )


def test_viewer_can_present_but_not_record(db):
    dl.create_dialogue(
        db,
        round_id="dlg-v",
        name="Viewer test",
        date="2027-01-01",
        venue="MUET",
        facilitator="F",
        agenda="mango:TS,rice:H",
        author="seed",
    )
    at = _app()
    at.query_params.update({"round": "dlg-v", "mode": "present"})
    at.run()
    assert not at.exception
    assert "Mango — Technology" in _texts(at)
    assert not [r for r in at.radio if r.label in ("Industry", "Community")]  # no rating controls
    assert "Save quote" not in [b.label for b in at.button]
    at.button(key="ws-next").click().run()
    assert "Mango — Support institutions" in _texts(at)
    assert dl.get_session(db, "dlg-v").position == 0  # a viewer's stepping is not stored


def test_setup_signed_out_offers_no_write_path(db):
    at = _app()
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]


def test_editor_creates_presents_records_and_bad_input_loses_nothing(db):
    at = _app()
    at.run()
    sign_in(at)
    for key, value in (
        ("Round id (new round)", "dlg-e"),
        ("Name (new round)", "Editor test"),
        ("Venue", "MUET, Jamshoro"),
        ("Facilitator", "Dr F"),
    ):
        next(t for t in at.text_input if t.label == key).input(value)
    next(b for b in at.button if b.label == "Create dialogue").click()
    at.run()
    assert any(
        "Choose at least one cluster" in e.value for e in at.error
    )  # no 64-item default agenda (issue 10, item 12)
    assert dl.get_session(db, "dlg-e") is None
    at.multiselect(key="ws_new_clusters").set_value(["fisheries", "mango"])
    next(b for b in at.button if b.label == "Create dialogue").click()
    at.run()
    assert not at.exception and any("is ready" in s.value for s in at.success)
    assert dl.get_session(db, "dlg-e").agenda == "fisheries:TSHI,mango:TSHI"
    assert dl.get_session(db, "dlg-e").venue == "MUET, Jamshoro"
    next(b for b in at.button if "Start presentation" in b.label).click()
    at.run()
    assert "Fisheries — Technology" in _texts(at)

    at.button(key="ws-next").click().run()
    assert "Fisheries — Support institutions" in _texts(at)
    assert dl.get_session(db, "dlg-e").position == 1  # an editor's position survives a reload

    # The room view shows no editing controls, even to a signed-in editor (issue 10, item 11).
    assert not [r for r in at.radio if r.label in ("Industry", "Community")]
    assert "Save quote" not in [b.label for b in at.button]
    assert "Close voting on this item" not in [b.label for b in at.button]

    # The presenter view (the facilitator's window) has them.
    at.query_params["mode"] = "presenter"
    at.run()
    assert not at.exception
    community = next(r for r in at.radio if r.label == "Community")
    community.set_value("absent").run()
    rows = dl.ratings(db, "dlg-e")
    assert rows[["cluster_id", "pillar", "stakeholder_group", "rating", "author"]].values.tolist() == [
        ["fisheries", "support", "community", "absent", "Alice Example (alice)"]
    ]
    assert "○ absent" in _texts(at) and "Room gap: 1.00" in _texts(at)
    assert "1 of 4 groups rated — low coverage" in _texts(at)  # one group is not the room (issue 10, item 4)

    # An empty quote is refused with a message; "Said by" must be chosen (no silent default); a real one is saved and shown.
    assert at.radio(key="ws_q_group").value is None
    at.text_input(key="ws_q_speaker").input("Elder")
    next(b for b in at.button if b.label == "Save quote").click()
    at.run()
    assert any("Said by" in e.value for e in at.error)
    at.radio(key="ws_q_group").set_value("industry")
    next(b for b in at.button if b.label == "Save quote").click()
    at.run()
    assert any("quote is empty" in e.value for e in at.error)
    assert at.text_input(key="ws_q_speaker").value == "Elder"  # nothing typed is lost
    assert dl.quotes(db, "dlg-e").empty
    at.text_area(key="ws_q_text").input("=Hire locally.")
    next(b for b in at.button if b.label == "Save quote").click()
    at.run()
    saved = dl.quotes(db, "dlg-e")
    assert saved[["text", "speaker_name", "stakeholder_group"]].values.tolist() == [
        ["=Hire locally.", "Elder", "industry"]
    ]
    assert "Said in the room (1)" in _texts(at)
    # The summary files are the facilitator's: in the presenter view (issue 24 item 14).
    assert not at.get("download_button")  # built when the summary is opened
    at.session_state["ws_summary"] = True
    at.run()
    assert "1 rating(s) and 1 quote(s) recorded" in _texts(at)
    assert "Printable summary (PDF)" in [b.label for b in at.get("download_button")]

    # Back in the room view: the room's view matrix is on the page, the summary files are not.
    at.query_params["mode"] = "present"
    at.run()
    assert "1.00 (1/4, low coverage)" in _texts(at)
    assert not at.get("download_button")


def test_unknown_round_in_link_says_so(db):
    at = _app()
    at.query_params.update({"round": "no-such-round", "mode": "present"})
    at.run()
    assert not at.exception
    assert any("no-such-round" in w.value for w in at.warning)


@pytest.mark.parametrize("lang", ["ur", "sd"])
def test_projector_in_urdu_and_sindhi_keeps_the_language_in_its_links(db, lang):
    dl.create_dialogue(
        db,
        round_id="dlg-l",
        name="Language test",
        date="2027-01-01",
        venue="MUET",
        facilitator="F",
        agenda="mango:TS,rice:H",
        author="seed",
    )
    at = _app()
    at.query_params.update({"round": "dlg-l", "mode": "present", "lang": lang})
    at.run()
    assert not at.exception
    text = _texts(at)
    title = {"ur": "آم — ٹیکنالوجی", "sd": "انب — ٽيڪنالاجي"}[lang]
    assert title in text and "Mango" not in text
    assert "[en]" not in text
    assert (
        f"lang={lang}" in text
    )  # the phones' link (under the QR code) opens the vote page in the same language
    at.button(key="ws-next").click().run()
    assert at.query_params["lang"] == lang and at.query_params["item"] == "2"


def test_a_links_item_never_forks_the_rooms_position(db):
    """Issue 24 item 15: the room is where the store says; a link's item is ignored on the projector,
    offered to the presenter (who then moves everyone), and the URL shows the store's item."""
    dl.create_dialogue(
        db,
        round_id="dlg-p",
        name="Position test",
        date="2027-01-01",
        venue="MUET",
        facilitator="F",
        agenda="mango:TSHI",
        author="seed",
    )
    dl.set_position(db, "dlg-p", 2, author="seed")  # the room is at item 3
    at = _app()
    at.query_params.update({"round": "dlg-p", "mode": "present", "item": "4"})
    at.run()
    assert not at.exception
    assert "Mango — Capabilities &amp; HRM" in _texts(at) and "Item 3 of 4" in _texts(at)
    assert at.query_params["item"] == "3"

    presenter = _app()
    presenter.query_params.update({"round": "dlg-p", "mode": "presenter", "item": "4"})
    presenter.run()
    sign_in(presenter)
    assert "Mango — Capabilities &amp; HRM" in _texts(presenter)
    assert presenter.query_params["item"] == "3"
    assert dl.get_session(db, "dlg-p").position == 2  # opening the link moved nobody
    presenter.button(key="ws_link_item_go").click().run()
    assert not presenter.exception
    assert "Mango — Incentive mechanism" in _texts(presenter)
    assert dl.get_session(db, "dlg-p").position == 3  # the presenter moved the room, for everyone
    assert presenter.query_params["item"] == "4"
