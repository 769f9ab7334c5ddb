"""Where the evidence store lives and how to talk to it.

The database URL is, in order: the environment variable ``ATLAS_DB_URL``; the
URL the caller passes (the UI passes ``[connections.atlas] url`` from
Streamlit's secrets); else a SQLite file in ``var/`` beside the data folder
(``<repo>/var/atlas.db``; ``var/`` is outside git). See cluster_model/settings.py. Any SQLAlchemy URL works; SQLite and PostgreSQL are tested.

SQLite connections use WAL (readers never wait for a writer), a busy timeout
and foreign keys. Every multi-row write goes through :func:`write_transaction`:
one transaction, writers take turns (SQLite ``BEGIN IMMEDIATE``; on PostgreSQL
a row lock on the revision counter), and the revision counter goes up so
caches see the change.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, select, update
from sqlalchemy.engine import Connection, make_url

from ..settings import settings
from .schema import store_revision

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 30_000


def now_utc() -> datetime:
    """Now, timezone-aware in UTC: every time the store writes."""
    return datetime.now(UTC)


def as_utc(value):
    """A stored time as timezone-aware UTC (SQLite returns naive datetimes); None or NaT stays None."""
    if not isinstance(value, datetime) or value != value:  # None, pandas' NA; NaT is not equal to itself
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def default_url() -> str:
    return settings().default_db_url


def resolve_url(configured: str | None = None) -> str:
    """The database URL: ``ATLAS_DB_URL``, else ``configured`` (from secrets), else the default SQLite file."""
    return settings().db_url or configured or default_url()


def safe_url(url: str) -> str:
    """The URL with any password masked, for logs and messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - never echo a URL we cannot parse: it may hold a secret
        return "<unparseable database URL>"


PG_POOL_SIZE = 20  # connections kept open per app server (PostgreSQL)
PG_MAX_OVERFLOW = 20  # more opened for a burst, closed again when returned


def is_sqlite(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str | None = None, *, schema: str | None = None, **kwargs) -> Engine:
    """Create an engine for ``url`` (an explicit URL wins; None means :func:`resolve_url`).

    ``schema`` (PostgreSQL only) puts every table in that schema via the search
    path; the tests use it to give each test its own tables.
    """
    url = url or resolve_url()
    parsed = make_url(url)
    kwargs.setdefault("hide_parameters", True)  # values never end up in error text or logs
    kwargs.setdefault("pool_pre_ping", True)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        connect_args = kwargs.setdefault("connect_args", {})
        connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
        connect_args.setdefault("check_same_thread", False)
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    # Streamlit runs every browser session's script in its own thread, so a room of
    # phones voting at once asks for dozens of connections together; SQLAlchemy's
    # default pool (5 kept + 10 overflow) made them queue for a connection (#12 bench).
    # Two app servers sharing one PostgreSQL still fit in its default 100 connections.
    kwargs.setdefault("pool_size", PG_POOL_SIZE)
    kwargs.setdefault("max_overflow", PG_MAX_OVERFLOW)
    if schema:
        if not schema.replace("_", "").isalnum():
            raise ValueError("schema name must be letters, digits and underscores")
        kwargs.setdefault("connect_args", {})["options"] = f"-c search_path={schema}"
    return create_engine(url, **kwargs)


def _use_wal(cursor) -> None:
    # WAL is kept in the file, so only the first connections to a new store switch to it. SQLite
    # refuses the switch at once, without the busy timeout, while another connection writes in the
    # file ("database is locked": two servers starting on a new store); wait for it as the timeout would.
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
        time.sleep(0.05)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised by every SQLite test
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        _use_wal(cursor)
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # A write transaction takes the write lock at once, so a read-then-write
        # never fails half-way because another writer got in between.
        conn.exec_driver_sql(
            "BEGIN IMMEDIATE" if conn.get_execution_options().get("atlas_write") else "BEGIN"
        )


@contextmanager
def write_transaction(
    engine: Engine, *, bump: bool = True, schema_change: bool = False
) -> Iterator[Connection]:
    """One transaction for a whole write: all of it is stored, or none of it.

    Writers take turns; ``bump`` raises the store revision (the first statement,
    so on PostgreSQL it also takes the writers' lock). ``schema_change``: on SQLite,
    foreign keys are off during the transaction and checked before it commits.
    """
    with engine.connect() as conn:
        keys_off = schema_change and is_sqlite(conn)
        if keys_off:
            _sqlite_foreign_keys(conn, on=False)
        try:
            conn.execution_options(atlas_write=True)
            with conn.begin():
                if bump:
                    bump_revision(conn)
                yield conn
                if keys_off:
                    _check_references(conn)
        finally:
            if keys_off:
                _sqlite_foreign_keys(conn, on=True)


def _sqlite_foreign_keys(conn: Connection, *, on: bool) -> None:
    # SQLite alters a table by rebuilding it (Alembic's batch mode: copy, drop, rename); with
    # foreign keys on, dropping a table others reference fails. SQLite's recipe
    # (sqlite.org/lang_altertable.html, "other kinds of table schema changes"): keys off
    # outside the transaction — the pragma is ignored inside one, hence the driver connection —
    # and checked before commit.
    conn.connection.driver_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _check_references(conn: Connection) -> None:
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        table, row, parent = broken[0][:3]
        raise RuntimeError(
            f"the schema change leaves {len(broken)} row(s) referring to rows that do not exist "
            f"(first: {table} row {row} → {parent}); nothing was changed"
        )


def bump_revision(conn: Connection) -> int:
    result = conn.execute(
        update(store_revision)
        .where(store_revision.c.id == 1)
        .values(revision=store_revision.c.revision + 1)
        .returning(store_revision.c.revision)
    )
    row = result.first()
    if row is None:
        raise RuntimeError("the store is not initialised: call cluster_model.store.open_store() first")
    return int(row[0])


def revision(engine: Engine | Connection) -> int:
    """The store's revision: changes whenever anything is written. Use it as a cache key."""
    if isinstance(engine, Connection):
        return int(
            engine.execute(select(store_revision.c.revision).where(store_revision.c.id == 1)).scalar_one()
        )
    with engine.connect() as conn:
        return revision(conn)


def column_values(conn: Connection, column) -> list[str]:
    """Every value of one column as text: the ids an upload or an edit is checked against."""
    return [str(v) for v in conn.execute(select(column)).scalars()]
