"""linkedin: the webhook deliveries table

Revision ID: linkedin_0001
Revises:
Create Date: 2026-12-03

The first revision of the ``linkedin`` plugin's own branch. Definition:
``salesplan_linkedin.tables.webhook_deliveries``. Actions logged before the plugin was
enabled have no row; from now on every ``linkedin_message`` action gets one.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "linkedin_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "linkedin_webhook_deliveries",
        sa.Column("message_id", sa.String(length=80), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("detail", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("message_id", name="pk_linkedin_webhook_deliveries"),
    )
    op.create_index("ix_linkedin_webhook_deliveries_action", "linkedin_webhook_deliveries",
                    ["action_id"], unique=True)


def downgrade() -> None:
    op.drop_table("linkedin_webhook_deliveries")
