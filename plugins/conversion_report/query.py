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

The work is one grouped SQL query over a single window pass (``_stays``): cohort leads
left-joined to their configured step changes (a lead without history is one row at its current
step, carrying its status), walked latest change first per lead. ``LAG`` gives the next
configured position and running per-step counts (two steps packed per ``SUM``) mark each
lead's last stay at a step (its own step's count so far is 1); then ``GROUP BY`` position.
There is no second window partitioned by step, so one sort instead of two, and no join back
to ``leads``.

The plugin ``salesplan.plugins.conversion_report`` registers the report and imports this module
only when the report runs (loading the plugin, which every command does, stays cheap).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, func, select

from salesplan.core.db.query_tables import leads
from salesplan.core.i18n import translator
from salesplan.core.reporting import ChartSeries, Column, ReportRequest, ReportResult
from salesplan.core.reports.cohort import created_in, find_pipeline, range_utc, rate
from salesplan.plugins.conversion_report.rollup import read_counts, usable
from salesplan.plugins.conversion_report.stays import OUTCOMES, stay_counts

_ = translator("conversion_report")


def _cohort(request: ReportRequest) -> ColumnElement[bool]:
    """Leads of the requested pipeline created in the range."""
    start, end = range_utc(request)
    return and_(leads.c.pipeline == str(request.options["pipeline"]), created_in(start, end))


def _step_counts(request: ReportRequest, steps: list[str]) -> dict[str, dict[str, int]]:
    """``{step: {"entered": n, outcome: n, ...}}`` for the cohort, from the raw history."""
    counts: dict[str, dict[str, int]] = {}
    for _group, position, numbers in stay_counts(request.connection, _cohort(request), steps):
        counts[steps[position]] = numbers
    return counts


def _cohort_size(request: ReportRequest) -> int:
    query = select(func.count()).select_from(leads).where(_cohort(request))
    return int(request.connection.execute(query).scalar_one())


def run_conversion(request: ReportRequest) -> ReportResult:
    """Build the conversion result: one row per configured step of the pipeline."""
    pipeline = find_pipeline(request, required=True)
    assert pipeline is not None  # required=True raises instead
    steps = list(pipeline.steps)
    if usable(request.connection, request.app, pipeline.id, request.start, request.end):
        by_position, cohort = read_counts(request.connection, pipeline.id, request.start,
                                          request.end)
        counts = {steps[position]: numbers for position, numbers in by_position.items()
                  if position < len(steps)}
    else:
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
        Column(key="step", label=_("Step")),
        Column(key="entered", label=_("Entered"), kind="int"),
        *(Column(key=o, label=o.capitalize(), kind="int") for o in OUTCOMES),
        Column(key="advanced_rate", label=_("Advanced %"), kind="percent"),
        Column(key="won_rate", label=_("Won %"), kind="percent"),
    ]
    series = [
        ChartSeries(name="entered", x=steps, y=[float(r["entered"]) for r in rows]),
        ChartSeries(name="advanced", x=steps, y=[float(r["advanced"]) for r in rows]),
    ]
    return ReportResult(
        report="conversion",
        title=_("Conversion · {value}").format(value=pipeline.label or pipeline.id),
        start=request.start,
        end=request.end,
        columns=columns,
        rows=rows,
        totals={"step": f"cohort: {cohort} leads", "leads": cohort},
        series=series,
        options={"pipeline": pipeline.id},
    )
