"""Coaching: where each rep loses deals ("les points bloquants de certains profils").

The ``coaching`` report (``query``): per member and step of a pipeline, pass rates and the
median days in a step beside the team's and the best performer's, each member's blocking step
and the deals it costs; the terminal UI's coaching screen (``screen``, key ``c``): a member ×
step grid coloured by the gap to the team, and one member's funnel against the best
performer's. Only this module loads with the plugin.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from salesplan.core.i18n import lazy_translator, translator
from salesplan.core.manifest import PluginManifest
from salesplan.core.markers import hookimpl
from salesplan.core.reporting import ReportOption, ReportRequest, ReportResult, ReportSpec
from salesplan.core.screens import ScreenSpec

N_ = lazy_translator("coaching")
_ = translator("coaching")

MANIFEST = PluginManifest(
    name="coaching",
    version="0.1.0",
    summary=N_("Coaching report and screen: each rep's blocking step against the team and the "
    "best performer."),
    locale="locale",
)


def run(request: ReportRequest) -> ReportResult:
    from salesplan.plugins.coaching.query import run_coaching

    return run_coaching(request)


COACHING_REPORT = ReportSpec(
    name="coaching",
    title=N_("Coaching"),
    run=run,
    summary=N_("Per member and step of a pipeline: pass rates and days in step against the team, "
    "and where each member loses deals."),
    options=(
        ReportOption(name="pipeline", kind="pipeline", required=True,
                     help=N_("Pipeline id of the cohort.")),
        ReportOption(name="min_cohort", kind="int", default=10,
                     help=N_("Leads a member must have created to be the best performer.")),
    ),
)


@hookimpl
def salesplan_reports() -> list[ReportSpec]:
    return [COACHING_REPORT]


def _screen(app: Any) -> Any:
    from salesplan.plugins.coaching.screen import CoachingScreen

    return CoachingScreen()


@hookimpl
def salesplan_tui_screens() -> list[ScreenSpec]:
    return [ScreenSpec(name="coaching", title=N_("Coaching"), factory=_screen, key="c",
                       description="Where each rep loses deals (c)", permission="coach")]


@hookimpl(optionalhook=True)
def salesplan_digest_sections(app: Any, day: date) -> list[Any]:
    """On the week's first digest, where each member loses deals (``digest``)."""
    from salesplan.plugins.coaching.digest import where_we_lose

    return where_we_lose(app, day)
