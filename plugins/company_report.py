"""Company report: leads created and won per week, month or quarter (SPEC §6).

The SQL, the period grouping and the target scaling rule live in
``salesplan.core.reports.company``, imported only when the report runs, so loading the plugin
(every CLI command does) stays cheap.
"""

from __future__ import annotations

from salesplan.core.manifest import PluginManifest
from salesplan.core.markers import hookimpl
from salesplan.core.reporting import ReportOption, ReportRequest, ReportResult, ReportSpec

MANIFEST = PluginManifest(
    name="company_report",
    version="0.1.0",
    summary="Company report: leads created and won per period.",
)

GROUPINGS: tuple[str, ...] = ("week", "month", "quarter")


def run_company(request: ReportRequest) -> ReportResult:
    """Build the company result: one row per period of ``--by`` touching the range."""
    from salesplan.core.reports.company import run_company as run

    return run(request)


COMPANY_REPORT = ReportSpec(
    name="company",
    title="Company",
    run=run_company,
    summary="Leads created, won and amount won per week, month or quarter, with the team "
    "revenue target.",
    options=(
        ReportOption(
            name="by",
            kind="choice",
            choices=GROUPINGS,
            default="month",
            help="Period of each row: week, month or quarter.",
        ),
        ReportOption(name="pipeline", kind="pipeline", help="Only leads of this pipeline."),
    ),
)


@hookimpl
def salesplan_reports() -> list[ReportSpec]:
    return [COMPANY_REPORT]
