"""The forecast report (SPEC §6 ``forecast``): where the period of ``--per`` holding a day ends.

``D`` is ``--date``, else the request's last day (``--to``), else today (team timezone); "the
end of D" is the instant its last local second ends (the next local midnight), so "at or
before the end of D" is ``< end of D``. ``P`` is the period of ``--per`` (month, quarter —
the default — or year) holding ``D``.

Which pipelines: ``--pipeline ID`` forecasts that pipeline; without it the forecast covers
every configured pipeline (with a single pipeline that is the same thing), like the company
and performance reports do without ``--pipeline``: one row per (pipeline, step), pipelines in
config order, and the period figures add all of them up. Leads of pipelines no longer in the
config are left out everywhere, and so are leads sitting at a step no longer in their
pipeline (no row to put them in).

Fields:

- ``won``, ``amount_won``: leads (of the pipelines) whose status is won and whose
  ``closed_at`` lies from the first day of P up to the end of D.
- one row per step, in pipeline order: ``pipeline``, ``step``; ``open``: leads open at the
  step at the end of D — created before the end of D, not closed by then (``closed_at`` null
  or not before the end of D), and whose latest step change at or before the end of D goes to
  that step (a lead with no step change by then is at its current ``step``); ``amount``: the
  sum of their amounts; ``win_probability``: of the leads that were ever at the step (a step
  change to it at or before the end of D, or a lead with none by then sitting at it) and were
  closed (won, lost or cancelled, ``closed_at``) in the 365 local days ending with D — D
  included, so ``[D − 364 days, end of D)`` —, the share won (null when there is none);
  ``weighted``: amount × win_probability (null when the probability is).
- ``weighted_total``: the sum of the non-null ``weighted``; ``expected`` = amount_won +
  weighted_total.
- ``run_rate`` = amount_won × (working days of P) / (working days from P's first day to D,
  inclusive); null when no working day has elapsed (a period starting on a weekend, D on
  that weekend). ``working_days`` and ``working_days_elapsed`` are given too.
- ``target``: the first (config order) team revenue objective (``who = "team"``, ``metric =
  "revenue"``) whose ``per`` is P's kind and whose ``pipeline`` is the forecast's: with
  ``--pipeline ID`` an objective of that pipeline; without it a company-wide objective (no
  ``pipeline``) — or, when only one pipeline is configured, one of that pipeline, which is the
  same thing. Targets are not rescaled from other period kinds: null when none matches.
- ``status``: null without a target; else ``met`` when amount_won ≥ target; else ``ahead``,
  ``on_track`` or ``behind`` as expected is above, equal to or below the target (with the
  objectives plugin's float tolerance).

Amounts are rounded to cents, probabilities are fractions (tables show percentages).

JSON: ``rows`` (also under ``steps``, the SPEC's name) holds the step rows; the period
figures — ``date``, ``per``, ``pipeline``, ``period`` (its label, ``2026-Q1``),
``period_start``, ``period_end``, ``won``, ``amount_won``, ``weighted_total``, ``expected``,
``run_rate``, ``target``, ``status``, ``working_days``, ``working_days_elapsed`` — are top-level
keys and are repeated in ``totals`` (all but ``pipeline``: the table's footer shows none),
which also sums ``open``, ``amount`` and ``weighted`` over the steps (the table's footer).
``from``/``to`` are P's first day and D: the days ``won`` covers. The table's title states
the period figures; CSV has the step rows only.

Three grouped statements (won in P; open leads per step, each lead's step at the end of D
from a correlated ``LIMIT 1`` lookup that the ``step_changes`` lead index serves; closed leads
per step visited), the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import and_, exists, func, literal, or_, select, union

from salesplan.core.calendar import (
    Period,
    check_kind,
    count_working_days,
    day_range_utc,
    local_date,
    parse_day,
    period_containing,
)
from salesplan.core.db.query_tables import leads, step_changes
from salesplan.core.errors import DataError
from salesplan.core.i18n import translator
from salesplan.core.reporting import ChartSeries, Column, ReportResult
from salesplan.core.reports.cohort import count_if, find_pipeline
from salesplan.core.statuses import CLOSED_STATUSES
from salesplan.plugins.forecast.periods import DEFAULT_PER, PER_CHOICES
from salesplan.plugins.objectives.config import TEAM, Objective, configured_objectives
from salesplan.plugins.objectives.progress import TOLERANCE

_ = translator("forecast")

if TYPE_CHECKING:
    from salesplan.core.config.models import Pipeline
    from salesplan.core.context import AppContext
    from salesplan.core.reporting import ReportRequest
    from salesplan.core.reports.sql import Executor

WINDOW_DAYS = 365
Status = Literal["met", "ahead", "on_track", "behind"]

PERIOD_KEYS: tuple[str, ...] = (
    "date", "per", "pipeline", "period", "period_start", "period_end", "won", "amount_won",
    "weighted_total", "expected", "run_rate", "target", "status", "working_days",
    "working_days_elapsed",
)


@dataclass(frozen=True)
class Forecast:
    """The forecast of one period on one day (see the module docstring for each field)."""

    day: date
    per: str
    period: Period
    pipeline: str | None
    """The ``--pipeline`` given (None: every configured pipeline)."""
    pipelines: tuple[Pipeline, ...]
    won: int
    amount_won: float
    steps: list[dict[str, Any]] = field(default_factory=list)
    weighted_total: float = 0.0
    expected: float = 0.0
    run_rate: float | None = None
    target: float | None = None
    status: Status | None = None
    working_days: int = 0
    working_days_elapsed: int = 0

    def period_fields(self) -> dict[str, Any]:
        """The period figures, as the JSON's top-level keys."""
        return {
            "date": self.day.isoformat(),
            "per": self.per,
            "pipeline": self.pipeline,
            "period": self.period.label,
            "period_start": self.period.start.isoformat(),
            "period_end": self.period.end.isoformat(),
            "won": self.won,
            "amount_won": self.amount_won,
            "weighted_total": self.weighted_total,
            "expected": self.expected,
            "run_rate": self.run_rate,
            "target": self.target,
            "status": self.status,
            "working_days": self.working_days,
            "working_days_elapsed": self.working_days_elapsed,
        }


