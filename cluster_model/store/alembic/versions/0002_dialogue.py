"""workshop mode: dialogue sessions, the room's ratings, quotes and their history

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 (schema step 2; made an Alembic revision for issue 25)

Frozen: explicit DDL as the schema is at this step; never import cluster_model.store.schema here.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    # New tables only: nothing existing changes.
    op.create_table(
        "dialogue_sessions",
        sa.Column("round_id", sa.String(100), sa.ForeignKey("rounds.round_id"), primary_key=True),
        sa.Column("venue", sa.Text, nullable=False),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("facilitator", sa.Text, nullable=False),
        sa.Column("agenda", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "dialogue_ratings",
        sa.Column("round_id", sa.String(100), sa.ForeignKey("rounds.round_id"), primary_key=True),
        sa.Column("cluster_id", sa.String(100), sa.ForeignKey("clusters.cluster_id"), primary_key=True),
        sa.Column("pillar", sa.String(50), primary_key=True),
        sa.Column("stakeholder_group", sa.String(30), primary_key=True),
        sa.Column("rating", sa.String(20), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "dialogue_quotes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("round_id", sa.String(100), sa.ForeignKey("rounds.round_id"), nullable=False),
        sa.Column("cluster_id", sa.String(100), sa.ForeignKey("clusters.cluster_id"), nullable=False),
        sa.Column("pillar", sa.String(50), nullable=False),
        sa.Column("stakeholder_group", sa.String(30), nullable=False),
        sa.Column("speaker_name", sa.Text, nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("withdrawn_by", sa.String(200), nullable=True),
        sa.Column("withdrawn_at", TZ, nullable=True),
    )
    op.create_index("ix_dialogue_quotes_round_id", "dialogue_quotes", ["round_id"])
    op.create_table(
        "dialogue_history",
        sa.Column("change_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("round_id", sa.String(100), nullable=False),
        sa.Column("entity", sa.String(20), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("cluster_id", sa.String(100)),
        sa.Column("pillar", sa.String(50)),
        sa.Column("stakeholder_group", sa.String(30)),
        sa.Column("quote_id", sa.Integer),
        sa.Column("old_value", sa.Text),
        sa.Column("new_value", sa.Text),
        sa.Column("changed_by", sa.String(200), nullable=False),
        sa.Column("changed_at", TZ, nullable=False),
    )
    op.create_index("ix_dialogue_history_round_id", "dialogue_history", ["round_id"])


def downgrade() -> None:
    for table in ("dialogue_history", "dialogue_quotes", "dialogue_ratings", "dialogue_sessions"):
        op.drop_table(table)
