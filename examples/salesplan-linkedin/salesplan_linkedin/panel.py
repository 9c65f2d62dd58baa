"""The dashboard's LinkedIn box: messages sent and replied per member on the day shown."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from salesplan.core.calendar import day_range_utc
from salesplan.core.dashboard import PanelContent
from salesplan.core.i18n import translator
from sqlalchemy import case, func, select

from salesplan_linkedin.tables import actions

_ = translator("linkedin")

if TYPE_CHECKING:
    from salesplan.core.context import AppContext

ACTION_TYPE = "linkedin_message"
COLUMNS = ["Member", "Sent", "Replied"]


def load_panel(app: AppContext, day: date) -> PanelContent:
    """One row per member who sent a LinkedIn message on ``day`` (team time zone)."""
    lo, hi = day_range_utc(day, day, app.tz)
    replied = func.sum(case((actions.c.outcome == "replied", 1), else_=0))
    query = (
        select(actions.c.member, func.count(), replied)
        .where(actions.c.action_type == ACTION_TYPE, actions.c.at >= lo, actions.c.at < hi)
        .group_by(actions.c.member)
    )
    with app.read_connection() as connection:
        counts = {member: (int(sent), int(got or 0))
                  for member, sent, got in connection.execute(query)}
    rows = [[member.name, str(counts[member.id][0]), str(counts[member.id][1])]
            for member in app.config.members if member.id in counts]
    return PanelContent(columns=COLUMNS, rows=rows, empty=_("No LinkedIn message on this day"))
