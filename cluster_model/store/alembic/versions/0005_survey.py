"""field surveys: raw ODK/KoboToolbox submissions and their answers

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 (schema step 5; made an Alembic revision for issue 25)

Frozen: explicit DDL as the schema is at this step; never import cluster_model.store.schema here.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    # New tables only: nothing existing changes.
    op.create_table(
        "survey_submissions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("round_id", sa.String(100), sa.ForeignKey("rounds.round_id"), nullable=False),
        sa.Column("submission_id", sa.String(200), nullable=False),
        sa.Column("cluster_id", sa.String(100), sa.ForeignKey("clusters.cluster_id"), nullable=False),
        sa.Column("district", sa.Text, nullable=False),
        sa.Column("stakeholder_group", sa.String(30), nullable=False),
        sa.Column("enumerator", sa.Text, nullable=False),
        sa.Column("survey_date", sa.String(10), nullable=False),
        sa.Column("submitted_at", sa.String(40), nullable=False),
        sa.Column("counted", sa.Boolean, nullable=False),
        sa.Column("excluded_reason", sa.Text, nullable=False),
        sa.Column("raw", sa.Text, nullable=False),
        sa.Column("file", sa.Text, nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
        sa.Column("imported_by", sa.String(200), nullable=False),
        sa.Column("imported_at", TZ, nullable=False),
        sa.Column("replaced_at", TZ, nullable=True),
    )
    op.create_index("ix_survey_submissions_round_id", "survey_submissions", ["round_id"])
    op.create_table(
        "survey_answers",
        sa.Column("submission_pk", sa.Integer, sa.ForeignKey("survey_submissions.id"), primary_key=True),
        sa.Column("indicator_id", sa.String(100), sa.ForeignKey("indicators.indicator_id"), primary_key=True),
        sa.Column("answer", sa.String(20), nullable=False),
    )


def downgrade() -> None:
    for table in ("survey_answers", "survey_submissions"):
        op.drop_table(table)
