"""The shared action-count read model: actions per member, type, outcome and day.

Every front end and plugin that counts actions reads them here — the activity report, the
objectives, the planner's measured funnel, the dashboard, the digest — so they all agree: the
same members (the configured ones unless told otherwise), the same local days, the same
definition of an action's day (its ``at`` in the team time zone).

Behind it is the kernel's own rollup (``ACTIVITY_ROLLUP``, tables in ``tables``): per local
day, member, type, outcome and target kind (lead or prospect) the number of actions (and the
same per local month, kept by triggers, which whole months of a range are read from), and per
local month the set of leads each member acted on. It is kept exact in the transaction of every
write (``salesplan.core.reports.rollups``); a reader whose range the rollup cannot serve
(``usable`` false: a stale month, see ``rollups.rollup_view``) counts the raw actions instead,
so the numbers are always exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Date, func, literal, select, union_all

from salesplan.core.calendar import day_range_utc
from salesplan.core.db.query_tables import actions
from salesplan.core.reports.bulk_kit import CountBuffer, TouchBuffer
from salesplan.core.reports.rollup_kit import (
    BulkRow,
    FoldScope,
    RollupSpec,
    add_counts,
    add_set_rows,
    local_day,
)
from salesplan.core.reports.tables import activity_month, activity_rollup, lead_touch_month
from salesplan.core.reports.touch_sets import (
    TouchSet,
    count_distinct,
    literal_groups,
    whole_months,
)

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy import Connection, Select

    from salesplan.core.app import AppContext
    from salesplan.core.reports.sql import Executor

NO_OUTCOME = ""
ACTIVITY = "activity"
CountKey = tuple[str, str, str | None]
"""(member, action type, outcome or None)"""
Target = Literal["lead", "prospect"]

LEAD_TOUCHES = TouchSet(lead_touch_month, groups=("member",), key="lead_id")


# --- keeping it exact ----------------------------------------------------------------------


def fold_activity(db: Executor, scope: FoldScope) -> None:
    """Add the scope's actions to the per-day counts and to the month's lead sets."""
    day = local_day(actions.c.at, scope.days).label("day")
    on_lead = actions.c.lead_id.is_not(None).label("on_lead")
    grouped = db.execute(
        select(day, actions.c.member, actions.c.action_type, actions.c.outcome, on_lead,
               func.count())
        .where(actions.c.at >= scope.lo, actions.c.at < scope.hi, *scope.actions)
        .group_by(day, actions.c.member, actions.c.action_type, actions.c.outcome, on_lead)
    )
    rows = [
        {"day": local, "member": member, "action_type": type_id,
         "outcome": outcome or NO_OUTCOME, "on_lead": bool(lead), "actions": int(count)}
        for local, member, type_id, outcome, lead, count in grouped
    ]
    add_counts(db, activity_rollup, rows,
               ["day", "member", "action_type", "outcome", "on_lead"], "actions")
    add_set_rows(db, lead_touch_month, ["member", "lead_id", "month"], (
        select(actions.c.member, actions.c.lead_id, literal(scope.month, Date))
        .where(actions.c.lead_id.is_not(None), actions.c.at >= scope.lo,
               actions.c.at < scope.hi, *scope.actions)
        .distinct()
    ))


ACTIVITY_KEYS = ("day", "member", "action_type", "outcome", "on_lead")


class ActivityBulk:
    """``fold_activity`` for many actions at once, counted in memory (``bulk_kit``)."""

    def __init__(self, db: Connection) -> None:
        self.counts = CountBuffer(db, activity_rollup, ACTIVITY_KEYS, "actions")
        self.touches = TouchBuffer(db, LEAD_TOUCHES)

    def add(self, rows: Sequence[BulkRow]) -> None:
        counts = self.counts.counts
        touch = self.touches.add
        for day, member, type_id, outcome, lead_id, _prospect_id in rows:
            key = (day, member, type_id, outcome or NO_OUTCOME, lead_id is not None)
            counts[key] = counts.get(key, 0) + 1
            if lead_id is not None:
                touch(day, (member, lead_id))
        self.counts.maybe_flush()
        self.touches.maybe_flush()

    def finish(self) -> None:
        self.counts.flush()
        self.touches.finish()


ACTIVITY_ROLLUP = RollupSpec(
    name=ACTIVITY,
    fold=fold_activity,
    day_tables=(activity_rollup,),
    touch_sets=(LEAD_TOUCHES,),
    bulk=ActivityBulk,
    month_tables=(activity_month,),
)


# --- reading -------------------------------------------------------------------------------


def action_counts(
    db: Executor,
    app: AppContext,
    usable: bool,
    start: date,
    end: date,
    *,
    members: Iterable[str] | None = None,
    on: Target | None = None,
) -> dict[CountKey, int]:
    """Actions per (member, type, outcome) whose ``at`` falls in the inclusive local days
    ``[start, end]``, aggregated by the database; ``members`` None means every configured
    member, ``on`` keeps actions on leads or on prospects only."""
    member_list = list(members) if members is not None else [m.id for m in app.config.members]
    counts: dict[CountKey, int] = {}
    if usable:
        # Whole months from the monthly sums, the partial months' days from the daily rows.
        first, after = whole_months(start, end)
        parts: list[Select[Any]] = []
        if first < after:
            parts.append(_rolled(activity_month, activity_month.c.month >= first,
                                 activity_month.c.month < after, member_list, on))
        day = activity_rollup.c.day
        edges = [(start, min(end, first - timedelta(days=1))), (max(start, after), end)] \
            if first < after else [(start, end)]
        parts.extend(_rolled(activity_rollup, day >= lo, day <= hi, member_list, on)
                     for lo, hi in edges if lo <= hi)
        query: Any = parts[0] if len(parts) == 1 else union_all(*parts)
    else:
        lo, hi = day_range_utc(start, end, app.tz)
        query = (
            select(actions.c.member, actions.c.action_type, actions.c.outcome, func.count())
            .where(actions.c.at >= lo, actions.c.at < hi, actions.c.member.in_(member_list))
            .group_by(actions.c.member, actions.c.action_type, actions.c.outcome)
        )
        if on is not None:
            target = actions.c.lead_id if on == "lead" else actions.c.prospect_id
            query = query.where(target.is_not(None))
    for member, type_id, outcome, count in db.execute(query):
        key = (member, type_id, outcome or None)
        counts[key] = counts.get(key, 0) + int(count)
    return counts


def _rolled(table: Any, after: Any, before: Any, members: list[str],
            on: Target | None) -> Select[Any]:
    """Summed counts per (member, type, outcome) of a rollup table between two bounds."""
    roll = table.c
    query = (
        select(roll.member, roll.action_type, roll.outcome, func.sum(roll.actions))
        .where(after, before, roll.member.in_(members))
        .group_by(roll.member, roll.action_type, roll.outcome)
    )
    return query.where(roll.on_lead.is_(on == "lead")) if on is not None else query


def leads_touched(
    db: Executor, app: AppContext, usable: bool, start: date, end: date, members: list[str],
) -> dict[str, int]:
    """Distinct leads each member acted on in the inclusive local days ``[start, end]``
    (month sets plus raw edge days through the partial index ``ix_actions_lead_touch``)."""

    def raw(lo: datetime, hi: datetime) -> Select[Any]:
        return select(actions.c.member, actions.c.lead_id).where(
            actions.c.member.in_(members), actions.c.lead_id.is_not(None),
            actions.c.at >= lo, actions.c.at < hi)

    counts = count_distinct(
        db, app.tz, usable, start, end, touch=LEAD_TOUCHES, raw=raw,
        groups=literal_groups("member", members))
    return {member: count for (member,), count in counts.items()}
