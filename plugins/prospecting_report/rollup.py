"""Prospecting rollups: per-day action counts by list, and the monthly "worked" sets.

The plugin's ``RollupSpec`` (``PROSPECTING_ROLLUP``): the kernel calls ``fold_prospecting`` for
every logged action, every imported month and every month it rebuilds, so the tables stay
exact (see ``salesplan.core.reports.rollups``). Reading: rollup rows for the range, or the raw
actions (joined to their prospect, or lead then prospect, for the list) when the rollups cannot
serve it; the rollups hold the list id already, so a reader over whole months never joins.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, delete, func, literal, select

from salesplan.core.calendar import day_range_utc
from salesplan.core.db.query_tables import actions, leads, prospecting_lists, prospects
from salesplan.core.reports.bulk_kit import CountBuffer, TouchBuffer
from salesplan.core.reports.rollup_kit import (
    BulkRow,
    FoldScope,
    RollupSpec,
    add_counts,
    add_set_rows,
    local_day,
)
from salesplan.core.reports.touch_sets import TouchSet, count_distinct, whole_months
from salesplan.plugins.prospecting_report.tables import (
    prospect_list_sizes,
    prospect_touch_month,
    prospect_touch_month_any,
    prospecting_month,
    prospecting_rollup,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection, Select

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


PROSPECTING_KEYS = ("day", "list_id", "member", "action_type", "on_lead")


def _list_ids(db: Connection, query: Select[Any]) -> array[int]:
    """``ids[row id]`` = its list id (0: none) for the ``(id, list_id)`` rows of ``query``:
    four bytes a prospect or lead, read once per bulk fold."""
    ids = array("i")
    for row_id, list_id in db.execute(query):
        missing = row_id + 1 - len(ids)
        if missing > 0:
            ids.frombytes(bytes(4 * missing))
        ids[row_id] = list_id
    return ids


class ProspectingBulk:
    """``fold_prospecting`` for many actions at once, counted in memory (``bulk_kit``).

    The list of each prospect, and of the prospect each lead was converted from, is read
    from the base on the first chunk (the import's prospects and leads are in by then)."""

    def __init__(self, db: Connection) -> None:
        self.db = db
        self.counts = CountBuffer(db, prospecting_rollup, PROSPECTING_KEYS, "actions")
        self.touches = TouchBuffer(db, PROSPECT_TOUCHES)
        self.touches_any = TouchBuffer(db, PROSPECT_TOUCHES_ANY)
        self.prospect_lists: array[int] | None = None
        self.lead_lists = array("i")

    def _load(self) -> array[int]:
        self.lead_lists = _list_ids(self.db, select(leads.c.id, prospects.c.list_id)
                                    .join_from(leads, prospects,
                                               prospects.c.id == leads.c.prospect_id)
                                    .order_by(leads.c.id))
        lists = self.prospect_lists = _list_ids(
            self.db, select(prospects.c.id, prospects.c.list_id).order_by(prospects.c.id))
        return lists

    def add(self, rows: Sequence[BulkRow]) -> None:
        prospect_lists = self.prospect_lists
        if prospect_lists is None:
            prospect_lists = self._load()
        lead_lists = self.lead_lists
        leads_known = len(lead_lists)
        counts = self.counts.counts
        touch, touch_any = self.touches.add, self.touches_any.add
        for day, member, type_id, _outcome, lead_id, prospect_id in rows:
            if prospect_id is not None:
                list_id = prospect_lists[prospect_id]
                key = (day, list_id, member, type_id, False)
                counts[key] = counts.get(key, 0) + 1
                touch(day, (list_id, member, prospect_id))
                touch_any(day, (list_id, prospect_id))
            elif lead_id is not None and lead_id < leads_known:
                list_id = lead_lists[lead_id]
                if list_id:
                    key = (day, list_id, member, type_id, True)
                    counts[key] = counts.get(key, 0) + 1
        self.counts.maybe_flush()
        self.touches.maybe_flush()
        self.touches_any.maybe_flush()

    def finish(self) -> None:
        self.counts.flush()
        self.touches.finish()
        self.touches_any.finish()


PROSPECTING_ROLLUP = RollupSpec(
    name=ROLLUP_NAME,
    fold=fold_prospecting,
    day_tables=(prospecting_rollup,),
    touch_sets=(PROSPECT_TOUCHES, PROSPECT_TOUCHES_ANY),
    bulk=ProspectingBulk,
    month_tables=(prospecting_month,),
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
        # Whole months from the monthly sums, the partial months' days from the daily rows.
        first, after = whole_months(start, end)
        spans = [(start, min(end, first - timedelta(days=1))), (max(start, after), end)] \
            if first < after else [(start, end)]
        if first < after:
            add(db.execute(_summed(prospecting_month, prospecting_month.c.month >= first,
                                   prospecting_month.c.month < after)))
        day = prospecting_rollup.c.day
        for lo, hi in spans:
            if lo <= hi:
                add(db.execute(_summed(prospecting_rollup, day >= lo, day <= hi)))
    else:
        lo, hi = day_range_utc(start, end, app.tz)
        add(db.execute(_grouped(_on_prospects(lo, hi))), on_lead=False)
        add(db.execute(_grouped(_on_converted_leads(lo, hi))), on_lead=True)
    return counts


def _summed(table: Any, after: Any, before: Any) -> Select[Any]:
    roll = table.c
    return (
        select(roll.list_id, roll.member, roll.action_type, roll.on_lead, func.sum(roll.actions))
        .where(after, before)
        .group_by(roll.list_id, roll.member, roll.action_type, roll.on_lead)
    )


def list_sizes(db: Executor) -> dict[int, int]:
    """Prospects per list, from the counts the database keeps (``prospect_list_sizes``)."""
    sizes = prospect_list_sizes.c
    return {int(list_id): int(count or 0) for list_id, count in db.execute(
        select(sizes.list_id, func.sum(sizes.prospects)).group_by(sizes.list_id))}


def recount_list_sizes(db: Executor) -> None:
    """Count ``prospect_list_sizes`` again from the prospects (after a bulk load)."""
    owner = func.coalesce(prospects.c.owner, "")
    db.execute(delete(prospect_list_sizes))
    db.execute(prospect_list_sizes.insert().from_select(
        ["list_id", "owner", "prospects"],
        select(prospects.c.list_id, owner, func.count()).group_by(prospects.c.list_id, owner)))


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
    lists = select(prospecting_lists.c.id.label("list_id"))
    # Every (list, member) with a prospect touched in the whole months acted on a prospect of
    # the list in one of those months: the monthly counts (same actions) name the candidates.
    months = prospecting_month.c
    list_members = select(months.list_id, months.member).distinct().where(
        months.month >= first, months.month < after, months.on_lead.is_(False))
    per_list = count_distinct(db, app.tz, usable, start, end, touch=PROSPECT_TOUCHES_ANY,
                              raw=raw_rows(False), groups=lists)
    per_member = count_distinct(db, app.tz, usable, start, end, touch=PROSPECT_TOUCHES,
                                raw=raw_rows(True), groups=list_members)
    return (
        {int(list_id): count for (list_id,), count in per_list.items()},
        {(int(list_id), member): count for (list_id, member), count in per_member.items()},
    )
