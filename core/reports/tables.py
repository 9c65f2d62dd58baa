"""Report rollup tables (created by migration ``0002_report_rollups``).

Plain SQLAlchemy Core tables on their own ``MetaData``: they are caches owned by the report
layer, maintained by ``salesplan.core.reports.rollups``, never written by the services.
Every row describes actions with ``id`` at or below the watermark, in the time zone, stored in
``salesplan_meta`` (see ``rollups``). Days and months are team-timezone calendar days and
months (a month is stored as its first day).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Integer, MetaData, PrimaryKeyConstraint, String, Table

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
    Column("month", Date, nullable=False),
    Column("lead_id", Integer, nullable=False),
    PrimaryKeyConstraint("member", "month", "lead_id", name="pk_lead_touch_month"),
)
"""(member, month, lead) for every lead a member acted on in that month: distinct counts
cannot be summed from daily counts, but a union of whole months plus the raw days at the
range's edges gives an exact ``COUNT(DISTINCT)`` over fewer rows than the actions."""

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
    Column("month", Date, nullable=False),
    Column("member", String(64), nullable=False),
    Column("prospect_id", Integer, nullable=False),
    PrimaryKeyConstraint("list_id", "month", "member", "prospect_id",
                         name="pk_prospect_touch_month"),
)
"""(list, month, member, prospect) for every prospect a member acted on in that month."""

prospect_touch_month_any = Table(
    "prospect_touch_month_any",
    metadata,
    Column("list_id", Integer, nullable=False),
    Column("month", Date, nullable=False),
    Column("prospect_id", Integer, nullable=False),
    PrimaryKeyConstraint("list_id", "month", "prospect_id", name="pk_prospect_touch_month_any"),
)
"""(list, month, prospect) for every prospect anyone acted on in that month."""

ROLLUP_TABLES: tuple[Table, ...] = (
    activity_rollup, lead_touch_month, prospecting_rollup, prospect_touch_month,
    prospect_touch_month_any,
)
