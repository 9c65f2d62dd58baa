"""The coaching lines of the Monday digest: where each member loses deals.

The digest read on the first day of the team's week (the digest of the day before it) gets a
section "Where we lose": per pipeline, over the 90 days ending with the digest's day, each
member's blocking step and the deals it costs against the team's pass rate. Other days add
nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from salesplan.core.calendar import week_start_index
from salesplan.core.formatting import number
from salesplan.core.i18n import translator
from salesplan.core.reports.runner import run_report
from salesplan.plugins.email_digest.sections import DigestSection

_ = translator("coaching")

if TYPE_CHECKING:
    from salesplan.core.app import AppContext

WINDOW_DAYS = 90


def is_week_digest(app: AppContext, day: date) -> bool:
    """The digest of ``day`` is read on the first day of the team's week."""
    return (day + timedelta(days=1)).weekday() == week_start_index(app.config.team.week_starts)


def where_we_lose(app: AppContext, day: date) -> list[DigestSection]:
    """The section, on the week's first digest; nothing on other days."""
    if not is_week_digest(app, day):
        return []
    start = day - timedelta(days=WINDOW_DAYS - 1)
    names = {m.id: m.name for m in app.config.members}
    lines: list[str] = []
    members: dict[str, list[str]] = {}
    for pipeline in app.config.pipelines:
        result = run_report(app, "coaching", start, day, {"pipeline": pipeline.id})
        for row in result.rows:
            step, gap = row["blocking_step"], row["blocking_gap"]
            if row["member"] == "team" or step is None:
                continue
            name = names.get(row["member"], row["member"])
            deals = f"{number(gap)} deal{'s' if gap != 1 else ''}"
            lines.append(f"{name} — {pipeline.title}: loses most at {step} ({deals} against "
                         "the team's pass rate)")
            members.setdefault(row["member"], []).append(
                f"{pipeline.title}: you lose most at {step} ({deals} against the team's "
                "pass rate)")
    if not lines:
        lines = ["Nobody loses deals against the team's pass rates."]
    title = _("Where we lose (the {WINDOW_DAYS} days to {isoformat})").format(
        WINDOW_DAYS=WINDOW_DAYS, isoformat=day.isoformat())
    return [DigestSection(title=title, lines=lines, members=members)]
