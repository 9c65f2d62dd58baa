"""Folding many actions at once: imports, the demo, and rebuilding months from history.

Every rollup with a ``bulk`` fold is handed the actions as plain rows and counts them in
memory (``BulkFolding``); a rollup without one is folded with ``fold``, one grouped statement
per month and table. The same path serves three callers:

- a bulk writer (``salesplan import``, the demo) hands over each chunk of rows it inserts,
  inside its own transaction: the import ends with every rollup current;
- ``rebuild`` folds months again from the raw actions, one month per transaction, reading the
  month one local day at a time (the day is then known, never computed per row);
- ``ensure_built`` runs ``rebuild`` over the whole history for a rollup that is new or when
  the team time zone changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select

from salesplan.core.calendar import day_range_utc, local_date
from salesplan.core.db.query_tables import actions
from salesplan.core.progress import ProgressCallback, quiet
from salesplan.core.reports.rollup_kit import BulkFold, BulkRow, FoldScope, RollupSpec
from salesplan.core.reports.rollup_state import (
    active_rollups,
    analyze,
    clear_month,
    clear_stale,
    day_spans,
    lock,
    mark_built,
    month_days,
    month_parts,
    relink,
    rollup_state,
    unset_built,
)
from salesplan.core.reports.touch_sets import month_start

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from salesplan.core.app import AppContext
    from salesplan.core.reports.sql import Executor

CHUNK = 20_000
"""Actions handed to the bulk folds at a time when reading them back from the base."""


class BulkFolding:
    """The bulk folds of ``specs`` on one connection (in its transaction)."""

    def __init__(self, connection: Connection, specs: Sequence[RollupSpec]) -> None:
        self.specs = list(specs)
        self.folds: list[BulkFold] = [spec.bulk(connection) for spec in specs if spec.bulk]
        self.others = [spec for spec in specs if spec.bulk is None]

    def add(self, rows: Sequence[BulkRow]) -> None:
        if rows:
            for fold in self.folds:
                fold.add(rows)

    def finish(self) -> None:
        for fold in self.folds:
            fold.finish()


def fold_months(db: Executor, app: AppContext, specs: Sequence[RollupSpec],
                conditions: tuple[object, ...], first: date, last: date,
                progress: ProgressCallback = quiet, label: str = "Counting actions") -> None:
    """Fold the actions matching ``conditions`` in the local days ``[first, last]`` into
    ``specs`` with their ``fold``, month by month, then relink their touch sets."""
    if not specs:
        return
    parts = month_parts(first, last)
    for done, (month, first_day, last_day) in enumerate(parts):
        scope = FoldScope(month=month, days=day_spans(app, first_day, last_day),
                          actions=conditions)  # type: ignore[arg-type]
        for spec in specs:
            spec.fold(db, scope)
        progress(label, done + 1, len(parts))
    for spec in specs:
        relink(db, spec, month_start(first))


def fold_imported_actions(
    db: Executor, app: AppContext, first_id: int, last_id: int,
    progress: ProgressCallback = quiet, specs: Sequence[RollupSpec] | None = None,
) -> int:
    """Fold the actions with ids in ``[first_id, last_id]`` (an import's) into ``specs``
    (default: every rollup) with their ``fold``, in the caller's transaction, month by
    month; returns how many were folded. (Rollups with a bulk fold are faster through
    ``BulkFolding``.)"""
    newer = (actions.c.id >= first_id, actions.c.id <= last_id)
    first, last, count = db.execute(
        select(func.min(actions.c.at), func.max(actions.c.at), func.count()).where(*newer)
    ).one()
    if not count:
        return 0
    chosen = active_rollups(app) if specs is None else list(specs)
    fold_months(db, app, chosen, newer, local_date(first, app.tz), local_date(last, app.tz),
                progress)
    analyze(db, chosen)
    return int(count)


def month_rows(db: Executor, app: AppContext, month: date) -> Iterator[list[BulkRow]]:
    """The raw actions of a local month as bulk rows, in chunks, one local day at a time."""
    first, last = month_days(month)
    chunk: list[BulkRow] = []
    for day, lo, hi in day_spans(app, first, last):
        rows = db.execute(
            select(actions.c.member, actions.c.action_type, actions.c.outcome,
                   actions.c.lead_id, actions.c.prospect_id)
            .where(actions.c.at >= lo, actions.c.at < hi))
        for member, action_type, outcome, lead_id, prospect_id in rows:
            chunk.append((day, member, action_type, outcome, lead_id, prospect_id))
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _rebuild_month(connection: Connection, app: AppContext, specs: Sequence[RollupSpec],
                   month: date) -> None:
    lock(connection, specs)
    for spec in specs:
        clear_month(connection, spec, month)
    folding = BulkFolding(connection, specs)
    if folding.folds:
        for chunk in month_rows(connection, app, month):
            folding.add(chunk)
        folding.finish()
    if folding.others:
        first, last = month_days(month)
        lo, hi = day_range_utc(first, last, app.tz)
        scope = FoldScope(month=month, days=day_spans(app, first, last),
                          actions=(actions.c.at >= lo, actions.c.at < hi))
        for spec in folding.others:
            spec.fold(connection, scope)
            relink(connection, spec, month, month=month)
    clear_stale(connection, [spec.name for spec in specs], month)


def _history_months(db: Executor, app: AppContext) -> list[date]:
    first, last = db.execute(select(func.min(actions.c.at), func.max(actions.c.at))).one()
    if first is None:
        return []
    return [month for month, _f, _l in
            month_parts(local_date(first, app.tz), local_date(last, app.tz))]


def rebuild(
    app: AppContext, specs: Sequence[RollupSpec], months: Iterable[date] | None = None,
    progress: ProgressCallback = quiet,
) -> int:
    """Fold ``months`` (all of history when None) of ``specs`` again from the raw actions,
    one month per transaction, in time order; returns how many months were rebuilt.

    A whole-history rebuild first empties the tables (the days of another time zone go),
    and marks the rollups built, in the team's zone, only once every month is done: a build
    cut short is redone by the next command, and until then readers count raw actions.
    """
    if not specs:
        return 0
    whole = months is None
    if whole:
        with app.write_connection() as connection:
            lock(connection, specs)
            unset_built(connection, (spec.name for spec in specs))
            for spec in specs:
                for table in spec.tables:
                    connection.execute(delete(table))
            todo = _history_months(connection, app)
    else:
        todo = sorted(set(months or ()))
    for done, month in enumerate(todo):
        with app.write_connection() as connection:
            _rebuild_month(connection, app, specs, month)
        progress("Building report rollups", done + 1, len(todo))
    if whole:
        with app.write_connection() as connection:
            analyze(connection, specs)
            mark_built(connection, app, specs)
    return len(todo)


def ensure_built(app: AppContext, progress: ProgressCallback = quiet) -> list[str]:
    """Build every rollup that is not built in the team's time zone (all of them when the
    zone changed); returns the names built. Run when the base is opened."""
    specs = active_rollups(app)
    with app.read_connection() as connection:
        state = rollup_state(connection)
    if state.tz and state.tz != app.config.team.timezone:
        missing = specs  # every day is in the wrong zone
        # Rollups of plugins that are not active are in the old zone too: forget them.
        with app.write_connection() as connection:
            unset_built(connection, state.built)
    else:
        missing = [spec for spec in specs if spec.name not in state.built]
    rebuild(app, missing, None, progress)
    return [spec.name for spec in missing]


def rebuild_all(app: AppContext, progress: ProgressCallback = quiet) -> int:
    """Rebuild every active rollup from the whole history; returns the months folded."""
    return rebuild(app, active_rollups(app), None, progress)
