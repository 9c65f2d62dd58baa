"""Activity report: actions, outcomes and leads per member (SPEC §6 ``activity``).

The SQL lives in ``query`` and is imported only when the report
runs, so loading the plugin (every CLI command does) stays cheap.
"""

from __future__ import annotations

from salesplan.core.i18n import lazy_translator
from salesplan.core.manifest import PluginManifest
from salesplan.core.markers import hookimpl
from salesplan.core.reporting import ReportRequest, ReportResult, ReportSpec

N_ = lazy_translator("activity_report")

MANIFEST = PluginManifest(
    name="activity_report",
    version="0.1.0",
    summary=N_("Activity report: actions, outcomes and leads per member."),
    locale="locale",
)


def run(request: ReportRequest) -> ReportResult:
    """One row per configured member: actions by type and outcome, leads created, managed,
    won and amount won in the range."""
    from salesplan.plugins.activity_report.query import run_activity

    return run_activity(request)


ACTIVITY_REPORT = ReportSpec(
    name="activity",
    title=N_("Activity"),
    run=run,
    summary=N_("Per member: actions by type and outcome, leads created, managed and won."),
    rollups=("activity",),
)


@hookimpl
def salesplan_reports() -> list[ReportSpec]:
    return [ACTIVITY_REPORT]
