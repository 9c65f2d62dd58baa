"""The leaderboard in a few lines, for the digest: the top three of the month so far.

Month to date rather than the week: won amounts come in lumps, so a week's leaderboard is
mostly ties at zero, while the month's separates people. The range is the first day of the
month holding ``day`` up to ``day`` (the digest's day), ranked as in the report::

    1. Alice Martin — €12,500 won (2 leads), 37 actions, 2/3 objectives met
    2. Bob Durand — €0 won (0 leads), 52 actions, 14/20 objectives met
    3. Carol Lemaire — €0 won (0 leads), 8 actions
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from salesplan.core.calendar import period_containing
from salesplan.core.formatting import money

if TYPE_CHECKING:
    from salesplan.core.context import AppContext

TOP = 3


def leaderboard_lines(app: AppContext, day: date, top: int = TOP) -> list[str]:
    """The first ``top`` places of the month to date (module docstring); empty without
    members."""
    from salesplan.core.reports.rollups import repair
    from salesplan.plugins.leaderboard.query import compute_leaderboard

    first = period_containing("month", day).start
    repair(app, [], first, day)
    with app.read_connection() as connection:
        scores = compute_leaderboard(connection, app, first, day)
    names = {m.id: m.name for m in app.config.members}
    currency = app.config.team.currency
    lines = []
    for rank, score in enumerate(scores[:top], start=1):
        won = "lead" if score.leads_won == 1 else "leads"
        line = (f"{rank}. {names.get(score.member, score.member)} — "
                f"{money(score.amount_won, currency)} won ({score.leads_won} {won}), "
                f"{score.actions} actions")
        if score.objectives:
            line += f", {score.objectives_met}/{score.objectives} objectives met"
        lines.append(line)
    return lines
