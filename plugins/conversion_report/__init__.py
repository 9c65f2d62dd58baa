"""Conversion report: how the leads of a pipeline cohort moved through its steps (SPEC §6).

The SQL and its documented choices live in ``query``, imported only when the report runs,
so loading the plugin (every CLI command does) stays cheap. Its per-day cohort counts
(``rollup``, tables in ``tables``, created by its own migration branch) serve the report
without walking the cohort's step history.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from salesplan.core.i18n import lazy_translator
from salesplan.core.manifest import PluginManifest
from salesplan.core.markers import hookimpl
from salesplan.core.reporting import ReportOption, ReportRequest, ReportResult, ReportSpec
from salesplan.core.schema import PluginSchema

N_ = lazy_translator("conversion_report")

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from salesplan.core.app import AppContext
    from salesplan.core.events import ImportBatch
    from salesplan.core.progress import ProgressCallback

MANIFEST = PluginManifest(
    name="conversion_report",
    version="0.1.0",
    summary=N_("Conversion report: pipeline step cohorts."),
    locale="locale",
)


def run_conversion(request: ReportRequest) -> ReportResult:
    """Build the conversion result: one row per configured step of the pipeline."""
    from salesplan.plugins.conversion_report.query import run_conversion as run

    return run(request)


def prepare(app: AppContext, start: date, end: date, progress: ProgressCallback) -> int:
    """Count again the cohort days written since the last report (see ``rollup``)."""
    from salesplan.plugins.conversion_report.rollup import refresh

    return refresh(app, start, end, progress)


CONVERSION_REPORT = ReportSpec(
    name="conversion",
    title=N_("Conversion"),
    run=run_conversion,
    summary=N_("Leads of a pipeline created in the range: per step, how many entered and how "
    "their last stay there ended."),
    options=(
        ReportOption(
            name="pipeline", kind="pipeline", required=True, help=N_("Pipeline id of the cohort.")
        ),
    ),
    prepare=prepare,
)


@hookimpl
def salesplan_reports() -> list[ReportSpec]:
    return [CONVERSION_REPORT]


@hookimpl
def salesplan_schema() -> PluginSchema:
    from salesplan.plugins.conversion_report.tables import TABLES

    return PluginSchema(tables=TABLES, migrations=Path(__file__).parent / "migrations")


@hookimpl
def salesplan_data_imported(connection: Connection, app: AppContext, batch: ImportBatch) -> None:
    """Count the imported leads' cohort days in the import's transaction."""
    from salesplan.plugins.conversion_report.rollup import imported

    imported(connection, app, batch)
