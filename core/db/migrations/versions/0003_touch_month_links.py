"""touch-month links and covering lead indexes

Revision ID: 0003_touch_month_links
Revises: 0002_report_rollups
Create Date: 2026-11-27

The touch-month sets (``lead_touch_month``, ``prospect_touch_month[_any]``) get a
``prev_month`` column (the previous month the same group touched the same key), a primary
key led by (group, key) and an index on (group, month, prev_month): a distinct count over
whole months becomes a plain count per group over one index range (see
``salesplan.core.reports.touch_sets``). The rollups are caches, so the tables are recreated
empty and every rollup is reset (watermark 0): reports stay exact from the raw actions until
the next refresh rebuilds them.

Lead indexes: ``ix_leads_created`` and ``ix_leads_closed`` gain the columns the reports
aggregate (status, amount, pipeline) so range scans never visit the table;
``ix_leads_cohort`` (pipeline, created_at, status, step) covers the conversion report's
cohort; ``ix_leads_converted`` (created_at, prospect_id) WHERE prospect_id IS NOT NULL
covers prospects converted in a range; ``ix_leads_owner_created`` and
``ix_leads_owner_closed`` (owner first) serve per-member counts one index range per member,
without sorting for ``GROUP BY owner``.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_touch_month_links"
down_revision: str | None = "0002_report_rollups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

def _touch_tables() -> list[tuple[str, list[sa.Column], list[str], list[str]]]:
    """(table, group and key columns, primary key, month index columns)."""
    return [
        ("lead_touch_month",
         [sa.Column("member", sa.String(length=64), nullable=False),
          sa.Column("lead_id", sa.Integer(), nullable=False)],
         ["member", "lead_id", "month"], ["member", "month", "prev_month"]),
        ("prospect_touch_month",
         [sa.Column("list_id", sa.Integer(), nullable=False),
          sa.Column("member", sa.String(length=64), nullable=False),
          sa.Column("prospect_id", sa.Integer(), nullable=False)],
         ["list_id", "member", "prospect_id", "month"],
         ["list_id", "member", "month", "prev_month"]),
        ("prospect_touch_month_any",
         [sa.Column("list_id", sa.Integer(), nullable=False),
          sa.Column("prospect_id", sa.Integer(), nullable=False)],
         ["list_id", "prospect_id", "month"], ["list_id", "month", "prev_month"]),
    ]


def _reset_rollups() -> None:
    op.execute("DELETE FROM activity_rollup")
    op.execute("DELETE FROM prospecting_rollup")
    op.execute("UPDATE salesplan_meta SET value = '' WHERE key = 'activity_rollup_tz'")
    op.execute("UPDATE salesplan_meta SET value = '0' WHERE key = 'activity_rollup_upto'")


def upgrade() -> None:
    _reset_rollups()
    for name, identity, primary_key, month_index in _touch_tables():
        op.drop_table(name)
        op.create_table(
            name,
            *identity,
            sa.Column("month", sa.Date(), nullable=False),
            sa.Column("prev_month", sa.Date(), nullable=True),
            sa.PrimaryKeyConstraint(*primary_key, name=f"pk_{name}"),
        )
        op.create_index(f"ix_{name}_months", name, month_index, unique=False)
    op.drop_index("ix_leads_created", table_name="leads")
    op.create_index("ix_leads_created", "leads",
                    ["created_at", "pipeline", "owner", "status", "amount"], unique=False)
    op.drop_index("ix_leads_closed", table_name="leads")
    op.create_index("ix_leads_closed", "leads",
                    ["closed_at", "status", "owner", "pipeline", "amount"], unique=False)
    op.create_index("ix_leads_cohort", "leads", ["pipeline", "created_at", "status", "step"],
                    unique=False)
    op.create_index("ix_leads_converted", "leads", ["created_at", "prospect_id"], unique=False,
                    sqlite_where=sa.text("prospect_id IS NOT NULL"),
                    postgresql_where=sa.text("prospect_id IS NOT NULL"))
    op.create_index("ix_leads_owner_created", "leads",
                    ["owner", "created_at", "pipeline", "status", "amount"], unique=False)
    op.create_index("ix_leads_owner_closed", "leads",
                    ["owner", "status", "closed_at", "pipeline", "amount"], unique=False)


def downgrade() -> None:
    _reset_rollups()
    op.drop_index("ix_leads_owner_closed", table_name="leads")
    op.drop_index("ix_leads_owner_created", table_name="leads")
    op.drop_index("ix_leads_converted", table_name="leads")
    op.drop_index("ix_leads_cohort", table_name="leads")
    op.drop_index("ix_leads_closed", table_name="leads")
    op.create_index("ix_leads_closed", "leads", ["closed_at", "status", "owner"], unique=False)
    op.drop_index("ix_leads_created", table_name="leads")
    op.create_index("ix_leads_created", "leads", ["created_at", "pipeline", "owner"],
                    unique=False)
    old_layout = {
        "lead_touch_month": ["member", "month", "lead_id"],
        "prospect_touch_month": ["list_id", "month", "member", "prospect_id"],
        "prospect_touch_month_any": ["list_id", "month", "prospect_id"],
    }
    for name, identity, _primary_key, _month_index in _touch_tables():
        op.drop_index(f"ix_{name}_months", table_name=name)
        op.drop_table(name)
        op.create_table(
            name,
            *identity,
            sa.Column("month", sa.Date(), nullable=False),
            sa.PrimaryKeyConstraint(*old_layout[name], name=f"pk_{name}"),
        )
