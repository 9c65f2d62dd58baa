"""Prospecting report: what each prospecting list turns into (SPEC §6 ``prospecting``).

A complete plugin with tables of its own: the SQL (``query``), its rollup (``rollup``: the
tables in ``tables``, created by its migration branch in ``migrations``, kept exact by the
kernel on every write). Only this module loads with the plugin; the rest when it is used.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from salesplan.core.i18n import lazy_translator
from salesplan.core.manifest import PluginManifest
from salesplan.core.markers import hookimpl
from salesplan.core.reporting import ReportRequest, ReportResult, ReportSpec
from salesplan.core.schema import PluginSchema

N_ = lazy_translator("prospecting_report")

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from salesplan.core.reports.rollup_kit import RollupSpec

MANIFEST = PluginManifest(
    name="prospecting_report",
    version="0.2.0",
    summary=N_("Prospecting report: what each prospecting list turns into."),
    locale="locale",
)
ROLLUP = "prospecting"


def run(request: ReportRequest) -> ReportResult:
    """One row per prospecting list: prospects worked and converted, actions, and who did it."""
    from salesplan.plugins.prospecting_report.query import run_prospecting

    return run_prospecting(request)


PROSPECTING_REPORT = ReportSpec(
    name="prospecting",
    title=N_("Prospecting"),
    run=run,
    summary=N_("Per prospecting list: prospects worked and converted, actions, and by whom."),
    rollups=(ROLLUP,),
)


@hookimpl
def salesplan_reports() -> list[ReportSpec]:
    return [PROSPECTING_REPORT]


@hookimpl
def salesplan_schema() -> PluginSchema:
    from salesplan.plugins.prospecting_report.tables import TABLES

    return PluginSchema(tables=TABLES, migrations=Path(__file__).parent / "migrations")


@hookimpl
def salesplan_rollups() -> list[RollupSpec]:
    from salesplan.plugins.prospecting_report.rollup import PROSPECTING_ROLLUP

    return [PROSPECTING_ROLLUP]


@hookimpl
def salesplan_data_imported(connection: Connection) -> None:
    """A bulk load (its triggers set aside): count the lists' sizes again."""
    from salesplan.plugins.prospecting_report.rollup import recount_list_sizes

    recount_list_sizes(connection)
