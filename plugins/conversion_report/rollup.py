"""The conversion cohorts rollup: each day's cohort counted once, counted again when it moves.

A conversion report's cohort is the leads of a pipeline created in a range; its numbers
depend on those leads' whole step history and statuses. ``conversion_daily`` holds them per
local day of creation (the cohort key), so a half-year report sums a few hundred rows instead
of walking every cohort lead's step changes.

Kept exact, whoever writes:

- triggers on ``leads`` and ``step_changes`` (the plugin's migration) record the cohort of
  every lead written in ``conversion_dirty``: moves, closes, reopenings, new leads, a
  hand-edited base alike;
- before a report runs (``ReportSpec.prepare``: the CLI, the TUI), ``refresh`` counts the
  recorded days again, in one short write transaction, and forgets them; a report that finds
  a recorded day in its range anyway (another process wrote meanwhile) counts the raw history;
- an import (``salesplan_data_imported``) counts the imported leads' days in its own
  transaction; the first one, or a change of team time zone or of a pipeline's steps (the
  ``salesplan_meta`` fingerprint ``conversion_cohorts``), counts the whole history.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, delete, func, or_, select, text, tuple_

from salesplan.core.calendar import day_range_utc, local_date
from salesplan.core.db.query_tables import leads
from salesplan.core.db.query_tables import meta as meta_table
from salesplan.core.progress import ProgressCallback, quiet
from salesplan.core.reports.rollup_kit import dialect_insert, local_day
from salesplan.core.reports.rollups import day_spans, month_parts
from salesplan.core.reports.sql import dialect_name
from salesplan.plugins.conversion_report.stays import stay_counts
from salesplan.plugins.conversion_report.tables import (
    COHORT_POSITION,
    OUTCOME_COLUMNS,
    conversion_daily,
    conversion_dirty,
)

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Connection

    from salesplan.core.app import AppContext
    from salesplan.core.events import ImportBatch
    from salesplan.core.reports.sql import Executor

FINGERPRINT_KEY = "conversion_cohorts"
Cohort = tuple[str, date]
"""(pipeline, local day of creation)"""


def fingerprint(app: AppContext) -> str:
    """What the counts depend on besides the rows: the time zone and every pipeline's steps."""
    return json.dumps({"tz": app.config.team.timezone,
                       "steps": {p.id: list(p.steps) for p in app.config.pipelines}},
                      sort_keys=True)


def is_built(db: Executor, app: AppContext) -> bool:
    stored = db.execute(select(meta_table.c.value).where(
        meta_table.c.key == FINGERPRINT_KEY)).scalar()
    return stored == fingerprint(app)


def usable(db: Executor, app: AppContext, pipeline: str, start: date, end: date) -> bool:
    """Whether ``conversion_daily`` may serve the pipeline's cohorts of ``[start, end]``:
    built for this config and no day of the range waiting to be counted again."""
    if not is_built(db, app):
        return False
    lo, hi = day_range_utc(start, end, app.tz)
    dirty = conversion_dirty.c
    waiting = db.execute(select(dirty.pipeline).where(
        dirty.pipeline == pipeline, dirty.created_at >= lo, dirty.created_at < hi).limit(1))
    return waiting.first() is None


def read_counts(db: Executor, pipeline: str, start: date,
                end: date) -> tuple[dict[int, dict[str, int]], int]:
    """``({position: {"entered": n, outcome: n}}, cohort size)`` from the rollup."""
    daily = conversion_daily.c
    rows = db.execute(
        select(daily.position, *(func.sum(daily[name]) for name in OUTCOME_COLUMNS))
        .where(daily.pipeline == pipeline, daily.day >= start, daily.day <= end)
        .group_by(daily.position))
    counts: dict[int, dict[str, int]] = {}
    size = 0
    for position, *numbers in rows:
        values = {name: int(value or 0) for name, value in zip(OUTCOME_COLUMNS, numbers,
                                                                strict=True)}
        if position == COHORT_POSITION:
            size = values["entered"]
        else:
            counts[int(position)] = values
    return counts, size


# --- counting days ---------------------------------------------------------------------------


def _ranges(app: AppContext, days: Sequence[date]) -> list[tuple[datetime, datetime]]:
    """The UTC bounds of runs of consecutive days."""
    runs: list[list[date]] = []
    for day in days:
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return [day_range_utc(run[0], run[-1], app.tz) for run in runs]


