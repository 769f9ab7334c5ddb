"""Publishing in the pages (AppTest, issue 26 item 1): an editor submits a draft, a second account
reviews it (sends it back with a note, then publishes it); signed-out visitors see published editions
only, with their citation; a signed-in editor sees drafts marked "Draft, not published"."""

from __future__ import annotations

from datetime import date

import pytest
from signin_support import PASSWORD, page_app, page_store, password_hash, sign_in
from streamlit.testing.v1 import AppTest

from cluster_model import publishing, store
from cluster_model.store import review

ROUND = "survey-2027"
USERS = {
    "alice": {"name": "Alice", "password_hash": password_hash()},
    "bob": {"name": "Bob", "password_hash": password_hash(), "roles": ["reviewer"]},
}


@pytest.fixture
def db(tmp_path, monkeypatch):
    engine = page_store(tmp_path, monkeypatch, "publishing-page")
    store.create_round(
        engine, round_id=ROUND, name="Survey 2027", date="2027-03-01", kind="survey", author="alice"
    )
    store.save_assessments(
        engine,
        ROUND,
        [store.Edit("rice", "tech_equipment", "absent", "icck_desk", "seen on a visit", base_version=0)],
        author="Alice (alice)",
    )
    yield engine
    engine.dispose()


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def _data_page_as(username: str) -> AppTest:
    at = _ok(page_app("data", timeout=90, users=USERS).run())
    _ok(sign_in(at, username, PASSWORD))
    at.selectbox(key="data_round").set_value(ROUND)
    return _ok(at.run())


def _click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return _ok(at.run())


def _texts(at: AppTest) -> str:
    return " ".join(
        e.value for kind in (at.markdown, at.caption, at.info, at.error, at.warning) for e in kind
    )


def _atlas_rounds(at: AppTest) -> list[str]:
    return list(at.sidebar.selectbox(key="w_round").options)


def test_a_visitor_sees_published_editions_only_and_an_editor_sees_the_draft_marked(db):
    visitor = _ok(page_app("atlas", timeout=90, editor=False).run())
    rounds = _atlas_rounds(visitor)
    assert len(rounds) == 1 and "Survey 2027" not in rounds[0]
    assert "Draft, not published" not in _texts(visitor)
    assert any(e.label.startswith("Cite edition") for e in visitor.expander)

    editor = _ok(page_app("atlas", timeout=90, users=USERS, signed_in="alice").run())
    assert any("Survey 2027" in r for r in _atlas_rounds(editor))
    assert editor.sidebar.selectbox(key="w_round").value == ROUND  # the newest round, a draft
    assert "Draft, not published" in _texts(editor)


def test_a_visitor_s_link_to_a_draft_says_it_is_not_published_not_that_it_does_not_exist(db):
    visitor = _ok(page_app("atlas", timeout=90, editor=False, round=ROUND).run())
    [notice] = [w.value for w in visitor.warning if ROUND in w.value]
    assert "is not published yet" in notice and "does not exist" not in notice, notice
    assert "Survey 2027" not in visitor.sidebar.selectbox(key="w_round").value  # the latest edition instead
    assert "Draft, not published" not in _texts(visitor)

    unknown = _ok(page_app("atlas", timeout=90, editor=False, round="no-such-round").run())
    [notice] = [w.value for w in unknown.warning if "no-such-round" in w.value]
    assert "does not exist here" in notice, notice


def test_submit_send_back_with_a_note_then_a_second_account_publishes(db):
    alice = _data_page_as("alice")
    assert "draft" in _texts(alice)
    alice = _click(alice, "Submit for review")
    assert publishing.round_state(db, ROUND) == publishing.IN_REVIEW
    assert "Waiting for a reviewer" in _texts(alice) and not [b for b in alice.button if b.label == "Publish"]

    bob = _data_page_as("bob")
    bob.text_area(key="pub_note").input("cite the visit report")
    bob = _click(bob, "Send back")
    assert publishing.round_state(db, ROUND) == publishing.DRAFT

    alice = _data_page_as("alice")
    assert "cite the visit report" in _texts(alice)
    _click(alice, "Submit for review")

    bob = _click(_data_page_as("bob"), "Publish")
    [made, _first] = publishing.editions(db)
    assert (made.round_id, made.reviewer, made.self_reviewed) == (ROUND, "Bob (bob)", False)
    assert made.edition_id == f"{date.today().year}.2"
    assert f"Edition {made.edition_id}" in _texts(bob)
    for language in ("en", "ur", "sd"):  # its report, made as it was published and kept (item 4)
        assert review.stored_report(db, made.edition_id, language).startswith(b"%PDF")

    visitor = _ok(page_app("atlas", timeout=90, editor=False).run())
    assert visitor.sidebar.selectbox(key="w_round").value == ROUND  # the new edition, by default
    assert "Draft, not published" not in _texts(visitor)


def test_a_reviewer_cannot_publish_their_own_changes(db):
    store.save_assessments(
        db,
        ROUND,
        [store.Edit("rice", "tech_processing", "partial", "icck_desk", "", base_version=0)],
        author="Bob (bob)",
    )
    publishing.submit(db, ROUND, "Alice (alice)")
    bob = _click(_data_page_as("bob"), "Publish")
    assert any("are your own" in e.value for e in bob.error)
    assert publishing.round_state(db, ROUND) == publishing.IN_REVIEW


def test_an_edit_of_a_published_round_says_to_start_a_correction(db):
    alice = _ok(page_app("data", timeout=90, users=USERS).run())
    _ok(sign_in(alice, "alice", PASSWORD))
    alice.selectbox(key="data_round").set_value("desk-2026")
    alice = _ok(alice.run())
    assert "Start a correction" in [b.label for b in alice.button]
    alice = _click(alice, "Start a correction")
    assert publishing.correction_of(db, "desk-2026-c1") == publishing.editions(db)[0].edition_id
    assert alice.selectbox(key="data_round").value == "desk-2026-c1"


def _report_buttons(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.get("download_button") if b.proto.id.endswith("export_edition_report")]


def test_export_offers_the_edition_report_of_an_edition_and_none_of_a_draft(db):
    """Issue 26 item 2: Export's download of the edition's kept report, only where there is an edition."""
    visitor = _ok(page_app("export", timeout=90, editor=False).run())
    assert _report_buttons(visitor) == ["Edition report (PDF)"]
    editor = _ok(page_app("export", timeout=90, users=USERS, signed_in="alice", round=ROUND).run())
    assert "Draft, not published" in _texts(editor)  # the draft is the round shown
    assert _report_buttons(editor) == []


def test_the_citation_box_and_export_give_the_edition_report_under_the_api_s_file_name(db, monkeypatch):
    """One owner of the report's file name (``publishing.report_file_name``): the citation box's PDF, Export's
    and the API's ``report.pdf`` are the same file under the same name."""
    from support import record_deferred_downloads

    downloads = record_deferred_downloads(monkeypatch)
    (edition,) = publishing.editions(db)
    name = publishing.report_file_name(edition, "en")
    at = page_app("atlas", timeout=90, editor=False)
    at.session_state["cite_open"] = True  # the citation box, opened
    _ok(at.run())
    from_atlas = downloads.pop(name)()
    _ok(page_app("export", timeout=90, editor=False).run())
    assert from_atlas.startswith(b"%PDF") and downloads.pop(name)() == from_atlas
