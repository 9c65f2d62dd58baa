"""The rollup contract: what a plugin declares to have a derived table kept exact for it.

A *rollup* is a set of tables a report reads instead of the raw actions: per-day counts, per-
month "touch" sets (see ``touch_sets``). A plugin returns ``RollupSpec`` objects from the
``salesplan_rollups`` hook; the kernel (``salesplan.core.reports.rollups``) then keeps them
exact:

- when an action is logged, in the same transaction, ``fold`` runs for that one action;
- when a data folder is imported, ``fold`` runs once per local month of the imported actions,
  set-based (one grouped statement per month and table, never row by row);
- when a month is stale (a failed fold, a hand-edited base), or the team time zone changed,
  or the rollup is new (its plugin was just enabled), the kernel clears the month's rows of
  ``day_tables`` and ``touch_sets`` and folds the month again from history.

A rollup may also give a ``bulk`` fold, the fast path for many actions at once (an import, the
demo, a rebuild): ``bulk(connection)`` returns a ``BulkFold`` that is handed the actions as
plain rows (``BulkRow``: local day, member, type, outcome, lead id, prospect id), chunk after
chunk, counts them in memory with the buffers of ``salesplan.core.reports.bulk_kit`` and
writes its tables on ``finish``. It must add exactly what ``fold`` adds for the same actions
(``salesplan check --rollups`` recounts with ``fold``); a rollup without one is folded with
``fold``, a month at a time.

``fold(db, scope)`` adds the contribution of the actions matching ``scope.actions`` (all of
them in ``scope.days``, one local month) to the rollup's tables, with ``add_counts`` /
``add_set_rows``; it never deletes and never commits. ``prev_month`` of the touch sets is kept
by the kernel after folding.

Everything here is SQLAlchemy Core and imports nothing else of the kernel's rollup machinery,
so a plugin's rollup module can import it cheaply.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Date, case, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from salesplan.core.reports.sql import dialect_name
from salesplan.core.reports.touch_sets import TouchSet

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Connection, Select, Table

    from salesplan.core.reports.sql import Executor

DaySpans = list[tuple[date, datetime, datetime]]
"""Consecutive local days with their UTC bounds ``[lo, hi)``, in order."""


@dataclass(frozen=True)
class FoldScope:
    """Which actions a fold adds: ``actions`` (conditions on the ``actions`` table), all of
    them within ``days`` (consecutive local days of one month, ``month`` its first day).

    ``lo`` / ``hi`` bound the whole scope in UTC. ``keys`` is set when the scope is one
    logged action: its ``lead_id`` or ``prospect_id`` (what a touch set is keyed by).
    """

    month: date
    days: DaySpans
    actions: tuple[ColumnElement[bool], ...]
    keys: dict[str, Any] = field(default_factory=dict)

    @property
    def lo(self) -> datetime:
        return self.days[0][1]

    @property
    def hi(self) -> datetime:
        return self.days[-1][2]


BulkRow = tuple[date, str, str, "str | None", "int | None", "int | None"]
"""One action for a bulk fold: (local day, member, action type, outcome or None, lead id or
None, prospect id or None) — exactly one of the two ids is set."""


class BulkFold(Protocol):
    """What ``RollupSpec.bulk`` returns: takes chunks of actions, then writes once."""

    def add(self, rows: Sequence[BulkRow]) -> None:
        """Count these actions (the fold may write some of its tables already)."""

    def finish(self) -> None:
        """Write what is left; the rollup then holds what ``fold`` would have added."""


@dataclass(frozen=True)
class RollupSpec:
    """A rollup a plugin (or the kernel) owns.

    ``day_tables`` have a ``day`` column (a local day), ``touch_sets`` a ``month`` column
    (the first day of a local month): that is how the kernel clears one month of them before
    folding it again. ``bulk`` (optional) is the fast path for many actions (see the module).
    """

    name: str
    fold: Callable[[Executor, FoldScope], None]
    day_tables: tuple[Table, ...] = ()
    touch_sets: tuple[TouchSet, ...] = ()
    bulk: Callable[[Connection], BulkFold] | None = None
    month_tables: tuple[Table, ...] = ()
    """Day tables summed per month (a ``month`` column), kept by database triggers on the
    day tables (the rollup's migration creates them); the kernel clears a month of them
    before folding it again, and ``verify`` compares them too."""

    @property
    def tables(self) -> tuple[Table, ...]:
        return (*self.day_tables, *self.month_tables,
                *(touch.table for touch in self.touch_sets))


class shifted_day(FunctionElement[date]):
    """``shifted_day(at, minutes)``: the date of the UTC timestamp ``at`` plus ``minutes``."""

    type = Date()
    name = "shifted_day"
    inherit_cache = True


@compiles(shifted_day, "sqlite")
def _shifted_sqlite(element: shifted_day, compiler: Any, **kw: Any) -> str:
    at, minutes = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"date({at}, {minutes} || ' minutes')"


@compiles(shifted_day, "postgresql")
def _shifted_postgresql(element: shifted_day, compiler: Any, **kw: Any) -> str:
    at, minutes = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(timezone('UTC', {at}) + make_interval(mins => {minutes}) AS DATE)"


def _offset_minutes(day: date, utc_start: datetime) -> int:
    """Minutes from the UTC instant ``utc_start`` to local midnight of ``day`` (the zone's
    offset at that midnight)."""
    naive = utc_start.astimezone(UTC).replace(tzinfo=None)
    return int((datetime.combine(day, time()) - naive) / timedelta(minutes=1))


def local_day(at: Any, days: DaySpans) -> Any:
    """The local day of ``at`` among ``days`` (rows must be filtered to their span), as SQL:
    one statement then folds a whole month instead of one statement per day.

    Runs of days with one UTC offset take the date of ``at`` shifted by that offset (one
    date function a row); a day whose offset changes (daylight saving) is its own branch."""
    segments: list[tuple[datetime, int | None, date]] = []  # (end, offset or None, day)
    for day, lo, hi in days:
        offset = _offset_minutes(day, lo)
        steady = offset == _offset_minutes(day + timedelta(days=1), hi)
        if steady and segments and segments[-1][1] == offset:
            segments[-1] = (hi, offset, day)
        else:
            segments.append((hi, offset if steady else None, day))

    def value(offset: int | None, day: date) -> Any:
        return literal(day, Date) if offset is None else shifted_day(at, literal(offset))

    *earlier, (_end, last_offset, last_day) = segments
    if not earlier:
        return value(last_offset, last_day)
    return case(*[(at < end, value(offset, day)) for end, offset, day in earlier],
                else_=value(last_offset, last_day))


def dialect_insert(db: Executor) -> Any:
    """The dialect's ``insert`` (for ``ON CONFLICT``) — SQLite and PostgreSQL alike."""
    if dialect_name(db) == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def add_counts(db: Executor, table: Table, rows: list[dict[str, Any]],
               keys: list[str], count_column: str) -> None:
    """Upsert rows, adding ``count_column`` to an existing row with the same keys."""
    if not rows:
        return
    statement = dialect_insert(db)(table).values(rows)
    column = table.c[count_column]
    db.execute(statement.on_conflict_do_update(
        index_elements=keys, set_={count_column: column + statement.excluded[count_column]}))


def add_set_rows(db: Executor, table: Table, columns: list[str], rows: Select[Any]) -> None:
    """``INSERT … SELECT … ON CONFLICT DO NOTHING``: add the selected rows to a set table."""
    db.execute(dialect_insert(db)(table).from_select(columns, rows).on_conflict_do_nothing())
