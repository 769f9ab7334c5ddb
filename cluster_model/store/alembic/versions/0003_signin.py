"""sign-in: failed attempts and locks per account and address, editors' sessions, accounts made with the setup code

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 (schema step 3; made an Alembic revision for issue 25)

Frozen: explicit DDL as the schema is at this step; never import cluster_model.store.schema here.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    # New tables only: nothing existing changes.
    op.create_table(
        "signin_throttle",
        sa.Column("kind", sa.String(10), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failure_at", TZ, nullable=False),
        sa.Column("locked_until", TZ, nullable=True),
    )
    op.create_table(
        "editor_sessions",
        sa.Column("token_sha256", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
    )
    op.create_index("ix_editor_sessions_username", "editor_sessions", ["username"])
    op.create_table(
        "editor_accounts",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("admin", sa.Boolean, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )


def downgrade() -> None:
    for table in ("editor_accounts", "editor_sessions", "signin_throttle"):
        op.drop_table(table)
