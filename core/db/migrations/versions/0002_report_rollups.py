"""report rollups: daily activity counts and covering indexes for range scans

Revision ID: 0002_report_rollups
Revises: 0001_initial
Create Date: 2026-11-27

``activity_rollup`` holds, per team-timezone day, member, action type and outcome ('' for
none), the number of actions. It covers the actions whose id is at most the watermark stored
in ``salesplan_meta`` (``activity_rollup_upto``), counted in the time zone stored beside it
(``activity_rollup_tz``); reports add the few newer actions from the raw table, so the rollup
is never wrong, only more or less complete (see ``salesplan.core.reports.rollups``).
``lead_touch_month`` holds (member, local month, lead) for the same actions, so distinct
leads managed over whole months need not scan the actions; ``prospecting_rollup`` (per day,
list, member, type, on a converted lead or not) and ``prospect_touch_month[_any]`` (the
prospects worked per month) do the same for the prospecting report. Table definitions:
``salesplan.core.reports.tables``.

Indexes: ``ix_actions_at_targets`` (at, member, action_type, prospect_id, lead_id) covers
the prospecting report's range scans; ``ix_actions_lead_touch`` (member, at, lead_id) WHERE
lead_id IS NOT NULL covers the activity report's distinct leads managed per member.

Upgrading an existing base starts with an empty rollup (watermark 0): reports stay exact
(everything is read from the raw table) until the next refresh fills it.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_report_rollups"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
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
    op.create_table(
        "lead_touch_month",
        sa.Column("member", sa.String(length=64), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("member", "month", "lead_id", name="pk_lead_touch_month"),
    )
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
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("member", sa.String(length=64), nullable=False),
        sa.Column("prospect_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("list_id", "month", "member", "prospect_id",
                                name="pk_prospect_touch_month"),
    )
    op.create_table(
        "prospect_touch_month_any",
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("prospect_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("list_id", "month", "prospect_id",
                                name="pk_prospect_touch_month_any"),
    )
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_actions_at_targets",
            ["at", "member", "action_type", "prospect_id", "lead_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_actions_lead_touch",
            ["member", "at", "lead_id"],
            unique=False,
            sqlite_where=sa.text("lead_id IS NOT NULL"),
            postgresql_where=sa.text("lead_id IS NOT NULL"),
        )
    meta = sa.table("salesplan_meta", sa.column("key", sa.String), sa.column("value", sa.String))
    op.bulk_insert(meta, [
        {"key": "activity_rollup_tz", "value": ""},
        {"key": "activity_rollup_upto", "value": "0"},
    ])


def downgrade() -> None:
    op.execute("DELETE FROM salesplan_meta WHERE key IN "
               "('activity_rollup_tz', 'activity_rollup_upto')")
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_index("ix_actions_lead_touch")
        batch_op.drop_index("ix_actions_at_targets")
    op.drop_table("prospect_touch_month_any")
    op.drop_table("prospect_touch_month")
    op.drop_table("prospecting_rollup")
    op.drop_table("lead_touch_month")
    op.drop_table("activity_rollup")
