"""Reminders (scheduled actions): what is due, and closing one when its action is logged."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, cast

from sqlalchemy import case, distinct, func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from salesplan.core.access import (
    LOCAL_ADMIN,
    Actor,
    check_acts_as,
    check_sees,
    member_clause,
    sees_owner,
)
from salesplan.core.calendar import day_range_utc, today
from salesplan.core.db.models import Action, Lead, Prospect, Reminder
from salesplan.core.errors import DataError
from salesplan.core.services.common import check_member, resolve_at, resolve_day_start

if TYPE_CHECKING:
    from salesplan.core.app import AppContext
from salesplan.core.i18n import _


def _due_query(
    app: AppContext, member: str | None, day: date | None, actor: Actor
) -> tuple[SelectOfScalar[Reminder], datetime]:
    """Open reminders due by the end of ``day``, and the start of ``day`` (UTC): a reminder
    due before it is late."""
    if member is not None:
        check_member(app, member)
    day = day or today(app.tz)
    start, end = day_range_utc(day, day, app.tz)
    query = select(Reminder).where(Reminder.done == False, col(Reminder.due_at) < end)  # noqa: E712
    if member is not None:
        query = query.where(Reminder.member == member)
    own = member_clause(actor, col(Reminder.member))
    if own is not None:
        query = query.where(own)
    return query, start


def due_reminders(
    session: Session, app: AppContext, *, member: str | None = None, day: date | None = None,
    actor: Actor = LOCAL_ADMIN, limit: int | None = None,
) -> list[Reminder]:
    """Open reminders due on or before the end of ``day`` (team timezone; default today),
    optionally for one member, by due date, the first ``limit`` of them; a rep gets their
    own only."""
    query, _start = _due_query(app, member, day, actor)
    query = query.order_by(col(Reminder.due_at), col(Reminder.id))
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query).all())


@dataclass(frozen=True)
class DueCounts:
    """How many reminders ``due_reminders`` would list without a limit, how many of them are
    late (due before the day), and for how many members."""

    due: int
    late: int
    members: int


def count_due_reminders(
    session: Session, app: AppContext, *, member: str | None = None, day: date | None = None,
    actor: Actor = LOCAL_ADMIN,
) -> DueCounts:
    """The counts of ``due_reminders``, in one aggregate query."""
    query, start = _due_query(app, member, day, actor)
    due = query.subquery("due")
    totals = select(
        func.count(),
        func.coalesce(func.sum(case((due.c.due_at < start, 1), else_=0)), 0),
        func.count(distinct(due.c.member)),
    ).select_from(due)
    counted, late, members = session.exec(totals).one()
    return DueCounts(due=int(counted), late=int(late), members=int(members))


def reminder_targets(
    session: Session, reminders: Iterable[Reminder], *, actor: Actor = LOCAL_ADMIN
) -> dict[int, str]:
    """``{reminder id: "lead L12 Acme renewal" | "prospect P7 Jane Roe"}`` for listing
    reminders: two queries in all (leads, prospects), not one per reminder. The title of a
    lead or prospect the actor may not see is left out."""
    rows = list(reminders)
    lead_ids = {r.lead_id for r in rows if r.lead_id is not None}
    prospect_ids = {r.prospect_id for r in rows if r.prospect_id is not None}
    leads: dict[int, str] = {}
    prospects: dict[int, str] = {}
    if lead_ids:
        query = select(Lead.id, Lead.key, Lead.title, Lead.owner).where(
            col(Lead.id).in_(lead_ids))
        # ``cast``: the primary key of a fetched row is never NULL.
        leads = {
            cast(int, i): f"lead {key} {title}" if sees_owner(actor, owner) else f"lead {key}"
            for i, key, title, owner in session.exec(query).all()
        }
    if prospect_ids:
        query_p = select(Prospect.id, Prospect.key, Prospect.name, Prospect.owner).where(
            col(Prospect.id).in_(prospect_ids)
        )
        prospects = {
            cast(int, i): (f"prospect {key} {name}" if sees_owner(actor, owner)
                           else f"prospect {key}")  # a fetched primary key is never NULL
            for i, key, name, owner in session.exec(query_p).all()
        }
    labels: dict[int, str] = {}
    for reminder in rows:
        assert reminder.id is not None
        if reminder.lead_id is not None:
            labels[reminder.id] = leads.get(reminder.lead_id, f"lead #{reminder.lead_id}")
        else:
            labels[reminder.id] = prospects.get(
                reminder.prospect_id or 0, f"prospect #{reminder.prospect_id}"
            )
    return labels


def close_matching_reminder(session: Session, action: Action) -> Reminder | None:
    """Mark done the oldest open reminder of this action's type, member and lead/prospect."""
    query = select(Reminder).where(
        Reminder.done == False,  # noqa: E712
        Reminder.action_type == action.action_type,
        Reminder.member == action.member,
    )
    if action.lead_id is not None:
        query = query.where(Reminder.lead_id == action.lead_id)
    else:
        query = query.where(Reminder.prospect_id == action.prospect_id)
    reminder = session.exec(query.order_by(col(Reminder.due_at), col(Reminder.id))).first()
    if reminder is None:
        return None
    reminder.done = True
    reminder.done_at = action.at
    reminder.done_by_action_id = action.id
    session.add(reminder)
    session.flush()
    return reminder


def schedule_reminder(
    session: Session,
    app: AppContext,
    *,
    action_type: str,
    member: str,
    due: date | datetime,
    lead: Lead | None = None,
    prospect: Prospect | None = None,
    note: str = "",
    at: datetime | None = None,
    actor: Actor = LOCAL_ADMIN,
) -> Reminder:
    """A reminder a rep schedules by hand (a date alone is local midnight); a rep schedules
    their own, on what they see."""
    if action_type not in app.registry.action_types:
        raise DataError(
            _("unknown action type {action_type!r} "
            "(known: {action_types})").format(
                action_type=action_type, action_types=', '.join(app.registry.action_types)),
            field="action_type",
        )
    check_member(app, member)
    check_acts_as(actor, member, "schedule reminders")
    if (lead is None) == (prospect is None):
        raise DataError(_("a reminder is on exactly one lead or prospect"), field="lead")
    if lead is not None:
        check_sees(actor, lead.owner, "lead", lead.key)
    if prospect is not None:
        check_sees(actor, prospect.owner, "prospect", prospect.key)
    reminder = Reminder(
        action_type=action_type,
        member=member,
        lead_id=lead.id if lead is not None else None,
        prospect_id=prospect.id if prospect is not None else None,
        due_at=resolve_day_start(app, due),
        note=note,
        source="manual",
        created_at=resolve_at(app, at),
    )
    session.add(reminder)
    session.flush()
    return reminder
