"""``GET /api/v1/todo``: due reminders and standby leads back to todo (a rep: their own)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesplan.core import services
from salesplan.core.calendar import today
from salesplan.core.server.api.common import query_of
from salesplan.core.server.schemas import DayQuery, TodoOut, TodoReminder
from salesplan.core.server.serialize import leads_out, reminder_fields, reminder_keys

if TYPE_CHECKING:
    from salesplan.core.api_routes import ApiCall
    from salesplan.core.app import AppContext


def todo(call: ApiCall[AppContext]) -> TodoOut:
    query = query_of(call, DayQuery)
    app, actor = call.app, call.actor
    day = query.date or today(app.tz)
    with app.session() as session:
        reminders = services.due_reminders(session, app, member=query.member, day=day,
                                           actor=actor)
        targets = services.reminder_targets(session, reminders, actor=actor)
        keys = reminder_keys(session, reminders)
        standby = services.due_standby_leads(session, app, owner=query.member, day=day,
                                             actor=actor)
        return TodoOut(
            date=day,
            reminders=[TodoReminder.model_validate({**reminder_fields(app, r, keys),
                                                    "on": targets.get(r.id or 0, "")})
                       for r in reminders],
            standby=leads_out(app, session, standby),
        )