def _cents(value: float) -> float:
    return round(float(value), 2)


def forecast_status(amount_won: float, expected: float, target: float | None) -> Status | None:
    """The status rule of the module docstring (None without a target)."""
    if target is None:
        return None
    if amount_won >= target - TOLERANCE:
        return "met"
    if expected > target + TOLERANCE:
        return "ahead"
    if abs(expected - target) <= TOLERANCE:
        return "on_track"
    return "behind"


def revenue_target(
    app: AppContext, per: str, pipeline: str | None
) -> Objective | None:
    """The team revenue objective giving the target (see the module docstring)."""
    configured = [p.id for p in app.config.pipelines]
    if pipeline is None:
        wanted: set[str | None] = {None, *(configured if len(configured) == 1 else [])}
    else:
        wanted = {pipeline, *([None] if configured == [pipeline] else [])}
    for objective in configured_objectives(app):
        if (objective.who == TEAM and objective.metric == "revenue" and objective.per == per
                and objective.pipeline in wanted):
            return objective
    return None


def _won_in_period(db: Executor, lo: datetime, hi: datetime, ids: list[str]) -> tuple[int, float]:
    row = db.execute(
        select(func.count(), func.coalesce(func.sum(leads.c.amount), 0.0))
        .where(leads.c.status == "won", leads.c.closed_at >= lo, leads.c.closed_at < hi,
               leads.c.pipeline.in_(ids))
    ).one()
    return int(row[0]), float(row[1] or 0.0)


def _open_by_step(
    db: Executor, end: datetime, ids: list[str]
) -> dict[tuple[str, str], tuple[int, float]]:
    """``{(pipeline, step): (open leads, amount)}`` at the instant ``end``."""
    latest = (
        select(step_changes.c.step)
        .where(step_changes.c.lead_id == leads.c.id, step_changes.c.at < end)
        .order_by(step_changes.c.at.desc(), step_changes.c.id.desc())
        .limit(1)
        .correlate(leads)
        .scalar_subquery()
    )
    open_leads = (
        select(
            leads.c.pipeline.label("pipeline"),
            func.coalesce(latest, leads.c.step).label("step"),
            leads.c.amount.label("amount"),
        )
        .where(
            leads.c.pipeline.in_(ids),
            leads.c.created_at < end,
            or_(leads.c.closed_at.is_(None), leads.c.closed_at >= end),
        )
        .subquery()
    )
    rows = db.execute(
        select(open_leads.c.pipeline, open_leads.c.step, func.count(),
               func.coalesce(func.sum(open_leads.c.amount), 0.0))
        .group_by(open_leads.c.pipeline, open_leads.c.step)
    )
    return {(str(p), str(s)): (int(n), float(amount or 0.0)) for p, s, n, amount in rows}


