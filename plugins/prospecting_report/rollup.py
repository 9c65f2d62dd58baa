"""Prospecting rollups: per-day action counts by list, and the monthly "worked" sets.

The plugin's ``RollupSpec`` (``PROSPECTING_ROLLUP``): the kernel calls ``fold_prospecting`` for
every logged action, every imported month and every month it rebuilds, so the tables stay
exact (see ``salesplan.core.reports.rollups``). Reading: rollup rows for the range, or the raw
actions (joined to their prospect, or lead then prospect, for the list) when the rollups cannot
serve it; the rollups hold the list id already, so a reader over whole months never joins.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, func, literal, select

from salesplan.core.calendar import day_range_utc
from salesplan.core.db.query_tables import actions, leads, prospecting_lists, prospects
from salesplan.core.reports.rollup_kit import (
    FoldScope,
    RollupSpec,
    add_counts,
    add_set_rows,
    local_day,
)
from salesplan.core.reports.touch_sets import TouchSet, count_distinct, whole_months
from salesplan.plugins.prospecting_report.tables import (
    prospect_touch_month,
    prospect_touch_month_any,
    prospecting_rollup,
)

if TYPE_CHECKING:
    from sqlalchemy import Select

    from salesplan.core.app import AppContext
    from salesplan.core.reports.sql import Executor

ROLLUP_NAME = "prospecting"  # the plugin's ROLLUP
ProspectingKey = tuple[int, str, str, bool]
"""(list id, member, action type, on a converted lead?)"""

PROSPECT_TOUCHES = TouchSet(prospect_touch_month, groups=("list_id", "member"),
                            key="prospect_id")
PROSPECT_TOUCHES_ANY = TouchSet(prospect_touch_month_any, groups=("list_id",),
                                key="prospect_id")


def _on_prospects(lo: datetime, hi: datetime, *extra: Any) -> Select[Any]:
    """Actions on prospects in ``[lo, hi)`` joined to their prospect (for ``list_id``)."""
    return (
        select(prospects.c.list_id, actions.c.member, actions.c.action_type)
        .join_from(actions, prospects, prospects.c.id == actions.c.prospect_id)
        .where(actions.c.at >= lo, actions.c.at < hi, *extra)
    )


def _on_converted_leads(lo: datetime, hi: datetime, *extra: Any) -> Select[Any]:
    """Actions in ``[lo, hi)`` on leads converted from a prospect, joined to its list."""
    return (
        select(prospects.c.list_id, actions.c.member, actions.c.action_type)
        .join_from(actions, leads, leads.c.id == actions.c.lead_id)
        .join(prospects, prospects.c.id == leads.c.prospect_id)
        .where(actions.c.at >= lo, actions.c.at < hi, *extra)
    )


def _grouped(query: Select[Any]) -> Select[Any]:
    columns = list(query.selected_columns)
    return query.with_only_columns(*columns, func.count()).group_by(*columns)


def fold_prospecting(db: Executor, scope: FoldScope) -> None:
    """Add the scope's actions to the per-day counts (one grouped statement per kind of
    target) and to the month's two "worked" sets."""
    day = local_day(actions.c.at, scope.days).label("day")
    rows: list[dict[str, Any]] = []
    for on_lead, query in ((False, _on_prospects), (True, _on_converted_leads)):
        base = query(scope.lo, scope.hi, *scope.actions)
        # Three named columns (not ``*selected_columns``) keep the row type at five columns.
        list_column, member_column, type_column = base.selected_columns
        grouped = base.with_only_columns(
            day, list_column, member_column, type_column, func.count()
        ).group_by(day, list_column, member_column, type_column)
        for local, list_id, member, type_id, count in db.execute(grouped):
            rows.append({"day": local, "list_id": list_id, "member": member,
                         "action_type": type_id, "on_lead": on_lead, "actions": int(count)})
    add_counts(db, prospecting_rollup, rows,
               ["day", "list_id", "member", "action_type", "on_lead"], "actions")
    if "lead_id" in scope.keys:
        return  # one action on a lead: no prospect was worked
    worked = (
        select(prospects.c.list_id)
        .join_from(actions, prospects, prospects.c.id == actions.c.prospect_id)
        .where(actions.c.at >= scope.lo, actions.c.at < scope.hi, *scope.actions)
        .distinct()
    )
    month = literal(scope.month, Date)
    add_set_rows(db, prospect_touch_month, ["list_id", "member", "prospect_id", "month"],
                 worked.add_columns(actions.c.member, actions.c.prospect_id, month))
    add_set_rows(db, prospect_touch_month_any, ["list_id", "prospect_id", "month"],
                 worked.add_columns(actions.c.prospect_id, month))


