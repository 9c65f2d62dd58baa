"""Data the config no longer describes: open leads in a step their pipeline lost, leads and
reminders of a member who left the config, history of an action type that was removed.

``salesplan check`` reports them (exit status 2) and the terminal UI's step editor asks
where to move open leads before it removes a step. Every count is one grouped query on
small results (open leads by pipeline and step, by owner; open reminders by member and type;
actions by type from the monthly rollup ``activity_month``), so the check costs the same on
a big base.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import func, select
from sqlmodel import Session, col

from salesplan.core.access import LOCAL_ADMIN, Actor
from salesplan.core.db.models import Lead, Prospect, Reminder
from salesplan.core.formatting import money
from salesplan.core.i18n import _, ngettext
from salesplan.core.reports.tables import activity_month
from salesplan.core.statuses import OPEN_STATUSES

if TYPE_CHECKING:
    from sqlalchemy import CursorResult

    from salesplan.core.app import AppContext


def open_leads_by_step(session: Session, pipeline: str) -> dict[str, tuple[int, float]]:
    """``{step: (open leads, their amount)}`` of a pipeline, whatever the config says."""
    rows = session.execute(
        select(col(Lead.step), func.count(), func.coalesce(func.sum(Lead.amount), 0))
        .where(col(Lead.pipeline) == pipeline, col(Lead.status).in_(OPEN_STATUSES))
        .group_by(col(Lead.step))).all()
    return {step: (int(count), float(amount)) for step, count, amount in rows}


def _leads_in_lost_steps(session: Session, app: AppContext) -> list[str]:
    found: list[str] = []
    rows = session.execute(
        select(col(Lead.pipeline), col(Lead.step), func.count(),
               func.coalesce(func.sum(Lead.amount), 0))
        .where(col(Lead.status).in_(OPEN_STATUSES))
        .group_by(col(Lead.pipeline), col(Lead.step))).all()
    currency = app.config.team.currency
    for pipeline_id, step, count, amount in rows:
        pipeline = app.config.pipeline(pipeline_id)
        if pipeline is not None and step in pipeline.steps:
            continue
        where = (_("step {step!r} that pipeline {pipeline!r} no longer has")
                 if pipeline is not None else _("pipeline {pipeline!r} that the config no "
                                                "longer has (step {step!r})"))
        found.append(ngettext(
            "{count} open lead ({amount}) in {where}",
            "{count} open leads ({amount}) in {where}", int(count)).format(
                count=count, amount=money(float(amount), currency),
                where=where.format(step=step, pipeline=pipeline_id))
            + " — " + _("move them with `salesplan lead move`, or put the step back"))
    return found


def _unknown_owners(session: Session, app: AppContext) -> list[str]:
    known = {member.id for member in app.config.members}
    found: list[str] = []
    leads = session.execute(
        select(col(Lead.owner), func.count()).where(col(Lead.status).in_(OPEN_STATUSES))
        .group_by(col(Lead.owner))).all()
    for owner, count in leads:
        if owner not in known:
            found.append(ngettext(
                "{count} open lead owned by {owner!r}, who is not a member any more",
                "{count} open leads owned by {owner!r}, who is not a member any more",
                int(count)).format(count=count, owner=owner)
                + " — " + _("give them to someone with `salesplan lead edit KEY --owner`"))
    prospects = session.execute(
        select(col(Prospect.owner), func.count()).where(col(Prospect.owner).is_not(None))
        .group_by(col(Prospect.owner))).all()
    for owner, count in prospects:
        if owner not in known:
            found.append(ngettext(
                "{count} prospect owned by {owner!r}, who is not a member any more",
                "{count} prospects owned by {owner!r}, who is not a member any more",
                int(count)).format(count=count, owner=owner))
    return found


def _unknown_types(session: Session, app: AppContext) -> list[str]:
    known = set(app.registry.action_types)
    found: list[str] = []
    history = session.execute(
        select(activity_month.c.action_type, func.sum(activity_month.c.actions))
        .group_by(activity_month.c.action_type)).all()
    for action_type, count in history:
        if action_type not in known and count:
            found.append(ngettext(
                "{count} action of type {action_type!r}, which no enabled plugin or config "
                "defines",
                "{count} actions of type {action_type!r}, which no enabled plugin or config "
                "defines", int(count)).format(count=count, action_type=action_type)
                + " — " + _("reports leave them out; put the type back to count them"))
    reminders = session.execute(
        select(col(Reminder.member), col(Reminder.action_type), func.count())
        .where(col(Reminder.done).is_(False))
        .group_by(col(Reminder.member), col(Reminder.action_type))).all()
    members = {member.id for member in app.config.members}
    for member, action_type, count in reminders:
        if member not in members or action_type not in known:
            found.append(ngettext(
                "{count} open reminder ({action_type} for {member!r}) that the config cannot "
                "show",
                "{count} open reminders ({action_type} for {member!r}) that the config "
                "cannot show", int(count)).format(
                    count=count, action_type=action_type, member=member))
    return found


def find_strandings(session: Session, app: AppContext) -> list[str]:
    """What the base holds that the config no longer describes, one sentence each."""
    return [*_leads_in_lost_steps(session, app), *_unknown_owners(session, app),
            *_unknown_types(session, app)]


def move_open_leads(session: Session, app: AppContext, *, pipeline: str,
                    from_steps: Sequence[str], to_step: str, at: datetime | None = None,
                    actor: Actor = LOCAL_ADMIN) -> int:
    """Move every open lead of ``pipeline`` in ``from_steps`` to ``to_step`` (a step of the
    pipeline in ``app``'s config), each a step change as ``lead move`` makes; the count."""
    from salesplan.core.services.leads import move_lead

    leads = list(session.scalars(
        select(Lead).where(col(Lead.pipeline) == pipeline, col(Lead.step).in_(from_steps),
                           col(Lead.status).in_(OPEN_STATUSES))
        .order_by(col(Lead.id))).all())
    for lead in leads:
        move_lead(session, app, lead=lead, step=to_step, at=at, actor=actor)
    return len(leads)


def owned_by(session: Session, member: str) -> tuple[int, int, int]:
    """(open leads, prospects, open reminders) of ``member``."""
    leads = session.execute(select(func.count()).select_from(Lead).where(
        col(Lead.owner) == member, col(Lead.status).in_(OPEN_STATUSES))).scalar()
    prospects = session.execute(select(func.count()).select_from(Prospect).where(
        col(Prospect.owner) == member)).scalar()
    reminders = session.execute(select(func.count()).select_from(Reminder).where(
        col(Reminder.member) == member, col(Reminder.done).is_(False))).scalar()
    return int(leads or 0), int(prospects or 0), int(reminders or 0)


def hand_over(session: Session, app: AppContext, *, member: str, to: str) -> tuple[int, int, int]:
    """Give ``member``'s open leads, prospects and open reminders to ``to`` (a member of
    ``app``'s config); the counts. Closed leads stay theirs: the history of who won what."""
    from sqlalchemy import update

    from salesplan.core.db.models import table_of
    from salesplan.core.services.common import check_member

    check_member(app, to, "owner")
    leads, prospects, reminders = (table_of(Lead), table_of(Prospect), table_of(Reminder))
    moved_leads = session.execute(update(leads).where(
        leads.c.owner == member, leads.c.status.in_(OPEN_STATUSES)).values(owner=to))
    moved_prospects = session.execute(update(prospects).where(
        prospects.c.owner == member).values(owner=to))
    moved_reminders = session.execute(update(reminders).where(
        reminders.c.member == member, reminders.c.done.is_(False)).values(member=to))
    counts = [int(cast("CursorResult[Any]", result).rowcount)
              for result in (moved_leads, moved_prospects, moved_reminders)]
    return counts[0], counts[1], counts[2]
