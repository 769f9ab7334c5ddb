"""Publishing (issue 26 item 1): a round's life draft → in review → published, editions with a
content checksum, corrections that supersede, citations. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from cluster_model import publishing as pub
from cluster_model import store
from cluster_model.issues import AtlasError
from cluster_model.loading import load_dataset
from cluster_model.store.review import PublishedRoundError
from tests.store_support import backend, engine, store_env

TODAY = date(2026, 12, 7)
EDIT = store.Edit("rice", "tech_equipment", "partial", "icck_desk", "seen on a visit", base_version=0)


def _draft_with_a_change(engine, author="alice", round_id="survey-2027"):
    store.create_round(
        engine, round_id=round_id, name="Survey 2027", date="2027-03-01", kind="survey", author=author
    )
    store.save_assessments(engine, round_id, [EDIT], author=author)
    return round_id


def test_the_seed_desk_review_is_the_first_edition(engine):
    [first] = pub.editions(engine)
    assert (first.round_id, first.sequence, first.supersedes, first.superseded_by) == (
        "desk-2026",
        1,
        None,
        None,
    )
    assert first.edition_id == f"{date.today().year}.1"
    assert first.self_reviewed  # no second person reviewed the seed: the edition says so
    ds = store.load_dataset(engine)
    assert first.checksum == pub.content_checksum(pub.edition_content(engine, ds, first))
    assert len(first.checksum) == 64
    assert (
        pub.latest_edition(engine)
        == first
        == pub.edition(engine, "latest")
        == pub.edition(engine, first.edition_id)
    )
    assert pub.round_state(engine, "desk-2026") == pub.PUBLISHED


def test_an_unknown_edition_names_the_ones_there_are(engine):
    with pytest.raises(AtlasError) as refused:
        pub.edition(engine, "1999.9")
    assert "1999.9" in str(refused.value) and pub.editions(engine)[0].edition_id in str(refused.value)


def test_a_round_goes_from_draft_to_review_to_an_edition(engine):
    round_id = _draft_with_a_change(engine, author="alice")
    assert pub.round_state(engine, round_id) == pub.DRAFT
    with pytest.raises(AtlasError, match="is draft, not in_review"):
        pub.publish(engine, round_id, "bob", today=TODAY)
    pub.submit(engine, round_id, "alice")
    assert pub.round_state(engine, round_id) == pub.IN_REVIEW
    pub.send_back(engine, round_id, "bob", "cite the visit report")
    assert pub.round_state(engine, round_id) == pub.DRAFT
    assert pub.review_notes(engine, round_id)[-1]["note"] == "cite the visit report"
    pub.submit(engine, round_id, "alice")
    made = pub.publish(engine, round_id, "bob", today=TODAY)
    assert (made.edition_id, made.reviewer, made.self_reviewed, made.sequence) == ("2026.2", "bob", False, 2)
    assert [(c.cluster_id, c.indicator_id, c.after) for c in made.changes] == [
        ("rice", "tech_equipment", "partial")
    ]
    assert pub.round_state(engine, round_id) == pub.PUBLISHED
    assert [e.edition_id for e in pub.editions(engine)] == ["2026.2", pub.editions(engine)[1].edition_id]
    assert pub.latest_edition(engine).edition_id == "2026.2"


def test_a_reviewer_cannot_publish_their_own_last_changes_unless_allowed(engine):
    round_id = _draft_with_a_change(engine, author="bob")
    pub.submit(engine, round_id, "bob")
    with pytest.raises(AtlasError, match="are your own"):
        pub.publish(engine, round_id, "bob", today=TODAY)
    assert pub.round_state(engine, round_id) == pub.IN_REVIEW
    made = pub.publish(engine, round_id, "bob", today=TODAY, allow_self_review=True)
    assert made.self_reviewed


def test_a_published_round_refuses_edits_with_a_message_to_start_a_correction(engine):
    with pytest.raises(PublishedRoundError, match="start a correction"):
        store.save_assessments(engine, "desk-2026", [EDIT], author="alice")


def test_a_correction_supersedes_with_an_erratum_and_the_old_edition_stays_readable(engine):
    first = pub.latest_edition(engine)
    ds = store.load_dataset(engine)
    old_content = pub.edition_content(engine, ds, first)
    corrected = pub.start_correction(engine, first.edition_id, "alice")
    assert pub.round_state(engine, corrected) == pub.DRAFT
    store.save_assessments(engine, corrected, [EDIT], author="alice")
    pub.submit(engine, corrected, "alice")
    with pytest.raises(AtlasError, match="erratum"):
        pub.publish(engine, corrected, "bob", today=TODAY)
    made = pub.publish(engine, corrected, "bob", erratum="rice equipment was misread", today=TODAY)
    assert made.supersedes == first.edition_id
    assert [(c.before, c.after) for c in made.changes] == [("not assessed", "partial")]
    old = pub.edition(engine, first.edition_id)
    assert old.superseded_by == made.edition_id and not old.current
    ds = store.load_dataset(engine)
    assert pub.content_checksum(pub.edition_content(engine, ds, old)) == first.checksum  # unchanged
    assert pub.edition_content(engine, ds, old)["assessments"].equals(old_content["assessments"])
    assert pub.latest_edition(engine).edition_id == made.edition_id


def test_drafts_do_not_change_an_edition_and_visitors_do_not_see_them(engine):
    first = pub.latest_edition(engine)
    store.create_round(
        engine, round_id="early", name="Early", date="2020-01-01", kind="survey", author="alice"
    )
    store.save_assessments(engine, "early", [EDIT], author="alice")
    ds = store.load_dataset(engine)
    assert pub.content_checksum(pub.edition_content(engine, ds, first)) == first.checksum
    assert pub.visible_round_ids(ds, drafts=False) == ["desk-2026"]
    assert set(pub.visible_round_ids(ds, drafts=True)) == {"desk-2026", "early"}


def test_an_illustrative_round_is_never_published_but_visitors_see_it(engine):
    store.create_round(
        engine,
        round_id="demo",
        name="Demo",
        date="2026-01-01",
        kind="survey",
        author="alice",
        illustrative=True,
    )
    with pytest.raises(AtlasError, match="illustrative"):
        pub.submit(engine, "demo", "alice")
    assert "demo" in pub.visible_round_ids(store.load_dataset(engine), drafts=False)


def test_edition_tables_carry_sources_and_coverage_with_every_gap():
    ds = load_dataset()
    tables = pub.edition_tables(ds, "desk-2026")
    assert set(tables) >= {"assessments", "clusters", "indicators", "sources", "sites", "district_gaps"}
    gaps = tables["district_gaps"]
    assert {"indicators_assessed", "indicators_total", "low_coverage", "gap_status"} <= set(gaps.columns)
    unknown = gaps[gaps["gap"].isna()]
    assert not unknown.empty and set(unknown["gap_status"]) == {"not assessed"}
    assert set(unknown["low_coverage"]) == {"not assessed"}  # never 0, never "no"
    assessed = tables["assessments"][tables["assessments"]["status"] != "not assessed"]
    assert (assessed["source"] != "").all()


def test_the_checksum_is_canonical_and_changes_with_any_value():
    ds = load_dataset()
    tables = pub.edition_tables(ds, "desk-2026")
    shuffled = {
        k: v.sample(frac=1, random_state=1)[list(reversed(v.columns))] for k, v in reversed(tables.items())
    }
    assert pub.content_checksum(shuffled) == pub.content_checksum(tables)
    changed = dict(tables, sites=tables["sites"].assign(place=lambda d: d["place"].where(d.index != 0, "X")))
    assert pub.content_checksum(changed) != pub.content_checksum(tables)


def test_a_citation_as_text_bibtex_and_ris():
    ed = pub.Edition(
        "2026.2", "survey-2027", "Survey", date(2026, 12, 7), "bob", "a" * 64, None, None, "", (), False, 2
    )
    cited = pub.citation(ed, "https://atlas.example/?edition=2026.2", publisher="ICCK & MUET")
    assert "edition 2026.2" in cited.text and "a" * 64 in cited.text and "https://atlas.example" in cited.text
    bib = cited.bibtex()
    assert bib.startswith("@misc{") and "edition = {2026.2}" in bib and r"ICCK \& MUET" in bib
    assert "url = {https://atlas.example/?edition=2026.2}" in bib
    ris = cited.ris().split("\r\n")
    assert (
        ris[0] == "TY  - DATA" and "ET  - 2026.2" in ris and "DA  - 2026/12/07" in ris and ris[-2] == "ER  - "
    )


def test_the_view_of_a_published_round_is_its_edition_and_a_draft_is_marked(engine):
    """The Atlas's figures for a published round are its edition's (an earlier-dated draft does not
    leak in); a draft round's view says so in every line it gives an export."""
    from cluster_model.view import make_view

    first = pub.latest_edition(engine)
    store.create_round(
        engine, round_id="early", name="Early", date="2020-01-01", kind="survey", author="alice"
    )
    store.save_assessments(engine, "early", [EDIT], author="alice")
    ds = store.load_dataset(engine)
    published = make_view(ds, "desk-2026")
    assert not published.draft
    row = published.matrix.set_index(["cluster_id", "indicator_id"]).loc[("rice", "tech_equipment")]
    assert row["status"] == "not assessed"  # the draft's "partial" is not in the edition
    assert pub.content_checksum(pub.edition_tables(ds, "desk-2026")) == first.checksum
    draft = make_view(ds, "early")
    assert draft.draft and "Draft, not published" in draft.filter_lines(ds)[-1]


