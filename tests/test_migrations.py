"""Schema migrations as Alembic revisions, on SQLite and PostgreSQL (issue 25, "Migrations").

A store at every earlier step, made by Alembic or by the pre-Alembic step table, with data
in every table, is upgraded to the head with every row kept; the head and the models in
``cluster_model/store/schema.py`` agree; two starts at once migrate once.
"""

from __future__ import annotations

import ast
import io
import shutil
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, insert, inspect, select, text
from sqlalchemy.exc import IntegrityError

from cluster_model import store
from cluster_model.store import migrations
from cluster_model.store import schema as s
from cluster_model.store.db import is_sqlite, make_engine
from cluster_model.store.testing import temp_store
from tests.store_support import backend

WHEN = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)

# The tables each step made (what the pre-Alembic code created with ``metadata.create_all``).
STEP_TABLES = {
    1: [s.store_revision, *s.DATA_TABLES],
    2: s.DIALOGUE_TABLES,
    3: s.SIGNIN_TABLES,
    4: s.VOTE_TABLES,
    5: s.SURVEY_TABLES,
    6: s.LINKAGE_TABLES,
}

# The pre-Alembic step record, as the old code made it.
OLD_STEP_TABLE = Table(
    "atlas_schema_migrations",
    MetaData(),
    Column("version", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)


def _legacy_store(engine, step: int) -> None:
    """A database as the pre-Alembic code left it after ``step``: its tables, data steps and step record."""
    with engine.begin() as conn:
        for n in range(1, step + 1):
            s.metadata.create_all(conn, tables=STEP_TABLES[n])
        conn.execute(insert(s.store_revision).values(id=1, revision=0, seeded_at=None))
        if step >= 4:
            conn.execute(insert(s.room_secret).values(id=1, secret="b" * 64, created_at=WHEN))
        OLD_STEP_TABLE.create(conn)
        conn.execute(
            insert(OLD_STEP_TABLE),
            [{"version": n, "name": f"step {n}", "applied_at": WHEN} for n in range(1, step + 1)],
        )


def _put_data(engine, step: int) -> None:
    """Rows in every table the store has at ``step`` (the seed, an editor's change, and one row each)."""
    assert store.seed_if_empty(engine) == []
    store.create_round(
        engine, round_id="dialogue-2027", name="Dialogue", date="2027-01-10", kind="dialogue", author="alice"
    )
    store.save_assessments(  # a draft: from step 7 the seed's desk review is an edition, never changed
        engine,
        "dialogue-2027",
        [store.Edit("rice", "tech_equipment", "partial", "icck_desk", "seen on a visit", base_version=0)],
        author="alice",
    )
    item = {"round_id": "dialogue-2027", "cluster_id": "rice", "pillar": "technology"}
    first_edition = _first_edition(engine) if step >= 8 else None
    rows = {
        2: [
            (
                s.dialogue_sessions,
                dict(
                    round_id="dialogue-2027",
                    venue="MUET",
                    date="2027-01-10",
                    facilitator="F",
                    agenda="rice:T",
                    position=0,
                    created_by="alice",
                    created_at=WHEN,
                    updated_by="alice",
                    updated_at=WHEN,
                ),
            ),
            (
                s.dialogue_ratings,
                dict(
                    item,
                    stakeholder_group="industry",
                    rating="absent",
                    author="a",
                    updated_at=WHEN,
                    version=1,
                ),
            ),
            (
                s.dialogue_quotes,
                dict(
                    item,
                    stakeholder_group="industry",
                    speaker_name=None,
                    text="No dryer here",
                    kind="quote",
                    author="a",
                    created_at=WHEN,
                ),
            ),
            (
                s.dialogue_history,
                dict(
                    round_id="dialogue-2027",
                    entity="rating",
                    action="create",
                    new_value="absent",
                    changed_by="a",
                    changed_at=WHEN,
                ),
            ),
        ],
        3: [
            (
                s.signin_throttle,
                dict(kind="account", key="alice", failures=2, last_failure_at=WHEN, locked_until=None),
            ),
            (
                s.editor_sessions,
                dict(token_sha256="c" * 64, username="alice", name="Alice", created_at=WHEN, expires_at=WHEN),
            ),
            (
                s.editor_accounts,
                dict(username="alice", name="Alice", password_hash="x$y", admin=True, created_at=WHEN),
            ),
        ],
        4: [
            (
                s.room_votes,
                dict(item, device="d1", stakeholder_group="industry", choice="present", cast_at=WHEN),
            ),
            (s.room_vote_items, dict(item, state="closed", changed_by="f", changed_at=WHEN)),
            (
                s.room_tallies,
                dict(
                    item,
                    stakeholder_group="industry",
                    n_present=1,
                    n_partial=0,
                    n_absent=0,
                    n_dont_know=0,
                    rating="present",
                    last_vote_id=1,
                    accepted_by="f",
                    accepted_at=WHEN,
                ),
            ),
        ],
        5: [
            (
                s.survey_submissions,
                dict(
                    id=1,
                    round_id="desk-2026",
                    submission_id="uuid-1",
                    cluster_id="rice",
                    counted=True,
                    raw="{}",
                    file="odk.csv",
                    line=2,
                    imported_by="alice",
                    imported_at=WHEN,
                ),
            ),
            (s.survey_answers, dict(submission_pk=1, indicator_id="tech_equipment", answer="dont_know")),
        ],
        6: [
            (
                s.institutions,
                dict(
                    institution_id="muet",
                    name="MUET",
                    kind="university",
                    lat=None,
                    lon=None,
                    source_id="dialogue2019",
                    version=1,
                    updated_by="seed",
                    updated_at=WHEN,
                ),
            ),
            (
                s.institution_history,
                dict(
                    institution_id="muet",
                    action="seed",
                    via="seed",
                    new_value="{}",
                    new_version=1,
                    changed_by="seed",
                    changed_at=WHEN,
                ),
            ),
            (
                s.links,
                dict(
                    round_id="desk-2026",
                    institution_id="muet",
                    target="cluster:rice",
                    link_type="training",
                    status="weak",
                    source_id="dialogue2019",
                    version=1,
                    updated_by="seed",
                    updated_at=WHEN,
                ),
            ),
            (
                s.link_history,
                dict(
                    round_id="desk-2026",
                    institution_id="muet",
                    target="cluster:rice",
                    link_type="training",
                    action="seed",
                    via="seed",
                    new_status="weak",
                    new_source_id="dialogue2019",
                    new_note="",
                    new_version=1,
                    changed_by="seed",
                    changed_at=WHEN,
                ),
            ),
        ],
        # the seed made the first edition (the editions table's row); the draft went to review
        7: [
            (
                s.round_reviews,
                dict(round_id="dialogue-2027", action="submit", note="", changed_by="alice", changed_at=WHEN),
            )
        ],
        8: [
            (
                s.edition_reports,
                dict(
                    edition_id=first_edition,
                    language="en",
                    pdf=b"%PDF-1.7 the first edition's report",
                    sha256="d" * 64,
                    made_at=WHEN,
                ),
            )
        ],
    }
    with engine.begin() as conn:
        for n in range(2, step + 1):
            for table, row in rows[n]:  # a new step's tables get rows here (KeyError until they do)
                conn.execute(insert(table).values(**row))


def _first_edition(engine) -> str:
    with engine.connect() as conn:
        return conn.execute(select(s.editions.c.edition_id).where(s.editions.c.sequence == 1)).scalar_one()


def _every_row(engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        present = set(inspect(conn).get_table_names())
        return {
            t.name: sorted(map(tuple, conn.execute(select(t))), key=repr)
            for t in s.metadata.sorted_tables
            if t.name in present
        }


def _differences(engine) -> list:
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), s.metadata)


