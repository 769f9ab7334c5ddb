"""The evidence store on SQLite and PostgreSQL: schema, seed, reading a Dataset, rounds, history, export."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from sqlalchemy import func, select

from cluster_model import store
from cluster_model.history import (
    cluster_gap_changes,
    district_gap_changes,
    previous_round,
    round_views,
    status_changes,
)
from cluster_model.loading import DATA_DIR
from cluster_model.loading import load_dataset as load_csv
from cluster_model.scoring import assessment_matrix, cluster_gaps
from cluster_model.store import schema as s
from cluster_model.store.testing import temp_store
from outputs import tables
from tests.store_support import backend, engine, seed_draft, store_env

TABLES = [
    "sources",
    "indicators",
    "clusters",
    "sites",
    "rounds",
    "assessments",
    "participation",
    "evidence",
    "published",
]


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_seeded_store_reads_back_the_csv_dataset(engine):
    ds = store.load_dataset(engine)
    ref = load_csv(DATA_DIR)
    for name in TABLES:
        got, want = getattr(ds, name), getattr(ref, name)
        assert "_line" in got.columns  # pages drop it
        key = [c for c in want.columns if c != "_line"]
        pd.testing.assert_frame_equal(
            got[key].sort_values(key).reset_index(drop=True),
            want[key].sort_values(key).reset_index(drop=True),
            check_dtype=False,
            obj=name,
        )
    assert ds.indicators["cluster_defining"].dtype == bool and ds.rounds["illustrative"].dtype == bool
    assert list(ds.indicators["indicator_id"]) == list(ref.indicators["indicator_id"])  # framework order kept
    assert list(ds.clusters["cluster_id"]) == list(ref.clusters["cluster_id"])
    # Unknown participation stays unknown, never 0; scoring gives the same numbers as from CSV.
    m1, m2 = assessment_matrix(ds, "desk-2026"), assessment_matrix(ref, "desk-2026")
    g1, g2 = cluster_gaps(m1, ds.rules, ["hrm"]), cluster_gaps(m2, ref.rules, ["hrm"])
    pd.testing.assert_frame_equal(
        g1.sort_values("cluster_id").reset_index(drop=True),
        g2.sort_values("cluster_id").reset_index(drop=True),
    )
    assert (ds.assessments["version"] == 1).all()


def test_schema_version_and_idempotent_seed(store_env):
    engine, url, schema = store_env
    assert store.current_version(engine) == store.SCHEMA_VERSION
    before = {t.name: _count(engine, t) for t in s.DATA_TABLES}
    rev = store.revision(engine)
    again = store.open_store(url, schema=schema)  # a second start: no new step, no second seed
    assert {t.name: _count(again, t) for t in s.DATA_TABLES} == before
    assert store.revision(again) == rev
    assert store.upgrade(again) == []
    assert store.seed_if_empty(again) is None
    again.dispose()


def test_seed_only_on_an_empty_store(backend, tmp_path):
    with temp_store(backend, tmp_path, seed=False) as (engine, url, schema):
        assert _count(engine, s.assessments) == 0
        issues = store.seed_if_empty(engine)
        assert issues == []
        assert _count(engine, s.assessments) == 12
        assert _count(engine, s.assessment_history) == 12


def test_create_round_and_validation(engine):
    store.create_round(
        engine,
        round_id="survey-2027",
        name="Survey 2027",
        date="2027-03-01",
        kind="Survey",
        author="alice",
        notes="field work",
    )
    rounds = store.list_rounds(engine).set_index("round_id")
    assert rounds.at["survey-2027", "kind"] == "survey" and rounds.at["survey-2027", "created_by"] == "alice"
    assert not rounds.at["survey-2027", "illustrative"]
    with pytest.raises(store.ValidationError, match="already exists"):
        store.create_round(
            engine, round_id="survey-2027", name="Again", date="2027-03-01", kind="survey", author="alice"
        )
    with pytest.raises(store.ValidationError) as exc:
        store.create_round(
            engine, round_id="x-1", name="Bad kind", date="2027-03-01", kind="census", author="alice"
        )
    assert exc.value.issues[0].column == "kind" and "not an allowed round kind" in exc.value.issues[0].message
    with pytest.raises(store.ValidationError, match="not a date"):
        store.create_round(
            engine, round_id="x-2", name="Bad date", date="01/03/2027", kind="survey", author="alice"
        )
    with pytest.raises(store.ValidationError, match="not a usable round id"):
        store.create_round(
            engine, round_id="Has Spaces", name="Bad id", date="2027-03-01", kind="survey", author="alice"
        )
    assert len(store.list_rounds(engine)) == 2


def test_every_change_appends_history(engine, seed_draft):
    grid = store.round_grid(engine, seed_draft).set_index(["cluster_id", "indicator_id"])
    v = int(grid.loc[("mango", "tech_rnd_link"), "version"])
    rev = store.revision(engine)
    r1 = store.save_assessments(
        engine,
        seed_draft,
        [store.Edit("mango", "tech_rnd_link", "partial", "icck_desk", "now a link", v)],
        author="alice",
    )
    r2 = store.save_assessments(
        engine,
        seed_draft,
        [store.Edit("mango", "tech_rnd_link", "present", "icck_desk", "joint project", v + 1)],
        author="bob",
    )
    assert (r1.updated, r2.updated) == (1, 1) and r2.revision > r1.revision > rev
    h = store.history(engine, round_id=seed_draft, cluster_id="mango", indicator_id="tech_rnd_link")
    assert list(h["action"]) == ["update", "update", "create"]  # the draft copied the seed's values
    assert list(h["changed_by"])[:2] == ["bob", "alice"]
    newest, middle = h.iloc[0], h.iloc[1]
    assert (middle["old_status"], middle["new_status"]) == ("absent", "partial")
    assert (newest["old_status"], newest["new_status"], newest["old_note"], newest["new_note"]) == (
        "partial",
        "present",
        "now a link",
        "joint project",
    )
    assert newest["changed_at"] is not None and newest["changed_at"].tzinfo is not None
    row = (
        store.load_dataset(engine)
        .assessments.set_index(["round_id", "cluster_id", "indicator_id"])
        .loc[(seed_draft, "mango", "tech_rnd_link")]
    )
    assert (row["status"], row["version"], row["updated_by"]) == ("present", 3, "bob")


def test_save_validation_refuses_everything(engine, seed_draft):
    rows_before = _count(engine, s.assessment_history)
    edits = [
        store.Edit("sugar", "tech_equipment", "present", "icck_desk", "fine", 0, 1),
        store.Edit("sugar", "tech_processing", "present", "", "no source", 0, 2),
        store.Edit("sugar", "tech_digital", "excellent", "icck_desk", "", 0, 3),
    ]
    with pytest.raises(store.ValidationError) as exc:
        store.save_assessments(engine, seed_draft, edits, author="alice")
    issues = exc.value.issues
    assert [(i.row, i.column) for i in issues] == [(2, "source_id"), (3, "status")]
    assert _count(engine, s.assessment_history) == rows_before  # the good row was not saved either
    with pytest.raises(ValueError):
        store.save_assessments(engine, seed_draft, edits[:1], author=" ")


def test_change_since_previous_round(engine):
    store.create_round(
        engine, round_id="survey-2027", name="Survey 2027", date="2027-03-01", kind="survey", author="alice"
    )
    store.save_assessments(
        engine,
        "survey-2027",
        [
            store.Edit("mango", "tech_rnd_link", "present", "icck_desk", "link established", 0),
            store.Edit("rice", "tech_equipment", "absent", "icck_desk", "manual husking", 0),
        ],
        author="alice",
    )
    ds = store.load_dataset(engine)
    assert previous_round(ds, "survey-2027") == "desk-2026" and previous_round(ds, "desk-2026") is None
    now, before = round_views(ds, "survey-2027")  # the previous round found by previous_round
    ch = status_changes(now, before, only_changed=True).set_index(["cluster_id", "indicator_id"])
    assert set(ch.index) == {("mango", "tech_rnd_link"), ("rice", "tech_equipment")}
    assert tuple(ch.loc[("mango", "tech_rnd_link"), ["status_before", "status_now"]]) == ("absent", "present")
    assert tuple(ch.loc[("rice", "tech_equipment"), ["status_before", "status_now"]]) == (
        "not assessed",
        "absent",
    )
    gaps = cluster_gap_changes(now, before, ["technology"]).set_index("cluster_id")
    assert (
        gaps.at["mango", "gap_before"] == 1.0
        and gaps.at["mango", "gap_now"] == 0.0
        and gaps.at["mango", "gap_delta"] == -1.0
    )
    assert pd.isna(gaps.at["rice", "gap_before"]) and pd.isna(
        gaps.at["rice", "gap_delta"]
    )  # unknown before: no delta, not 0
    assert gaps.at["automobile", "coverage_delta"] == 0 and pd.isna(gaps.at["automobile", "gap_delta"])
    dist = district_gap_changes(now, before, ds.sites, ["technology"]).set_index("district")
    assert dist.at["Mirpur Khas", "gap_delta"] == -1.0
    assert dist.at["Larkana", "coverage_now"] > dist.at["Larkana", "coverage_before"]


def test_rounds_on_the_same_date_are_ordered_by_when_they_were_opened(engine):
    """(#24 item 22) the New round form defaults to today, so two rounds often share a date. The
    order is total (date, then when the round was opened, then its id): the survey round, opened
    first, comes before the linkage round whatever their ids, and neither shows the other's values."""
    for rid, name in (("survey-2027", "Survey 2027"), ("linkage-2027", "Linkage review 2027")):
        store.create_round(engine, round_id=rid, name=name, date="2027-03-01", kind="survey", author="alice")
    store.save_assessments(
        engine,
        "linkage-2027",
        [store.Edit("rice", "tech_equipment", "present", "icck_desk", "", 0)],
        author="alice",
    )
    ds = store.load_dataset(engine)
    assert ds.round_order()[-3:] == ["desk-2026", "survey-2027", "linkage-2027"]
    assert previous_round(ds, "survey-2027") == "desk-2026"
    assert previous_round(ds, "linkage-2027") == "survey-2027"
    shown = assessment_matrix(ds, "survey-2027").set_index(["cluster_id", "indicator_id"])
    assert shown.at[("rice", "tech_equipment"), "round_id"] != "linkage-2027"  # a later round's value
    later = assessment_matrix(ds, "linkage-2027").set_index(["cluster_id", "indicator_id"])
    assert later.at[("rice", "tech_equipment"), "status"] == "present"


def test_illustrative_round_kept_and_marked_in_every_export(engine):
    store.create_round(
        engine,
        round_id="demo",
        name="Training demo",
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
    ds = store.load_dataset(engine)
    assert bool(ds.rounds.set_index("round_id").at["demo", "illustrative"]) is True
    assert ds.latest_round() == "desk-2026"  # invented data is never the default
    name, data = tables.export_round(engine, "demo", "csv")
    assert "ILLUSTRATIVE" in name
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows and all(r[store.ILLUSTRATIVE_COLUMN] == store.ILLUSTRATIVE_TEXT for r in rows)
    name, data = tables.export_round(engine, "demo", "xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    assert "ILLUSTRATIVE" in name
    sheet = list(wb["assessments"].values)
    assert sheet[0][0] == store.ILLUSTRATIVE_COLUMN and all(
        r[0] == store.ILLUSTRATIVE_TEXT for r in sheet[1:]
    )
    assert wb["about"]["A1"].value == store.ILLUSTRATIVE_TEXT
    name, data = tables.export_round(engine, "desk-2026", "csv")  # a real round says nothing of the kind
    assert "ILLUSTRATIVE" not in name and b"ILLUSTRATIVE" not in data


def test_export_neutralises_formulas_and_round_trips(engine, seed_draft):
    store.save_assessments(
        engine,
        seed_draft,
        [store.Edit("rice", "tech_digital", "partial", "icck_desk", '=HYPERLINK("http://x")', 0)],
        author="alice",
    )
    _, data = tables.export_round(engine, seed_draft, "csv")
    text = data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    plan = store.plan_import(engine, seed_draft, data, "export.csv")
    assert plan.ok, plan.issues
    assert plan.count("unchanged") == 13 and plan.count("changed") == 0


def test_url_resolution_and_masking(monkeypatch, tmp_path):
    monkeypatch.delenv("ATLAS_DB_URL", raising=False)
    assert store.resolve_url(None).endswith("var/atlas.db")
    assert store.resolve_url("sqlite:///x.db") == "sqlite:///x.db"
    monkeypatch.setenv("ATLAS_DB_URL", f"sqlite:///{tmp_path}/env.db")
    assert store.resolve_url("sqlite:///x.db") == f"sqlite:///{tmp_path}/env.db"
    masked = store.safe_url("postgresql+psycopg://editor:s3cr3t-pw@db.example/atlas")
    assert "s3cr3t-pw" not in masked and "editor" in masked


def test_sqlite_uses_wal_and_busy_timeout(tmp_path):
    engine = store.open_store(f"sqlite:///{tmp_path}/w.db")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
