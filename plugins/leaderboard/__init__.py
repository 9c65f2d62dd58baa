"""Leaderboard: members ranked by amount won, then by how well they meet their objectives.

The report (SPEC §6 ``leaderboard``) and ``leaderboard_lines`` for the digest. The SQL and
every definition live in ``query`` and ``actuals`` (imported when the report runs, so loading
the plugin stays cheap); the objectives and their pacing rule come from the objectives plugin.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from salesplan.core.i18n import lazy_translator, translator
from salesplan.core.manifest import PluginManifest
from salesplan.core.markers import hookimpl
from salesplan.core.reporting import ReportRequest, ReportResult, ReportSpec

N_ = lazy_translator("leaderboard")
_ = translator("leaderboard")

if TYPE_CHECKING:
    from salesplan.core.context import AppContext

MANIFEST = PluginManifest(
    name="leaderboard",
    version="0.1.0",
    summary=N_("Leaderboard: members ranked by amount won and objectives attainment."),
    depends=("objectives",),
    locale="locale",
)


def run_leaderboard(request: ReportRequest[Any]) -> ReportResult:
    """Build the leaderboard result: one row per configured member, best first."""
    from salesplan.plugins.leaderboard.query import run_leaderboard as run

    return run(request)


LEADERBOARD_REPORT = ReportSpec(
    name="leaderboard",
    title=N_("Leaderboard"),
    run=run_leaderboard,
    summary=N_("Members ranked by amount won, then objectives attainment: actions, leads won, "
    "objectives met."),
    rollups=("activity",),
)


@hookimpl
def salesplan_reports() -> list[ReportSpec]:
    return [LEADERBOARD_REPORT]


def leaderboard_lines(app: AppContext, day: date) -> list[str]:
    """The top three of the month to date, one line each, for the digest (see ``lines``)."""
    from salesplan.plugins.leaderboard.lines import leaderboard_lines as lines

    return lines(app, day)


@hookimpl(optionalhook=True)
def salesplan_digest_sections(app: AppContext, day: date) -> list[Any]:
    """The digest's leaderboard (email_digest's hook): the month's top three."""
    from salesplan.plugins.email_digest.sections import DigestSection

    lines = leaderboard_lines(app, day)
    return [DigestSection(title=N_("Leaderboard (month to date)"), lines=lines)] if lines else []
