"""The kernel's rollup tables: the shared action-count read model (created by migrations
``0002_report_rollups``, ``0003_touch_month_links`` and ``0004_plugin_rollups``), and the
raw-action tally the rollups are checked against (``0007_rollup_tally``).

Plain SQLAlchemy Core tables on their own ``MetaData``: derived data kept exact by
``salesplan.core.reports.rollups`` in the transaction of every write (see there), in the time
zone stored in ``salesplan_meta``. Days and months are team-timezone calendar days and months
(a month is stored as its first day).

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
    Column("on_lead", Boolean, nullable=False),  # on a lead (true) or on a prospect
    Column("actions", Integer, nullable=False),
    PrimaryKeyConstraint("day", "member", "action_type", "outcome", "on_lead",
                         name="pk_activity_rollup"),
)
"""Actions per local day, member, type, outcome and kind of target."""

activity_month = Table(
    "activity_month",
    metadata,
    Column("month", Date, nullable=False),  # the first day of a local month
    Column("member", String(64), nullable=False),
    Column("action_type", String(64), nullable=False),
    Column("outcome", String(64), nullable=False),
    Column("on_lead", Boolean, nullable=False),
    Column("actions", Integer, nullable=False),
    PrimaryKeyConstraint("month", "member", "action_type", "outcome", "on_lead",
                         name="pk_activity_month"),
)
"""``activity_rollup`` summed per local month, kept by triggers on it (migration
``0007_rollup_tally``): a half-year of counts is six months of rows, plus the days of the
range's partial months, instead of every day's rows."""

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

rollup_stale = Table(
    "rollup_stale",
    metadata,
    Column("rollup", String(64), nullable=False),
    Column("month", Date, nullable=False),
    PrimaryKeyConstraint("rollup", "month", name="pk_rollup_stale"),
)
"""Months of a rollup that must be folded again from history: a fold that failed (its plugin
raised; the action was kept) records its month here, and the next report or
``salesplan check --rollups --repair`` rebuilds it."""

action_tally = Table(
    "action_tally",
    metadata,
    Column("day", Date, nullable=False),  # a UTC day
    Column("member", String(64), nullable=False),
    Column("actions", Integer, nullable=False),
    PrimaryKeyConstraint("day", "member", name="pk_action_tally"),
)
"""Raw actions per UTC day and member, kept by triggers on ``actions`` (migration
``0007_rollup_tally``) for every write, however it is made; bulk writers count what they
write themselves (``salesplan.core.reports.tally``). Not a rollup: the raw side of the
rollups' freshness check."""

KERNEL_ROLLUP_TABLES: tuple[Table, ...] = (activity_rollup, activity_month, lead_touch_month)
