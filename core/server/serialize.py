"""Rows as the API answers them: the data folder's columns (SPEC §5) as JSON, keys as ids,
timestamps in the team time zone with their offset."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from salesplan.core.calendar import local_date, to_local
from salesplan.core.db.models import Action, Lead, Prospect, Reminder
from salesplan.core.server.schemas import ActionOut, LeadOut, ProspectOut, ReminderOut

if TYPE_CHECKING:
    from salesplan.core.app import AppContext


def local(app: AppContext, moment: datetime | None) -> datetime | None:
    return None if moment is None else to_local(moment, app.tz)


def _day(app: AppContext, moment: datetime | None) -> date | None:
    return None if moment is None else local_date(moment, app.tz)


def _keys(session: Session, model: type[Lead] | type[Prospect] | type[Action],
          ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(select(model.id, model.key).where(col(model.id).in_(wanted))).all()
    return {int(i): key for i, key in rows if i is not None}


class Keys:
    """The text keys of the leads, prospects and actions some rows point to, read at once."""

    def __init__(self, session: Session, *, leads: Iterable[int | None] = (),
                 prospects: Iterable[int | None] = (), actions: Iterable[int | None] = ()
                 ) -> None:
        self.leads = _keys(session, Lead, leads)
        self.prospects = _keys(session, Prospect, prospects)
        self.actions = _keys(session, Action, actions)

    def lead(self, row_id: int | None) -> str | None:
        return None if row_id is None else self.leads.get(row_id)

    def prospect(self, row_id: int | None) -> str | None:
        return None if row_id is None else self.prospects.get(row_id)

    def action(self, row_id: int | None) -> str | None:
        return None if row_id is None else self.actions.get(row_id)


def lead_out(app: AppContext, lead: Lead, prospect_key: str | None) -> LeadOut:
    created = local(app, lead.created_at)
    assert created is not None
    return LeadOut(
        id=lead.key, title=lead.title, pipeline=lead.pipeline, step=lead.step, owner=lead.owner,
        amount=lead.amount, status=lead.status, created_at=created,
        closed_at=local(app, lead.closed_at), prospect_id=prospect_key,
        remind_on=_day(app, lead.remind_at),
    )


def leads_out(app: AppContext, session: Session, leads: Iterable[Lead]) -> list[LeadOut]:
    rows = list(leads)
    keys = Keys(session, prospects=(lead.prospect_id for lead in rows))
    return [lead_out(app, lead, keys.prospect(lead.prospect_id)) for lead in rows]


def action_out(app: AppContext, action: Action, keys: Keys) -> ActionOut:
    at = local(app, action.at)
    assert at is not None
    return ActionOut(
        id=action.key, at=at, member=action.member, action=action.action_type,
        outcome=action.outcome, lead_id=keys.lead(action.lead_id),
        prospect_id=keys.prospect(action.prospect_id), note=action.note,
        answers=action.answers,
    )


def actions_out(app: AppContext, session: Session, actions: Iterable[Action]) -> list[ActionOut]:
    rows = list(actions)
    keys = Keys(session, leads=(a.lead_id for a in rows), prospects=(a.prospect_id for a in rows))
    return [action_out(app, action, keys) for action in rows]


def reminder_fields(app: AppContext, reminder: Reminder, keys: Keys) -> dict[str, object]:
    assert reminder.id is not None
    return dict(
        id=reminder.id, due_at=local(app, reminder.due_at), member=reminder.member,
        action=reminder.action_type, lead_id=keys.lead(reminder.lead_id),
        prospect_id=keys.prospect(reminder.prospect_id), done_at=local(app, reminder.done_at),
        source_action_id=keys.action(reminder.created_by_action_id), note=reminder.note,
    )


def reminder_keys(session: Session, reminders: Iterable[Reminder]) -> Keys:
    rows = list(reminders)
    return Keys(session, leads=(r.lead_id for r in rows), prospects=(r.prospect_id for r in rows),
                actions=(r.created_by_action_id for r in rows))


def reminders_out(app: AppContext, session: Session, reminders: Iterable[Reminder]
                  ) -> list[ReminderOut]:
    rows = list(reminders)
    keys = reminder_keys(session, rows)
    return [ReminderOut.model_validate(reminder_fields(app, r, keys)) for r in rows]


def prospect_out(app: AppContext, prospect: Prospect, list_name: str, lead_key: str | None
                 ) -> ProspectOut:
    created = local(app, prospect.created_at)
    assert created is not None
    return ProspectOut(
        id=prospect.key, list=list_name, name=prospect.name, company=prospect.company,
        email=prospect.email, phone=prospect.phone, owner=prospect.owner, created_at=created,
        lead_id=lead_key,
    )