def test_every_export_of_a_draft_says_draft_not_published(engine):
    """The CSV/XLSX tables, their notes, the file name and the district brief PDF (pages read back)."""
    import io

    from pypdf import PdfReader

    from cluster_model import exports
    from cluster_model.view import make_view
    from outputs.brief import district_brief_pdf

    store.create_round(
        engine, round_id="survey-2027", name="Survey", date="2027-03-01", kind="survey", author="a"
    )
    ds = store.load_dataset(engine)
    for round_id, draft in (("survey-2027", True), ("desk-2026", False)):
        view = make_view(ds, round_id)
        tables = exports.view_tables(ds, ds.sites, view)
        assert all(("Publication" in t.columns) == draft for t in tables.values())
        assert any("DRAFT, NOT PUBLISHED" in line for line in exports.notes_lines(ds, view)) == draft
        assert ("_DRAFT_" in exports.export_filename(view, "csv")) == draft
        pdf = district_brief_pdf(ds, None, ds.sites, view, ["Thatta"])
        pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
        assert all(("Draft, not published" in page) == draft for page in pages), pages


def test_roles_live_with_the_accounts():
    from cluster_model.auth import User, authenticate, hash_password

    assert not User.from_record("alice", {"name": "Alice"}).reviewer  # every account edits; no more
    assert User.from_record("bob", {"roles": ["reviewer", "nonsense"]}).roles == {"editor", "reviewer"}
    root = User.from_record("root", {"admin": True})
    assert root.admin and root.reviewer and root.roles == {"editor", "reviewer", "admin"}
    users = {"bob": {"name": "Bob", "password_hash": hash_password("a long password"), "roles": "reviewer"}}
    assert authenticate(users, "bob", "a long password").reviewer


def test_an_edition_keeps_the_first_report_made_in_a_language(engine):
    """Two servers making the same edition's report at once: the one kept first is the edition's report,
    for both (issue 26 item 2: the same edition always gives the same bytes); nothing else is written."""
    from cluster_model.store import review

    [first] = pub.editions(engine)
    before = store.revision(engine)
    assert review.stored_report(engine, first.edition_id, "ur") is None
    kept = review.keep_report(engine, first.edition_id, "ur", b"%PDF first")
    assert kept == review.keep_report(engine, first.edition_id, "ur", b"%PDF second") == b"%PDF first"
    assert review.stored_report(engine, first.edition_id, "en") is None  # one per language
    assert store.revision(engine) == before  # a report is no change of the data
