"""Prospecting report: what each prospecting list turns into (SPEC §6 ``prospecting``).

The SQL lives in ``salesplan.core.reports.prospecting`` and is imported only when the report
runs, so loading the plugin stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesplan.core.manifest import PluginManifest
from salesplan.core.markers import hookimpl
from salesplan.core.reporting import ReportRequest, ReportResult, ReportSpec
from salesplan.core.reports import prepare_rollups

if TYPE_CHECKING:
    pass

MANIFEST = PluginManifest(
    name="prospecting_report",
    version="0.1.0",
    summary="Prospecting report: what each prospecting list turns into.",
)


def run(request: ReportRequest) -> ReportResult:
    """One row per prospecting list: prospects worked and converted, actions, and who did it."""
    from salesplan.core.reports.prospecting import run_prospecting

    return run_prospecting(request)


PROSPECTING_REPORT = ReportSpec(
    name="prospecting",
    title="Prospecting",
    run=run,
    summary="Per prospecting list: prospects worked and converted, actions, and by whom.",
    prepare=prepare_rollups,
)


@hookimpl
def salesplan_reports() -> list[ReportSpec]:
    return [PROSPECTING_REPORT]
