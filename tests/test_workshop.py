"""Workshop mode: the agenda, the room's gap, the summary files, and the dialogue store (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from cluster_model import store
from cluster_model import workshop as ws
from cluster_model.loading import DATA_DIR, load_dataset
from cluster_model.store import dialogue as dl
from cluster_model.store import schema as s
from outputs import tables, workshop_summary
from tests.store_support import backend, engine, store_env

CLUSTERS = list(load_dataset(DATA_DIR).clusters["cluster_id"])


# --------------------------------------------------------------------------- agenda


def test_default_agenda_is_sixteen_clusters_by_four_pillars_and_round_trips():
    agenda = ws.Agenda.default(CLUSTERS)
    assert len(agenda) == 64
    assert agenda[0] == ws.AgendaItem("fisheries", "technology") and agenda[63] == ws.AgendaItem(
        "jute", "incentive"
    )
    text = agenda.to_string()
    assert text.startswith("fisheries:TSHI,automobile:TSHI") and len(text) < 250
    assert ws.Agenda.from_string(text, CLUSTERS) == agenda


def test_agenda_edits_and_bad_strings():
    agenda = ws.Agenda.from_string("mango:TH,rice:I", CLUSTERS)
    assert [(i.cluster_id, i.pillar) for i in agenda.items] == [
        ("mango", "technology"),
        ("mango", "hrm"),
        ("rice", "incentive"),
    ]
    moved = agenda.move(2, -1).move(1, -1)
    assert moved.to_string() == "rice:I,mango:TH"
    assert agenda.move(0, -1) == agenda  # cannot move past the start
    assert agenda.remove(1).to_string() == "mango:T,rice:I"
    assert agenda.add("sugar", "support", CLUSTERS).to_string() == "mango:TH,rice:I,sugar:S"
    assert agenda.position("7") == 2 and agenda.position(-3) == 0 and agenda.position(None) == 0
    for bad, words in (
        ("atlantis:T", "does not exist"),
        ("mango:TX", "not a pillar code"),
        ("mango", "cluster:pillars"),
        ("", "empty"),
    ):
        with pytest.raises(ws.AgendaError, match=words):
            ws.Agenda.from_string(bad, CLUSTERS)
    with pytest.raises(ws.AgendaError):
        ws.Agenda.from_string("mango:T", CLUSTERS).remove(0)


# --------------------------------------------------------------------------- the room's gap


def _ratings(rows):
    return pd.DataFrame(rows, columns=["cluster_id", "pillar", "stakeholder_group", "rating"])


def test_room_gap_is_the_mean_of_the_groups_that_rated_and_not_rated_is_unknown(dataset):
    rows = [
        ("mango", "technology", "industry", "absent"),
        ("mango", "technology", "academia", "partial"),
        ("mango", "technology", "community", "not rated"),
        ("rice", "hrm", "government", "present"),
    ]
    gaps = ws.room_gaps(_ratings(rows), dataset.rules, CLUSTERS).set_index(["cluster_id", "pillar"])
    mango = gaps.loc[("mango", "technology")]
    assert mango["gap"] == pytest.approx(0.75) and mango["n_rated"] == 2 and mango["coverage"] == 0.5
    assert mango["community"] == "not rated" and mango["government"] == "not rated"
    assert gaps.loc[("rice", "hrm"), "gap"] == 0.0  # "present" is a real zero
    assert (
        pd.isna(gaps.loc[("sugar", "support"), "gap"]) and gaps.loc[("sugar", "support"), "coverage"] == 0
    )  # unknown, never 0
    assert len(gaps) == 64


def test_room_gap_by_district_and_matrix(dataset):
    sites = dataset.sites[["cluster_id", "district"]]
    gaps = ws.room_gaps(_ratings([("fisheries", "hrm", "community", "absent")]), dataset.rules, CLUSTERS)
    by_district = ws.room_district_gaps(gaps, sites, ["hrm"])
    assert (
        by_district.loc["Thatta", "gap"] == 1.0
    )  # fisheries and jute are in Thatta; only fisheries was rated
    assert by_district.loc["Thatta", "coverage"] == pytest.approx(1 / 8)
    assert pd.isna(by_district.loc["Larkana", "gap"]) and "not rated" in by_district.loc["Larkana", "label"]
    matrix = ws.room_matrix(gaps, dataset)
    assert list(matrix.columns) == [
        "Cluster",
        "Technology",
        "Support institutions & infrastructure",
        "Capabilities & HRM",
        "Incentive mechanism",
    ]
    assert matrix.set_index("Cluster").loc["Fisheries", "Capabilities & HRM"] == "1.00 (1/4, low coverage)"
    assert matrix.set_index("Cluster").loc["Fisheries", "Technology"] == "not rated"


# --------------------------------------------------------------------------- store


def _dialogue(engine, round_id="dlg-1", agenda=None):
    dl.create_dialogue(
        engine,
        round_id=round_id,
        name="Cluster dialogue",
        date="2027-02-01",
        venue="MUET, Jamshoro",
        facilitator="Dr F",
        agenda=agenda or ws.Agenda.default(CLUSTERS).to_string(),
        author="alice",
    )
    return round_id


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_create_dialogue_makes_a_dialogue_round_and_session(engine):
    rid = _dialogue(engine)
    rounds = store.list_rounds(engine).set_index("round_id")
    assert rounds.loc[rid, "kind"] == "dialogue" and rounds.loc[rid, "date"] == "2027-02-01"
    session = dl.get_session(engine, rid)
    assert (session.venue, session.facilitator, session.position, session.date) == (
        "MUET, Jamshoro",
        "Dr F",
        0,
        "2027-02-01",
    )
    assert dl.list_sessions(engine).set_index("round_id").loc[rid, "has_session"]
    # The indicator dataset is untouched: the round has no assessments.
    assert (store.load_dataset(engine).assessments["round_id"] != rid).all()


def test_bad_session_input_writes_nothing(engine):
    rounds_before = _count(engine, s.rounds)
    for kwargs, words in (
        (dict(venue=""), "venue"),
        (dict(facilitator=" "), "facilitator"),
        (dict(agenda="atlantis:T"), "atlantis"),
        (dict(round_id="Bad Id"), "not a usable round id"),
    ):
        args = (
            dict(
                round_id="dlg-x",
                name="X",
                date="2027-01-01",
                venue="V",
                facilitator="F",
                agenda="mango:T",
                author="alice",
            )
            | kwargs
        )
        with pytest.raises(store.ValidationError, match=words):
            dl.create_dialogue(engine, **args)
    assert _count(engine, s.rounds) == rounds_before and _count(engine, s.dialogue_sessions) == 0
    with pytest.raises(store.ValidationError, match="not a dialogue"):
        dl.start_session(
            engine, round_id="desk-2026", venue="V", facilitator="F", agenda="mango:T", author="alice"
        )


def test_ratings_are_saved_one_by_one_with_history(engine):
    rid = _dialogue(engine)
    assert (
        dl.record_rating(engine, rid, "mango", "technology", "industry", "absent", author="alice").action
        == "create"
    )
    assert (
        dl.record_rating(engine, rid, "mango", "technology", "industry", "absent", author="alice").action
        == "same"
    )
    result = dl.record_rating(engine, rid, "mango", "technology", "industry", "Partial", author="bob")
    assert (result.action, result.version) == ("update", 2)
    got = dl.ratings(engine, rid)
    assert got[
        ["cluster_id", "pillar", "stakeholder_group", "rating", "author", "version"]
    ].values.tolist() == [["mango", "technology", "industry", "partial", "bob", 2]]
    h = dl.history(engine, rid)
    ratings = h[h["entity"] == "rating"]
    assert ratings[["action", "old_value", "new_value", "changed_by"]].values.tolist() == [
        ["update", "absent", "partial", "bob"],
        ["create", None, "absent", "alice"],
    ]


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("cluster_id", "atlantis", "cluster 'atlantis' does not exist"),
        ("pillar", "tech", "'tech' is not a pillar"),
        ("group", "press", "'press' is not a stakeholder group"),
        ("rating", "zero", "'zero' is not a rating"),
    ],
)
def test_unknown_values_are_refused_and_nothing_is_written(engine, field, value, words):
    rid = _dialogue(engine)
    args = {"cluster_id": "mango", "pillar": "technology", "group": "industry", "rating": "absent"} | {
        field: value
    }
    with pytest.raises(store.ValidationError, match=words):
        dl.record_rating(
            engine, rid, args["cluster_id"], args["pillar"], args["group"], args["rating"], author="alice"
        )
    assert (
        _count(engine, s.dialogue_ratings) == 0 and (dl.history(engine, rid)["entity"] == "rating").sum() == 0
    )


def test_quotes_empty_refused_speaker_optional_withdraw_keeps_it(engine):
    rid = _dialogue(engine)
    with pytest.raises(store.ValidationError, match="empty"):
        dl.add_quote(engine, rid, "oil_gas", "incentive", "community", "   ", author="alice")
    with pytest.raises(store.ValidationError, match="kind"):
        dl.add_quote(engine, rid, "oil_gas", "incentive", "community", "Text", kind="rumour", author="alice")
    assert _count(engine, s.dialogue_quotes) == 0
    q1 = dl.add_quote(
        engine,
        rid,
        "oil_gas",
        "incentive",
        "community",
        "Regulate oil & gas so locals share in jobs and CSR.",
        author="alice",
    )
    q2 = dl.add_quote(
        engine,
        rid,
        "mango",
        "technology",
        "industry",
        "An R&D centre for mango exports.",
        kind="recommendation",
        speaker_name="Grower",
        author="alice",
    )
    got = dl.quotes(engine, rid).set_index("id")
    assert (
        got.loc[q1, "speaker_name"] is None
        and got.loc[q2, "speaker_name"] == "Grower"
        and got.loc[q2, "kind"] == "recommendation"
    )
    dl.withdraw_quote(engine, rid, q1, author="bob")
    assert list(dl.quotes(engine, rid, include_withdrawn=False)["id"]) == [q2]
    assert len(dl.quotes(engine, rid)) == 2  # nothing deleted
    assert "withdraw" in set(dl.history(engine, rid)["action"])


def test_position_and_agenda_are_kept_for_a_reload(engine):
    rid = _dialogue(engine, agenda="mango:TSHI,rice:TS")
    assert dl.set_position(engine, rid, 4, author="alice") == 4
    assert dl.get_session(engine, rid).position == 4
    assert dl.set_position(engine, rid, 99, author="alice") == 5  # clamped to the agenda
    dl.set_agenda(engine, rid, "rice:TS,mango:T", author="alice")
    session = dl.get_session(engine, rid)
    assert session.agenda == "rice:TS,mango:T" and session.position == 0
    with pytest.raises(store.ValidationError, match="agenda"):
        dl.set_agenda(engine, rid, "rice:Q", author="alice")
    assert dl.get_session(engine, rid).agenda == "rice:TS,mango:T"
    with pytest.raises(store.ValidationError, match="no workshop session"):
        dl.set_position(engine, "desk-2026", 1, author="alice")


def test_dialogue_writes_do_not_invalidate_the_indicator_cache(engine):
    rid = _dialogue(engine)
    rev = store.revision(engine)
    dl.record_rating(engine, rid, "mango", "technology", "industry", "absent", author="alice")
    dl.add_quote(engine, rid, "mango", "technology", "industry", "Text", author="alice")
    dl.set_position(engine, rid, 3, author="alice")
    assert store.revision(engine) == rev


def test_schema_step_2_is_applied(engine):
    assert store.current_version(engine) == store.SCHEMA_VERSION >= 2  # later steps (e.g. 6, linkages) follow


# --------------------------------------------------------------------------- summary files


def test_summary_files_carry_their_source_and_neutralise_formulas(engine):
    ds = store.load_dataset(engine)
    rid = _dialogue(engine, agenda="mango:TS,oil_gas:I")
    dl.record_rating(engine, rid, "mango", "technology", "industry", "absent", author="alice")
    dl.record_rating(engine, rid, "mango", "technology", "academia", "partial", author="alice")
    dl.add_quote(
        engine,
        rid,
        "mango",
        "technology",
        "industry",
        '=HYPERLINK("http://x")',
        speaker_name="@grower",
        author="alice",
    )
    info = dl.get_session(engine, rid).info
    rat, quotes = dl.ratings(engine, rid), dl.quotes(engine, rid)
    r_table, q_table = ws.ratings_table(ds, info, rat), ws.quotes_table(ds, info, quotes)
    gaps = ws.room_gaps(rat, ds.rules, list(ds.clusters["cluster_id"]))

    rows = list(csv.reader(io.StringIO(tables.workshop_csv(r_table).decode("utf-8-sig"))))
    assert rows[0] == ws.RATING_COLUMNS and len(rows) == 3
    assert all("MUET, Jamshoro" in r[-1] and "2027-02-01" in r[-1] for r in rows[1:])
    q_rows = list(csv.reader(io.StringIO(tables.workshop_csv(q_table).decode("utf-8-sig"))))
    assert q_rows[1][5].startswith("'=") and q_rows[1][3] == "'@grower"

    wb = load_workbook(io.BytesIO(tables.workshop_xlsx(info, r_table, q_table, ws.room_matrix(gaps, ds))))
    assert wb.sheetnames == ["about", "ratings", "quotes", "room gaps"]
    about = {r[0]: r[1] for r in wb["about"].iter_rows(values_only=True)}
    assert (
        about["Venue"] == "MUET, Jamshoro"
        and about["Date"] == "2027-02-01"
        and "dialogue round" in about["Sources"]
    )
    assert wb["quotes"]["F2"].value.startswith("'=") and wb["quotes"]["F2"].data_type == "s"

    pdf = workshop_summary.summary_pdf(
        ds, info, gaps, quotes, ws.Agenda.from_string("mango:TS,oil_gas:I", list(ds.clusters["cluster_id"]))
    )
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert (
        "Dialogue summary:" in text and "Quotes and recommendations (1)" in text
    )  # outputs.workshop_summary
    assert "Mango" in text and "Room gap" in text and "page 1" in text  # the table and the footer
    Path("test-artifacts").mkdir(exist_ok=True)
    Path("test-artifacts/workshop-summary.pdf").write_bytes(pdf)  # looked at by people, not asserted


def test_methods_text_says_it_is_not_an_indicator_assessment():
    text = ws.methods_markdown()
    assert "not an indicator" in text and "not rated" in text and "rules.yaml" in text
