"""prospecting rollups: daily counts per list and the monthly "worked" sets

Revision ID: prospecting_0001
Revises:
Create Date: 2026-12-03

The first revision of the ``prospecting_report`` plugin's own branch (version table
``alembic_version_prospecting_report``). The tables are derived data: the kernel fills them
from history right after this migration (``salesplan.core.reports.rollups.ensure_built``).
Definitions: ``salesplan.plugins.prospecting_report.tables``.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "prospecting_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "prospecting_rollup",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("member", sa.String(length=64), nullable=False),
        sa.Column("action_type", sa.String(length=64), nullable=False),
        sa.Column("on_lead", sa.Boolean(), nullable=False),
        sa.Column("actions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "list_id", "member", "action_type", "on_lead",
                                name="pk_prospecting_rollup"),
    )
    op.create_table(
        "prospect_touch_month",
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("member", sa.String(length=64), nullable=False),
        sa.Column("prospect_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("prev_month", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("list_id", "member", "prospect_id", "month",
                                name="pk_prospect_touch_month"),
    )
    op.create_index("ix_prospect_touch_month_months", "prospect_touch_month",
                    ["list_id", "member", "month", "prev_month"], unique=False)
    op.create_table(
        "prospect_touch_month_any",
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("prospect_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("prev_month", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("list_id", "prospect_id", "month",
                                name="pk_prospect_touch_month_any"),
    )
    op.create_index("ix_prospect_touch_month_any_months", "prospect_touch_month_any",
                    ["list_id", "month", "prev_month"], unique=False)


def downgrade() -> None:
    op.drop_table("prospect_touch_month_any")
    op.drop_table("prospect_touch_month")
    op.drop_table("prospecting_rollup")
