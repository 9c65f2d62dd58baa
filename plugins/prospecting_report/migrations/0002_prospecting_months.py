"""prospecting: monthly action counts, and list sizes kept by the database

Revision ID: prospecting_0002
Revises: prospecting_0001
Create Date: 2026-12-03

``prospecting_month`` is ``prospecting_rollup`` summed per local month, kept by triggers on
it: a half-year report reads six months of rows, plus its partial months' days.
``prospect_list_sizes`` counts the prospects of each list (per owner, so concurrent writers
on PostgreSQL do not queue on one row), kept by triggers on ``prospects`` for every write;
bulk loads (``salesplan.bulk_load`` on, or SQLite triggers set aside by the importer) leave
it to the plugin's ``salesplan_data_imported``, which counts it again. Both are filled from
the rows already there.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from salesplan.core.db.triggers import month_sum_triggers

revision: str = "prospecting_0002"
down_revision: str | None = "prospecting_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONTH_KEYS = ("list_id", "member", "action_type", "on_lead")

SQLITE_ADD = ("INSERT INTO prospect_list_sizes (list_id, owner, prospects) "
              "VALUES (NEW.list_id, coalesce(NEW.owner, ''), 1) "
              "ON CONFLICT (list_id, owner) DO UPDATE SET prospects = prospects + 1;")
SQLITE_SUBTRACT = (
    "UPDATE prospect_list_sizes SET prospects = prospects - 1 "
    "WHERE list_id = OLD.list_id AND owner = coalesce(OLD.owner, ''); "
    "DELETE FROM prospect_list_sizes WHERE list_id = OLD.list_id "
    "AND owner = coalesce(OLD.owner, '') AND prospects = 0;")
SQLITE_SIZE_TRIGGERS = (
    f"CREATE TRIGGER prospect_list_sizes_insert AFTER INSERT ON prospects BEGIN {SQLITE_ADD} END",
    "CREATE TRIGGER prospect_list_sizes_update AFTER UPDATE OF list_id, owner ON prospects "
    f"BEGIN {SQLITE_SUBTRACT} {SQLITE_ADD} END",
    f"CREATE TRIGGER prospect_list_sizes_delete AFTER DELETE ON prospects BEGIN "
    f"{SQLITE_SUBTRACT} END",
)
POSTGRES_SIZE_FUNCTION = """CREATE FUNCTION prospect_list_sizes_upkeep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE prospect_list_sizes SET prospects = prospects - 1
    WHERE list_id = OLD.list_id AND owner = coalesce(OLD.owner, '');
    DELETE FROM prospect_list_sizes WHERE list_id = OLD.list_id
    AND owner = coalesce(OLD.owner, '') AND prospects = 0;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO prospect_list_sizes (list_id, owner, prospects)
    VALUES (NEW.list_id, coalesce(NEW.owner, ''), 1)
    ON CONFLICT (list_id, owner) DO UPDATE SET prospects = prospect_list_sizes.prospects + 1;
  END IF;
  RETURN NULL;
END
$$"""
POSTGRES_SIZE_TRIGGER = (
    "CREATE TRIGGER prospect_list_sizes_upkeep AFTER INSERT OR DELETE OR UPDATE OF list_id, "
    "owner ON prospects FOR EACH ROW "
    "WHEN (current_setting('salesplan.bulk_load', true) IS DISTINCT FROM 'on') "
    "EXECUTE FUNCTION prospect_list_sizes_upkeep()")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "prospecting_month",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("member", sa.String(length=64), nullable=False),
        sa.Column("action_type", sa.String(length=64), nullable=False),
        sa.Column("on_lead", sa.Boolean(), nullable=False),
        sa.Column("actions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", *MONTH_KEYS, name="pk_prospecting_month"),
    )
    op.create_table(
        "prospect_list_sizes",
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("prospects", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("list_id", "owner", name="pk_prospect_list_sizes"),
    )
    month_of = ("date_trunc('month', day)::date" if dialect == "postgresql"
                else "substr(day, 1, 8) || '01'")
    keys = ", ".join(MONTH_KEYS)
    op.execute(f"INSERT INTO prospecting_month (month, {keys}, actions) "
               f"SELECT {month_of}, {keys}, sum(actions) FROM prospecting_rollup "
               f"GROUP BY {month_of}, {keys}")
    op.execute("INSERT INTO prospect_list_sizes (list_id, owner, prospects) "
               "SELECT list_id, coalesce(owner, ''), count(*) FROM prospects "
               "GROUP BY list_id, coalesce(owner, '')")
    for trigger in month_sum_triggers(dialect, "prospecting_rollup", "prospecting_month",
                                      MONTH_KEYS, "actions"):
        op.execute(trigger)
    if dialect == "postgresql":
        op.execute(POSTGRES_SIZE_FUNCTION)
        op.execute(POSTGRES_SIZE_TRIGGER)
    else:
        for trigger in SQLITE_SIZE_TRIGGERS:
            op.execute(trigger)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS prospect_list_sizes_upkeep ON prospects")
        op.execute("DROP FUNCTION IF EXISTS prospect_list_sizes_upkeep()")
        op.execute("DROP TRIGGER IF EXISTS prospecting_month_from_prospecting_rollup "
                   "ON prospecting_rollup")
        op.execute("DROP FUNCTION IF EXISTS prospecting_month_from_prospecting_rollup()")
    else:
        for name in ("prospect_list_sizes_insert", "prospect_list_sizes_update",
                     "prospect_list_sizes_delete",
                     *(f"prospecting_month_from_prospecting_rollup_{kind}"
                       for kind in ("insert", "update", "delete"))):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("prospect_list_sizes")
    op.drop_table("prospecting_month")
