"""initial schema: sources, indicators, clusters, sites, rounds, assessments, history, participation, evidence, published classification

Revision ID: 0001
Revises:
Create Date: 2026-11-25 (schema step 1, as first released; made an Alembic revision for issue 25)

Frozen: explicit DDL as the schema is at this step; never import cluster_model.store.schema here.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    # One row; its revision goes up in every write transaction (the caches' key).
    store_revision = op.create_table(
        "store_revision",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("seeded_at", TZ),
    )
    op.create_table(
        "sources",
        sa.Column("source_id", sa.String(100), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("citation", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("location", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_table(
        "indicators",
        sa.Column("indicator_id", sa.String(100), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("pillar", sa.String(50), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("how_assessed", sa.Text, nullable=False),
        sa.Column("weight", sa.Float, nullable=False),
        sa.Column("cluster_defining", sa.Boolean, nullable=False),
        sa.Column("reference", sa.Text, nullable=False),
    )
    op.create_table(
        "clusters",
        sa.Column("cluster_id", sa.String(100), primary_key=True),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("source_id", sa.String(100), sa.ForeignKey("sources.source_id"), nullable=False),
    )
    op.create_table(
        "sites",
        sa.Column("site_pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("cluster_id", sa.String(100), sa.ForeignKey("clusters.cluster_id"), nullable=False),
        sa.Column("place", sa.Text, nullable=False),
        sa.Column("district", sa.Text, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("location_note", sa.Text, nullable=False),
        sa.Column("source_id", sa.String(100), sa.ForeignKey("sources.source_id"), nullable=False),
    )
    op.create_table(
        "rounds",
        sa.Column("round_id", sa.String(100), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("illustrative", sa.Boolean, nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "assessments",
        sa.Column("round_id", sa.String(100), sa.ForeignKey("rounds.round_id"), primary_key=True),
        sa.Column("cluster_id", sa.String(100), sa.ForeignKey("clusters.cluster_id"), primary_key=True),
        sa.Column("indicator_id", sa.String(100), sa.ForeignKey("indicators.indicator_id"), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("source_id", sa.String(100), sa.ForeignKey("sources.source_id"), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "assessment_history",
        sa.Column("change_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("round_id", sa.String(100), nullable=False),
        sa.Column("cluster_id", sa.String(100), nullable=False),
        sa.Column("indicator_id", sa.String(100), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("via", sa.String(20), nullable=False),
        sa.Column("old_status", sa.String(20)),
        sa.Column("old_source_id", sa.String(100)),
        sa.Column("old_note", sa.Text),
        sa.Column("new_status", sa.String(20), nullable=False),
        sa.Column("new_source_id", sa.String(100), nullable=False),
        sa.Column("new_note", sa.Text, nullable=False),
        sa.Column("old_version", sa.Integer),
        sa.Column("new_version", sa.Integer, nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
        sa.Column("changed_at", TZ, nullable=False),
    )
    op.create_index("ix_assessment_history_round_id", "assessment_history", ["round_id"])
    op.create_table(
        "participation",
        sa.Column("cluster_id", sa.String(100), sa.ForeignKey("clusters.cluster_id"), primary_key=True),
        sa.Column("dimension", sa.String(30), primary_key=True),
        sa.Column("level", sa.String(30), primary_key=True),
        sa.Column("local_share_pct", sa.Float, nullable=True),
        sa.Column("source_id", sa.String(100), sa.ForeignKey("sources.source_id"), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_table(
        "evidence",
        sa.Column("evidence_id", sa.String(100), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("statement", sa.Text, nullable=False),
        sa.Column("speaker", sa.Text, nullable=False),
        sa.Column("stakeholder_group", sa.String(30), nullable=False),
        sa.Column("pillars", sa.Text, nullable=False),
        sa.Column("clusters", sa.Text, nullable=False),
        sa.Column("source_id", sa.String(100), sa.ForeignKey("sources.source_id"), nullable=False),
    )
    op.create_table(
        "published_classification",
        sa.Column("cluster_id", sa.String(100), sa.ForeignKey("clusters.cluster_id"), primary_key=True),
        sa.Column("classification", sa.String(40), nullable=False),
        sa.Column("source_id", sa.String(100), sa.ForeignKey("sources.source_id"), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.bulk_insert(store_revision, [{"id": 1, "revision": 0, "seeded_at": None}])


def downgrade() -> None:
    for table in (
        "published_classification",
        "evidence",
        "participation",
        "assessment_history",
        "assessments",
        "rounds",
        "sites",
        "clusters",
        "indicators",
        "sources",
        "store_revision",
    ):
        op.drop_table(table)
