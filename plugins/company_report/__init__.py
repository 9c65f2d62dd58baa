"""Company report: leads created and won per week, month or quarter (SPEC §6).

The SQL and the target scaling rule live in ``query`` (imported only when the report runs, so
loading the plugin stays cheap), the period kinds in ``periods``; the target comes from the
objectives plugin's ``[[objectives]]``.
"""

from __future__ import annotations

from salesplan.core.i18n import lazy_translator
from salesplan.core.manifest import PluginManifest
from salesplan.core.markers import hookimpl
from salesplan.core.reporting import ReportOption, ReportRequest, ReportResult, ReportSpec
from salesplan.plugins.company_report.periods import GROUPINGS

N_ = lazy_translator("company_report")

MANIFEST = PluginManifest(
    name="company_report",
    version="0.1.0",
    summary=N_("Company report: leads created and won per period."),
    depends=("objectives",),
    locale="locale",
)


def run_company(request: ReportRequest) -> ReportResult:
    """Build the company result: one row per period of ``--by`` touching the range."""
    from salesplan.plugins.company_report.query import run_company as run

    return run(request)


COMPANY_REPORT = ReportSpec(
    name="company",
    title=N_("Company"),
    run=run_company,
    summary=N_("Leads created, won and amount won per week, month or quarter, with the team "
    "revenue target."),
    options=(
        ReportOption(
            name="by",
            kind="choice",
            choices=GROUPINGS,
            default="month",
            help=N_("Period of each row: week, month or quarter."),
        ),
        ReportOption(name="pipeline", kind="pipeline", help=N_("Only leads of this pipeline.")),
    ),
)


@hookimpl
def salesplan_reports() -> list[ReportSpec]:
    return [COMPANY_REPORT]
