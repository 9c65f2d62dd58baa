"""raw action counts per UTC day and member, and monthly action counts, kept by triggers

Revision ID: 0007_rollup_tally
Revises: 0006_delivery_log
Create Date: 2026-12-03

``action_tally`` holds, per UTC day and member, how many rows ``actions`` has. Triggers on
``actions`` keep it exact for every write, whoever makes it (the services, a hand-edited
base, a restore of the table): inserting, deleting, or changing an action's ``at`` or
``member`` moves the counts. The rollups' freshness check (``rollups.rollup_view``) compares
it with the rollups' own counts, per month, reading a few thousand small rows instead of
counting the range's raw actions. Rows are per member so that concurrent writers on
PostgreSQL do not queue on one counter row.

Bulk writers (``salesplan import``, the demo) count what they write themselves: on SQLite
they drop the triggers inside their transaction and create them again before committing; on
PostgreSQL they set ``salesplan.bulk_load`` to ``on`` for their transaction, which the
triggers' ``WHEN`` clause honours. The table is filled from the actions already in the base.

``activity_month`` is ``activity_rollup`` summed per local month, kept by triggers on
``activity_rollup`` (whatever writes it: folds, rebuilds, a hand edit), so a half-year report
reads six months of rows and its partial months' days. It is filled from the rows there.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from salesplan.core.db.triggers import month_sum_triggers

revision: str = "0007_rollup_tally"
down_revision: str | None = "0006_delivery_log"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_TRIGGERS = (
    """CREATE TRIGGER actions_tally_insert AFTER INSERT ON actions BEGIN
  INSERT INTO action_tally (day, member, actions) VALUES (substr(NEW.at, 1, 10), NEW.member, 1)
  ON CONFLICT (day, member) DO UPDATE SET actions = actions + 1;
END""",
    """CREATE TRIGGER actions_tally_delete AFTER DELETE ON actions BEGIN
  UPDATE action_tally SET actions = actions - 1
  WHERE day = substr(OLD.at, 1, 10) AND member = OLD.member;
END""",
    """CREATE TRIGGER actions_tally_update AFTER UPDATE OF at, member ON actions BEGIN
  UPDATE action_tally SET actions = actions - 1
  WHERE day = substr(OLD.at, 1, 10) AND member = OLD.member;
  INSERT INTO action_tally (day, member, actions) VALUES (substr(NEW.at, 1, 10), NEW.member, 1)
  ON CONFLICT (day, member) DO UPDATE SET actions = actions + 1;
END""",
)

POSTGRES_FUNCTION = """CREATE FUNCTION salesplan_action_tally() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE action_tally SET actions = actions - 1
    WHERE day = (OLD.at AT TIME ZONE 'UTC')::date AND member = OLD.member;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO action_tally (day, member, actions)
    VALUES ((NEW.at AT TIME ZONE 'UTC')::date, NEW.member, 1)
    ON CONFLICT (day, member) DO UPDATE SET actions = action_tally.actions + 1;
  END IF;
  RETURN NULL;
END
$$"""

POSTGRES_TRIGGER = """CREATE TRIGGER actions_tally
AFTER INSERT OR DELETE OR UPDATE OF at, member ON actions
FOR EACH ROW WHEN (current_setting('salesplan.bulk_load', true) IS DISTINCT FROM 'on')
EXECUTE FUNCTION salesplan_action_tally()"""


MONTH_KEYS = ("member", "action_type", "outcome", "on_lead")


def upgrade() -> None:
    op.create_table(
        "action_tally",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("member", sa.String(length=64), nullable=False),
        sa.Column("actions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "member", name="pk_action_tally"),
    )
    op.create_table(
        "activity_month",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("member", sa.String(length=64), nullable=False),
        sa.Column("action_type", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=64), nullable=False),
        sa.Column("on_lead", sa.Boolean(), nullable=False),
        sa.Column("actions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", *MONTH_KEYS, name="pk_activity_month"),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    month_of = "date_trunc('month', day)::date" if postgres else "substr(day, 1, 8) || '01'"
    op.execute(
        f"INSERT INTO activity_month (month, {', '.join(MONTH_KEYS)}, actions) "
        f"SELECT {month_of}, {', '.join(MONTH_KEYS)}, sum(actions) FROM activity_rollup "
        f"GROUP BY {month_of}, {', '.join(MONTH_KEYS)}")
    for trigger in month_sum_triggers(op.get_bind().dialect.name, "activity_rollup",
                                      "activity_month", MONTH_KEYS, "actions"):
        op.execute(trigger)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "INSERT INTO action_tally (day, member, actions) "
            "SELECT (at AT TIME ZONE 'UTC')::date, member, count(*) FROM actions GROUP BY 1, 2"
        )
        op.execute(POSTGRES_FUNCTION)
        op.execute(POSTGRES_TRIGGER)
    else:
        op.execute(
            "INSERT INTO action_tally (day, member, actions) "
            "SELECT substr(at, 1, 10), member, count(*) FROM actions GROUP BY 1, 2"
        )
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS actions_tally ON actions")
        op.execute("DROP FUNCTION IF EXISTS salesplan_action_tally()")
        op.execute("DROP TRIGGER IF EXISTS activity_month_from_activity_rollup "
                   "ON activity_rollup")
        op.execute("DROP FUNCTION IF EXISTS activity_month_from_activity_rollup()")
    else:
        for name in ("actions_tally_insert", "actions_tally_delete", "actions_tally_update",
                     *(f"activity_month_from_activity_rollup_{kind}"
                       for kind in ("insert", "update", "delete"))):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("activity_month")
    op.drop_table("action_tally")
