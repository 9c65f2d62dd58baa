"""Taking back a move or a status change of a lead: its state before, and putting it back.

``lead_state`` is read before the change; ``restore_lead`` sets the step, status, closed and
reminder dates back and deletes the step changes made since (the conversion cohorts follow
through their triggers). Only if nothing else changed the lead meanwhile: a lead moved or
closed again by someone else is not silently overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select
from sqlmodel import Session, col

from salesplan.core.access import LOCAL_ADMIN, Actor, check_changes_lead, check_sees
from salesplan.core.db.models import Lead, StepChange, table_of
from salesplan.core.errors import DataError
from salesplan.core.i18n import _
from salesplan.core.services.keys import get_by_key

if TYPE_CHECKING:
    from salesplan.core.app import AppContext


@dataclass(frozen=True)
class LeadState:
    """What a move or a status change may alter on a lead."""

    key: str
    step: str
    status: str
    closed_at: datetime | None
    remind_at: datetime | None
    last_step_change: int
    """The id of its latest step change (0 if none)."""


def lead_state(session: Session, lead: Lead) -> LeadState:
    """The lead as it is now (read before changing it)."""
    last = session.execute(select(func.max(StepChange.id))
                           .where(col(StepChange.lead_id) == lead.id)).scalar()
    return LeadState(lead.key, lead.step, lead.status, lead.closed_at, lead.remind_at,
                     int(last or 0))


def restore_lead(session: Session, app: AppContext, before: LeadState, after: LeadState, *,
                 actor: Actor = LOCAL_ADMIN) -> Lead:
    """Put the lead back as ``before`` if it is still as ``after`` (the state the change
    left); flushes, the caller commits."""
    lead = get_by_key(session, Lead, before.key, "lead")
    check_sees(actor, lead.owner, "lead", lead.key)
    check_changes_lead(actor, lead.owner, lead.key)
    if lead_state(session, lead) != after:
        raise DataError(_("lead {key} changed since: nothing undone").format(key=lead.key))
    steps = table_of(StepChange)
    session.execute(delete(steps).where(steps.c.lead_id == lead.id,
                                        steps.c.id > before.last_step_change))
    lead.step, lead.status = before.step, before.status
    lead.closed_at, lead.remind_at = before.closed_at, before.remind_at
    session.add(lead)
    session.flush()
    return lead
