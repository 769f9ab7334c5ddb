"""Import from CSV and XLSX: exact messages per row, preview, all-or-nothing."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from cluster_model import store
from cluster_model.scoring import assessment_matrix, district_gaps
from cluster_model.store import schema as s
from outputs import tables
from tests.store_support import backend, engine, seed_draft, store_env

HEADER = "round_id,cluster_id,indicator_id,status,source_id,note"
GOOD = [
    ",mango,tech_rnd_link,present,icck_desk,MUET joint project",
    ",rice,tech_equipment,absent,icck_desk,manual husking",
    ",sugar,support_association,present,dialogue2019,",
]


def _csv(lines: list[str]) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode("utf-8")


def _xlsx(rows: list[list], *, blank_row_after_header: bool = False) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    if blank_row_after_header:
        ws.append([])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _history_rows(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(s.assessment_history)).scalar_one()


@pytest.fixture
def new_round(engine):
    store.create_round(
        engine, round_id="survey-2027", name="Survey 2027", date="2027-03-01", kind="survey", author="alice"
    )
    return "survey-2027"


def test_csv_with_one_bad_row_names_the_row_then_fixed_file_commits(engine, new_round):
    bad = (
        GOOD[:1]
        + [",rice,tech_equipment,absent,icck_desk,manual husking".replace("rice", "ricee")]
        + GOOD[2:]
    )
    plan = store.plan_import(engine, new_round, _csv(bad), "survey.csv")
    assert not plan.ok and len(plan.issues) == 1
    issue = plan.issues[0]
    assert (issue.row, issue.column, issue.value) == (3, "cluster_id", "ricee")
    assert (
        str(issue)
        == "survey.csv, line 3, column 'cluster_id': unknown cluster 'ricee' — use one of the ids in clusters.csv"
    )
    with pytest.raises(store.ValidationError):
        store.commit_import(engine, plan, author="alice")
    assert store.round_grid(engine, new_round)["version"].max() == 0  # nothing stored

    before = store.load_dataset(engine)
    plan = store.plan_import(engine, new_round, _csv(GOOD), "survey.csv")
    assert plan.ok and plan.summary() == "3 new, 0 changed, 0 unchanged"
    result = store.commit_import(engine, plan, author="alice")
    assert (result.created, result.updated) == (3, 0)
    after = store.load_dataset(engine)
    # The map changes: Mirpur Khas (mango) had an absent R&D link, now present.
    g0 = district_gaps(
        assessment_matrix(before, new_round), before.sites, before.rules, ["technology"]
    ).set_index("district")
    g1 = district_gaps(
        assessment_matrix(after, new_round), after.sites, after.rules, ["technology"]
    ).set_index("district")
    assert g0.at["Mirpur Khas", "gap"] == 1.0 and g1.at["Mirpur Khas", "gap"] == 0.0
    h = store.history(engine, round_id=new_round)
    assert set(h["via"]) == {"import"} and set(h["changed_by"]) == {"alice"} and len(h) == 3


def test_xlsx_messages_use_sheet_rows(engine, new_round):
    rows = [
        ["", "mango", "tech_rnd_link", "present", "icck_desk", "ok"],
        ["", "mango", "tech_processing", "great", "icck_desk", "x"],
    ]
    plan = store.plan_import(engine, new_round, _xlsx(rows, blank_row_after_header=True), "survey.xlsx")
    assert [(i.row, i.column, i.value) for i in plan.issues] == [
        (4, "status", "great")
    ]  # row 2 is blank in the sheet
    assert (
        "not an allowed status" in plan.issues[0].message
        and "present, partial, absent, not assessed" in plan.issues[0].hint
    )
    plan = store.plan_import(engine, new_round, _xlsx(rows[:1]), "survey.xlsx")
    assert plan.ok and plan.count("new") == 1


@pytest.mark.parametrize(
    "line, column, message",
    [
        (",mango,nope,present,icck_desk,", "indicator_id", "unknown indicator 'nope'"),
        (",mango,tech_processing,present,,", "source_id", "'source_id' is empty"),
        (",mango,tech_processing,present,gossip,", "source_id", "unknown source 'gossip'"),
        ("desk-2026,mango,tech_processing,present,icck_desk,", "round_id", "unknown round 'desk-2026'"),
        (",mango,tech_processing,Present-ish,icck_desk,", "status", "'present-ish' is not an allowed status"),
    ],
)
def test_each_kind_of_bad_row(engine, new_round, line, column, message):
    plan = store.plan_import(engine, new_round, _csv([GOOD[0], line]), "f.csv")
    assert [(i.row, i.column) for i in plan.issues] == [(3, column)]
    assert message in plan.issues[0].message


def test_missing_source_hint_says_what_to_do(engine, new_round):
    plan = store.plan_import(engine, new_round, _csv([",mango,tech_processing,absent,,"]), "f.csv")
    assert "every value needs a source" in plan.issues[0].hint


def test_duplicate_rows_name_both_lines(engine, new_round):
    plan = store.plan_import(
        engine, new_round, _csv([GOOD[0], GOOD[1], GOOD[0].replace("present", "partial")]), "f.csv"
    )
    assert len(plan.issues) == 1 and plan.issues[0].row == 4
    assert (
        "duplicate assessment (survey-2027, mango, tech_rnd_link) already given on line 2"
        in plan.issues[0].message
    )


def test_formula_looking_cells(engine, new_round):
    plan = store.plan_import(
        engine,
        new_round,
        _csv(
            [
                ',mango,tech_processing,absent,icck_desk,"=HYPERLINK(""http://evil"")"',
                ",rice,tech_equipment,absent,icck_desk,@SUM(A1)",
            ]
        ),
        "f.csv",
    )
    assert [(i.row, i.column) for i in plan.issues] == [(2, "note"), (3, "note")]
    assert "looks like a spreadsheet formula" in plan.issues[0].message
    # An XLSX formula cell is refused too (its formula text, not a computed value, is seen).
    plan = store.plan_import(
        engine, new_round, _xlsx([["", "mango", "tech_processing", "absent", "icck_desk", "=1+1"]]), "f.xlsx"
    )
    assert [(i.row, i.column, i.value) for i in plan.issues] == [(2, "note", "=1+1")]
    # A leading apostrophe marks text: accepted, stored without the apostrophe. A plain '-' is ordinary text.
    plan = store.plan_import(
        engine,
        new_round,
        _csv(
            [
                ",mango,tech_processing,absent,icck_desk,'=not a formula",
                ",rice,tech_equipment,absent,icck_desk,-5% since 2019",
            ]
        ),
        "f.csv",
    )
    assert plan.ok, plan.issues
    store.commit_import(engine, plan, author="alice")
    grid = store.round_grid(engine, new_round).set_index(["cluster_id", "indicator_id"])
    assert grid.at[("mango", "tech_processing"), "note"] == "=not a formula"
    assert grid.at[("rice", "tech_equipment"), "note"] == "-5% since 2019"


def test_wrong_columns_and_wrong_file_type(engine, new_round):
    plan = store.plan_import(engine, new_round, b"cluster,indicator\nmango,x\n", "f.csv")
    assert (
        len(plan.issues) == 1
        and plan.issues[0].row == 1
        and "missing column(s) cluster_id, indicator_id, status, source_id, note" in plan.issues[0].message
    )
    plan = store.plan_import(engine, new_round, b"whatever", "f.pdf")
    assert "neither .csv nor .xlsx" in plan.issues[0].message
    plan = store.plan_import(engine, new_round, b"not a zip", "f.xlsx")
    assert "cannot be read as an Excel workbook" in plan.issues[0].message


def test_import_is_all_or_nothing_when_a_write_fails_midway(engine, new_round):
    plan = store.plan_import(engine, new_round, _csv(GOOD), "f.csv")
    rows = _history_rows(engine)
    rev = store.revision(engine)

    def boom(done, total):
        if done == 2:
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        store.commit_import(engine, plan, author="alice", on_progress=boom)
    assert _history_rows(engine) == rows and store.revision(engine) == rev
    assert store.round_grid(engine, new_round)["version"].max() == 0


def test_preview_then_someone_else_edits_then_commit_is_refused(engine, new_round):
    plan = store.plan_import(engine, new_round, _csv(GOOD), "f.csv")
    store.save_assessments(
        engine,
        new_round,
        [store.Edit("rice", "tech_equipment", "partial", "icck_desk", "bob's view", 0)],
        author="bob",
    )
    with pytest.raises(store.ConflictError) as exc:
        store.commit_import(engine, plan, author="alice")
    (c,) = exc.value.conflicts
    assert (c.cluster_id, c.current_status, c.changed_by) == ("rice", "partial", "bob")
    grid = store.round_grid(engine, new_round).set_index(["cluster_id", "indicator_id"])
    assert grid.at[("mango", "tech_rnd_link"), "version"] == 0  # the other rows were not stored either


def test_stale_export_version_is_reported_in_preview(engine, seed_draft):
    _, exported = tables.export_round(engine, seed_draft, "csv")
    store.save_assessments(
        engine,
        seed_draft,
        [store.Edit("mango", "tech_rnd_link", "partial", "icck_desk", "bob", 1)],
        author="bob",
    )
    edited = exported.decode("utf-8-sig").replace("tech_rnd_link,absent", "tech_rnd_link,present").encode()
    plan = store.plan_import(engine, seed_draft, edited, "export.csv")
    assert len(plan.issues) == 1 and plan.issues[0].column == "version"
    assert "changed after your export" in plan.issues[0].message and "bob" in plan.issues[0].message


def test_illustrative_export_cannot_enter_a_real_round(engine, new_round):
    store.create_round(
        engine,
        round_id="demo",
        name="Demo",
        date="2026-12-01",
        kind="survey",
        illustrative=True,
        author="alice",
    )
    store.save_assessments(
        engine,
        "demo",
        [store.Edit("jute", "tech_equipment", "present", "icck_desk", "invented", 0)],
        author="alice",
    )
    _, data = tables.export_round(engine, "demo", "csv")
    plan = store.plan_import(engine, new_round, data.replace(b",demo,", b",,"), "demo.csv")
    assert plan.issues and plan.issues[0].column == store.ILLUSTRATIVE_COLUMN
