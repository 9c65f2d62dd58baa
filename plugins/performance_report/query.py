"""Performance report: what became of each member's leads created in the range (SPEC §6).

Cohort: leads created in the range (all pipelines, or ``--pipeline``), by owner. One row per
configured member, in config order: ``member``, ``created``, ``open`` (todo or standby),
``won``, ``lost``, ``cancelled`` (status as it is now), ``conversion_rate`` (won / created as a
fraction, null when nothing was created) and ``amount_won`` (sum of the won leads' amounts).

Where SPEC §6 is silent: leads owned by an id that is no longer a configured member belong to
no row, and ``totals`` add up the rows shown (so they match what the table displays).
One ``GROUP BY owner`` query (configured owners only) does the counting.

The plugin ``salesplan.plugins.performance_report`` registers the report and imports this module
only when the report runs (loading the plugin, which every command does, stays cheap).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from salesplan.core.db.query_tables import leads
from salesplan.core.i18n import translator
from salesplan.core.reporting import ChartSeries, Column, ReportRequest, ReportResult
from salesplan.core.reports.cohort import (
    OPEN_STATUSES,
    count_if,
    created_in,
    find_pipeline,
    range_utc,
    rate,
    sum_if,
)

_ = translator("performance_report")

COUNTS: tuple[str, ...] = ("created", "open", "won", "lost", "cancelled")


def _owner_counts(request: ReportRequest, pipeline_id: str | None) -> dict[str, dict[str, Any]]:
    """``{owner: {"created": n, "open": n, ..., "amount_won": x}}`` from one grouped query."""
    start, end = range_utc(request)
    query = (
        select(
            leads.c.owner,
            count_if(leads.c.id.is_not(None)).label("created"),
            count_if(leads.c.status.in_(OPEN_STATUSES)).label("open"),
            count_if(leads.c.status == "won").label("won"),
            count_if(leads.c.status == "lost").label("lost"),
            count_if(leads.c.status == "cancelled").label("cancelled"),
            sum_if(leads.c.status == "won", leads.c.amount).label("amount_won"),
        )
        # Only configured members get a row; with the owner filter, SQLite walks the
        # (owner, created_at, ...) index one member at a time instead of sorting for GROUP BY.
        .where(created_in(start, end),
               leads.c.owner.in_([member.id for member in request.app.config.members]))
        .group_by(leads.c.owner)
    )
    if pipeline_id is not None:
        query = query.where(leads.c.pipeline == pipeline_id)
    result: dict[str, dict[str, Any]] = {}
    for row in request.connection.execute(query).mappings():
        numbers: dict[str, Any] = {key: int(row[key]) for key in COUNTS}
        numbers["amount_won"] = float(row["amount_won"])
        result[row["owner"]] = numbers
    return result


def run_performance(request: ReportRequest) -> ReportResult:
    """Build the performance result: one row per configured member."""
    pipeline = find_pipeline(request, required=False)
    by_owner = _owner_counts(request, pipeline.id if pipeline else None)
    rows: list[dict[str, Any]] = []
    for member in request.app.config.members:
        numbers = by_owner.get(member.id, {**dict.fromkeys(COUNTS, 0), "amount_won": 0.0})
        rows.append(
            {
                "member": member.id,
                **{key: numbers[key] for key in COUNTS},
                "conversion_rate": rate(numbers["won"], numbers["created"]),
                "amount_won": numbers["amount_won"],
            }
        )
    totals: dict[str, Any] = {key: sum(row[key] for row in rows) for key in COUNTS}
    totals["conversion_rate"] = rate(totals["won"], totals["created"])
    totals["amount_won"] = float(sum(row["amount_won"] for row in rows))
    columns = [
        Column(key="member", label=_("Member"), kind="member"),
        Column(key="created", label=_("Created"), kind="int"),
        Column(key="open", label=_("Open"), kind="int"),
        Column(key="won", label=_("Won"), kind="int"),
        Column(key="lost", label=_("Lost"), kind="int"),
        Column(key="cancelled", label=_("Cancelled"), kind="int"),
        Column(key="conversion_rate", label=_("Conversion"), kind="percent"),
        Column(key="amount_won", label=_("Amount won"), kind="money"),
    ]
    members = [row["member"] for row in rows]
    series = [
        ChartSeries(name="created", x=members, y=[float(r["created"]) for r in rows]),
        ChartSeries(name="won", x=members, y=[float(r["won"]) for r in rows]),
    ]
    title = _("Performance") + (f" · {pipeline.label or pipeline.id}" if pipeline else "")
    return ReportResult(
        report="performance",
        title=title,
        start=request.start,
        end=request.end,
        columns=columns,
        rows=rows,
        totals=totals,
        series=series,
        options={"pipeline": pipeline.id} if pipeline else {},
    )
