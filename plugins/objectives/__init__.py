"""Objectives: targets per member, segment or team and period, with pacing.

``[[objectives]]`` in the config, the ``objectives`` report and command, and the dashboard's
objectives panel. Other plugins build on it: the planner writes objectives, the digest says who
is behind pace, the company report shows the team revenue target.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from salesplan.core.dashboard import DashboardPanel, PanelContent
from salesplan.core.i18n import lazy_translator, translator
from salesplan.core.manifest import PluginManifest
from salesplan.core.markers import hookimpl
from salesplan.core.reporting import ReportOption, ReportRequest, ReportResult, ReportSpec

N_ = lazy_translator("objectives")
_ = translator("objectives")

if TYPE_CHECKING:
    import click

MANIFEST = PluginManifest(
    name="objectives",
    version="0.1.0",
    summary=N_("Objectives per member, segment or team, with pacing and a dashboard panel."),
    locale="locale",
)


def _run(request: ReportRequest) -> ReportResult:
    # The implementation (SQLAlchemy statements) loads only when the report runs.
    from salesplan.plugins.objectives.progress import run_objectives_report

    return run_objectives_report(request)


OBJECTIVES_REPORT = ReportSpec(
    name="objectives",
    title=N_("Objectives"),
    run=_run,
    summary=N_("Each objective's period, target, actual, expected pace and status on a day."),
    options=(
        ReportOption(name="date", kind="date", help=N_("Day to measure on (default today).")),
        ReportOption(name="member", kind="member", help=N_("Only this member's objectives.")),
    ),
    needs_range=False,
)


@hookimpl
def salesplan_reports() -> list[ReportSpec]:
    return [OBJECTIVES_REPORT]


@hookimpl
def salesplan_config_sections() -> dict[str, type[BaseModel]]:
    from salesplan.plugins.objectives.config import SECTION, ObjectivesSection

    return {SECTION: ObjectivesSection}


@hookimpl
def salesplan_cli_commands() -> list[click.Command]:
    from salesplan.plugins.objectives.command import objectives_command

    return [objectives_command]


def _load_panel(app: Any, day: date, actor: Any = None) -> PanelContent:
    from salesplan.plugins.objectives.panel import load_panel

    return load_panel(app, day, actor)


@hookimpl
def salesplan_dashboard_panels() -> list[DashboardPanel]:
    return [DashboardPanel(name="objectives", title=N_("Objectives"), load=_load_panel, order=10)]
