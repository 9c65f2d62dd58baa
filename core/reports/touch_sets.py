"""Distinct counts over a range of days from the touch-month sets (``reports.tables``).

A touch-month table holds one row per (group..., key, month) in which the group acted on the
key, with ``prev_month``: the previous month of the same (group..., key), null for its first.
For the whole months ``[first, after)`` of a range, the keys a group touched are counted once
each, at their first month in the range: the rows in those months whose ``prev_month`` is
null or before ``first``. That is a plain ``COUNT`` over one range of the (group..., month,
prev_month) index per candidate group, where a ``COUNT(DISTINCT)`` (or even a ``GROUP BY``)
over the same rows would sort them all.

The days outside whole months (the range's edges) come from the raw actions; a key among them
counts only when the whole months did not already count it for the same group (a ``NOT
EXISTS`` probe on the primary key), so the sum is exact. When the rollups cannot serve the
range (``usable`` false: a month of it is stale), everything comes from the raw actions.

``prev_month`` is kept by ``link_months`` after every fold: a fold only adds rows, and a row's
previous month can only change when a row is added before it, so relinking the rows from the
first folded month on is enough — and for one logged action, only the rows of its own key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import distinct, exists, func, literal, or_, select, tuple_, union_all, update

from salesplan.core.calendar import day_range_utc

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from sqlalchemy import CompoundSelect, Select, Table

    from salesplan.core.reports.sql import Executor

RawPart = Callable[[datetime, datetime], "Select[Any]"]
"""``raw(lo, hi)``: the raw (group..., key) rows of actions in ``[lo, hi)``. Column names must
be the set's names."""


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def whole_months(start: date, end: date) -> tuple[date, date]:
    """``[first, after)``: the calendar months entirely inside the inclusive days
    ``[start, end]`` (empty when ``first >= after``)."""
    first = start if start.day == 1 else next_month(start)
    after = next_month(end) if (end + timedelta(days=1)).day == 1 else month_start(end)
    return first, after


@dataclass(frozen=True)
class TouchSet:
    """A touch-month table: its group columns and the key counted distinct within a group."""

    table: Table
    groups: tuple[str, ...]
    key: str

    @property
    def identity(self) -> tuple[str, ...]:
        """The columns one key of one group is identified by (the primary key's lead)."""
        return (*self.groups, self.key)


def count_distinct(
    db: Executor, tz: ZoneInfo, usable: bool, start: date, end: date, *,
    touch: TouchSet, raw: RawPart, groups: Select[Any] | CompoundSelect[Any],
) -> dict[tuple[Any, ...], int]:
    """``{group values: distinct keys}`` acted on in the inclusive local days
    ``[start, end]`` (groups with none are left out).

    ``groups`` selects the candidate groups (columns named as the set's groups) whose whole
    months are counted: every group with a touch in those months must be among them; extra
    ones cost one index probe each. ``raw`` gives the raw rows of any group."""
    first, after = whole_months(start, end)
    if not usable or first >= after:
        return _count_raw(db, touch, [raw(*day_range_utc(start, end, tz))])
    columns = touch.table.c
    candidates = groups.subquery("candidate_groups")
    first_in_range = (
        select(func.count())
        .where(*(columns[name] == candidates.c[name] for name in touch.groups),
               columns.month >= first, columns.month < after,
               or_(columns.prev_month.is_(None), columns.prev_month < first))
        .scalar_subquery()
    )
    rows = db.execute(select(*(candidates.c[name] for name in touch.groups), first_in_range))
    counts = {tuple(row[:-1]): int(row[-1]) for row in rows if row[-1]}
    extra: list[Select[Any]] = []
    if start < first:
        extra.append(raw(*day_range_utc(start, first - timedelta(days=1), tz)))
    if after <= end:
        extra.append(raw(*day_range_utc(after, end, tz)))
    if extra:
        def counted_in_whole_months(rows: Any) -> Any:
            return exists().where(
                *(columns[name] == rows.c[name] for name in touch.identity),
                columns.month >= first, columns.month < after,
            )

        for group, count in _count_raw(db, touch, extra, unless=counted_in_whole_months).items():
            counts[group] = counts.get(group, 0) + count
    return counts


def literal_groups(name: str, values: list[Any]) -> Select[Any] | CompoundSelect[Any]:
    """A one-column ``groups`` select over given values (e.g. the configured members)."""
    parts = [select(literal(value).label(name)) for value in values]
    if not parts:
        return select(literal(None).label(name)).where(literal(False))
    return parts[0] if len(parts) == 1 else union_all(*parts)


def _count_raw(
    db: Executor, touch: TouchSet, parts: list[Select[Any]],
    unless: Callable[[Any], Any] | None = None,
) -> dict[tuple[Any, ...], int]:
    """Distinct keys per group over the union of raw parts (minus the rows ``unless`` is
    true for)."""
    rows = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("raw_touches")
    group_columns = [rows.c[name] for name in touch.groups]
    query = select(*group_columns, func.count(distinct(rows.c[touch.key]))).group_by(
        *group_columns)
    if unless is not None:
        query = query.where(~unless(rows))
    return {tuple(row[:-1]): int(row[-1]) for row in db.execute(query)}


def link_months(
    db: Executor, touch: TouchSet, since: date, only: dict[str, Any] | None = None,
    month: date | None = None,
) -> None:
    """Set ``prev_month`` of every row from month ``since`` on (only rows whose value
    changes are written); ``only`` restricts it to the rows whose columns have those values
    (the key of one logged action), so relinking after one action touches a few rows;
    ``month`` to the keys that have a row in that month or a row linked to it (after that
    one month was folded again).

    One set-based statement: ``LAG(month)`` over the whole history of the keys that have a
    row from ``since`` on, joined back by ``UPDATE … FROM``. (A correlated "latest earlier
    month" per row lets PostgreSQL's planner walk a whole group's month index for each row
    while the table's statistics are stale, as they are during a first build.)
    """
    table = touch.table
    identity = [table.c[name] for name in touch.identity]
    recent_keys = select(*identity).where(table.c.month >= since).distinct()
    if month is not None:
        recent_keys = select(*identity).where(
            or_(table.c.month == month, table.c.prev_month == month)).distinct()
    if only:
        recent_keys = recent_keys.where(*(table.c[name] == value for name, value in only.items()))
    history = (
        select(*identity, table.c.month,
               func.lag(table.c.month).over(partition_by=identity, order_by=table.c.month)
               .label("previous"))
        .where(tuple_(*identity).in_(recent_keys))
        .subquery("history")
    )
    db.execute(
        update(table)
        .where(*(column == history.c[column.name] for column in identity),
               table.c.month == history.c.month, table.c.month >= since,
               table.c.prev_month.is_distinct_from(history.c.previous))
        .values(prev_month=history.c.previous)
    )
