"""Objectives progress and pacing (SPEC §3 ``[[objectives]]``, §6 ``objectives`` report).

For every objective and every member it applies to (or the team), ``compute_objectives`` gives
the period of the objective's ``per`` that contains a day, the target, what was done from the
period's first day up to and including that day (SQL aggregates over the UTC range of those
team-timezone days), what was expected by then and a status.

Pacing counts working days only (``[team] working_days``):

- ``expected`` = target × (working days from the period start to ``day``, inclusive) /
  (working days in the whole period). A period without any working day (a ``per = "day"``
  objective on a weekend) expects nothing: ``expected`` = 0.
- ``status``, compared with a tolerance of ``TOLERANCE`` so float noise never flips it:
  ``met`` when actual ≥ target; else ``ahead`` when actual > expected; ``on_track`` when
  actual = expected; else ``behind``.
- ``remaining`` = max(target − actual, 0); ``needed_per_day`` = remaining / working days left
  in the period after ``day``, or None when no working day is left.

Metrics (``who`` = the member, or everybody for ``team``): an action type counts that
member's actions by ``at``; ``type:outcome`` only those with the outcome; ``leads_created``
leads they own created in the range; ``leads_won`` leads they own, won, closed in the range;
``revenue`` the amount of those; ``prospects_converted`` prospects they own converted into a
lead created in the range. ``pipeline`` keeps leads of that pipeline and actions on them
(actions on prospects then do not count). ``member=`` keeps one member's rows (not the team's).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import func, select

from salesplan.core.calendar import (
    Period,
    count_working_days,
    day_range_utc,
    local_date,
    parse_day,
    period_containing,
    today,
)
from salesplan.core.db.query_tables import actions, leads, prospects
from salesplan.core.i18n import lazy_translator, translator
from salesplan.core.reporting import Column, ReportRequest, ReportResult
from salesplan.core.reports.action_counts import action_counts
from salesplan.core.reports.rollups import rollup_view
from salesplan.plugins.objectives.config import (
    LEAD_METRICS,
    TEAM,
    Objective,
    configured_objectives,
)

N_ = lazy_translator("objectives")
_ = translator("objectives")

if TYPE_CHECKING:
    from salesplan.core.context import AppContext
    from salesplan.core.reports.sql import Executor

Status = Literal["met", "ahead", "on_track", "behind"]
STATUSES: tuple[Status, ...] = ("met", "ahead", "on_track", "behind")
TOLERANCE = 1e-6


@dataclass(frozen=True)
class ObjectiveProgress:
    """Where one objective stands for one member (or the team) on a day."""

    objective_index: int
    who: str
    metric: str
    per: str
    period: Period
    target: float
    actual: float
    expected: float
    status: Status
    remaining: float
    needed_per_day: float | None
    pipeline: str | None = None

    @property
    def behind_by(self) -> float:
        """How far actual is below expected (0 when not behind)."""
        return max(self.expected - self.actual, 0.0)

    def to_row(self) -> dict[str, Any]:
        """The SPEC §6 report row (plus the extras a manager wants)."""
        return {
            "who": self.who,
            "metric": self.metric,
            "per": self.per,
            "period": self.period.label,
            "target": _clean(self.target),
            "actual": _clean(self.actual),
            "expected": _clean(round(self.expected, 2)),
            "status": self.status,
            "remaining": _clean(self.remaining),
            "needed_per_day": (
                None if self.needed_per_day is None else _clean(round(self.needed_per_day, 2))
            ),
            "pipeline": self.pipeline,
            "period_start": self.period.start.isoformat(),
            "period_end": self.period.end.isoformat(),
        }


def _clean(value: float) -> float | int:
    """Whole numbers as ints so JSON shows ``10`` rather than ``10.0``."""
    return int(value) if float(value).is_integer() else value


def pace_status(actual: float, target: float, expected: float) -> Status:
    """The status rule of the module docstring."""
    if actual >= target - TOLERANCE:
        return "met"
    if actual > expected + TOLERANCE:
        return "ahead"
    if abs(actual - expected) <= TOLERANCE:
        return "on_track"
    return "behind"


def who_rows(app: AppContext, objective: Objective) -> list[str]:
    """The members an objective applies to, in config order, or ``["team"]``."""
    if objective.who == TEAM:
        return [TEAM]
    if objective.who.startswith("segment:"):
        return [m.id for m in app.config.members_of(objective.who.removeprefix("segment:"))]
    return [objective.who]


def compute_objectives(
    session: Executor, app: AppContext, *, day: date, member: str | None = None
) -> list[ObjectiveProgress]:
    """Progress of every configured objective on ``day`` (team timezone), one entry per
    (objective, member it applies to); ``member`` keeps only that member's entries (team
    objectives are left out then)."""
    config = app.config
    if member is not None:
        # Here, not at the top: the services package imports the ORM models, which a CLI
        # objectives report otherwise never needs.
        from salesplan.core.services.common import check_member

        check_member(app, member)
    working = config.team.working_days
    results: list[ObjectiveProgress] = []
    views: dict[date, bool] = {}
    for index, objective in enumerate(configured_objectives(app)):
        period = period_containing(objective.per, day, config.team.week_starts)
        start, end = day_range_utc(period.start, day, app.tz)
        whos = [w for w in who_rows(app, objective) if member is None or w == member]
        if not whos:
            continue
        team = whos == [TEAM]
        if is_action_metric(objective.metric) and objective.pipeline is None:
            # The shared read model: the same counts as the activity report.
            if period.start not in views:
                views[period.start] = rollup_view(session, app, [], period.start, day)
            actuals = count_action_metric(
                session, app, views[period.start], objective.metric, period.start, day,
                None if team else whos)
        elif team:
            actuals = {
                TEAM: measure(
                    session, objective.metric, start=start, end=end, members=None,
                    pipeline=objective.pipeline,
                )
            }
        else:
            # One grouped query per objective, however many members a segment has.
            actuals = measure_by_member(
                session, objective.metric, start=start, end=end, members=whos,
                pipeline=objective.pipeline,
            )
        for who in whos:
            actual = actuals.get(who, 0.0)
            pacing = pace(float(objective.target), actual, period, day, working,
                          config.team.holidays)
            results.append(
                ObjectiveProgress(
                    objective_index=index,
                    who=who,
                    metric=objective.metric,
                    per=objective.per,
                    period=period,
                    target=float(objective.target),
                    actual=actual,
                    expected=pacing.expected,
                    status=pacing.status,
                    remaining=pacing.remaining,
                    needed_per_day=pacing.needed_per_day,
                    pipeline=objective.pipeline,
                )
            )
    return results


def is_action_metric(metric: str) -> bool:
    """An action type (``call``) or ``type:outcome`` rather than a lead metric."""
    return metric not in (*LEAD_METRICS, "prospects_converted")


def count_action_metric(
    db: Executor, app: AppContext, usable: bool, metric: str, first: date, last: date,
    members: list[str] | None,
) -> dict[str, float]:
    """Actions of ``metric`` in the local days ``[first, last]`` per member (``members``) or
    for the team (None: every configured member, under ``team``), from the read model."""
    type_id, _, outcome = metric.partition(":")
    counts = action_counts(db, app, usable, first, last, members=members)
    totals: dict[str, float] = {}
    for (who, counted_type, counted_outcome), count in counts.items():
        if counted_type != type_id or (outcome and counted_outcome != outcome):
            continue
        key = TEAM if members is None else who
        totals[key] = totals.get(key, 0.0) + count
    return totals


@dataclass(frozen=True)
class Pacing:
    """The pure pacing numbers of one objective on one day (see the module docstring)."""

    expected: float
    status: Status
    remaining: float
    needed_per_day: float | None


def pace(
    target: float, actual: float, period: Period, day: date,
    working_days: Sequence[str], holidays: Collection[date] = (),
) -> Pacing:
    """Expected-by-now, status, remaining and needed-per-day for ``actual`` on ``day``
    (working days skip the team's holidays)."""
    total_days = count_working_days(period.start, period.end, working_days, holidays)
    elapsed = count_working_days(period.start, day, working_days, holidays)
    left = count_working_days(day + timedelta(days=1), period.end, working_days, holidays)
    expected = target * elapsed / total_days if total_days else 0.0
    remaining = max(target - actual, 0.0)
    return Pacing(
        expected=expected,
        status=pace_status(actual, target, expected),
        remaining=remaining,
        needed_per_day=remaining / left if left else None,
    )


def measure(
    session: Executor,
    metric: str,
    *,
    start: datetime,
    end: datetime,
    members: Iterable[str] | None,
    pipeline: str | None = None,
) -> float:
    """The value of ``metric`` over ``[start, end)`` (aware UTC) for ``members`` (None = the
    whole team), with the optional pipeline filter; one SQL aggregate."""
    who = None if members is None else list(members)
    value_column, who_column, conditions, joins = _metric_query(metric, start, end, pipeline)
    if who is not None:
        conditions.append(who_column.in_(who))
    query = select(value_column)
    for target, on in joins:
        query = query.join(target, on)
    return float(session.execute(query.where(*conditions)).scalar_one() or 0.0)


def measure_by_member(
    session: Executor,
    metric: str,
    *,
    start: datetime,
    end: datetime,
    members: Iterable[str],
    pipeline: str | None = None,
) -> dict[str, float]:
    """``measure`` for each of ``members`` at once: one query grouped by member (a member with
    nothing in the range is 0)."""
    who = list(members)
    value_column, who_column, conditions, joins = _metric_query(metric, start, end, pipeline)
    query = select(who_column, value_column)
    for target, on in joins:
        query = query.join(target, on)
    query = query.where(*conditions, who_column.in_(who)).group_by(who_column)
    values = {str(name): float(value or 0.0) for name, value in session.execute(query).all()}
    return {name: values.get(name, 0.0) for name in who}


def _metric_query(
    metric: str, start: datetime, end: datetime, pipeline: str | None
) -> tuple[Any, Any, list[Any], list[tuple[Any, Any]]]:
    """What ``metric`` aggregates, the column naming whose it is, the range and pipeline
    conditions, and the joins it needs (see the module docstring for each metric)."""
    conditions: list[Any]
    joins: list[tuple[Any, Any]] = []
    if metric in LEAD_METRICS:
        if metric == "leads_created":
            conditions = [leads.c.created_at >= start, leads.c.created_at < end]
        else:
            conditions = [
                leads.c.status == "won",
                leads.c.closed_at >= start,
                leads.c.closed_at < end,
            ]
        if pipeline is not None:
            conditions.append(leads.c.pipeline == pipeline)
        value = (
            func.coalesce(func.sum(leads.c.amount), 0.0)
            if metric == "revenue"
            else func.count(leads.c.id)
        )
        return value, leads.c.owner, conditions, joins
    if metric == "prospects_converted":
        conditions = [leads.c.created_at >= start, leads.c.created_at < end]
        if pipeline is not None:
            conditions.append(leads.c.pipeline == pipeline)
        joins.append((leads, leads.c.prospect_id == prospects.c.id))
        return func.count(prospects.c.id), prospects.c.owner, conditions, joins
    type_id, _, outcome = metric.partition(":")
    conditions = [actions.c.action_type == type_id, actions.c.at >= start, actions.c.at < end]
    if outcome:
        conditions.append(actions.c.outcome == outcome)
    if pipeline is not None:
        joins.append((leads, leads.c.id == actions.c.lead_id))
        conditions.append(leads.c.pipeline == pipeline)
    return func.count(actions.c.id), actions.c.member, conditions, joins


OBJECTIVE_COLUMNS: tuple[Column, ...] = (
    Column(key="who", label=N_("Who"), kind="member"),
    Column(key="metric", label=N_("Metric")),
    Column(key="per", label=N_("Per")),
    Column(key="period", label=N_("Period")),
    Column(key="target", label=N_("Target"), kind="number"),
    Column(key="actual", label=N_("Actual"), kind="number"),
    Column(key="expected", label=N_("Expected"), kind="number"),
    Column(key="status", label=N_("Status")),
    Column(key="remaining", label=N_("Remaining"), kind="number"),
    Column(key="needed_per_day", label=N_("Needed/day"), kind="number"),
    Column(key="pipeline", label=N_("Pipeline")),
)


def objectives_result(
    session: Executor, app: AppContext, *, day: date, member: str | None = None
) -> ReportResult:
    """The objectives report for ``day`` as a plain result (the CLI and report share it)."""
    progress = compute_objectives(session, app, day=day, member=member)
    return ReportResult(
        report="objectives",
        title=_("Objectives"),
        start=day,
        end=day,
        columns=list(OBJECTIVE_COLUMNS),
        rows=[p.to_row() for p in progress],
        options={"date": day.isoformat(), **({"member": member} if member else {})},
    )


def _option_day(value: Any, request: ReportRequest) -> date:
    """``--date``, else the request's last day (``report objectives --to D``), else today."""
    if value is None or value == "":
        return request.end if request.end is not None else today(request.app.tz)
    if isinstance(value, datetime):  # an aware time is an instant: its team-timezone day
        return value.date() if value.tzinfo is None else local_date(value, request.app.tz)
    if isinstance(value, date):
        return value
    return parse_day(str(value))


def _run_report(request: ReportRequest) -> ReportResult:
    day = _option_day(request.options.get("date"), request)
    member = request.options.get("member") or None
    return objectives_result(request.connection, request.app, day=day, member=member)


def run_objectives_report(request: ReportRequest) -> ReportResult:
    """The ``objectives`` report (SPEC §6); its spec is in the plugin's ``__init__``."""
    return _run_report(request)
