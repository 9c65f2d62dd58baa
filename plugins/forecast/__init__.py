"""Forecast: where the month, quarter or year is heading (SPEC §6 ``forecast``).

What is won so far in the period, what the open pipeline should still bring (each step's
open amount weighted by its measured win probability), the run rate, and the team revenue
target with a status. The SQL and every definition live in ``query`` (imported when the
report runs, so loading the plugin stays cheap); ``panel`` puts the forecast in one line for
the dashboard and, through ``forecast_line``, for the digest. Targets come from the
objectives plugin's ``[[objectives]]``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from salesplan.core.dashboard import DashboardPanel, PanelContent
from salesplan.core.i18n import lazy_translator, translator
from salesplan.core.manifest import PluginManifest
from salesplan.core.markers import hookimpl
from salesplan.core.reporting import ReportOption, ReportRequest, ReportResult, ReportSpec
from salesplan.plugins.forecast.periods import DEFAULT_PER, PER_CHOICES

N_ = lazy_translator("forecast")
_ = translator("forecast")

if TYPE_CHECKING:
    from salesplan.core.context import AppContext

MANIFEST = PluginManifest(
    name="forecast",
    version="0.1.0",
    summary=N_("Forecast: won so far, the weighted open pipeline and the run rate against the "
    "team revenue target."),
    depends=("objectives",),
    locale="locale",
)


def run_forecast(request: ReportRequest[Any]) -> ReportResult:
    """Build the forecast result: one row per pipeline step, the period figures on top."""
    from salesplan.plugins.forecast.query import run_forecast as run

    return run(request)


FORECAST_REPORT = ReportSpec(
    name="forecast",
    title=N_("Forecast"),
    run=run_forecast,
    summary=N_("The period holding a day: won so far, open amount per step weighted by its win "
    "probability, expected, run rate, and the team revenue target with a status."),
    options=(
        ReportOption(name="date", kind="date",
                     help=N_("Day to forecast on (default: --to, else today).")),
        ReportOption(name="pipeline", kind="pipeline",
                     help=N_("Only this pipeline (default: every pipeline).")),
        ReportOption(name="per", kind="choice", choices=PER_CHOICES,
                     default=DEFAULT_PER, help=N_("The period: month, quarter or year.")),
    ),
    needs_range=False,
)


@hookimpl
def salesplan_reports() -> list[ReportSpec]:
    return [FORECAST_REPORT]


def _load_panel(app: Any, day: date) -> PanelContent:
    from salesplan.plugins.forecast.panel import load_panel

    return load_panel(app, day)


@hookimpl
def salesplan_dashboard_panels() -> list[DashboardPanel]:
    return [DashboardPanel(name="forecast", title=N_("Forecast"), load=_load_panel, order=20)]


def forecast_line(app: AppContext, day: date) -> str | None:
    """The forecast on ``day`` in one line (``Q4: 61k won, 94k expected of 120k target —
    behind``), for the digest; None when the config has no pipeline. See ``panel``."""
    from salesplan.plugins.forecast.panel import forecast_line as line

    return line(app, day)


@hookimpl(optionalhook=True)
def salesplan_digest_sections(app: AppContext, day: date) -> list[Any]:
    """The digest's forecast line (email_digest's hook; nothing when there is no line)."""
    from salesplan.plugins.email_digest.sections import DigestSection

    line = forecast_line(app, day)
    return [DigestSection(title=N_("Forecast"), lines=[line])] if line else []