PROSPECTING_ROLLUP = RollupSpec(
    name=ROLLUP_NAME,
    fold=fold_prospecting,
    day_tables=(prospecting_rollup,),
    touch_sets=(PROSPECT_TOUCHES, PROSPECT_TOUCHES_ANY),
)


def prospecting_counts(
    db: Executor, app: AppContext, usable: bool, start: date, end: date
) -> dict[ProspectingKey, int]:
    """Actions in the inclusive local days per (list, member, type, on converted lead)."""
    counts: dict[ProspectingKey, int] = {}

    def add(rows: Any, on_lead: bool | None = None) -> None:
        for row in rows:
            if on_lead is None:
                list_id, member, type_id, flag, count = row
            else:
                (list_id, member, type_id, count), flag = row, on_lead
            key = (int(list_id), member, type_id, bool(flag))
            counts[key] = counts.get(key, 0) + int(count)

    if usable:
        roll = prospecting_rollup.c
        add(db.execute(
            select(roll.list_id, roll.member, roll.action_type, roll.on_lead,
                   func.sum(roll.actions))
            .where(roll.day >= start, roll.day <= end)
            .group_by(roll.list_id, roll.member, roll.action_type, roll.on_lead)
        ))
    else:
        lo, hi = day_range_utc(start, end, app.tz)
        add(db.execute(_grouped(_on_prospects(lo, hi))), on_lead=False)
        add(db.execute(_grouped(_on_converted_leads(lo, hi))), on_lead=True)
    return counts


def prospects_worked(
    db: Executor, app: AppContext, usable: bool, start: date, end: date
) -> tuple[dict[int, int], dict[tuple[int, str], int]]:
    """Distinct prospects acted on in the inclusive local days: per list, and per (list,
    member)."""

    def raw_rows(with_member: bool) -> Any:
        def raw(lo: datetime, hi: datetime) -> Select[Any]:
            columns = [prospects.c.list_id, *([actions.c.member] if with_member else []),
                       actions.c.prospect_id]
            return (
                select(*columns)
                .join_from(actions, prospects, prospects.c.id == actions.c.prospect_id)
                .where(actions.c.at >= lo, actions.c.at < hi)
            )
        return raw

    first, after = whole_months(start, end)
    roll = prospecting_rollup.c
    lists = select(prospecting_lists.c.id.label("list_id"))
    # Every (list, member) with a prospect touched in the whole months acted on a prospect of
    # the list on one of their days: the daily rollup (same actions) names the candidates.
    list_members = select(roll.list_id, roll.member).distinct().where(
        roll.day >= first, roll.day < after, roll.on_lead.is_(False))
    per_list = count_distinct(db, app.tz, usable, start, end, touch=PROSPECT_TOUCHES_ANY,
                              raw=raw_rows(False), groups=lists)
    per_member = count_distinct(db, app.tz, usable, start, end, touch=PROSPECT_TOUCHES,
                                raw=raw_rows(True), groups=list_members)
    return (
        {int(list_id): count for (list_id,), count in per_list.items()},
        {(int(list_id), member): count for (list_id, member), count in per_member.items()},
    )
