"""Leads: create one in a pipeline step, move it between steps, set its status.

Every step a lead enters is a ``StepChange`` row (the first at its creation), so conversion
reports can replay the pipeline. Closing (won/lost/cancelled) sets ``closed_at``; reopening
(todo/standby) clears it; standby carries the date the lead comes back as todo (SPEC §4).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from salesplan.core.access import (
    LOCAL_ADMIN,
    Actor,
    check_assigns,
    check_changes_lead,
    check_sees,
    default_owner,
    owner_clause,
)
from salesplan.core.calendar import day_range_utc, local_text, today
from salesplan.core.db.models import Lead, Prospect, StepChange
from salesplan.core.errors import DataError
from salesplan.core.fields import check_text
from salesplan.core.services.common import (
    CLOSED_STATUSES,
    check_amount,
    check_member,
    check_pipeline,
    check_status,
    check_step,
    resolve_at,
    resolve_day_start,
)
from salesplan.core.services.events import fire
from salesplan.core.services.keys import get_by_key, insert_with_key

if TYPE_CHECKING:
    from salesplan.core.app import AppContext
from salesplan.core.i18n import _


def get_lead(session: Session, ref: str | int, *, actor: Actor = LOCAL_ADMIN) -> Lead:
    """The lead with this key (or, failing that, this integer id) that the actor sees; one
    they may not see is as unknown as a missing one."""
    lead = get_by_key(session, Lead, ref, "lead")
    check_sees(actor, lead.owner, "lead", str(ref).strip())
    return lead


def create_lead(
    session: Session,
    app: AppContext,
    *,
    title: str,
    pipeline: str,
    owner: str | None = None,
    step: str | None = None,
    amount: float = 0.0,
    at: datetime | None = None,
    prospect: Prospect | None = None,
    actor: Actor = LOCAL_ADMIN,
) -> Lead:
    """A new open lead (status todo) with its first step change at its creation time.

    ``owner`` defaults to a rep actor themselves; reps create leads for themselves only."""
    title = title.strip()
    if not title:
        raise DataError(_("a lead needs a title"), field="title")
    title = check_text(title, "title")
    spec = check_pipeline(app, pipeline)
    step = spec.steps[0] if step is None else check_step(spec, step)
    owner = default_owner(actor, owner)
    if owner is None:
        raise DataError(_("a lead needs an owner"), field="owner")
    check_member(app, owner, "owner")
    check_assigns(actor, owner, "leads")
    value = check_amount(amount)
    created_at = resolve_at(app, at)
    if prospect is not None:
        existing = session.exec(select(Lead).where(Lead.prospect_id == prospect.id)).first()
        if existing is not None:
            raise DataError(
                _("prospect {key!r} is already converted into lead {key2!r}").format(
                    key=prospect.key, key2=existing.key)
            )
    lead = Lead(
        key="",
        title=title,
        pipeline=spec.id,
        step=step,
        owner=owner,
        amount=value,
        status="todo",
        created_at=created_at,
        prospect_id=prospect.id if prospect is not None else None,
        fields=dict(prospect.fields) if prospect is not None and prospect.fields else None,
    )
    insert_with_key(session, lead)
    assert lead.id is not None  # flushed by insert_with_key
    session.add(StepChange(lead_id=lead.id, at=created_at, step=step))
    session.flush()
    return lead


def last_step_change(session: Session, lead: Lead) -> StepChange | None:
    """The step change the lead's current step comes from."""
    return session.exec(
        select(StepChange)
        .where(StepChange.lead_id == lead.id)
        .order_by(col(StepChange.at).desc(), col(StepChange.id).desc())
    ).first()


def move_lead(
    session: Session, app: AppContext, *, lead: Lead, step: str, at: datetime | None = None,
    actor: Actor = LOCAL_ADMIN,
) -> StepChange:
    """Move ``lead`` to ``step`` of its pipeline at ``at``; the move is a step change."""
    check_sees(actor, lead.owner, "lead", lead.key)
    check_changes_lead(actor, lead.owner, lead.key)
    spec = check_pipeline(app, lead.pipeline)
    check_step(spec, step)
    if step == lead.step:
        raise DataError(_("lead {key!r} is already in step {step!r}").format(
            key=lead.key, step=step), field="step")
    moved_at = resolve_at(app, at)
    last = last_step_change(session, lead)
    if last is not None and moved_at < last.at:
        raise DataError(
            _("lead {key!r} cannot move to {step!r} at {moved_at}: it entered "
            "{step2!r} later, at {at}").format(
                key=lead.key, step=step, moved_at=local_text(moved_at, app.tz),
                step2=last.step, at=local_text(last.at, app.tz)), field="at"

        )
    assert lead.id is not None  # a stored lead
    change = StepChange(lead_id=lead.id, at=moved_at, step=step)
    lead.step = step
    session.add(lead)
    session.add(change)
    session.flush()
    fire(session, app, "salesplan_step_changed", lead=lead, step_change=change)
    return change


def set_status(
    session: Session,
    app: AppContext,
    *,
    lead: Lead,
    status: str,
    remind_at: date | datetime | None = None,
    at: datetime | None = None,
    actor: Actor = LOCAL_ADMIN,
) -> None:
    """Set the lead's status. Standby needs ``remind_at`` (a date is local midnight)."""
    check_sees(actor, lead.owner, "lead", lead.key)
    check_changes_lead(actor, lead.owner, lead.key)
    check_status(status)
    when = resolve_at(app, at)
    if status == "standby":
        if remind_at is None:
            raise DataError(_("standby needs a reminder date (lead {key!r})").format(key=lead.key),
                            field="remind_at")
        lead.remind_at = resolve_day_start(app, remind_at)
    else:
        if remind_at is not None:
            raise DataError(_("a reminder date only goes with standby, not {status!r}").format(
                status=status),
                            field="remind_at")
        lead.remind_at = None
    closing = status in CLOSED_STATUSES and lead.status != status
    if status in CLOSED_STATUSES:
        lead.closed_at = when
    else:
        lead.closed_at = None
    lead.status = status
    session.add(lead)
    session.flush()
    if closing:
        fire(session, app, "salesplan_lead_closed", lead=lead)


def standby_due(app: AppContext, lead: Lead, day: date | None = None) -> bool:
    """A standby lead whose reminder date is on or before ``day`` (default today)."""
    if lead.status != "standby" or lead.remind_at is None:
        return False
    day = day or today(app.tz)
    _start, end = day_range_utc(day, day, app.tz)
    return lead.remind_at < end


def effective_status(app: AppContext, lead: Lead, day: date | None = None) -> str:
    """The status to show: a due standby lead is shown as todo (SPEC §4)."""
    return "todo" if standby_due(app, lead, day) else lead.status


def due_standby_leads(
    session: Session, app: AppContext, *, owner: str | None = None, day: date | None = None,
    actor: Actor = LOCAL_ADMIN,
) -> list[Lead]:
    """Standby leads whose reminder date has come (they count as todo), oldest first; a rep
    gets their own."""
    day = day or today(app.tz)
    _start, end = day_range_utc(day, day, app.tz)
    query = select(Lead).where(Lead.status == "standby", col(Lead.remind_at) < end)
    if owner is not None:
        query = query.where(Lead.owner == owner)
    visible = owner_clause(actor, col(Lead.owner))
    if visible is not None:
        query = query.where(visible)
    return list(session.exec(query.order_by(col(Lead.remind_at), col(Lead.id))).all())

