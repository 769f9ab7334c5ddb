"""(#27) The gap matrix as a Workshop agenda item: kept in the agenda's short form, added in the setup view,
projected by the room view with its coverage, in the room's language, and nothing to vote on for phones."""

from __future__ import annotations

import pytest
from signin_support import page_app, sign_in
from test_workshop_page import _texts, db  # the Workshop page tests' store and page text

from cluster_model import workshop as ws
from cluster_model.store import dialogue as dl
from cluster_model.store import votes as vt

CLUSTERS = ["fisheries", "mango", "rice"]


def test_a_matrix_item_survives_the_agenda_short_form_and_never_merges():
    agenda = ws.Agenda.from_string("mango:TS,*districts:TH,*clusters:TSHI,rice:H", CLUSTERS)
    assert [(i.kind, i.cluster_id, i.pillar) for i in agenda.items][:2] == [
        ("vote", "mango", "technology"),
        ("vote", "mango", "support"),
    ]
    matrix = agenda[2]
    assert (matrix.kind, matrix.orientation, matrix.pillars) == ("matrix", "districts", ("technology", "hrm"))
    assert not matrix.votable and agenda[4].votable and len(agenda) == 5
    assert agenda.to_string() == "mango:TS,*districts:TH,*clusters:TSHI,rice:H"
    # Two matrix items one after the other stay two items.
    twice = agenda.add_matrix("clusters", ["hrm", "technology"])
    assert twice.to_string().endswith(",rice:H,*clusters:TH")
    assert ws.Agenda.from_string("*clusters:T,*clusters:H", CLUSTERS).to_string() == "*clusters:T,*clusters:H"


@pytest.mark.parametrize("text", ["*rows:TS", "*clusters:TX", "*clusters:"])
def test_a_bad_matrix_item_is_refused_with_a_reason(text):
    with pytest.raises(ws.AgendaError):
        ws.Agenda.from_string(text, CLUSTERS)


def test_a_matrix_item_needs_a_pillar():
    with pytest.raises(ws.AgendaError):
        ws.Agenda.from_string("mango:T", CLUSTERS).add_matrix("clusters", [])


def test_the_agenda_table_names_a_matrix_item():
    class Names:
        def cluster_name(self, cluster_id):
            return cluster_id.title()

    table = ws.Agenda.from_string("mango:T,*districts:TS", CLUSTERS).table(Names())
    assert table.values.tolist() == [
        [1, "Mango", "Technology"],
        [2, "Gap matrix: districts × pillars", "Technology, Support institutions & infrastructure"],
    ]


def _dialogue(db, round_id: str, agenda: str) -> None:
    dl.create_dialogue(
        db,
        round_id=round_id,
        name="Matrix test",
        date="2027-01-01",
        venue="MUET",
        facilitator="F",
        agenda=agenda,
        author="seed",
    )


def test_phones_cannot_vote_on_a_matrix_item(db):
    _dialogue(db, "dlg-mv", "*clusters:TSHI,mango:T")
    now = vt.current_item(db, "dlg-mv")
    assert not now.item.votable and now.item.cluster_id == ""
    token = vt.issue_pass(db)
    with pytest.raises(vt.VoteRefused):
        vt.cast_vote(db, "dlg-mv", "", "", token=token, group="industry", choice="present")


def test_editor_adds_the_gap_matrix_and_the_room_sees_it_with_coverage(db):
    _dialogue(db, "dlg-m", "mango:TS")
    at = page_app("workshop")
    at.query_params["round"] = "dlg-m"
    at.run()
    sign_in(at)
    assert not at.exception
    at.radio(key="ws_matrix_rows").set_value("districts")
    at.multiselect(key="ws_matrix_pillars").set_value(["hrm", "technology"])
    next(b for b in at.button if b.label == "Add to the agenda").click()
    at.run()
    assert not at.exception
    assert dl.get_session(db, "dlg-m").agenda == "mango:TS,*districts:TH"
    assert "3\\. Gap matrix: districts × pillars — Technology, Capabilities & HRM" in _texts(at)

    # The room moves to it: the projector shows the matrix, its coverage and nothing to vote on.
    dl.set_position(db, "dlg-m", 2, author="seed")
    at.query_params.update({"round": "dlg-m", "mode": "present"})
    at.run()
    assert not at.exception
    assert "Gap matrix: districts × pillars</div>" in _texts(at)  # its columns name the pillars
    table = at.table[0].value
    assert list(table.columns) == ["District", "Technology", "Capabilities & HRM", "Overall"]
    cells = " ".join(str(v) for v in table.values.ravel())
    assert "assessed" in cells and "/" in cells  # every cell says its coverage
    assert "Thatta" in set(table["District"])
    assert "Striped colour on white with a dashed edge = low coverage." in _texts(at)
    assert not [r for r in at.radio if r.label in ("Industry", "Community")]
    assert "Votes from phones" not in _texts(at)

    # The presenter view shows the same matrix, says phones have nothing to vote on, and offers no vote control.
    at.query_params["mode"] = "presenter"
    at.run()
    assert not at.exception
    assert [i.value for i in at.info] == [ws.NOTHING_TO_VOTE]
    assert list(at.table[0].value.columns)[0] == "District"
    assert "Close voting on this item" not in [b.label for b in at.button]
    assert "Save quote" not in [b.label for b in at.button]

    # Next: back to a vote item.
    at.query_params["mode"] = "present"
    at.run()
    at.button(key="ws-prev").click().run()
    assert "Mango — Support institutions" in _texts(at)


@pytest.mark.parametrize("lang", ["ur", "sd"])
def test_the_projected_matrix_is_in_the_rooms_language(db, lang):
    _dialogue(db, "dlg-ml", "*clusters:TSHI,mango:T")
    at = page_app("workshop")
    at.query_params.update({"round": "dlg-ml", "mode": "present", "lang": lang})
    at.run()
    assert not at.exception
    text = _texts(at)
    title = {"ur": "خلا کا میٹرکس: کلسٹر × ستون", "sd": "خال جو ميٽرڪس: ڪلسٽر × ٿنڀا"}[lang]
    assert title in text
    assert "Gap matrix" not in text and "[en]" not in text
    table = at.table[0].value
    assert "Fisheries" not in " ".join(str(v) for v in table.values.ravel())  # names in the room's language
    assert len(table) == 16
