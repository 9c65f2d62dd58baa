"""Prospecting rollups: per-day action counts by list, and the monthly "worked" sets.

Folding (called by ``rollups.refresh_activity_rollup`` for each local day / month of newer
actions) and reading (rollup rows + raw actions above the watermark or at the range's edges).
Raw parts join actions to prospects (and leads) to find the list; the rollups hold the list
id already, so a reader over whole months never joins.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, func, literal, select

from salesplan.core.db.query_tables import actions, leads, prospects
from salesplan.core.reports.rollups import (
    Window,
    add_counts,
    add_set_rows,
    distinct_parts,
    reader_window,
)
from salesplan.core.reports.tables import (
    prospect_touch_month,
    prospect_touch_month_any,
    prospecting_rollup,
)

if TYPE_CHECKING:
    from sqlalchemy import Select

    from salesplan.core.context import AppContext
    from salesplan.core.reports.sql import Executor

ProspectingKey = tuple[int, str, str, bool]
"""(list id, member, action type, on a converted lead?)"""


def _on_prospects(at: Any, lo: datetime, hi: datetime, *extra: Any) -> Select[Any]:
    """Actions on prospects in ``[lo, hi)`` joined to their prospect (for ``list_id``)."""
    return (
        select(prospects.c.list_id, actions.c.member, actions.c.action_type)
        .join_from(actions, prospects, prospects.c.id == actions.c.prospect_id)
        .where(at >= lo, at < hi, *extra)
    )


def _on_converted_leads(at: Any, lo: datetime, hi: datetime, *extra: Any) -> Select[Any]:
    """Actions in ``[lo, hi)`` on leads converted from a prospect, joined to its list."""
    return (
        select(prospects.c.list_id, actions.c.member, actions.c.action_type)
        .join_from(actions, leads, leads.c.id == actions.c.lead_id)
        .join(prospects, prospects.c.id == leads.c.prospect_id)
        .where(at >= lo, at < hi, *extra)
    )


def _grouped(query: Select[Any]) -> Select[Any]:
    columns = list(query.selected_columns)
    return query.with_only_columns(*columns, func.count()).group_by(*columns)


def fold_prospecting_day(session: Executor, day: date, lo: datetime, hi: datetime,
                         newer: tuple[Any, ...]) -> None:
    """Add one local day of newer actions to ``prospecting_rollup``."""
    rows: list[dict[str, Any]] = []
    for on_lead, query in ((False, _on_prospects), (True, _on_converted_leads)):
        for list_id, member, type_id, count in session.execute(
            _grouped(query(actions.c.at, lo, hi, *newer))
        ):
            rows.append({"day": day, "list_id": list_id, "member": member,
                         "action_type": type_id, "on_lead": on_lead, "actions": int(count)})
    add_counts(session, prospecting_rollup, rows,
               ["day", "list_id", "member", "action_type", "on_lead"], "actions")


def fold_prospecting_month(session: Executor, month: date, lo: datetime, hi: datetime,
                           newer: tuple[Any, ...]) -> None:
    """Add one local month of newer actions to the two "worked" sets."""
    base = (
        select(prospects.c.list_id, literal(month, Date))
        .join_from(actions, prospects, prospects.c.id == actions.c.prospect_id)
        .where(actions.c.at >= lo, actions.c.at < hi, *newer)
        .distinct()
    )
    add_set_rows(session, prospect_touch_month, ["list_id", "month", "member", "prospect_id"],
                 base.add_columns(actions.c.member, actions.c.prospect_id))
    add_set_rows(session, prospect_touch_month_any, ["list_id", "month", "prospect_id"],
                 base.add_columns(actions.c.prospect_id))


def prospecting_counts(
    session: Executor, app: AppContext, start: date, end: date
) -> dict[ProspectingKey, int]:
    """Actions in the inclusive local days per (list, member, type, on converted lead)."""
    from salesplan.core.calendar import day_range_utc

    window = reader_window(session, app)
    counts: dict[ProspectingKey, int] = {}

    def add(rows: Any, on_lead: bool | None = None) -> None:
        for row in rows:
            if on_lead is None:
                list_id, member, type_id, flag, count = row
            else:
                (list_id, member, type_id, count), flag = row, on_lead
            key = (int(list_id), member, type_id, bool(flag))
            counts[key] = counts.get(key, 0) + int(count)

    if window.upto:
        roll = prospecting_rollup.c
        add(session.execute(
            select(roll.list_id, roll.member, roll.action_type, roll.on_lead,
                   func.sum(roll.actions))
            .where(roll.day >= start, roll.day <= end)
            .group_by(roll.list_id, roll.member, roll.action_type, roll.on_lead)
        ))
    if window.has_tail:
        lo, hi = day_range_utc(start, end, app.tz)
        at = window.tail_at(actions.c.at)
        newer = actions.c.id > window.upto
        add(session.execute(_grouped(_on_prospects(at, lo, hi, newer))), on_lead=False)
        add(session.execute(_grouped(_on_converted_leads(at, lo, hi, newer))), on_lead=True)
    return counts


def prospects_worked(
    session: Executor, app: AppContext, start: date, end: date
) -> tuple[dict[int, int], dict[tuple[int, str], int]]:
    """Distinct prospects acted on in the inclusive local days: per list, and per (list,
    member)."""
    window = reader_window(session, app)

    def raw_rows(with_member: bool) -> Any:
        def raw(lo: datetime, hi: datetime, tail: Window | None) -> Select[Any]:
            at = tail.tail_at(actions.c.at) if tail else actions.c.at
            extra = (actions.c.id > tail.upto,) if tail else ()
            columns = [prospects.c.list_id, *([actions.c.member] if with_member else []),
                       actions.c.prospect_id]
            return (
                select(*columns)
                .join_from(actions, prospects, prospects.c.id == actions.c.prospect_id)
                .where(at >= lo, at < hi, *extra)
            )
        return raw

    def rolled_member(first: date, after: date) -> Select[Any]:
        roll = prospect_touch_month.c
        return select(roll.list_id, roll.member, roll.prospect_id).where(
            roll.month >= first, roll.month < after)

    def rolled_any(first: date, after: date) -> Select[Any]:
        roll = prospect_touch_month_any.c
        return select(roll.list_id, roll.prospect_id).where(
            roll.month >= first, roll.month < after)

    any_union = distinct_parts(app, window, start, end, rolled=rolled_any,
                               raw=raw_rows(False))
    per_list = {
        int(list_id): int(count) for list_id, count in session.execute(
            select(any_union.c.list_id, func.count(func.distinct(any_union.c.prospect_id)))
            .group_by(any_union.c.list_id))
    }
    member_union = distinct_parts(app, window, start, end, rolled=rolled_member,
                                  raw=raw_rows(True))
    per_member = {
        (int(list_id), member): int(count) for list_id, member, count in session.execute(
            select(member_union.c.list_id, member_union.c.member,
                   func.count(func.distinct(member_union.c.prospect_id)))
            .group_by(member_union.c.list_id, member_union.c.member))
    }
    return per_list, per_member

