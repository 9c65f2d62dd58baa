"""Performance report: what became of each member's leads created in the range (SPEC §6).

The SQL and its documented choices live in ``query``, imported
only when the report runs, so loading the plugin (every CLI command does) stays cheap.
"""

from __future__ import annotations

from salesplan.core.i18n import lazy_translator
from salesplan.core.manifest import PluginManifest
from salesplan.core.markers import hookimpl
from salesplan.core.reporting import ReportOption, ReportRequest, ReportResult, ReportSpec

N_ = lazy_translator("performance_report")

MANIFEST = PluginManifest(
    name="performance_report",
    version="0.1.0",
    summary=N_("Performance report: lead cohort results per member."),
    locale="locale",
)


def run_performance(request: ReportRequest) -> ReportResult:
    """Build the performance result: one row per configured member."""
    from salesplan.plugins.performance_report.query import run_performance as run

    return run(request)


PERFORMANCE_REPORT = ReportSpec(
    name="performance",
    title=N_("Performance"),
    run=run_performance,
    summary=N_("Leads created in the range, per owner: open, won, lost, cancelled, conversion "
    "rate and amount won."),
    options=(
        ReportOption(name="pipeline", kind="pipeline", help=N_("Only leads of this pipeline.")),
    ),
)


@hookimpl
def salesplan_reports() -> list[ReportSpec]:
    return [PERFORMANCE_REPORT]
