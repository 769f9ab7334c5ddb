"""edition reports: each edition's report PDF per language, kept so an edition always gives the same bytes

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 (schema step 8, issue 26 item 4)

Frozen: explicit DDL as the schema is at this step; never import cluster_model.store.schema here.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new table only. Editions published before this step get their reports made and kept the first
    # time one is asked for (outputs.edition_report.stored_report): a schema step cannot lay out a PDF.
    op.create_table(
        "edition_reports",
        sa.Column("edition_id", sa.String(20), sa.ForeignKey("editions.edition_id"), primary_key=True),
        sa.Column("language", sa.String(8), primary_key=True),
        sa.Column("pdf", sa.LargeBinary, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("edition_reports")
