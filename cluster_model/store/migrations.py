"""Schema migrations: Alembic revisions, applied in order at startup.

The revisions are in ``alembic/versions/`` beside this file (they ship with the
package), one per schema step; a revision's id is its step number (``0001`` …),
so :func:`current_version` and :data:`LATEST` stay plain numbers. Each revision
spells out its own DDL as the schema was at that step (``op.create_table`` …,
never :mod:`.schema`), so a later change cannot alter an earlier step.

:func:`upgrade` runs at every start (``open_store``), in one transaction holding
the migration lock (PostgreSQL: an advisory lock; SQLite: the write lock), so
two processes starting at once cannot both apply a step. A store made before
Alembic (steps recorded in ``atlas_schema_migrations``) is stamped at its step
and upgraded from there; the old table is then dropped (Alembic's
``alembic_version`` is the record).

To change the schema (from the repository root):

1. edit :mod:`.schema`;
2. ``.venv/bin/python -c "from cluster_model.store.migrations import new_revision; new_revision('what changes')"``
   (the next step number as revision id; or ``.venv/bin/alembic -c cluster_model/store/alembic/alembic.ini
   revision --rev-id 0007 -m "what changes"``, add ``--autogenerate`` to have Alembic draft the
   DDL from the difference between the store at ``ATLAS_DB_URL``/``var/atlas.db`` and :mod:`.schema`);
3. write the DDL in the new file explicitly (``op.add_column``, ``op.batch_alter_table`` — on
   SQLite Alembic runs in batch mode, copy and rename, with foreign keys off until the
   references are checked before commit), data steps with ``op.execute``;
4. give the new tables rows in ``tests/test_migrations.py``, which checks that the head and
   :mod:`.schema` agree and that data in a store at every earlier step survives the upgrade.
   Never edit a released revision.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, inspect, select, text
from sqlalchemy.engine import Connection

from .db import is_sqlite, write_transaction

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

# Alembic is imported only when a step is to be applied or stamped: its imports (mako, pygments,
# every dialect) took 0.35-0.7 s on the loaded test machine, and a start whose store is up to date
# needs none of it (step numbers come from the revision files' names, the store's from its table).

log = logging.getLogger(__name__)

ALEMBIC_INI = Path(__file__).with_name("alembic") / "alembic.ini"
PG_MIGRATION_LOCK = 7431520  # advisory lock key (sign-in throttling uses 7431521)

# Alembic's record of the store's revision (one row), read without importing Alembic.
VERSION_TABLE = Table("alembic_version", MetaData(), Column("version_num", String(32), primary_key=True))
# Where steps 1..6 were recorded before Alembic; read once to adopt such a store, then dropped.
LEGACY_TABLE = Table("atlas_schema_migrations", MetaData(), Column("version", Integer, primary_key=True))


def alembic_config(connection: Connection | None = None) -> Config:
    """The store's Alembic configuration; ``connection`` is the one env.py migrates (else it opens the store)."""
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def scripts() -> ScriptDirectory:
    """The revisions, as Alembic reads them."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def step_number(revision: str | None) -> int:
    """A revision id as its schema step (``"0004"`` → 4; no revision → 0)."""
    return int(revision) if revision else 0


def revision_id(step: int) -> str:
    return f"{step:04d}"


# The steps there are: versions/<revision id>_<name>.py (tests/test_migrations.py checks names against ids).
KNOWN = {p.name[:4] for p in (ALEMBIC_INI.parent / "versions").glob("[0-9][0-9][0-9][0-9]_*.py")}
LATEST = max(map(step_number, KNOWN))


@contextmanager
def migration_lock(engine: Engine) -> Iterator[Connection]:
    """One transaction holding the migration lock: concurrent starts migrate one after the other."""
    with write_transaction(engine, bump=False, schema_change=True) as conn:
        if not is_sqlite(conn):
            # Serialise concurrent startups (the SQLite write lock does this there).
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
        yield conn


def _legacy_versions(conn: Connection) -> set[int] | None:
    if not inspect(conn).has_table(LEGACY_TABLE.name):
        return None
    return set(conn.execute(select(LEGACY_TABLE.c.version)).scalars())


def _refuse_unknown(step: int) -> None:
    if step and revision_id(step) not in KNOWN:
        raise RuntimeError(
            f"the database has schema version(s) [{step}] that this code does not know; update the code"
        )


def stored_step(conn: Connection) -> int:
    """The step Alembic recorded in the store (0: none), refused if this code does not know it."""
    if not inspect(conn).has_table(VERSION_TABLE.name):
        return 0
    step = step_number(conn.execute(select(VERSION_TABLE.c.version_num)).scalar())
    _refuse_unknown(step)
    return step


def adopt_legacy(conn: Connection) -> int | None:
    """Stamp a store made before Alembic at the step its old table records; the step, or None if not one."""
    versions = _legacy_versions(conn)
    if versions is None:
        return None
    step = max(versions, default=0)
    _refuse_unknown(step)
    if step and not stored_step(conn):
        from alembic.runtime.migration import MigrationContext

        MigrationContext.configure(conn).stamp(scripts(), revision_id(step))
        log.info("store made before Alembic: stamped at schema step %s", step)
    LEGACY_TABLE.drop(conn)
    return step


def upgrade(engine: Engine, *, to_step: int | None = None) -> list[int]:
    """Apply every pending step (up to ``to_step``, else the latest); return the steps applied now."""
    target = LATEST if to_step is None else to_step
    with engine.connect() as conn:
        if stored_step(conn) >= target:  # the usual start: nothing to do, no lock, no Alembic
            return []
    with migration_lock(engine) as conn:
        adopt_legacy(conn)
        before = stored_step(conn)
        if before < target:
            from alembic import command

            command.upgrade(alembic_config(conn), revision_id(target))
        after = stored_step(conn)
    return list(range(before + 1, after + 1))


def current_version(engine: Engine) -> int:
    """The store's schema step (0 for an empty database)."""
    with engine.connect() as conn:
        legacy = _legacy_versions(conn)
        if legacy:  # not adopted yet (no start since the update)
            return max(legacy)
        return stored_step(conn)


def new_revision(message: str, *, autogenerate: bool = False):
    """Write ``alembic/versions/<next step>_<message>.py`` to fill in; returns Alembic's Script."""
    from alembic import command

    config = alembic_config()
    head = scripts().get_current_head()
    return command.revision(
        config, message=message, rev_id=revision_id(step_number(head) + 1), autogenerate=autogenerate
    )
