"""What the rollup machinery shares: the active rollups, their stored state, months and days.

State in ``salesplan_meta``: ``rollups_tz`` (the zone the days are in) and one
``rollup_built:<name>`` row per rollup built from the whole history; ``rollup_stale`` lists
months a failed fold left behind. Also here: the per-month clearing, relinking and locking
that folding and rebuilding share (``rollup_build``, ``rollups``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, text

from salesplan.core.calendar import day_range_utc
from salesplan.core.db.query_tables import meta as meta_table
from salesplan.core.reports.action_counts import ACTIVITY_ROLLUP
from salesplan.core.reports.rollup_kit import DaySpans, RollupSpec, dialect_insert
from salesplan.core.reports.sql import dialect_name
from salesplan.core.reports.tables import rollup_stale
from salesplan.core.reports.touch_sets import link_months, month_start, next_month

if TYPE_CHECKING:
    from salesplan.core.app import AppContext
    from salesplan.core.reports.sql import Executor

TZ_KEY = "rollups_tz"
BUILT_PREFIX = "rollup_built:"


def active_rollups(app: AppContext) -> list[RollupSpec]:
    """The kernel's action counts, then every active plugin's rollups."""
    return [ACTIVITY_ROLLUP, *app.rollups.values()]


@dataclass(frozen=True)
class RollupState:
    """The zone the rollups' days are in, and which rollups are built."""

    tz: str
    built: frozenset[str] = field(default_factory=frozenset)

    def usable(self, app: AppContext, name: str) -> bool:
        return self.tz == app.config.team.timezone and name in self.built


def rollup_state(db: Executor) -> RollupState:
    """The stored state; a base without it reads as nothing built."""
    rows = dict(db.execute(
        select(meta_table.c.key, meta_table.c.value)
        .where((meta_table.c.key == TZ_KEY) | meta_table.c.key.startswith(BUILT_PREFIX))
    ).all())
    built = frozenset(key.removeprefix(BUILT_PREFIX) for key in rows if key != TZ_KEY)
    return RollupState(tz=rows.get(TZ_KEY, ""), built=built)


def set_meta(db: Executor, values: dict[str, str]) -> None:
    statement = dialect_insert(db)(meta_table).values(
        [{"key": key, "value": value} for key, value in values.items()])
    db.execute(statement.on_conflict_do_update(
        index_elements=["key"], set_={"value": statement.excluded.value}))


def mark_built(db: Executor, app: AppContext, specs: Iterable[RollupSpec]) -> None:
    """Record ``specs`` as built from the whole history, in the team's zone."""
    set_meta(db, {TZ_KEY: app.config.team.timezone,
                  **{BUILT_PREFIX + spec.name: "1" for spec in specs}})


def unset_built(db: Executor, names: Iterable[str]) -> None:
    keys = [BUILT_PREFIX + name for name in names]
    db.execute(delete(meta_table).where(meta_table.c.key.in_(keys)))


def mark_stale(db: Executor, name: str, month: date) -> None:
    """Record that ``month`` of rollup ``name`` must be folded again."""
    db.execute(dialect_insert(db)(rollup_stale).values(rollup=name, month=month)
               .on_conflict_do_nothing())


def clear_stale(db: Executor, names: Iterable[str], month: date) -> None:
    db.execute(delete(rollup_stale).where(
        rollup_stale.c.month == month, rollup_stale.c.rollup.in_(list(names))))


# --- the months and days of a range -----------------------------------------------------------


def day_spans(app: AppContext, first: date, last: date) -> DaySpans:
    """Each local day of ``[first, last]`` with its UTC bounds."""
    spans: DaySpans = []
    day = first
    while day <= last:
        spans.append((day, *day_range_utc(day, day, app.tz)))
        day += timedelta(days=1)
    return spans


def month_parts(start: date, end: date) -> list[tuple[date, date, date]]:
    """``(month, first day, last day)`` of each month touching ``[start, end]``, clipped."""
    parts = []
    month = month_start(start)
    while month <= end:
        following = next_month(month)
        parts.append((month, max(month, start), min(following - timedelta(days=1), end)))
        month = following
    return parts


def month_days(month: date) -> tuple[date, date]:
    """The first and last day of ``month``."""
    return month, next_month(month) - timedelta(days=1)


# --- what folding and rebuilding share ---------------------------------------------------------


def relink(db: Executor, spec: RollupSpec, since: date, keys: dict[str, Any] | None = None,
           month: date | None = None) -> None:
    """Relink the touch sets of ``spec`` after a fold (see ``touch_sets.link_months``)."""
    for touch in spec.touch_sets:
        if keys is None:
            link_months(db, touch, since, month=month)
        elif touch.key in keys:
            link_months(db, touch, since, only={touch.key: keys[touch.key]})


def lock(db: Executor, specs: Sequence[RollupSpec]) -> None:
    """On PostgreSQL, keep writers' folds out of the rollups while a month is rebuilt (they
    wait for the end of this month's transaction, then add to the rebuilt rows)."""
    if dialect_name(db) != "postgresql":
        return
    names = ", ".join(table.name for spec in specs for table in spec.tables)
    db.execute(text(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE"))


def clear_month(db: Executor, spec: RollupSpec, month: date) -> None:
    """Delete the month's rows of every table of ``spec`` (the month tables last: their
    triggers have just subtracted the day rows, and a hand-edited month row goes too)."""
    following = next_month(month)
    for table in spec.day_tables:
        db.execute(delete(table).where(table.c.day >= month, table.c.day < following))
    for table in spec.month_tables:
        db.execute(delete(table).where(table.c.month == month))
    for touch in spec.touch_sets:
        db.execute(delete(touch.table).where(touch.table.c.month == month))


def analyze(db: Executor, specs: Sequence[RollupSpec]) -> None:
    """On PostgreSQL, ``ANALYZE`` rollup tables after a big fold.

    Why: statistics taken while the tables were nearly empty (a first build, a big import)
    make the planner expect a handful of rows and look rows up through the wrong index, one
    group at a time. SQLite plans without statistics.
    """
    if dialect_name(db) != "postgresql":
        return
    for spec in specs:
        for table in spec.tables:
            db.execute(text(f"ANALYZE {table.name}"))
