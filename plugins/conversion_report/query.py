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

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Subquery,
    and_,
    case,
    cast,
    func,
    literal,
    select,
)

from salesplan.core.db.query_tables import leads, step_changes
from salesplan.core.reporting import ChartSeries, Column, ReportRequest, ReportResult
from salesplan.core.reports.cohort import (
    OPEN_STATUSES,
    count_if,
    created_in,
    find_pipeline,
    range_utc,
    rate,
)

OUTCOMES: tuple[str, ...] = ("advanced", "back", "active", "won", "lost", "cancelled")


def _cohort(request: ReportRequest) -> ColumnElement[bool]:
    """Leads of the requested pipeline created in the range."""
    start, end = range_utc(request)
    return and_(leads.c.pipeline == str(request.options["pipeline"]), created_in(start, end))


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


def _history(request: ReportRequest, steps: list[str]) -> Subquery:
    """One row per configured step change of each cohort lead, with the lead's status.

    ``LEFT JOIN`` so a lead without history is one row at its current step (``at`` and
    ``change_id`` null); the step filter comes after the join, so a lead whose changes are all
    at removed steps has no row at all (its history exists, just not visibly). The step
    position is computed once here, not in every window argument.
    """
    step = func.coalesce(step_changes.c.step, leads.c.step)
    position = case({name: index for index, name in enumerate(steps)}, value=step)
    return (
        select(
            leads.c.id.label("lead_id"),
            leads.c.status.label("status"),
            step_changes.c.at.label("at"),
            step_changes.c.id.label("change_id"),
            position.label("position"),
        )
        .select_from(leads)
        .outerjoin(step_changes, step_changes.c.lead_id == leads.c.id)
        .where(_cohort(request), step.in_(steps))
        .subquery("history")
    )


COUNT_FIELD = 2**32
"""Two steps share one running ``SUM``: the even position counts 1, the odd one COUNT_FIELD.
Exact while a lead has fewer than 2**31 step changes (the sum stays a 64-bit integer), and it
halves the window aggregates, which dominate the query's cost on SQLite."""


def _stays(request: ReportRequest, steps: list[str]) -> Subquery:
    """Each history row with its next configured position and running per-step counts of the
    rows at or after it: one window pass, latest change first.

    Walking a lead's history backwards, ``LAG`` is the next position (null: still there) and
    the running counts say whether the row's own step shows up again later (count above 1),
    so "last stay at its step" needs no second window partitioned by step, hence no second
    sort. All functions share one window definition (same partition, order and frame), which
    both databases evaluate in a single pass. Counts are packed two steps per ``SUM``
    (``COUNT_FIELD``); ``_own_count`` unpacks the row's own one.
    """
    history = _history(request, steps)
    latest_first: dict[str, Any] = {
        "partition_by": history.c.lead_id,
        "order_by": (history.c.at.desc(), history.c.change_id.desc()),
        "rows": (None, 0),  # ROWS UNBOUNDED PRECEDING: running counts, ids break time ties
    }
    packed: list[Any] = []
    for pair, first in enumerate(range(0, len(steps), 2)):
        weights = {first: literal(1, BigInteger), first + 1: literal(COUNT_FIELD, BigInteger)}
        weight = case(weights, value=history.c.position, else_=literal(0, BigInteger))
        running = cast(func.sum(weight).over(**latest_first), BigInteger)
        packed.append(running.label(f"counts_{pair}"))
    return select(
        history.c.status,
        history.c.position,
        func.lag(history.c.position).over(**latest_first).label("next_position"),
        *packed,
    ).subquery("stays")


def _own_count(stays: Subquery, steps: list[str]) -> Any:
    """The running count of the row's own step, unpacked from its pair's ``SUM``."""
    field = literal(COUNT_FIELD, BigInteger)
    counts: dict[int, Any] = {}
    for index in range(len(steps)):
        packed = stays.c[f"counts_{index // 2}"]
        counts[index] = packed % field if index % 2 == 0 else packed // field
    return case(counts, value=stays.c.position)


def _step_counts(request: ReportRequest, steps: list[str]) -> dict[str, dict[str, int]]:
    """``{step: {"entered": n, outcome: n, ...}}`` for the cohort, in one grouped query.

    A row is its lead's last stay at its step when its own step's running count is 1. Repeated
    rows need no de-duplication: the last row of a step is never followed by the same step,
    and the earlier repeats have a count above 1.
    """
    stays = _stays(request, steps)
    own_count = _own_count(stays, steps)
    query = (
        select(
            stays.c.position,
            func.count().label("entered"),
            *_outcome_counts(
                stays.c.status, stays.c.next_position.is_(None), stays.c.position,
                stays.c.next_position,
            ),
        )
        .where(own_count == 1)
        .group_by(stays.c.position)  # an integer: cheaper to group than the step name
    )
    counts: dict[str, dict[str, int]] = {}
    for row in request.connection.execute(query).mappings():
        counts[steps[int(row["position"])]] = {k: int(row[k]) for k in ("entered", *OUTCOMES)}
    return counts


def _cohort_size(request: ReportRequest) -> int:
    query = select(func.count()).select_from(leads).where(_cohort(request))
    return int(request.connection.execute(query).scalar_one())


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
