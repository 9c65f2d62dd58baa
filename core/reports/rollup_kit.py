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

``fold(db, scope)`` adds the contribution of the actions matching ``scope.actions`` (all of
them in ``scope.days``, one local month) to the rollup's tables, with ``add_counts`` /
``add_set_rows``; it never deletes and never commits. ``prev_month`` of the touch sets is kept
by the kernel after folding.

Everything here is SQLAlchemy Core and imports nothing else of the kernel's rollup machinery,
so a plugin's rollup module can import it cheaply.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, case, literal

from salesplan.core.reports.sql import dialect_name
from salesplan.core.reports.touch_sets import TouchSet

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Select, Table

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


@dataclass(frozen=True)
class RollupSpec:
    """A rollup a plugin (or the kernel) owns.

    ``day_tables`` have a ``day`` column (a local day), ``touch_sets`` a ``month`` column
    (the first day of a local month): that is how the kernel clears one month of them before
    folding it again.
    """

    name: str
    fold: Callable[[Executor, FoldScope], None]
    day_tables: tuple[Table, ...] = ()
    touch_sets: tuple[TouchSet, ...] = ()

    @property
    def tables(self) -> tuple[Table, ...]:
        return (*self.day_tables, *(touch.table for touch in self.touch_sets))


def local_day(at: Any, days: DaySpans) -> Any:
    """The local day of ``at`` among ``days`` (rows must be filtered to their span), as SQL:
    one statement then folds a whole month instead of one statement per day."""
    *earlier, (last_day, _lo, _hi) = days
    if not earlier:
        return literal(last_day, Date)
    return case(*[(at < hi, literal(day, Date)) for day, _lo, hi in earlier],
                else_=literal(last_day, Date))


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
