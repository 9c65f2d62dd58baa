"""The changes the pipeline board and the lead file make to a lead (move to a step, set a
status), each run by ``change_lead`` in its own write transaction in a worker thread — one
implementation for both screens, so they cannot drift apart."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from salesplan.core import services
from salesplan.core.access import LOCAL_ADMIN, Actor
from salesplan.core.services.undo import LeadState, lead_state, restore_lead

if TYPE_CHECKING:
    from sqlmodel import Session

    from salesplan.core.context import AppContext
    from salesplan.core.db.models import Lead

LeadChange = Callable[["Session", "AppContext", "Lead", datetime, Actor], object]


def move_to(step: str) -> LeadChange:
    """Move the lead to ``step`` (the core records the step change)."""
    return lambda session, ctx, lead, at, actor: services.move_lead(
        session, ctx, lead=lead, step=step, at=at, actor=actor
    )


def set_status(status: str, remind_at: date | None = None) -> LeadChange:
    """Give the lead ``status`` (``standby`` with the day to be reminded on)."""
    return lambda session, ctx, lead, at, actor: services.set_status(
        session, ctx, lead=lead, status=status, remind_at=remind_at, at=at, actor=actor
    )


@dataclass(frozen=True)
class DoneChange:
    """A change made, as ``u`` (undo) takes it back: the lead before and after it."""

    before: LeadState
    after: LeadState
    what: str = ""


def change_lead(
    ctx: AppContext, key: str, change: LeadChange, at: datetime, actor: Actor = LOCAL_ADMIN
) -> DoneChange:
    """Apply ``change`` to lead ``key`` as ``actor`` and commit (a ``NotFoundError`` names
    the key); what it changed, for an undo."""
    with ctx.write_session() as session:
        lead = services.get_lead(session, key, actor=actor)
        before = lead_state(session, lead)
        change(session, ctx, lead, at, actor)
        after = lead_state(session, lead)
        session.commit()
    return DoneChange(before, after)


def undo_change(ctx: AppContext, done: DoneChange, actor: Actor = LOCAL_ADMIN) -> None:
    """Take ``done`` back (a ``DataError`` when the lead changed since) and commit."""
    with ctx.write_session() as session:
        restore_lead(session, ctx, done.before, done.after, actor=actor)
        session.commit()
