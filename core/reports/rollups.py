"""Keeping every rollup exact: in the transaction of each write, after imports, and on repair.

A rollup (``rollup_kit.RollupSpec``: the kernel's action counts, a plugin's own tables) is
derived data that must always equal what its ``fold`` computes from the raw actions. This
module is the only one that changes rollup tables:

- ``fold_logged_action``: called by the services in the transaction that logs an action, for
  every active rollup, each in its own savepoint. A fold that raises is rolled back alone, its
  month recorded in ``rollup_stale`` and a warning returned: the action is never lost.
- ``fold_imported_actions``: called by the importer inside its transaction, one local month at
  a time (grouped statements), so an import ends with every rollup current.
- ``rebuild``: clear and fold again whole months from history, each month in its own short
  transaction (on PostgreSQL the rollup tables are locked for that month only, so logging
  waits at most that long). ``ensure_built`` runs it when the base is opened and a rollup is
  new (its plugin was just enabled, or after an upgrade) or the team time zone changed;
  ``repair`` runs it for the stale months of a report's range.
- ``verify``: a full recount with every rollup's ``fold`` (``salesplan check --rollups``).

Readers ask ``rollup_view`` whether the rollups may serve a range: the time zone and the
"built" marker match, no month of the range is recorded stale, and, per month of the range,
the kernel's action counts add up to the raw actions (which catches a hand-edited base). The
raw side of that check is ``action_tally``, kept by database triggers for every write
(``tally``), so it reads a few thousand small rows, never the range's actions. Otherwise they
count the raw actions, which is slower but exact.

Folding many actions (imports, the demo, rebuilds) lives in ``rollup_build``; the state,
months and days in ``rollup_state``. Both are re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select, text

from salesplan.core.calendar import day_range_utc, local_date
from salesplan.core.db.query_tables import actions
from salesplan.core.progress import ProgressCallback, quiet
from salesplan.core.reports.action_counts import ACTIVITY
from salesplan.core.reports.rollup_build import (
    BulkFolding,
    ensure_built,
    fold_imported_actions,
    rebuild,
    rebuild_all,
)
from salesplan.core.reports.rollup_kit import FoldScope
from salesplan.core.reports.rollup_state import (
    RollupState,
    active_rollups,
    day_spans,
    lock,
    mark_stale,
    month_days,
    month_parts,
    relink,
    rollup_state,
)
from salesplan.core.reports.sql import dialect_name
from salesplan.core.reports.tables import (
    action_tally,
    activity_month,
    activity_rollup,
    rollup_stale,
)
from salesplan.core.reports.tally import raw_counts, recount
from salesplan.core.reports.touch_sets import month_start

if TYPE_CHECKING:
    from salesplan.core.app import AppContext
    from salesplan.core.reports.sql import Executor

__all__ = [
    "BulkFolding", "RollupState", "active_rollups", "day_spans", "ensure_built",
    "fold_imported_actions", "fold_logged_action", "mark_stale", "miscounted_months",
    "month_parts", "rebuild", "rebuild_all", "repair", "repair_all", "rollup_state",
    "rollup_view",
    "stale_months", "unusable_months", "verify",
]


def fold_logged_action(
    connection: Executor, app: AppContext, *, action_id: int, at: datetime,
    lead_id: int | None, prospect_id: int | None,
) -> list[str]:
    """Fold one freshly inserted action into every rollup, in the caller's transaction.

    Each rollup folds in its own savepoint; one that fails is rolled back alone, its month
    marked stale, and its message returned (the action stays logged).
    """
    day = local_date(at, app.tz)
    month = month_start(day)
    keys = {"lead_id": lead_id} if lead_id is not None else {"prospect_id": prospect_id}
    scope = FoldScope(month=month, days=day_spans(app, day, day),
                      actions=(actions.c.id == action_id,), keys=keys)
    warnings: list[str] = []
    for spec in active_rollups(app):
        savepoint = connection.begin_nested()
        try:
            spec.fold(connection, scope)
            relink(connection, spec, month, keys)
        except Exception as exc:
            savepoint.rollback()
            mark_stale(connection, spec.name, month)
            owner = app.registry.owners.get(("rollup", spec.name), "core")
            warnings.append(
                f"rollup {spec.name!r} (plugin {owner!r}) could not count this action "
                f"({type(exc).__name__}: {exc}); the next report rebuilds {month:%Y-%m}"
            )
        else:
            savepoint.commit()
    return warnings


# --- reading ----------------------------------------------------------------------------------


def miscounted_months(db: Executor, app: AppContext, start: date, end: date) -> set[date]:
    """Months whose part of ``[start, end]`` holds a different number of raw actions (the
    tally) than the kernel's action counts: something wrote actions, or rollup rows, without
    the services."""
    parts = month_parts(start, end)
    raw = raw_counts(db, app.tz, parts)
    rolled = _rolled_counts(db, parts)
    return {
        month for month, _f, _l in parts
        if int(raw.get(month) or 0) != int(rolled.get(month) or 0)
    }


def _rolled_counts(db: Executor, parts: list[tuple[date, date, date]]) -> dict[date, int]:
    """The kernel's action counts per month part: whole months from ``activity_month``, the
    clipped ones from their days in ``activity_rollup``."""
    whole = [month for month, first, last in parts if (first, last) == month_days(month)]
    clipped = [(month, first, last) for month, first, last in parts if month not in whole]
    counts: dict[date, int] = {}
    if whole:
        rows = db.execute(select(activity_month.c.month, func.sum(activity_month.c.actions))
                          .where(activity_month.c.month.in_(whole))
                          .group_by(activity_month.c.month))
        counts.update({month: int(total or 0) for month, total in rows})
    roll = activity_rollup.c
    for month, first, last in clipped:
        counts[month] = int(db.execute(select(func.sum(roll.actions)).where(
            roll.day >= first, roll.day <= last)).scalar() or 0)
    return counts


def stale_months(db: Executor, names: Iterable[str], start: date, end: date) -> set[date]:
    """Months of ``[start, end]`` recorded stale for any of ``names``."""
    first = month_start(start)
    rows = db.execute(select(rollup_stale.c.month).where(
        rollup_stale.c.rollup.in_(list(names)), rollup_stale.c.month >= first,
        rollup_stale.c.month <= end))
    return {month for (month,) in rows}


def unusable_months(
    db: Executor, app: AppContext, names: Sequence[str], start: date, end: date
) -> set[date] | None:
    """The months of ``[start, end]`` the rollups ``names`` cannot serve, or None when they
    cannot serve any (not built, other time zone)."""
    state = rollup_state(db)
    if not all(state.usable(app, name) for name in (ACTIVITY, *names)):
        return None
    return stale_months(db, (ACTIVITY, *names), start, end) | miscounted_months(
        db, app, start, end)


def rollup_view(
    db: Executor, app: AppContext, names: Sequence[str], start: date, end: date
) -> bool:
    """Whether rollups ``names`` (and the kernel's action counts) may serve ``[start, end]``:
    when false, a reader counts the raw actions."""
    bad = unusable_months(db, app, names, start, end)
    return bad is not None and not bad


def repair(
    app: AppContext, names: Sequence[str], start: date, end: date,
    progress: ProgressCallback = quiet,
) -> int:
    """Rebuild what keeps rollups ``names`` from serving ``[start, end]``; returns the months
    rebuilt. The ``prepare`` step of the rollup-backed reports: it costs the range, never the
    history (a rollup that is not built at all is built when the base is opened).

    A month whose counts disagree with the tally gets its tally counted again from the raw
    actions too (in case the tally itself was edited), then every rollup rebuilt for it: the
    raw actions changed under all of them, and once the kernel's counts agree again nothing
    would tell the others."""
    with app.read_connection() as connection:
        if unusable_months(connection, app, names, start, end) is None:
            return 0
        miscounted = miscounted_months(connection, app, start, end)
        stale = stale_months(connection, (ACTIVITY, *names), start, end)
    if not miscounted and not stale:
        return 0
    if miscounted:
        with app.write_connection() as connection:
            lock_tally(connection)
            for month in sorted(miscounted):
                recount(connection, *day_range_utc(*month_days(month), app.tz))
    wanted = {ACTIVITY, *names}
    every = active_rollups(app)
    rebuilt = rebuild(app, every, sorted(miscounted), progress)
    only_stale = sorted(stale - miscounted)
    return rebuilt + rebuild(app, [spec for spec in every if spec.name in wanted], only_stale,
                             progress)


def repair_all(app: AppContext, progress: ProgressCallback = quiet) -> int:
    """Count the raw-action tally again and rebuild every rollup from the whole history
    (``salesplan check --rollups --repair``); returns the months rebuilt."""
    with app.write_connection() as connection:
        parts = _history_parts(connection, app)
        if parts:
            lock_tally(connection)
            recount(connection, *day_range_utc(parts[0][1], parts[-1][2], app.tz))
    return rebuild_all(app, progress)


def lock_tally(db: Executor) -> None:
    """On PostgreSQL, keep writers' tally triggers out while the tally is counted again."""
    if dialect_name(db) != "postgresql":
        return
    db.execute(text("LOCK TABLE action_tally IN SHARE ROW EXCLUSIVE MODE"))


def _difference(db: Executor, left: str, right: str) -> int:
    """Rows of ``left`` not in ``right`` (same columns), counted by the database."""
    return int(db.execute(text(
        f"SELECT count(*) FROM (SELECT * FROM {left} EXCEPT SELECT * FROM {right}) AS d"
    )).scalar() or 0)


def _compare(db: Executor, table: str, kept: str) -> tuple[int, int]:
    return _difference(db, kept, table), _difference(db, table, kept)


def verify(app: AppContext, progress: ProgressCallback = quiet) -> list[str]:
    """Compare every rollup, and the raw-action tally, with a full recount from the raw
    actions, each rollup with its own ``fold``; one line per table that differs (empty: all
    exact). Read-only: the recount runs in a transaction that is rolled back (on PostgreSQL
    it holds the rollups' lock meanwhile, so writers wait)."""
    from salesplan.core.db.engine import WRITE_OPTION

    specs = active_rollups(app)
    tables = [table.name for spec in specs for table in spec.tables]
    problems: list[str] = []
    with app.engine.connect() as connection:
        connection = connection.execution_options(**{WRITE_OPTION: True})
        with connection.begin() as transaction:
            lock(connection, specs)
            lock_tally(connection)
            kept = (*tables, action_tally.name)
            for name in kept:  # every copy first: deleting day rows moves the month tables
                connection.execute(text(
                    f"CREATE TEMPORARY TABLE kept_{name} AS SELECT * FROM {name}"))
            for name in kept:
                connection.execute(text(f"DELETE FROM {name}"))
            months = [month for month, _f, _l in _history_parts(connection, app)]
            for done, month in enumerate(months):
                first, last = month_days(month)
                lo, hi = day_range_utc(first, last, app.tz)
                scope = FoldScope(month=month, days=day_spans(app, first, last),
                                  actions=(actions.c.at >= lo, actions.c.at < hi))
                for spec in specs:
                    spec.fold(connection, scope)
                progress("Recounting rollups", done + 1, len(months))
            if months:
                recount(connection, *day_range_utc(months[0], month_days(months[-1])[1],
                                                   app.tz))
            for spec in specs:
                if months:
                    relink(connection, spec, months[0])
                for table in spec.tables:
                    wrong, missing = _compare(connection, table.name, f"kept_{table.name}")
                    if wrong or missing:
                        problems.append(
                            f"rollup {spec.name!r}, table {table.name}: {wrong} row(s) wrong "
                            f"or extra, {missing} missing"
                        )
            wrong, missing = _compare(connection, action_tally.name, f"kept_{action_tally.name}")
            if wrong or missing:
                problems.append(f"raw-action tally ({action_tally.name}): {wrong} row(s) wrong "
                                f"or extra, {missing} missing")
            transaction.rollback()
    return problems


def _history_parts(db: Executor, app: AppContext) -> list[tuple[date, date, date]]:
    first, last = db.execute(select(func.min(actions.c.at), func.max(actions.c.at))).one()
    if first is None:
        return []
    return month_parts(local_date(first, app.tz), local_date(last, app.tz))