def _table_names(engine) -> set[str]:
    with engine.connect() as conn:
        return set(inspect(conn).get_table_names())


# Every step Alembic can build, and the steps the pre-Alembic code could record (1..6).
EARLIER = [(n, "alembic") for n in range(1, store.SCHEMA_VERSION + 1)] + [
    (n, "pre-alembic step table") for n in STEP_TABLES
]


@pytest.mark.parametrize(("step", "made_by"), EARLIER)
def test_a_store_at_each_earlier_step_is_upgraded_with_every_row_kept(backend, tmp_path, step, made_by):
    with temp_store(backend, tmp_path, empty=True) as (engine, _url, _schema):
        if made_by == "alembic":
            assert store.upgrade(engine, to_step=step) == list(range(1, step + 1))
        else:
            _legacy_store(engine, step)
        assert store.current_version(engine) == step
        _put_data(engine, step)
        before = _every_row(engine)
        assert all(before.values()), [name for name, rows in before.items() if not rows]
        rev = store.revision(engine)

        assert store.upgrade(engine) == list(range(step + 1, store.SCHEMA_VERSION + 1))

        after = _every_row(engine)
        assert {name: after[name] for name in before} == before  # nothing lost, nothing changed
        assert store.revision(engine) == rev
        assert store.current_version(engine) == store.SCHEMA_VERSION
        assert OLD_STEP_TABLE.name not in _table_names(engine)  # adopted: alembic_version is the record
        assert _differences(engine) == []  # the upgraded store is the schema the code expects
        assert store.upgrade(engine) == []


