"""The shared action-count read model: actions per member, type, outcome and day.

Every front end and plugin that counts actions reads them here — the activity report, the
objectives, the planner's measured funnel, the dashboard, the digest — so they all agree: the
same members (the configured ones unless told otherwise), the same local days, the same
definition of an action's day (its ``at`` in the team time zone).

Behind it is the kernel's own rollup (``ACTIVITY_ROLLUP``, tables in ``tables``): per local
day, member, type, outcome and target kind (lead or prospect) the number of actions, and per
local month the set of leads each member acted on. It is kept exact in the transaction of every
write (``salesplan.core.reports.rollups``); a reader whose range the rollup cannot serve
(``usable`` false: a stale month, see ``rollups.rollup_view``) counts the raw actions instead,
so the numbers are always exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Date, func, literal, select

from salesplan.core.calendar import day_range_utc
from salesplan.core.db.query_tables import actions
from salesplan.core.reports.rollup_kit import (
    FoldScope,
    RollupSpec,
    add_counts,
    add_set_rows,
    local_day,
)
from salesplan.core.reports.tables import activity_rollup, lead_touch_month
from salesplan.core.reports.touch_sets import TouchSet, count_distinct, literal_groups

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy import Select

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


ACTIVITY_ROLLUP = RollupSpec(
    name=ACTIVITY,
    fold=fold_activity,
    day_tables=(activity_rollup,),
    touch_sets=(LEAD_TOUCHES,),
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
        roll = activity_rollup.c
        query = (
            select(roll.member, roll.action_type, roll.outcome, func.sum(roll.actions))
            .where(roll.day >= start, roll.day <= end, roll.member.in_(member_list))
            .group_by(roll.member, roll.action_type, roll.outcome)
        )
        if on is not None:
            query = query.where(roll.on_lead.is_(on == "lead"))
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
