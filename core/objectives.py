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

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, select

from salesplan.core.calendar import (
    Period,
    count_working_days,
    day_range_utc,
    parse_day,
    period_containing,
    today,
)
from salesplan.core.config.models import Objective
from salesplan.core.db.models import Action, Lead, Prospect
from salesplan.core.errors import NotFoundError
from salesplan.core.reporting import Column, ReportOption, ReportRequest, ReportResult, ReportSpec

if TYPE_CHECKING:
    from salesplan.core.context import AppContext

Status = Literal["met", "ahead", "on_track", "behind"]
STATUSES: tuple[Status, ...] = ("met", "ahead", "on_track", "behind")
TEAM = "team"
TOLERANCE = 1e-6
LEAD_METRICS = ("leads_created", "leads_won", "revenue")


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
    session: Session, app: AppContext, *, day: date, member: str | None = None
) -> list[ObjectiveProgress]:
    """Progress of every configured objective on ``day`` (team timezone), one entry per
    (objective, member it applies to); ``member`` keeps only that member's entries (team
    objectives are left out then)."""
    config = app.config
    if member is not None and config.member(member) is None:
        known = ", ".join(m.id for m in config.members)
        raise NotFoundError(f"unknown member {member!r} (known: {known})")
    working = config.team.working_days
    results: list[ObjectiveProgress] = []
    for index, objective in enumerate(config.objectives):
        period = period_containing(objective.per, day, config.team.week_starts)
        start, end = day_range_utc(period.start, day, app.tz)
        for who in who_rows(app, objective):
            if member is not None and who != member:
                continue
            actual = measure(
                session,
                objective.metric,
                start=start,
                end=end,
                members=None if who == TEAM else [who],
                pipeline=objective.pipeline,
            )
            pacing = pace(float(objective.target), actual, period, day, working)
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


@dataclass(frozen=True)
class Pacing:
    """The pure pacing numbers of one objective on one day (see the module docstring)."""

    expected: float
    status: Status
    remaining: float
    needed_per_day: float | None


def pace(
    target: float, actual: float, period: Period, day: date,
    working_days: list[str] | tuple[str, ...],
) -> Pacing:
    """Expected-by-now, status, remaining and needed-per-day for ``actual`` on ``day``."""
    total_days = count_working_days(period.start, period.end, working_days)
    elapsed = count_working_days(period.start, day, working_days)
    left = count_working_days(day + timedelta(days=1), period.end, working_days)
    expected = target * elapsed / total_days if total_days else 0.0
    remaining = max(target - actual, 0.0)
    return Pacing(
        expected=expected,
        status=pace_status(actual, target, expected),
        remaining=remaining,
        needed_per_day=remaining / left if left else None,
    )


def measure(
    session: Session,
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
    if metric in LEAD_METRICS:
        return _lead_metric(session, metric, start, end, who, pipeline)
    if metric == "prospects_converted":
        query = (
            select(func.count(Prospect.id))
            .join(Lead, Lead.prospect_id == Prospect.id)
            .where(Lead.created_at >= start, Lead.created_at < end)
        )
        if who is not None:
            query = query.where(Prospect.owner.in_(who))  # type: ignore[union-attr]
        if pipeline is not None:
            query = query.where(Lead.pipeline == pipeline)
        return float(session.exec(query).one())
    type_id, _, outcome = metric.partition(":")
    conditions: list[ColumnElement[bool]] = [
        Action.action_type == type_id,  # type: ignore[list-item]
        Action.at >= start,  # type: ignore[list-item]
        Action.at < end,  # type: ignore[list-item]
    ]
    if outcome:
        conditions.append(Action.outcome == outcome)  # type: ignore[arg-type]
    if who is not None:
        conditions.append(Action.member.in_(who))  # type: ignore[attr-defined]
    action_query = select(func.count(Action.id))
    if pipeline is not None:
        action_query = action_query.join(Lead, Lead.id == Action.lead_id)
        conditions.append(Lead.pipeline == pipeline)  # type: ignore[arg-type]
    return float(session.exec(action_query.where(*conditions)).one())


def _lead_metric(
    session: Session,
    metric: str,
    start: datetime,
    end: datetime,
    who: list[str] | None,
    pipeline: str | None,
) -> float:
    if metric == "leads_created":
        conditions: list[Any] = [Lead.created_at >= start, Lead.created_at < end]
    else:
        conditions = [
            Lead.status == "won",
            Lead.closed_at >= start,  # type: ignore[operator]
            Lead.closed_at < end,  # type: ignore[operator]
        ]
    if who is not None:
        conditions.append(Lead.owner.in_(who))  # type: ignore[attr-defined]
    if pipeline is not None:
        conditions.append(Lead.pipeline == pipeline)
    if metric == "revenue":
        total = session.exec(
            select(func.coalesce(func.sum(Lead.amount), 0.0)).where(*conditions)
        ).one()
        return float(total)
    return float(session.exec(select(func.count(Lead.id)).where(*conditions)).one())


OBJECTIVE_COLUMNS: tuple[Column, ...] = (
    Column(key="who", label="Who"),
    Column(key="metric", label="Metric"),
    Column(key="per", label="Per"),
    Column(key="period", label="Period"),
    Column(key="target", label="Target", kind="number"),
    Column(key="actual", label="Actual", kind="number"),
    Column(key="expected", label="Expected", kind="number"),
    Column(key="status", label="Status"),
    Column(key="remaining", label="Remaining", kind="number"),
    Column(key="needed_per_day", label="Needed/day", kind="number"),
    Column(key="pipeline", label="Pipeline"),
)


def objectives_result(
    session: Session, app: AppContext, *, day: date, member: str | None = None
) -> ReportResult:
    """The objectives report for ``day`` as a plain result (the CLI and report share it)."""
    progress = compute_objectives(session, app, day=day, member=member)
    return ReportResult(
        report="objectives",
        title="Objectives",
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
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return parse_day(str(value))


def _run_report(request: ReportRequest) -> ReportResult:
    day = _option_day(request.options.get("date"), request)
    member = request.options.get("member") or None
    return objectives_result(request.session, request.app, day=day, member=member)


OBJECTIVES_REPORT = ReportSpec(
    name="objectives",
    title="Objectives",
    run=_run_report,
    summary="Each objective's period, target, actual, expected pace and status on a day.",
    options=(
        ReportOption(name="date", kind="date", help="Day to measure on (default today)."),
        ReportOption(name="member", kind="member", help="Only this member's objectives."),
    ),
    needs_range=False,
)