@pytest.mark.parametrize("step", [1, 6])
def test_a_store_with_data_gets_the_seed_desk_review_as_its_first_edition(backend, tmp_path, step):
    """Schema step 7 (issue 26): the seed's desk review becomes the first published edition, its checksum
    the content it had; other rounds are drafts; the edition then refuses edits; nothing is lost."""
    from cluster_model import publishing

    with temp_store(backend, tmp_path, empty=True) as (engine, _url, _schema):
        store.upgrade(engine, to_step=step)
        _put_data(engine, step)
        ds = store.load_dataset(engine)
        content = publishing.edition_tables(publishing.restrict_rounds(ds, ["desk-2026"]), "desk-2026")
        store.upgrade(engine)
        [first] = publishing.editions(engine)
        assert (first.round_id, first.sequence, first.self_reviewed) == ("desk-2026", 1, True)
        assert first.checksum == publishing.content_checksum(content)
        assert publishing.round_state(engine, "dialogue-2027") == publishing.DRAFT
        with pytest.raises(publishing.PublishedRoundError):
            store.save_assessments(
                engine,
                "desk-2026",
                [store.Edit("rice", "tech_equipment", "absent", "icck_desk", "", 0)],
                author="bob",
            )


def test_an_edition_from_before_step_8_gets_its_report_made_and_kept_when_first_asked(backend, tmp_path):
    """Schema step 8 (issue 26 item 4): a store holding an edition and data is upgraded; the edition's
    report, which no one made at publishing, is made on the first request and kept: the same bytes after,
    whatever URL the next request came from; the store's data and revision unchanged."""
    from pypdf import PdfReader

    from cluster_model import publishing
    from outputs.edition_report import stored_report

    with temp_store(backend, tmp_path, empty=True) as (engine, _url, _schema):
        store.upgrade(engine, to_step=7)
        _put_data(engine, 7)
        assert store.upgrade(engine) == [8]
        [first] = publishing.editions(engine)  # sums the pending checksum (publishing.sum_pending) first
        ds = store.load_dataset(engine)
        before, rev = _every_row(engine), store.revision(engine)
        pdf = stored_report(engine, ds, first, "en", "https://atlas.example/?round=desk-2026")
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert f"edition {first.edition_id}" in text and "https://atlas.example/?round=desk-2026" in text
        assert stored_report(engine, ds, first, "en", "https://elsewhere.example/") == pdf
        after = _every_row(engine)
        assert [r[:2] for r in after["edition_reports"]] == [(first.edition_id, "en")]
        assert after == before | {"edition_reports": after["edition_reports"]}  # nothing else written
        assert store.revision(engine) == rev


def test_the_head_and_the_models_agree(backend, tmp_path):
    with temp_store(backend, tmp_path, seed=False) as (engine, _url, _schema):
        assert _differences(engine) == []
        assert _table_names(engine) == {t.name for t in s.metadata.sorted_tables} | {"alembic_version"}


def test_a_model_change_without_a_revision_is_found(backend, tmp_path):
    """The agreement check can fail: a column in the models and not in the head is reported."""
    with temp_store(backend, tmp_path, seed=False) as (engine, _url, _schema):
        extra = Column("state", String(20))
        s.rounds.append_column(extra)
        try:
            diffs = _differences(engine)
        finally:
            s.rounds._columns.remove(extra)
        assert [(d[0], d[2], d[3].name) for d in diffs] == [("add_column", "rounds", "state")]


def test_revisions_are_the_numbered_steps_in_one_line():
    scripts = list(reversed(list(migrations.scripts().walk_revisions())))
    assert [x.revision for x in scripts] == [f"{n:04d}" for n in range(1, len(scripts) + 1)]
    assert [Path(x.path).name[:5] for x in scripts] == [f"{x.revision}_" for x in scripts]
    assert migrations.KNOWN == {x.revision for x in scripts}
    assert [x.down_revision for x in scripts] == [None] + [x.revision for x in scripts[:-1]]
    assert store.SCHEMA_VERSION == len(scripts) >= 6
    for x in scripts:  # frozen: a revision never builds from today's models
        tree = ast.parse(Path(x.path).read_text(encoding="utf-8"))
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert imported <= {"secrets", "datetime", "sqlalchemy", "alembic"}, (x.path, imported)


def test_a_step_this_code_does_not_know_is_refused(backend, tmp_path):
    with temp_store(backend, tmp_path, empty=True) as (engine, _url, _schema):
        store.upgrade(engine)
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
        with pytest.raises(RuntimeError, match=r"schema version\(s\) \[99\] that this code does not know"):
            store.upgrade(engine)


def test_a_pre_alembic_step_this_code_does_not_know_is_refused(backend, tmp_path):
    with temp_store(backend, tmp_path, empty=True) as (engine, _url, _schema):
        _legacy_store(engine, 6)
        with engine.begin() as conn:
            conn.execute(insert(OLD_STEP_TABLE).values(version=99, name="future", applied_at=WHEN))
        with pytest.raises(RuntimeError, match="does not know"):
            store.upgrade(engine)
        assert OLD_STEP_TABLE.name in _table_names(engine)  # refused: nothing changed


