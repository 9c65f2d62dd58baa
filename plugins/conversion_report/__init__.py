"""Conversion report: how the leads of a pipeline cohort moved through its steps (SPEC §6).

The SQL and its documented choices live in ``query``, imported
only when the report runs, so loading the plugin (every CLI command does) stays cheap.
"""

from __future__ import annotations

from salesplan.core.manifest import PluginManifest
from salesplan.core.markers import hookimpl
from salesplan.core.reporting import ReportOption, ReportRequest, ReportResult, ReportSpec

MANIFEST = PluginManifest(
    name="conversion_report",
    version="0.1.0",
    summary="Conversion report: pipeline step cohorts.",
)


def run_conversion(request: ReportRequest) -> ReportResult:
    """Build the conversion result: one row per configured step of the pipeline."""
    from salesplan.plugins.conversion_report.query import run_conversion as run

    return run(request)


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
