"""conversion cohorts: per-day counts and the triggers that say which days to count again

Revision ID: conversion_0001
Revises:
Create Date: 2026-12-03

The first revision of the ``conversion_report`` plugin's own branch (version table
``alembic_version_conversion_report``). ``conversion_daily`` is derived data, filled from
history by the plugin (``salesplan.plugins.conversion_report.rollup``) on the next import or
report. Triggers on ``leads`` and ``step_changes`` record in ``conversion_dirty`` the cohort
of every lead written, however it is written; on PostgreSQL they leave bulk loads
(``salesplan.bulk_load`` on) to the importer's ``salesplan_data_imported``.
Definitions: ``salesplan.plugins.conversion_report.tables``.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "conversion_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEAD_COLUMNS = "pipeline, created_at, status, step"
SQLITE_LEAD = ("INSERT OR IGNORE INTO conversion_dirty (pipeline, created_at) "
               "VALUES ({0}.pipeline, {0}.created_at);")
SQLITE_STEP = ("INSERT OR IGNORE INTO conversion_dirty (pipeline, created_at) "
               "SELECT pipeline, created_at FROM leads WHERE id = {0}.lead_id;")
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER conversion_lead_insert AFTER INSERT ON leads BEGIN "
    f"{SQLITE_LEAD.format('NEW')} END",
    f"CREATE TRIGGER conversion_lead_update AFTER UPDATE OF {LEAD_COLUMNS} ON leads BEGIN "
    f"{SQLITE_LEAD.format('OLD')} {SQLITE_LEAD.format('NEW')} END",
    f"CREATE TRIGGER conversion_lead_delete AFTER DELETE ON leads BEGIN "
    f"{SQLITE_LEAD.format('OLD')} END",
    f"CREATE TRIGGER conversion_step_insert AFTER INSERT ON step_changes BEGIN "
    f"{SQLITE_STEP.format('NEW')} END",
    f"CREATE TRIGGER conversion_step_update AFTER UPDATE ON step_changes BEGIN "
    f"{SQLITE_STEP.format('OLD')} {SQLITE_STEP.format('NEW')} END",
    f"CREATE TRIGGER conversion_step_delete AFTER DELETE ON step_changes BEGIN "
    f"{SQLITE_STEP.format('OLD')} END",
)

POSTGRES_LEAD = ("INSERT INTO conversion_dirty (pipeline, created_at) "
                 "VALUES ({0}.pipeline, {0}.created_at) ON CONFLICT DO NOTHING;")
POSTGRES_STEP = ("INSERT INTO conversion_dirty (pipeline, created_at) SELECT pipeline, created_at "
                 "FROM leads WHERE id = {0}.lead_id ON CONFLICT DO NOTHING;")
BULK = "WHEN (current_setting('salesplan.bulk_load', true) IS DISTINCT FROM 'on')"


def _postgres_function(name: str, body: str) -> str:
    return f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN {body.format('OLD')} END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN {body.format('NEW')} END IF;
  RETURN NULL;
END
$$"""


def upgrade() -> None:
    columns = [sa.Column(name, sa.Integer(), nullable=False) for name in (
        "entered", "advanced", "back", "active", "won", "lost", "cancelled")]
    op.create_table(
        "conversion_daily",
        sa.Column("pipeline", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        *columns,
        sa.PrimaryKeyConstraint("pipeline", "day", "position", name="pk_conversion_daily"),
    )
    op.create_table(
        "conversion_dirty",
        sa.Column("pipeline", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("pipeline", "created_at", name="pk_conversion_dirty"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_postgres_function("conversion_lead_dirty", POSTGRES_LEAD))
        op.execute(_postgres_function("conversion_step_dirty", POSTGRES_STEP))
        op.execute(f"CREATE TRIGGER conversion_lead_dirty AFTER INSERT OR DELETE OR UPDATE OF "
                   f"{LEAD_COLUMNS} ON leads FOR EACH ROW {BULK} "
                   "EXECUTE FUNCTION conversion_lead_dirty()")
        op.execute("CREATE TRIGGER conversion_step_dirty AFTER INSERT OR DELETE OR UPDATE "
                   f"ON step_changes FOR EACH ROW {BULK} "
                   "EXECUTE FUNCTION conversion_step_dirty()")
    else:
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS conversion_lead_dirty ON leads")
        op.execute("DROP TRIGGER IF EXISTS conversion_step_dirty ON step_changes")
        op.execute("DROP FUNCTION IF EXISTS conversion_lead_dirty()")
        op.execute("DROP FUNCTION IF EXISTS conversion_step_dirty()")
    else:
        for name in ("lead_insert", "lead_update", "lead_delete", "step_insert", "step_update",
                     "step_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS conversion_{name}")
    op.drop_table("conversion_dirty")
    op.drop_table("conversion_daily")