def test_two_starts_at_once_apply_each_step_once(backend, tmp_path):
    with temp_store(backend, tmp_path, empty=True) as (engine, url, schema):
        engines = [make_engine(url, schema=schema) for _ in range(2)]
        start = threading.Barrier(2)
        applied: list[list[int]] = []
        errors: list[BaseException] = []

        def run(e):
            start.wait()
            try:
                applied.append(store.upgrade(e))
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(e,)) for e in engines]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for e in engines:
            e.dispose()
        assert errors == []
        assert sorted(applied) == [[], list(range(1, store.SCHEMA_VERSION + 1))]
        with engine.connect() as conn:
            assert conn.execute(select(s.room_secret.c.id)).scalars().all() == [1]
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1


def _alter_in_a_future_step(engine, change) -> None:
    """What a later revision does to a table others reference (issue 26 changes ``rounds``):
    on SQLite, Alembic's batch mode rebuilds the table (copy, drop, rename)."""
    with migrations.migration_lock(engine) as conn:
        batch = is_sqlite(conn)
        ops = Operations(MigrationContext.configure(conn, opts={"render_as_batch": batch}))
        with ops.batch_alter_table("rounds", recreate="always" if batch else "auto") as table:
            change(table, conn)


def test_a_later_step_can_rebuild_a_table_others_reference(backend, tmp_path):
    with temp_store(backend, tmp_path) as (engine, _url, _schema):
        before = _every_row(engine)
        _alter_in_a_future_step(
            engine, lambda table, _conn: table.alter_column("notes", existing_type=Text, nullable=True)
        )
        assert _every_row(engine) == before
        with pytest.raises(IntegrityError):  # the store checks references again afterwards
            with engine.begin() as conn:
                conn.execute(s.dialogue_sessions.delete())
                conn.execute(s.rounds.delete())


def test_a_step_that_leaves_a_broken_reference_changes_nothing(backend, tmp_path):
    with temp_store(backend, tmp_path) as (engine, _url, _schema):
        before = _every_row(engine)

        def drop_a_round_still_referenced(table, conn):
            table.alter_column("notes", existing_type=Text, nullable=True)
            conn.execute(s.rounds.delete())

        # SQLite checks the references before commit; PostgreSQL at the statement.
        refused = (
            (RuntimeError, "rows that do not exist")
            if backend == "sqlite"
            else (IntegrityError, "foreign key")
        )
        with pytest.raises(refused[0], match=refused[1]):
            _alter_in_a_future_step(engine, drop_a_round_still_referenced)
        assert _every_row(engine) == before


def test_new_revision_is_the_next_step(tmp_path, monkeypatch):
    scripts = tmp_path / "alembic"
    shutil.copytree(migrations.ALEMBIC_INI.parent, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(migrations, "ALEMBIC_INI", scripts / "alembic.ini")
    made = migrations.new_revision("rounds: state")
    step = f"{store.SCHEMA_VERSION + 1:04d}"
    assert (made.revision, made.down_revision) == (step, f"{store.SCHEMA_VERSION:04d}")
    assert Path(made.path) == scripts / "versions" / f"{step}_rounds_state.py"
    assert "from alembic import op" in Path(made.path).read_text(encoding="utf-8")


def test_a_start_with_the_store_up_to_date_does_not_load_alembic(tmp_path):
    """Alembic's imports cost a start 0.35 s or more (see migrations.py); an up-to-date store needs none."""
    url = f"sqlite:///{tmp_path / 'atlas.db'}"
    store.open_store(url, seed=False).dispose()
    started = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from cluster_model import store; "
            f"store.open_store({url!r}, seed=False); print(sorted(m for m in sys.modules if m.startswith('alembic')))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[1],
    )
    assert started.stdout.strip() == "[]"


def test_a_second_start_waits_while_the_first_writes_a_new_sqlite_store(tmp_path):
    """A new SQLite file is switched to WAL by a connection's first statement; SQLite refuses that
    switch at once, without its busy wait, while another start writes in the file ("database is
    locked": the second of two starts on a new store failed, 1 run in 20 of the test above)."""
    path = tmp_path / "atlas.db"
    first = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    first.execute("CREATE TABLE t (x)")
    first.execute("BEGIN IMMEDIATE")
    first.execute("INSERT INTO t VALUES (1)")
    first_commits = threading.Timer(0.5, first.execute, args=("COMMIT",))
    first_commits.start()
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("SELECT x FROM t").scalars().all() == [1]
    finally:
        first_commits.join()
        engine.dispose()
        first.close()
