"""Report rollup tables (created by migrations ``0002_report_rollups`` and
``0003_touch_month_links``).

Plain SQLAlchemy Core tables on their own ``MetaData``: they are caches owned by the report
layer, maintained by ``salesplan.core.reports.rollups``, never written by the services.
Every row describes actions with ``id`` at or below the watermark, in the time zone, stored in
``salesplan_meta`` (see ``rollups``). Days and months are team-timezone calendar days and
months (a month is stored as its first day).

The *touch-month* tables hold sets: one row per (group..., key, month) in which the group
(a member, a list, a list and member) acted on the key (a lead, a prospect), plus
``prev_month``, the previous month of the same (group..., key), or null for its first. A
distinct count over whole months ``[first, after)`` is then a plain count of the rows in
those months whose ``prev_month`` is null or before ``first``: each key counts at its first
month in the range, once (see ``touch_sets.count_distinct``). The ``ix_*_months`` index
(group..., month, prev_month) serves that count, one index range per group; the primary key,
led by the group and key, serves the ``prev_month`` upkeep and the "already counted" probe
of the raw edge days.
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

activity_rollup = Table(
    "activity_rollup",
    metadata,
    Column("day", Date, nullable=False),
    Column("member", String(64), nullable=False),
    Column("action_type", String(64), nullable=False),
    Column("outcome", String(64), nullable=False),  # '' for no outcome (keys cannot be null)
    Column("actions", Integer, nullable=False),
    PrimaryKeyConstraint("day", "member", "action_type", "outcome", name="pk_activity_rollup"),
)
"""Actions per local day, member, type and outcome."""

lead_touch_month = Table(
    "lead_touch_month",
    metadata,
    Column("member", String(64), nullable=False),
    Column("lead_id", Integer, nullable=False),
    Column("month", Date, nullable=False),
    Column("prev_month", Date, nullable=True),
    PrimaryKeyConstraint("member", "lead_id", "month", name="pk_lead_touch_month"),
    Index("ix_lead_touch_month_months", "member", "month", "prev_month"),
)
"""(member, lead, month) for every lead a member acted on in that month: distinct counts
cannot be summed from daily counts, but whole months from this set plus the raw days at the
range's edges give an exact distinct count over far fewer rows than the actions."""

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

ROLLUP_TABLES: tuple[Table, ...] = (
    activity_rollup, lead_touch_month, prospecting_rollup, prospect_touch_month,
    prospect_touch_month_any,
)
