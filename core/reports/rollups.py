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

Readers ask ``rollup_view`` whether the rollups may serve a range: the time zone and the
"built" marker match, no month of the range is recorded stale, and, per month of the range,
the kernel's action counts add up to the raw actions (which catches a hand-edited base).
Otherwise they count the raw actions, which is slower but exact.

State in ``salesplan_meta``: ``rollups_tz`` (the zone the days are in) and one
``rollup_built:<name>`` row per rollup built from the whole history.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, case, delete, func, literal, select, text

from salesplan.core.calendar import day_range_utc, local_date
from salesplan.core.db.query_tables import actions
from salesplan.core.db.query_tables import meta as meta_table
from salesplan.core.progress import ProgressCallback, quiet
from salesplan.core.reports.action_counts import ACTIVITY, ACTIVITY_ROLLUP
from salesplan.core.reports.rollup_kit import DaySpans, FoldScope, RollupSpec, dialect_insert
from salesplan.core.reports.sql import dialect_name
from salesplan.core.reports.tables import activity_rollup, rollup_stale
from salesplan.core.reports.touch_sets import link_months, month_start, next_month

if TYPE_CHECKING:
    from salesplan.core.app import AppContext
    from salesplan.core.reports.sql import Executor

TZ_KEY = "rollups_tz"
BUILT_PREFIX = "rollup_built:"
ANALYZE_AFTER = 20_000
"""Folded actions from which a build on PostgreSQL refreshes the rollups' statistics."""


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


def _set_meta(db: Executor, values: dict[str, str]) -> None:
    statement = dialect_insert(db)(meta_table).values(
        [{"key": key, "value": value} for key, value in values.items()])
    db.execute(statement.on_conflict_do_update(
        index_elements=["key"], set_={"value": statement.excluded.value}))


def _unset_built(db: Executor, names: Iterable[str]) -> None:
    keys = [BUILT_PREFIX + name for name in names]
    db.execute(delete(meta_table).where(meta_table.c.key.in_(keys)))


# --- the months of a range -------------------------------------------------------------------


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


# --- folding ----------------------------------------------------------------------------------


def _relink(db: Executor, spec: RollupSpec, since: date, keys: dict[str, Any] | None) -> None:
    for touch in spec.touch_sets:
        if keys is None:
            link_months(db, touch, since)
        elif touch.key in keys:
            link_months(db, touch, since, only={touch.key: keys[touch.key]})


def mark_stale(db: Executor, name: str, month: date) -> None:
    """Record that ``month`` of rollup ``name`` must be folded again."""
    db.execute(dialect_insert(db)(rollup_stale).values(rollup=name, month=month)
               .on_conflict_do_nothing())


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
            _relink(connection, spec, month, keys)
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


def _fold_months(
    db: Executor, app: AppContext, specs: Sequence[RollupSpec], newer: tuple[Any, ...],
    first: date, last: date, progress: ProgressCallback, label: str,
) -> None:
    parts = month_parts(first, last)
    for done, (month, first_day, last_day) in enumerate(parts):
        scope = FoldScope(month=month, days=day_spans(app, first_day, last_day), actions=newer)
        for spec in specs:
            spec.fold(db, scope)
        progress(label, done + 1, len(parts))


def fold_imported_actions(
    db: Executor, app: AppContext, first_id: int, last_id: int,
    progress: ProgressCallback = quiet,
) -> int:
    """Fold the actions with ids in ``[first_id, last_id]`` (an import's) into every rollup,
    in the caller's transaction, month by month; returns how many were folded."""
    newer = (actions.c.id >= first_id, actions.c.id <= last_id)
    first, last, count = db.execute(
        select(func.min(actions.c.at), func.max(actions.c.at), func.count()).where(*newer)
    ).one()
    if not count:
        return 0
    first_day, last_day = local_date(first, app.tz), local_date(last, app.tz)
    specs = active_rollups(app)
    _fold_months(db, app, specs, newer, first_day, last_day, progress, "Counting actions")
    _analyze(db, specs, int(count))
    for spec in specs:
        _relink(db, spec, month_start(first_day), None)
    return int(count)