def _closed_by_step(
    db: Executor, lo: datetime, end: datetime, ids: list[str]
) -> dict[tuple[str, str], tuple[int, int]]:
    """``{(pipeline, step): (closed leads, won leads)}`` over the leads closed in ``[lo, end)``
    that were ever at the step by ``end``."""
    closed = and_(
        leads.c.pipeline.in_(ids),
        leads.c.status.in_(CLOSED_STATUSES),
        leads.c.closed_at >= lo,
        leads.c.closed_at < end,
    )
    visited = select(
        leads.c.id.label("lead_id"), leads.c.pipeline.label("pipeline"),
        leads.c.status.label("status"), step_changes.c.step.label("step"),
    ).join_from(leads, step_changes, step_changes.c.lead_id == leads.c.id).where(
        closed, step_changes.c.at < end)
    unmoved = select(
        leads.c.id.label("lead_id"), leads.c.pipeline.label("pipeline"),
        leads.c.status.label("status"), leads.c.step.label("step"),
    ).where(closed, ~exists().where(step_changes.c.lead_id == leads.c.id,
                                    step_changes.c.at < end))
    stays = union(visited, unmoved).subquery()  # UNION: one row per (lead, step)
    rows = db.execute(
        select(stays.c.pipeline, stays.c.step, func.count(),
               count_if(stays.c.status == literal("won")))
        .group_by(stays.c.pipeline, stays.c.step)
    )
    return {(str(p), str(s)): (int(n), int(won)) for p, s, n, won in rows}


def compute_forecast(
    db: Executor, app: AppContext, *, day: date, per: str = DEFAULT_PER,
    pipeline: str | None = None,
) -> Forecast:
    """The forecast of the period of ``per`` holding ``day`` (module docstring)."""
    if per not in PER_CHOICES:
        raise DataError(_("unknown --per {per!r} (use one of: {join})").format(
            per=per, join=', '.join(PER_CHOICES)))
    config = app.config
    if pipeline is None:
        pipelines = tuple(config.pipelines)
    else:
        found = config.pipeline(pipeline)
        if found is None:
            known = ", ".join(p.id for p in config.pipelines) or "none configured"
            raise DataError(_("unknown pipeline {pipeline!r} (known: {known})").format(
                pipeline=pipeline, known=known))
        pipelines = (found,)
    ids = [p.id for p in pipelines]
    period = period_containing(check_kind(per), day, config.team.week_starts)
    period_lo, _hi = day_range_utc(period.start, period.start, app.tz)
    window_lo, end = day_range_utc(day - timedelta(days=WINDOW_DAYS - 1), day, app.tz)

    won, amount_won = _won_in_period(db, period_lo, end, ids) if ids else (0, 0.0)
    opened = _open_by_step(db, end, ids) if ids else {}
    closed = _closed_by_step(db, window_lo, end, ids) if ids else {}

    steps: list[dict[str, Any]] = []
    weighted_total = 0.0
    for spec in pipelines:
        for step in spec.steps:
            count, amount = opened.get((spec.id, step), (0, 0.0))
            finished, finished_won = closed.get((spec.id, step), (0, 0))
            probability = finished_won / finished if finished else None
            weighted = None if probability is None else _cents(amount * probability)
            if weighted is not None:
                weighted_total += weighted
            steps.append({
                "pipeline": spec.id,
                "step": step,
                "open": count,
                "amount": _cents(amount),
                "win_probability": probability,
                "weighted": weighted,
            })

    working = config.team.working_days
    holidays = config.team.holidays
    total_days = count_working_days(period.start, period.end, working, holidays)
    elapsed = count_working_days(period.start, day, working, holidays)
    amount_won = _cents(amount_won)
    weighted_total = _cents(weighted_total)
    expected = _cents(amount_won + weighted_total)
    objective = revenue_target(app, per, pipeline)
    target = None if objective is None else float(objective.target)
    return Forecast(
        day=day,
        per=per,
        period=period,
        pipeline=pipeline,
        pipelines=pipelines,
        won=won,
        amount_won=amount_won,
        steps=steps,
        weighted_total=weighted_total,
        expected=expected,
        run_rate=_cents(amount_won * total_days / elapsed) if elapsed else None,
        target=target,
        status=forecast_status(amount_won, expected, target),
        working_days=total_days,
        working_days_elapsed=elapsed,
    )


