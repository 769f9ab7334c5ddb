"""publishing: a round's review steps and its editions; the seed's desk review becomes the first edition

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 (schema step 7, issue 26)

Frozen: explicit DDL as the schema is at this step; never import cluster_model.store.schema here.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
SEED_AUTHOR = "seed (data/ CSV files)"  # cluster_model.store.seed.SEED_AUTHOR at this step
SEED_REVIEWER = "seed"


def upgrade() -> None:
    # New tables only; nothing existing changes. Every existing round is a draft (no review step)
    # except the real rounds the seed wrote, which become the first editions.
    op.create_table(
        "round_reviews",
        sa.Column("change_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("round_id", sa.String(100), sa.ForeignKey("rounds.round_id"), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
        sa.Column("changed_at", TZ, nullable=False),
    )
    op.create_index("ix_round_reviews_round_id", "round_reviews", ["round_id"])
    editions = op.create_table(
        "editions",
        sa.Column("edition_id", sa.String(20), primary_key=True),
        sa.Column("sequence", sa.Integer, nullable=False, unique=True),
        sa.Column("round_id", sa.String(100), sa.ForeignKey("rounds.round_id"), nullable=False, unique=True),
        sa.Column("published_on", sa.String(10), nullable=False),
        sa.Column("published_at", TZ, nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("self_reviewed", sa.Boolean, nullable=False),
        sa.Column("checksum", sa.String(64), nullable=True),
        sa.Column("supersedes", sa.String(20), nullable=True),
        sa.Column("erratum", sa.Text, nullable=False),
        sa.Column("changes", sa.Text, nullable=False),
    )
    rounds = sa.table(
        "rounds",
        sa.column("round_id", sa.String),
        sa.column("date", sa.String),
        sa.column("illustrative", sa.Boolean),
        sa.column("created_by", sa.String),
    )
    seeded = (
        op.get_bind()
        .execute(
            sa.select(rounds.c.round_id)
            .where(rounds.c.created_by == SEED_AUTHOR, rounds.c.illustrative.is_(False))
            .order_by(rounds.c.date, rounds.c.round_id)
        )
        .scalars()
        .all()
    )
    now = datetime.now(UTC)
    # No second person reviewed the seed: the edition says so (self_reviewed). Its checksum is
    # summed from its content by the code as the app opens the store (publishing.sum_pending), not here.
    op.bulk_insert(
        editions,
        [
            dict(
                edition_id=f"{now.year}.{n}",
                sequence=n,
                round_id=round_id,
                published_on=now.date().isoformat(),
                published_at=now,
                reviewer=SEED_REVIEWER,
                self_reviewed=True,
                checksum=None,
                supersedes=None,
                erratum="",
                changes="[]",
            )
            for n, round_id in enumerate(seeded, start=1)
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_round_reviews_round_id", table_name="round_reviews")
    for table in ("editions", "round_reviews"):
        op.drop_table(table)
