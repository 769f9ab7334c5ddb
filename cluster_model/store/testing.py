"""Helpers for tests: a fresh, seeded store on SQLite (a temp file) or PostgreSQL.

PostgreSQL runs when ``ATLAS_TEST_PG_URL`` is set (``scripts/start_test_postgres.sh``
prints it); each store gets its own schema, dropped afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

from ..settings import settings

BACKENDS = ["sqlite", "postgresql"]


def pg_url() -> str | None:
    return settings().test_pg_url


@contextmanager
def temp_store(
    backend: str, tmp_path: Path, *, seed: bool = True, empty: bool = False
) -> Iterator[tuple[Engine, str, str | None]]:
    """Yield (engine, url, schema) for a fresh store (``empty``: a blank database, no tables); clean up afterwards."""
    from .db import make_engine
    from .repository import open_store

    def start(url: str, schema: str | None = None) -> Engine:
        return make_engine(url, schema=schema) if empty else open_store(url, schema=schema, seed=seed)

    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'atlas-test.db'}"
        engine = start(url)
        try:
            yield engine, url, None
        finally:
            engine.dispose()
        return
    url = pg_url()
    if not url:
        raise RuntimeError("ATLAS_TEST_PG_URL is not set")
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = start(url, schema)
    try:
        yield engine, url, schema
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