def _count_days(db: Executor, app: AppContext, pipeline: str, steps: list[str],
                days: Sequence[date]) -> None:
    """Insert the rows of ``days`` (sorted, their rows already deleted) of a pipeline."""
    ranges = _ranges(app, days)
    cohort: ColumnElement[bool] = and_(leads.c.pipeline == pipeline, or_(*(
        and_(leads.c.created_at >= lo, leads.c.created_at < hi) for lo, hi in ranges)))
    spans = [span for day in days for span in day_spans(app, day, day)]
    day = local_day(leads.c.created_at, spans)
    rows: dict[tuple[date, int], dict[str, int]] = {}
    for cohort_day, position, numbers in stay_counts(db, cohort, steps, day):
        rows[(_as_date(cohort_day), position)] = numbers
    sizes = db.execute(select(day.label("day"), func.count()).where(cohort).group_by("day"))
    for cohort_day, size in sizes:
        rows[(_as_date(cohort_day), COHORT_POSITION)] = {
            **dict.fromkeys(OUTCOME_COLUMNS, 0), "entered": int(size)}
    if rows:
        db.execute(conversion_daily.insert(), [
            {"pipeline": pipeline, "day": key_day, "position": position, **numbers}
            for (key_day, position), numbers in rows.items()])


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def count_cohorts(db: Executor, app: AppContext, cohorts: Iterable[Cohort]) -> int:
    """Count ``cohorts`` again (delete their rows, insert fresh ones); how many days."""
    by_pipeline: dict[str, set[date]] = {}
    for pipeline, day in cohorts:
        by_pipeline.setdefault(pipeline, set()).add(day)
    steps_of = {p.id: list(p.steps) for p in app.config.pipelines}
    counted = 0
    for pipeline, days in by_pipeline.items():
        ordered = sorted(days)
        for start in range(0, len(ordered), 200):
            part = ordered[start:start + 200]
            db.execute(delete(conversion_daily).where(
                conversion_daily.c.pipeline == pipeline, conversion_daily.c.day.in_(part)))
            if pipeline in steps_of:
                _count_days(db, app, pipeline, steps_of[pipeline], part)
        counted += len(ordered)
    return counted


def _cohorts_of(app: AppContext, rows: Iterable[tuple[str, datetime]]) -> set[Cohort]:
    """The cohorts of ``(pipeline, created_at)`` rows (aware UTC)."""
    return {(pipeline, local_date(created_at, app.tz)) for pipeline, created_at in rows}


def build(db: Executor, app: AppContext, progress: ProgressCallback = quiet) -> int:
    """Count every cohort of the history (a new base, another zone or other steps)."""
    db.execute(delete(conversion_daily))
    db.execute(delete(conversion_dirty))
    first, last = db.execute(select(func.min(leads.c.created_at),
                                    func.max(leads.c.created_at))).one()
    counted = 0
    if first is not None:
        parts = month_parts(local_date(first, app.tz), local_date(last, app.tz))
        pipelines = [p.id for p in app.config.pipelines]
        for done, (_month, first_day, last_day) in enumerate(parts):
            days = [span[0] for span in day_spans(app, first_day, last_day)]
            counted += count_cohorts(db, app, ((p, day) for p in pipelines for day in days))
            progress("Counting conversion cohorts", done + 1, len(parts))
    statement = dialect_insert(db)(meta_table).values(key=FINGERPRINT_KEY,
                                                      value=fingerprint(app))
    db.execute(statement.on_conflict_do_update(index_elements=["key"],
                                               set_={"value": statement.excluded.value}))
    return counted


def _lock(db: Executor) -> None:
    """PostgreSQL: writers' triggers wait while the recorded days are counted again, so a
    change made meanwhile is recorded after we forget what we counted."""
    if dialect_name(db) == "postgresql":
        db.execute(text("LOCK TABLE conversion_dirty IN SHARE ROW EXCLUSIVE MODE"))


def refresh(app: AppContext, _start: date | None = None, _end: date | None = None,
            progress: ProgressCallback = quiet) -> int:
    """The report's ``prepare``: count again the days recorded since (all of history when
    the rollup is not built for this config); returns the days counted, 0 when current."""
    with app.read_connection() as connection:
        built = is_built(connection, app)
        if built and connection.execute(select(conversion_dirty.c.pipeline).limit(1)).first() \
                is None:
            return 0
    with app.write_connection() as connection:
        _lock(connection)
        if not is_built(connection, app):
            return build(connection, app, progress)
        recorded = connection.execute(select(conversion_dirty.c.pipeline,
                                             conversion_dirty.c.created_at)).all()
        counted = count_cohorts(connection, app, _cohorts_of(app, recorded))
        dirty = conversion_dirty.c
        for start in range(0, len(recorded), 500):
            part = recorded[start:start + 500]
            connection.execute(delete(conversion_dirty).where(
                tuple_(dirty.pipeline, dirty.created_at).in_(part)))
        return counted


def imported(connection: Connection, app: AppContext, batch: ImportBatch) -> None:
    """``salesplan_data_imported``: count the days of the imported leads (or the whole
    history when the rollup is not built yet), in the import's transaction."""
    if batch.leads.empty:
        return
    if not is_built(connection, app):
        build(connection, app, app.progress)
        return
    rows = connection.execute(
        select(leads.c.pipeline, leads.c.created_at)
        .where(leads.c.id >= batch.leads.first, leads.c.id <= batch.leads.last).distinct())
    count_cohorts(connection, app, _cohorts_of(app, rows))
