"""The lead file: everything about one lead in one read, for ``lead show`` and the TUI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from salesplan.core.access import LOCAL_ADMIN, Actor, check_sees, sees_owner
from salesplan.core.db.models import Action, Lead, Prospect, ProspectingList, Reminder, StepChange
from salesplan.core.services.leads import effective_status

if TYPE_CHECKING:
    from salesplan.core.app import AppContext


@dataclass
class LeadFile:
    """A lead with its custom fields, step history, actions and reminders, oldest first.

    ``prospect_actions`` are the actions logged on the prospect it was converted from.
    """

    lead: Lead
    status: str
    fields: dict[str, Any]
    steps: list[StepChange]
    actions: list[Action]
    reminders: list[Reminder]
    prospect: Prospect | None = None
    prospect_list: str | None = None
    prospect_actions: list[Action] = field(default_factory=list)

    @property
    def open_reminders(self) -> list[Reminder]:
        return [r for r in self.reminders if not r.done]


def lead_file(
    session: Session, app: AppContext, lead: Lead, *, actor: Actor = LOCAL_ADMIN
) -> LeadFile:
    """Read the whole file of ``lead`` (the origin prospect only when the actor sees it)."""
    check_sees(actor, lead.owner, "lead", lead.key)
    steps = session.exec(
        select(StepChange)
        .where(StepChange.lead_id == lead.id)
        .order_by(col(StepChange.at), col(StepChange.id))
    ).all()
    actions = session.exec(
        select(Action).where(Action.lead_id == lead.id).order_by(col(Action.at), col(Action.id))
    ).all()
    reminders = session.exec(
        select(Reminder)
        .where(Reminder.lead_id == lead.id)
        .order_by(col(Reminder.due_at), col(Reminder.id))
    ).all()
    prospect = session.get(Prospect, lead.prospect_id) if lead.prospect_id else None
    if prospect is not None and not sees_owner(actor, prospect.owner):
        prospect = None
    prospect_list = None
    prospect_actions: list[Action] = []
    if prospect is not None:
        found = session.get(ProspectingList, prospect.list_id)
        prospect_list = found.name if found is not None else None
        prospect_actions = list(
            session.exec(
                select(Action)
                .where(Action.prospect_id == prospect.id)
                .order_by(col(Action.at), col(Action.id))
            ).all()
        )
    return LeadFile(
        lead=lead,
        status=effective_status(app, lead),
        fields=dict(lead.fields or {}),
        steps=list(steps),
        actions=list(actions),
        reminders=list(reminders),
        prospect=prospect,
        prospect_list=prospect_list,
        prospect_actions=prospect_actions,
    )