def report_day(value: Any, request: ReportRequest[AppContext]) -> date:
    """``--date``, else the request's last day (``--to``; the runner makes it today, team
    timezone, when no range is given)."""
    if value is None or value == "":
        return request.end
    if isinstance(value, datetime):  # an aware time is an instant: its team-timezone day
        return value.date() if value.tzinfo is None else local_date(value, request.app.tz)
    if isinstance(value, date):
        return value
    return parse_day(str(value))


def _title(forecast: Forecast, app: AppContext) -> str:
    from salesplan.core.formatting import money

    currency = app.config.team.currency
    title = _("Forecast {label}").format(label=forecast.period.label)
    if forecast.pipeline is not None:
        title += f" · {forecast.pipelines[0].title}"
    title += (f" · won {forecast.won} ({money(forecast.amount_won, currency)}), expected "
              f"{money(forecast.expected, currency)}")
    if forecast.target is not None:
        status = (forecast.status or "").replace("_", " ")
        title += f" of {money(forecast.target, currency)} target — {status}"
    if forecast.run_rate is not None:
        title += f" · run rate {money(forecast.run_rate, currency)}"
    return title


def forecast_result(forecast: Forecast, app: AppContext) -> ReportResult:
    """The forecast as a plain, renderable result (see the module docstring)."""
    figures = forecast.period_fields()
    several = len(forecast.pipelines) > 1
    columns = [
        *([Column(key="pipeline", label=_("Pipeline"))] if several else []),
        Column(key="step", label=_("Step")),
        Column(key="open", label=_("Open"), kind="int"),
        Column(key="amount", label=_("Amount"), kind="money"),
        Column(key="win_probability", label=_("Win prob."), kind="percent"),
        Column(key="weighted", label=_("Weighted"), kind="money"),
    ]
    totals: dict[str, Any] = {
        **{key: value for key, value in figures.items() if key != "pipeline"},
        "step": "Total",
        "open": sum(r["open"] for r in forecast.steps),
        "amount": _cents(sum(r["amount"] for r in forecast.steps)),
        "weighted": forecast.weighted_total,
    }
    labels = [
        f"{r['pipeline']}: {r['step']}" if several else str(r["step"]) for r in forecast.steps
    ]
    options: dict[str, Any] = {"date": figures["date"], "per": forecast.per}
    if forecast.pipeline is not None:
        options["pipeline"] = forecast.pipeline
    return ReportResult(
        report="forecast",
        title=_title(forecast, app),
        start=forecast.period.start,
        end=forecast.day,
        columns=columns,
        rows=forecast.steps,
        totals=totals,
        series=[
            ChartSeries(name="open amount", x=labels,
                        y=[float(r["amount"]) for r in forecast.steps]),
            ChartSeries(name="weighted", x=labels,
                        y=[float(r["weighted"] or 0.0) for r in forecast.steps]),
        ],
        options=options,
        extra={**figures, "steps": forecast.steps},
    )


def run_forecast(request: ReportRequest[AppContext]) -> ReportResult:
    """The ``forecast`` report (SPEC §6); its spec is in the plugin's ``__init__``."""
    day = report_day(request.options.get("date"), request)
    per = str(request.options.get("per") or DEFAULT_PER)
    pipeline = find_pipeline(request, required=False)
    forecast = compute_forecast(request.connection, request.app, day=day, per=per,
                                pipeline=pipeline.id if pipeline else None)
    return forecast_result(forecast, request.app)
