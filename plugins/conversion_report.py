"""Conversion report: how the leads of a pipeline cohort moved through its steps (SPEC §6).

Cohort: the leads of ``--pipeline`` created in the range. For every step, in pipeline order:
``entered`` (cohort leads that were ever at the step) and how each such lead's *last* stay at
the step ended — ``advanced`` (its next step change goes to a later step), ``back`` (to an
earlier step), ``active`` (still there, lead open: todo or standby), ``won``, ``lost``,
``cancelled`` (still there, lead closed with that status). The six always sum to ``entered``.
Each row also carries ``<outcome>_rate`` = outcome / entered (a fraction 0–1, null when none
entered; tables show them as percentages). ``totals``: ``leads`` (cohort size, including leads
that never reached a configured step) and a ``step`` label for the table footer.

Choices where SPEC §6 is silent:

- A lead with no step_changes row entered its current ``step`` at ``created_at``.
- Two step changes in a row to the same step are one stay (the second one is not a new entry
  and not a move).
- Steps no longer in the pipeline config are invisible: their step changes are dropped before
  stays are computed, so a stay at a configured step ends at the next change to a configured
  step (and a lead now sitting at a removed step counts at its last configured step, with its
  status). Removed steps get no row.
- Ties in ``at`` are broken by the step change's id (insertion order).

The work is done by grouped SQL: for leads with step changes, ``LEAD`` gives the next
configured step and ``ROW_NUMBER`` per (lead, step) keeps each lead's last stay at a step, then
``GROUP BY step``; leads without history are one more ``GROUP BY step`` (status decides), and
the two per-step counts are added. Repeated rows need no de-duplication: the last row of a
step is never followed by the same step.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, null, select, true

from salesplan.core.db.models import Lead, StepChange
from salesplan.core.manifest import PluginManifest
from salesplan.core.markers import hookimpl
from salesplan.core.reporting import (
    ChartSeries,
    Column,
    ReportOption,
    ReportRequest,
    ReportResult,
    ReportSpec,
)
from salesplan.plugins.cohort_sql import (
    OPEN_STATUSES,
    count_if,
    created_in,
    find_pipeline,
    range_utc,
    rate,
)

MANIFEST = PluginManifest(
    name="conversion_report",
    version="0.1.0",
    summary="Conversion report: pipeline step cohorts.",
)

OUTCOMES: tuple[str, ...] = ("advanced", "back", "active", "won", "lost", "cancelled")


def _cohort(request: ReportRequest) -> ColumnElement[bool]:
    """Leads of the requested pipeline created in the range."""
    start, end = range_utc(request)
    return and_(Lead.pipeline == str(request.options["pipeline"]), created_in(start, end))


def _outcome_counts(status: Any, still_there: Any, position: Any, next_position: Any) -> Any:
    """The six outcome counts of the last stays, as filtered SUMs."""
    conditions = {
        "advanced": next_position > position,
        "back": next_position < position,
        "active": and_(still_there, status.in_(OPEN_STATUSES)),
        "won": and_(still_there, status == "won"),
        "lost": and_(still_there, status == "lost"),
        "cancelled": and_(still_there, status == "cancelled"),
    }
    return [count_if(condition).label(name) for name, condition in conditions.items()]


def _recorded_counts(request: ReportRequest, steps: list[str]) -> Any:
    """Per step position, the last stays of cohort leads that have step changes.

    ``lead_id IN (cohort)`` lets SQLite walk the step-change index lead by lead, in time
    order, so the ``LEAD`` window needs no sort. ``ROW_NUMBER`` per (lead, step), latest
    first, keeps each lead's last stay at a step.
    """
    cohort_ids = select(Lead.id).where(_cohort(request))
    position = case({name: index for index, name in enumerate(steps)}, value=StepChange.step)
    stays = (
        select(
            StepChange.lead_id.label("lead_id"),
            StepChange.step.label("step"),
            position.label("position"),
            func.lead(position)
            .over(partition_by=StepChange.lead_id, order_by=(StepChange.at, StepChange.id))
            .label("next_position"),
            func.row_number()
            .over(
                partition_by=(StepChange.lead_id, StepChange.step),
                order_by=(StepChange.at.desc(), StepChange.id.desc()),
            )
            .label("recency"),
        )
        .where(StepChange.lead_id.in_(cohort_ids), StepChange.step.in_(steps))
        .subquery("stays")
    )
    return (
        select(
            stays.c.position,
            func.count().label("entered"),
            *_outcome_counts(
                Lead.status, stays.c.next_position.is_(None), stays.c.position,
                stays.c.next_position,
            ),
        )
        .join(Lead, Lead.id == stays.c.lead_id)
        .where(stays.c.recency == 1)
        .group_by(stays.c.position)  # an integer: cheaper to group than the step name
    )


def _unrecorded_counts(request: ReportRequest, steps: list[str]) -> Any:
    """Per step position, cohort leads without any step change: they entered their current step at
    created_at and are still there, so their status decides the outcome."""
    no_history = ~exists().where(StepChange.lead_id == Lead.id)
    position = case({name: index for index, name in enumerate(steps)}, value=Lead.step)
    return (
        select(
            position.label("position"),
            func.count().label("entered"),
            *_outcome_counts(Lead.status, true(), literal(0), null()),
        )
        .where(_cohort(request), Lead.step.in_(steps), no_history)
        .group_by(position)
    )


def _step_counts(request: ReportRequest, steps: list[str]) -> dict[str, dict[str, int]]:
    """``{step: {"entered": n, outcome: n, ...}}`` for the cohort, computed in the database
    (two grouped queries whose per-step counts add up)."""
    counts: dict[str, dict[str, int]] = {}
    for query in (_recorded_counts(request, steps), _unrecorded_counts(request, steps)):
        for row in request.session.execute(query).mappings():
            step = steps[int(row["position"])]
            into = counts.setdefault(step, dict.fromkeys(("entered", *OUTCOMES), 0))
            for key in into:
                into[key] += int(row[key])
    return counts


def _cohort_size(request: ReportRequest) -> int:
    query = select(func.count()).select_from(Lead).where(_cohort(request))
    return int(request.session.execute(query).scalar_one())


def run_conversion(request: ReportRequest) -> ReportResult:
    """Build the conversion result: one row per configured step of the pipeline."""
    pipeline = find_pipeline(request, required=True)
    assert pipeline is not None  # required=True raises instead
    steps = list(pipeline.steps)
    counts = _step_counts(request, steps)
    cohort = _cohort_size(request)
    rows: list[dict[str, Any]] = []
    for step in steps:
        numbers = counts.get(step, dict.fromkeys(("entered", *OUTCOMES), 0))
        row: dict[str, Any] = {"step": step, **numbers}
        for outcome in OUTCOMES:
            row[f"{outcome}_rate"] = rate(numbers[outcome], numbers["entered"])
        rows.append(row)
    columns = [
        Column(key="step", label="Step"),
        Column(key="entered", label="Entered", kind="int"),
        *(Column(key=o, label=o.capitalize(), kind="int") for o in OUTCOMES),
        Column(key="advanced_rate", label="Advanced %", kind="percent"),
        Column(key="won_rate", label="Won %", kind="percent"),
    ]
    series = [
        ChartSeries(name="entered", x=steps, y=[float(r["entered"]) for r in rows]),
        ChartSeries(name="advanced", x=steps, y=[float(r["advanced"]) for r in rows]),
    ]
    return ReportResult(
        report="conversion",
        title=f"Conversion · {pipeline.label or pipeline.id}",
        start=request.start,
        end=request.end,
        columns=columns,
        rows=rows,
        totals={"step": f"cohort: {cohort} leads", "leads": cohort},
        series=series,
        options={"pipeline": pipeline.id},
    )


CONVERSION_REPORT = ReportSpec(
    name="conversion",
    title="Conversion",
    run=run_conversion,
    summary="Leads of a pipeline created in the range: per step, how many entered and how "
    "their last stay there ended.",
    options=(
        ReportOption(
            name="pipeline", kind="pipeline", required=True, help="Pipeline id of the cohort."
        ),
    ),
)


@hookimpl
def salesplan_reports() -> list[ReportSpec]:
    return [CONVERSION_REPORT]
