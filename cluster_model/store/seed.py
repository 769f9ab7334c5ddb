"""Fill an empty store from the CSV files in ``data/`` (validated by ``load_dataset``).

Runs only when the store has never been seeded, under the writers' lock, so
two processes starting at once seed it once. Rows the CSV validation rejects
are not stored; their issues are returned for the caller to show or log.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.engine import Connection

from ..issues import DataIssue
from ..loading import DATA_DIR, Dataset, load_dataset
from . import schema as s
from .db import write_transaction
from .review import publish_seeded_rounds

SEED_AUTHOR = "seed (data/ CSV files)"


def _records(df: pd.DataFrame, columns: list[str]) -> list[dict]:
    out = []
    for rec in df[columns].to_dict("records"):
        out.append(
            {
                k: (
                    None
                    if isinstance(v, float) and math.isnan(v)
                    else (v.item() if hasattr(v, "item") else v)
                )
                for k, v in rec.items()
            }
        )
    return out


def is_seeded(conn: Connection) -> bool:
    return (
        conn.execute(
            select(s.store_revision.c.seeded_at).where(s.store_revision.c.id == 1)
        ).scalar_one_or_none()
        is not None
    )


def seed_if_empty(engine: Engine, data_dir: Path | str = DATA_DIR) -> list[DataIssue] | None:
    """Seed from ``data_dir`` if the store was never seeded. Returns the CSV issues, or None if nothing was done."""
    with engine.connect() as conn:
        if is_seeded(conn):  # the usual case: decided without taking the writers' lock
            return None
    with write_transaction(engine) as conn:
        if is_seeded(conn) or conn.execute(select(s.sources.c.source_id).limit(1)).first() is not None:
            return None
        ds = load_dataset(data_dir)
        write_dataset(conn, ds)
        publish_seeded_rounds(conn, SEED_AUTHOR)
        conn.execute(
            update(s.store_revision).where(s.store_revision.c.id == 1).values(seeded_at=datetime.now(UTC))
        )
        return list(ds.issues)


def write_dataset(conn: Connection, ds: Dataset, author: str = SEED_AUTHOR) -> None:
    now = datetime.now(UTC)
    cols = lambda table: [c.name for c in table.columns]  # noqa: E731

    def put(table, df: pd.DataFrame, **extra) -> None:
        if df.empty:
            return
        df = df.assign(**extra) if extra else df
        columns = [c for c in cols(table) if c in df.columns]
        conn.execute(insert(table), _records(df, columns))

    put(s.sources, ds.sources.reset_index(drop=True).assign(position=range(len(ds.sources))))
    put(s.indicators, ds.indicators.reset_index(drop=True).assign(position=range(len(ds.indicators))))
    put(s.clusters, ds.clusters)
    put(s.sites, ds.sites)
    put(s.rounds, ds.rounds, created_by=author, created_at=now)
    put(s.assessments, ds.assessments, version=1, updated_by=author, updated_at=now)
    if not ds.assessments.empty:
        hist = ds.assessments.rename(
            columns={"status": "new_status", "source_id": "new_source_id", "note": "new_note"}
        )
        put(
            s.assessment_history,
            hist,
            action="seed",
            via="seed",
            new_version=1,
            changed_by=author,
            changed_at=now,
        )
    put(s.participation, ds.participation)
    put(s.evidence, ds.evidence.reset_index(drop=True).assign(position=range(len(ds.evidence))))
    put(s.published_classification, ds.published)