def _analyze(db: Executor, specs: Sequence[RollupSpec], folded: int) -> None:
    """After a big fold on PostgreSQL, ``ANALYZE`` the rollup tables before relinking them.

    Why: statistics taken while the tables were nearly empty (a first build, a big import)
    make the planner expect a handful of rows and look rows up through the wrong index, one
    group at a time, turning ``link_months`` quadratic. SQLite plans without statistics.
    """
    if folded < ANALYZE_AFTER or dialect_name(db) != "postgresql":
        return
    for spec in specs:
        for table in spec.tables:
            db.execute(text(f"ANALYZE {table.name}"))


# --- rebuilding -------------------------------------------------------------------------------


def _lock(db: Executor, specs: Sequence[RollupSpec]) -> None:
    """On PostgreSQL, keep writers' folds out of the rollups while a month is rebuilt (they
    wait for the end of this month's transaction, then add to the rebuilt rows)."""
    if dialect_name(db) != "postgresql":
        return
    names = ", ".join(table.name for spec in specs for table in spec.tables)
    db.execute(text(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE"))


def _clear_month(db: Executor, spec: RollupSpec, month: date) -> None:
    following = next_month(month)
    for table in spec.day_tables:
        db.execute(delete(table).where(table.c.day >= month, table.c.day < following))
    for touch in spec.touch_sets:
        db.execute(delete(touch.table).where(touch.table.c.month == month))


def _history_days(app: AppContext) -> tuple[date, date] | None:
    with app.read_connection() as connection:
        return _history_days_on(connection, app)


def rebuild(
    app: AppContext, specs: Sequence[RollupSpec], months: Iterable[date] | None = None,
    progress: ProgressCallback = quiet,
) -> int:
    """Fold ``months`` (all of history when None) of ``specs`` again from the raw actions,
    one month per transaction; returns how many months were rebuilt.

    A whole-history rebuild first empties the tables (the days of another time zone go),
    and marks the rollups built, in the team's zone, only once every month is done: a build
    cut short is redone by the next command, and until then readers count raw actions.
    """
    if not specs:
        return 0
    whole = months is None
    if whole:
        with app.write_connection() as connection:
            _lock(connection, specs)
            _unset_built(connection, (spec.name for spec in specs))
            for spec in specs:
                for table in spec.tables:
                    connection.execute(delete(table))
        span = _history_days(app)
        todo = [month for month, _f, _l in month_parts(*span)] if span else []
    else:
        todo = sorted(set(months or ()))
    folded = 0
    for done, month in enumerate(todo):
        last_day = next_month(month) - timedelta(days=1)
        with app.write_connection() as connection:
            _lock(connection, specs)
            for spec in specs:
                _clear_month(connection, spec, month)
            lo, hi = day_range_utc(month, last_day, app.tz)
            newer = (actions.c.at >= lo, actions.c.at < hi)
            scope = FoldScope(month=month, days=day_spans(app, month, last_day), actions=newer)
            for spec in specs:
                spec.fold(connection, scope)
                _relink(connection, spec, month, None)
            connection.execute(delete(rollup_stale).where(
                rollup_stale.c.month == month,
                rollup_stale.c.rollup.in_([spec.name for spec in specs])))
            folded += int(connection.execute(
                select(func.count()).where(*newer).select_from(actions)).scalar() or 0)
        progress("Building report rollups", done + 1, len(todo))
    if whole:
        with app.write_connection() as connection:
            _analyze(connection, specs, folded)
            _set_meta(connection, {TZ_KEY: app.config.team.timezone,
                                   **{BUILT_PREFIX + spec.name: "1" for spec in specs}})
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
            _unset_built(connection, state.built)
    else:
        missing = [spec for spec in specs if spec.name not in state.built]
    rebuild(app, missing, None, progress)
    return [spec.name for spec in missing]


# --- reading ----------------------------------------------------------------------------------


def _month_case(column: Any, bounds: list[tuple[date, Any, Any]]) -> Any:
    """The month (as a date) of ``column`` among ``bounds`` = ``(month, lo, hi)``."""
    *earlier, (last_month, _lo, _hi) = bounds
    if not earlier:
        return literal(last_month, Date)
    return case(*[(column < hi, literal(month, Date)) for month, _lo, hi in earlier],
                else_=literal(last_month, Date))


def miscounted_months(db: Executor, app: AppContext, start: date, end: date) -> set[date]:
    """Months whose part of ``[start, end]`` holds a different number of raw actions than
    the kernel's action counts: something wrote actions without the services."""
    parts = month_parts(start, end)
    raw_bounds = [(month, *day_range_utc(first, last, app.tz)) for month, first, last in parts]
    raw_month = _month_case(actions.c.at, raw_bounds).label("month")
    lo, hi = raw_bounds[0][1], raw_bounds[-1][2]
    raw: dict[date, int] = dict(db.execute(
        select(raw_month, func.count()).where(actions.c.at >= lo, actions.c.at < hi)
        .group_by(raw_month)).all())
    day_bounds = [(month, first, last + timedelta(days=1)) for month, first, last in parts]
    roll = activity_rollup.c
    rolled_month = _month_case(roll.day, day_bounds).label("month")
    rolled: dict[date, int | None] = dict(db.execute(
        select(rolled_month, func.sum(roll.actions)).where(roll.day >= start, roll.day <= end)
        .group_by(rolled_month)).all())
    return {
        month for month, _f, _l in parts
        if int(raw.get(month) or 0) != int(rolled.get(month) or 0)
    }


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
    history (a rollup that is not built at all is built when the base is opened)."""
    with app.read_connection() as connection:
        bad = unusable_months(connection, app, names, start, end)
    if not bad:
        return 0
    wanted = {ACTIVITY, *names}
    specs = [spec for spec in active_rollups(app) if spec.name in wanted]
    return rebuild(app, specs, sorted(bad), progress)


def rebuild_all(app: AppContext, progress: ProgressCallback = quiet) -> int:
    """Rebuild every active rollup from the whole history; returns the months folded."""
    return rebuild(app, active_rollups(app), None, progress)


def _difference(db: Executor, left: str, right: str) -> int:
    """Rows of ``left`` not in ``right`` (same columns), counted by the database."""
    return int(db.execute(text(
        f"SELECT count(*) FROM (SELECT * FROM {left} EXCEPT SELECT * FROM {right}) AS d"
    )).scalar() or 0)


def verify(app: AppContext, progress: ProgressCallback = quiet) -> list[str]:
    """Compare every rollup with a full recount from the raw actions; one line per table
    that differs (empty: all exact). Read-only: the recount runs in a transaction that is
    rolled back (on PostgreSQL it holds the rollups' lock meanwhile, so writers wait)."""
    specs = active_rollups(app)
    problems: list[str] = []
    with app.engine.connect() as connection:
        from salesplan.core.db.engine import WRITE_OPTION

        connection = connection.execution_options(**{WRITE_OPTION: True})
        with connection.begin() as transaction:
            _lock(connection, specs)
            for spec in specs:
                for table in spec.tables:
                    connection.execute(text(
                        f"CREATE TEMPORARY TABLE kept_{table.name} AS SELECT * FROM {table.name}"
                    ))
            for spec in specs:
                for table in spec.tables:
                    connection.execute(delete(table))
            span = _history_days_on(connection, app)
            parts = month_parts(*span) if span else []
            for done, (month, _first, _last) in enumerate(parts):
                last_day = next_month(month) - timedelta(days=1)
                lo, hi = day_range_utc(month, last_day, app.tz)
                scope = FoldScope(month=month, days=day_spans(app, month, last_day),
                                  actions=(actions.c.at >= lo, actions.c.at < hi))
                for spec in specs:
                    spec.fold(connection, scope)
                progress("Recounting rollups", done + 1, len(parts))
            for spec in specs:
                if parts:
                    _relink(connection, spec, parts[0][0], None)
                for table in spec.tables:
                    kept = f"kept_{table.name}"
                    wrong = _difference(connection, kept, table.name)
                    missing = _difference(connection, table.name, kept)
                    if wrong or missing:
                        problems.append(
                            f"rollup {spec.name!r}, table {table.name}: {wrong} row(s) wrong "
                            f"or extra, {missing} missing"
                        )
            transaction.rollback()
    return problems


def _history_days_on(db: Executor, app: AppContext) -> tuple[date, date] | None:
    first, last = db.execute(select(func.min(actions.c.at), func.max(actions.c.at))).one()
    if first is None:
        return None
    return local_date(first, app.tz), local_date(last, app.tz)
