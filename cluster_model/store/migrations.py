"""Schema versions, applied in order at startup (a small migration table).

Each step has a number, a name and a function run inside one transaction with
the writers' lock held, so two processes starting at once cannot both apply it.
The applied steps are recorded in ``atlas_schema_migrations``.

To change the schema: edit :mod:`.schema` *and* append a step that makes the
same change with explicit DDL (``ALTER TABLE …``). Never edit a released step.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, inspect, select, text
from sqlalchemy.engine import Connection

from . import schema as s
from .db import is_sqlite, write_transaction

log = logging.getLogger(__name__)


def _v1_initial(conn: Connection) -> None:
    s.metadata.create_all(conn, tables=[s.store_revision, *s.DATA_TABLES])
    conn.execute(insert(s.store_revision).values(id=1, revision=0, seeded_at=None))


def _v2_dialogue(conn: Connection) -> None:
    # New tables only (workshop mode): nothing existing changes.
    s.metadata.create_all(conn, tables=s.DIALOGUE_TABLES)


def _v3_signin(conn: Connection) -> None:
    # New tables only (sign-in throttling, sessions, accounts made in the browser).
    s.metadata.create_all(conn, tables=s.SIGNIN_TABLES)


def _v4_room_votes(conn: Connection) -> None:
    # New tables only (votes from phones); the device-pass secret is made once, here.
    s.metadata.create_all(conn, tables=s.VOTE_TABLES)
    conn.execute(
        insert(s.room_secret).values(id=1, secret=secrets.token_hex(32), created_at=datetime.now(UTC))
    )


def _v5_survey(conn: Connection) -> None:
    # New tables only (field surveys): nothing existing changes.
    s.metadata.create_all(conn, tables=s.SURVEY_TABLES)


def _v6_linkages(conn: Connection) -> None:
    # New tables only (issue 17: institutions and links): nothing existing changes.
    s.metadata.create_all(conn, tables=s.LINKAGE_TABLES)


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (
        1,
        "initial schema: sources, indicators, clusters, sites, rounds, assessments, history, participation, evidence, published classification",
        _v1_initial,
    ),
    (2, "workshop mode: dialogue sessions, the room's ratings, quotes and their history", _v2_dialogue),
    (
        3,
        "sign-in: failed attempts and locks per account and address, editors' sessions, accounts made with the setup code",
        _v3_signin,
    ),
    (
        4,
        "the room votes from phones: raw votes, closed items, accepted tallies, device-pass secret",
        _v4_room_votes,
    ),
    (5, "field surveys: raw ODK/KoboToolbox submissions and their answers", _v5_survey),
    (6, "institutions and linkages: institutions, links per round, and their history", _v6_linkages),
]

LATEST = MIGRATIONS[-1][0]


def applied_versions(conn: Connection) -> set[int]:
    if not inspect(conn).has_table(s.schema_migrations.name):
        return set()
    return set(conn.execute(select(s.schema_migrations.c.version)).scalars())


def upgrade(engine: Engine) -> list[int]:
    """Apply every pending step; return the versions applied now (empty if up to date)."""
    done: list[int] = []
    with write_transaction(engine, bump=False) as conn:
        if not is_sqlite(conn):
            # Serialise concurrent startups (the SQLite write lock does this there).
            conn.execute(text("SELECT pg_advisory_xact_lock(7431520)"))
        s.schema_migrations.create(conn, checkfirst=True)
        have = applied_versions(conn)
        for version, name, step in MIGRATIONS:
            if version in have:
                continue
            log.info("applying schema step %s: %s", version, name)
            step(conn)
            conn.execute(
                insert(s.schema_migrations).values(
                    version=version, name=name[:200], applied_at=datetime.now(UTC)
                )
            )
            done.append(version)
    unknown = have - {v for v, _, _ in MIGRATIONS}
    if unknown:
        raise RuntimeError(
            f"the database has schema version(s) {sorted(unknown)} that this code does not know; update the code"
        )
    return done


def current_version(engine: Engine) -> int:
    with engine.connect() as conn:
        versions = applied_versions(conn)
    return max(versions, default=0)
