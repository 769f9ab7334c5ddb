"""institutions and linkages: institutions, links per round, and their history

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 (schema step 6, issue 17; made an Alembic revision for issue 25)

Frozen: explicit DDL as the schema is at this step; never import cluster_model.store.schema here.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    # New tables only: nothing existing changes (the linkage seed runs at start, not here).
    op.create_table(
        "institutions",
        sa.Column("institution_id", sa.String(100), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("stakeholder_group", sa.String(30), nullable=False),
        sa.Column("district", sa.Text, nullable=False),
        sa.Column("lat", sa.Float, nullable=True),
        sa.Column("lon", sa.Float, nullable=True),
        sa.Column("location_note", sa.Text, nullable=False),
        sa.Column("location_source_id", sa.String(100), sa.ForeignKey("sources.source_id"), nullable=True),
        sa.Column("source_id", sa.String(100), sa.ForeignKey("sources.source_id"), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "institution_history",
        sa.Column("change_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("institution_id", sa.String(100), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("via", sa.String(20), nullable=False),
        sa.Column("old_value", sa.Text),
        sa.Column("new_value", sa.Text, nullable=False),
        sa.Column("old_version", sa.Integer),
        sa.Column("new_version", sa.Integer, nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
        sa.Column("changed_at", TZ, nullable=False),
    )
    op.create_index("ix_institution_history_institution_id", "institution_history", ["institution_id"])
    op.create_table(
        "links",
        sa.Column("round_id", sa.String(100), sa.ForeignKey("rounds.round_id"), primary_key=True),
        sa.Column(
            "institution_id", sa.String(100), sa.ForeignKey("institutions.institution_id"), primary_key=True
        ),
        sa.Column("target", sa.String(200), primary_key=True),
        sa.Column("link_type", sa.String(40), primary_key=True),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("source_id", sa.String(100), sa.ForeignKey("sources.source_id"), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "link_history",
        sa.Column("change_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("round_id", sa.String(100), nullable=False),
        sa.Column("institution_id", sa.String(100), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("link_type", sa.String(40), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("via", sa.String(20), nullable=False),
        sa.Column("old_status", sa.String(30)),
        sa.Column("old_source_id", sa.String(100)),
        sa.Column("old_note", sa.Text),
        sa.Column("new_status", sa.String(30), nullable=False),
        sa.Column("new_source_id", sa.String(100), nullable=False),
        sa.Column("new_note", sa.Text, nullable=False),
        sa.Column("old_version", sa.Integer),
        sa.Column("new_version", sa.Integer, nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
        sa.Column("changed_at", TZ, nullable=False),
    )
    op.create_index("ix_link_history_round_id", "link_history", ["round_id"])


def downgrade() -> None:
    for table in ("link_history", "links", "institution_history", "institutions"):
        op.drop_table(table)
