"""The prospecting report's own rollup tables (its Alembic branch creates them).

Plain SQLAlchemy Core tables on the plugin's own ``MetaData``; the kernel keeps them exact
through the plugin's ``RollupSpec`` (``rollup.PROSPECTING_ROLLUP``). Days and months are
team-timezone calendar days and months (a month is stored as its first day); the touch-month
sets follow the kernel's ``touch_sets`` layout (``prev_month`` and a (group, month,
prev_month) index).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
)

metadata = MetaData()

prospecting_rollup = Table(
    "prospecting_rollup",
    metadata,
    Column("day", Date, nullable=False),
    Column("list_id", Integer, nullable=False),
    Column("member", String(64), nullable=False),
    Column("action_type", String(64), nullable=False),
    Column("on_lead", Boolean, nullable=False),
    Column("actions", Integer, nullable=False),
    PrimaryKeyConstraint("day", "list_id", "member", "action_type", "on_lead",
                         name="pk_prospecting_rollup"),
)
"""Actions per local day on a list's prospects (``on_lead`` false) or on the leads converted
from them (true), per member and type. A prospect's list and a lead's origin prospect are
fixed when the row is created, so the counts never move between lists."""

prospecting_month = Table(
    "prospecting_month",
    metadata,
    Column("month", Date, nullable=False),
    Column("list_id", Integer, nullable=False),
    Column("member", String(64), nullable=False),
    Column("action_type", String(64), nullable=False),
    Column("on_lead", Boolean, nullable=False),
    Column("actions", Integer, nullable=False),
    PrimaryKeyConstraint("month", "list_id", "member", "action_type", "on_lead",
                         name="pk_prospecting_month"),
)
"""``prospecting_rollup`` summed per local month, kept by triggers on it (migration
``prospecting_0002``)."""

prospect_list_sizes = Table(
    "prospect_list_sizes",
    metadata,
    Column("list_id", Integer, nullable=False),
    Column("owner", String(64), nullable=False),  # '' for prospects without an owner
    Column("prospects", Integer, nullable=False),
    PrimaryKeyConstraint("list_id", "owner", name="pk_prospect_list_sizes"),
)
"""How many prospects each list has, per owner: kept by triggers on ``prospects`` (bulk
loads count it again in ``salesplan_data_imported``). The report's "prospects (all)" column
without a count of every prospect."""

prospect_touch_month = Table(
    "prospect_touch_month",
    metadata,
    Column("list_id", Integer, nullable=False),
    Column("member", String(64), nullable=False),
    Column("prospect_id", Integer, nullable=False),
    Column("month", Date, nullable=False),
    Column("prev_month", Date, nullable=True),
    PrimaryKeyConstraint("list_id", "member", "prospect_id", "month",
                         name="pk_prospect_touch_month"),
    Index("ix_prospect_touch_month_months", "list_id", "member", "month", "prev_month"),
)
"""(list, member, prospect, month) for every prospect a member acted on in that month."""

prospect_touch_month_any = Table(
    "prospect_touch_month_any",
    metadata,
    Column("list_id", Integer, nullable=False),
    Column("prospect_id", Integer, nullable=False),
    Column("month", Date, nullable=False),
    Column("prev_month", Date, nullable=True),
    PrimaryKeyConstraint("list_id", "prospect_id", "month", name="pk_prospect_touch_month_any"),
    Index("ix_prospect_touch_month_any_months", "list_id", "month", "prev_month"),
)
"""(list, prospect, month) for every prospect anyone acted on in that month."""

TABLES: tuple[Table, ...] = (prospecting_rollup, prospecting_month, prospect_list_sizes,
                             prospect_touch_month, prospect_touch_month_any)
