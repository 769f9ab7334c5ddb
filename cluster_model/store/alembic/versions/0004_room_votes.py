"""the room votes from phones: raw votes, closed items, accepted tallies, device-pass secret

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 (schema step 4; made an Alembic revision for issue 25)

Frozen: explicit DDL as the schema is at this step; never import cluster_model.store.schema here.
"""

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    # New tables only; the device-pass secret is made once, here.
    op.create_table(
        "room_votes",
        sa.Column("vote_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("round_id", sa.String(100), sa.ForeignKey("rounds.round_id"), nullable=False),
        sa.Column("cluster_id", sa.String(100), sa.ForeignKey("clusters.cluster_id"), nullable=False),
        sa.Column("pillar", sa.String(50), nullable=False),
        sa.Column("device", sa.String(64), nullable=False),
        sa.Column("stakeholder_group", sa.String(30), nullable=False),
        sa.Column("choice", sa.String(20), nullable=False),
        sa.Column("comment", sa.Text, nullable=True),
        sa.Column("cast_at", TZ, nullable=False),
    )
    op.create_index("ix_room_votes_item", "room_votes", ["round_id", "cluster_id", "pillar", "device"])
    op.create_index("ix_room_votes_device_time", "room_votes", ["device", "cast_at"])
    op.create_table(
        "room_vote_items",
        sa.Column("round_id", sa.String(100), sa.ForeignKey("rounds.round_id"), primary_key=True),
        sa.Column("cluster_id", sa.String(100), sa.ForeignKey("clusters.cluster_id"), primary_key=True),
        sa.Column("pillar", sa.String(50), primary_key=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
        sa.Column("changed_at", TZ, nullable=False),
    )
    op.create_table(
        "room_tallies",
        sa.Column("round_id", sa.String(100), sa.ForeignKey("rounds.round_id"), primary_key=True),
        sa.Column("cluster_id", sa.String(100), sa.ForeignKey("clusters.cluster_id"), primary_key=True),
        sa.Column("pillar", sa.String(50), primary_key=True),
        sa.Column("stakeholder_group", sa.String(30), primary_key=True),
        sa.Column("n_present", sa.Integer, nullable=False),
        sa.Column("n_partial", sa.Integer, nullable=False),
        sa.Column("n_absent", sa.Integer, nullable=False),
        sa.Column("n_dont_know", sa.Integer, nullable=False),
        sa.Column("rating", sa.String(20), nullable=False),
        sa.Column("last_vote_id", sa.Integer, nullable=False),
        sa.Column("accepted_by", sa.String(200), nullable=False),
        sa.Column("accepted_at", TZ, nullable=False),
    )
    room_secret = op.create_table(
        "room_secret",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("secret", sa.String(128), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.bulk_insert(room_secret, [{"id": 1, "secret": secrets.token_hex(32), "created_at": datetime.now(UTC)}])


def downgrade() -> None:
    for table in ("room_secret", "room_tallies", "room_vote_items", "room_votes"):
        op.drop_table(table)
