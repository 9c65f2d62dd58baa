"""rollups kept exact on every write; prospecting tables move to their plugin's branch

Revision ID: 0004_plugin_rollups
Revises: 0003_touch_month_links
Create Date: 2026-12-03

Rollups are now folded in the transaction of every write (no watermark): the watermark keys go
from ``salesplan_meta``, ``activity_rollup`` gains ``on_lead`` (actions on leads or on
prospects, for the planner's measured funnel) and is recreated empty, ``lead_touch_month`` is
emptied, and ``rollup_stale`` records months a failed fold left behind. The next command that
opens the base rebuilds the rollups from history (they are derived data: nothing is lost).

The prospecting report's tables now belong to the ``prospecting_report`` plugin, whose own
migration branch creates them when the plugin is enabled: they are dropped here.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_plugin_rollups"
down_revision: str | None = "0003_touch_month_links"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PROSPECTING_TABLES = ("prospecting_rollup", "prospect_touch_month", "prospect_touch_month_any")


def upgrade() -> None:
    op.execute("DELETE FROM salesplan_meta WHERE key IN "
               "('activity_rollup_tz', 'activity_rollup_upto')")
    for name in PROSPECTING_TABLES:
        op.drop_table(name)
    op.drop_table("activity_rollup")
    op.create_table(
        "activity_rollup",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("member", sa.String(length=64), nullable=False),
        sa.Column("action_type", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=64), nullable=False),
        sa.Column("on_lead", sa.Boolean(), nullable=False),
        sa.Column("actions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "member", "action_type", "outcome", "on_lead",
                                name="pk_activity_rollup"),
    )
    op.execute("DELETE FROM lead_touch_month")
    op.create_table(
        "rollup_stale",
        sa.Column("rollup", sa.String(length=64), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("rollup", "month", name="pk_rollup_stale"),
    )


def downgrade() -> None:
    op.drop_table("rollup_stale")
    op.drop_table("activity_rollup")
    op.create_table(
        "activity_rollup",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("member", sa.String(length=64), nullable=False),
        sa.Column("action_type", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=64), nullable=False),
        sa.Column("actions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "member", "action_type", "outcome",
                                name="pk_activity_rollup"),
    )
    op.execute("DELETE FROM lead_touch_month")
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
    for name, identity, key in (
        ("prospect_touch_month", ["list_id", "member", "prospect_id"],
         ["list_id", "member", "month", "prev_month"]),
        ("prospect_touch_month_any", ["list_id", "prospect_id"],
         ["list_id", "month", "prev_month"]),
    ):
        columns = [sa.Column(c, sa.String(length=64) if c == "member" else sa.Integer(),
                             nullable=False) for c in identity]
        op.create_table(
            name, *columns,
            sa.Column("month", sa.Date(), nullable=False),
            sa.Column("prev_month", sa.Date(), nullable=True),
            sa.PrimaryKeyConstraint(*identity, "month", name=f"pk_{name}"),
        )
        op.create_index(f"ix_{name}_months", name, key, unique=False)
