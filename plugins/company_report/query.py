"""Company report: leads created and won per week, month or quarter (SPEC §6).

One row per period of ``--by`` (week, month — the default — or quarter) touching the range,
clipped to it: ``period`` (``2026-W09``, ``2026-03``, ``2026-Q1``), ``start``/``end`` (the
clipped local days), ``created`` (leads created in the clipped period), ``won`` and
``amount_won`` (leads whose status is won and whose closed_at falls in the clipped period) and
``target``. Chart series: created and won per period.

``target`` (null when no objective gives one) comes from the team revenue objectives
(``who = "team"``, ``metric = "revenue"``). An objective without ``pipeline`` is company-wide
and wins (the first one in config order); otherwise the per-pipeline objectives are added up
(the first one of each pipeline). With ``--pipeline`` only leads of that pipeline count and
only that pipeline's objective gives the target. Scaling rule: an objective's target is spread
evenly over the working days of each of its own periods, so a report period gets
``Σ target × (working days of the report period inside objective period O) / (working days
of O)`` over the objective periods O it overlaps. It adds up exactly over a whole objective
period, follows clipping, and handles a week that straddles two months or quarters. E.g. Q1
2026 has 64 working days (Mon–Fri): 270000 gives March (22 days) 92812.5 and a full week
21093.75.

Counting is one ``GROUP BY`` per measure over a ``CASE`` that maps a timestamp to its period
index through the periods' UTC boundaries (DST-correct, computed with ``day_range_utc``).

The plugin ``salesplan.plugins.company_report`` registers the report and imports this module
only when the report runs (loading the plugin, which every command does, stays cheap).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, select

from salesplan.core.calendar import (
    Period,
    PeriodKind,
    count_working_days,
    day_range_utc,
    is_working_day,
    period_containing,
    periods_touching,
)
from salesplan.core.db.query_tables import leads
from salesplan.core.errors import DataError
from salesplan.core.i18n import translator
from salesplan.core.reporting import ChartSeries, Column, ReportRequest, ReportResult
from salesplan.core.reports.cohort import find_pipeline, range_utc
from salesplan.plugins.company_report.periods import GROUPINGS
from salesplan.plugins.objectives.config import Objective, configured_objectives

_ = translator("company_report")


def report_periods(request: ReportRequest, by: PeriodKind) -> list[Period]:
    """The periods of ``by`` touching the range, each clipped to it."""
    week_starts = request.app.config.team.week_starts
    touching = periods_touching(by, request.start, request.end, week_starts)
    return [period.clip(request.start, request.end) for period in touching]


def _period_index(moment: Any, periods: list[Period], request: ReportRequest) -> Any:
    """A ``CASE`` giving the index of the (contiguous, ordered) period a timestamp falls in.

    The CASE is a balanced binary search over the periods' UTC ends, so a row costs
    log2(periods) comparisons (6 for a year of weeks) instead of one per period.
    """
    ends = [day_range_utc(p.start, p.end, request.app.tz)[1] for p in periods]

    def search(low: int, high: int) -> Any:
        if low == high:
            return literal(low)
        middle = (low + high) // 2
        return case((moment < ends[middle], search(low, middle)), else_=search(middle + 1, high))

    return search(0, len(periods) - 1)


def _grouped(
    request: ReportRequest,
    periods: list[Period],
    moment: Any,
    condition: ColumnElement[bool],
    pipeline_id: str | None,
    *,
    with_amount: bool,
) -> dict[int, tuple[int, float]]:
    """``{period index: (count, amount sum)}`` of leads whose ``moment`` is in range (the
    amount only when asked: without it the count can be answered from an index alone)."""
    start, end = range_utc(request)
    index = _period_index(moment, periods, request).label("period_index")
    amount = func.coalesce(func.sum(leads.c.amount), 0.0) if with_amount else literal(0.0)
    query = (
        select(index, func.count().label("n"), amount)
        .where(moment >= start, moment < end, condition)
        .group_by(index)
    )
    if pipeline_id is not None:
        query = query.where(leads.c.pipeline == pipeline_id)
    return {
        int(row[0]): (int(row[1]), float(row[2])) for row in request.connection.execute(query)
    }


def revenue_objectives(request: ReportRequest, pipeline_id: str | None) -> list[Objective]:
    """The team revenue objectives that make the target (see the module docstring)."""
    candidates = [
        o for o in configured_objectives(request.app) if o.who == "team" and o.metric == "revenue"
    ]
    if pipeline_id is not None:
        chosen = [o for o in candidates if o.pipeline == pipeline_id]
        return chosen[:1]
    company_wide = [o for o in candidates if o.pipeline is None]
    if company_wide:
        return company_wide[:1]
    first_per_pipeline: dict[str, Objective] = {}
    for objective in candidates:
        first_per_pipeline.setdefault(str(objective.pipeline), objective)
    return list(first_per_pipeline.values())


def scaled_target(objective: Objective, start: date, end: date, request: ReportRequest) -> float:
    """The share of ``objective.target`` that falls on the working days of ``[start, end]``."""
    team = request.app.config.team
    total = 0.0
    day = start
    sizes: dict[Period, int] = {}
    while day <= end:
        if is_working_day(day, team.working_days):
            own = period_containing(objective.per, day, team.week_starts)
            if own not in sizes:
                sizes[own] = count_working_days(own.start, own.end, team.working_days)
            total += objective.target / sizes[own]
        day += timedelta(days=1)
    return total


def run_company(request: ReportRequest) -> ReportResult:
    """Build the company result: one row per clipped period."""
    by = str(request.options.get("by") or "month")
    if by not in GROUPINGS:
        raise DataError(_("unknown --by {by!r} (use one of: {join})").format(
            by=by, join=', '.join(GROUPINGS)))
    pipeline = find_pipeline(request, required=False)
    pipeline_id = pipeline.id if pipeline else None
    periods = report_periods(request, by)
    if not periods:
        raise DataError(_("empty range: {start} is after {end}").format(
            start=request.start, end=request.end))
    created = _grouped(request, periods, leads.c.created_at, leads.c.id.is_not(None), pipeline_id,
                       with_amount=False)
    won = _grouped(request, periods, leads.c.closed_at, leads.c.status == "won", pipeline_id,
                   with_amount=True)
    objectives = revenue_objectives(request, pipeline_id)
    rows: list[dict[str, Any]] = []
    for index, period in enumerate(periods):
        target: float | None = None
        if objectives:
            target = round(
                sum(scaled_target(o, period.start, period.end, request) for o in objectives), 2
            )
        rows.append(
            {
                "period": period.label,
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "created": created.get(index, (0, 0.0))[0],
                "won": won.get(index, (0, 0.0))[0],
                "amount_won": won.get(index, (0, 0.0))[1],
                "target": target,
            }
        )
    totals: dict[str, Any] = {
        "created": sum(r["created"] for r in rows),
        "won": sum(r["won"] for r in rows),
        "amount_won": float(sum(r["amount_won"] for r in rows)),
        "target": round(sum(r["target"] for r in rows), 2) if objectives else None,
    }
    labels = [r["period"] for r in rows]
    return ReportResult(
        report="company",
        title=_("Company") + (f" · {pipeline.label or pipeline.id}" if pipeline else ""),
        start=request.start,
        end=request.end,
        columns=[
            Column(key="period", label=_("Period")),
            Column(key="created", label=_("Created"), kind="int"),
            Column(key="won", label=_("Won"), kind="int"),
            Column(key="amount_won", label=_("Amount won"), kind="money"),
            Column(key="target", label=_("Target"), kind="money"),
        ],
        rows=rows,
        totals=totals,
        series=[
            ChartSeries(name="created", x=labels, y=[float(r["created"]) for r in rows]),
            ChartSeries(name="won", x=labels, y=[float(r["won"]) for r in rows]),
        ],
        options={"by": by, **({"pipeline": pipeline_id} if pipeline_id else {})},
    )
