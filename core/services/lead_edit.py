"""Editing a lead (title, amount, owner, contact) and deleting one (issue 21).

Both follow the one rule of ``salesplan.core.access``: a lead the actor may not see is not
found, and only who may move and close a lead (a rep: their own; managers and admins: all)
may edit or delete it. A rep gives a lead to themselves only (``check_assigns``).

A lead's *contact* (name, company, e-mail, phone) is that of the prospect it was converted
from: editing it edits the prospect. A lead that was not converted from a prospect has none.

Deleting a lead deletes its step changes and reminders; its actions are deleted with it
(``with_actions``) or kept on its origin prospect, with its open reminders. The prospect is
then free to be converted again. Every rollup stays exact in the same transaction: the
rollups only ever *add* (``rollup_kit``), so each local month that held one of the lead's
actions is cleared and folded again from the raw actions, rollup by rollup, as a rebuild
does (a rollup whose fold fails is rolled back alone, its month recorded stale for the next
report to rebuild, and a warning kept, as when an action is logged). The raw-action tally
is kept by the database's triggers; the rows they leave at zero go, so
``salesplan check --rollups`` finds no difference. The conversion cohorts are recorded by
their own triggers.

No write event exists for an edit or a delete (``salesplan_step_changed`` and
``salesplan_lead_closed`` are about moves and closes), so none is fired.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from salesplan.core.access import (
    LOCAL_ADMIN,
    Actor,
    check_assigns,
    check_changes_lead,
    check_sees,
    sees_owner,
)
from salesplan.core.calendar import day_range_utc, local_date
from salesplan.core.db.models import Action, Lead, Prospect, Reminder, StepChange
from salesplan.core.db.query_tables import actions as actions_table
from salesplan.core.db.retired_ids import retire
from salesplan.core.errors import DataError, ForbiddenError
from salesplan.core.fields import check_text
from salesplan.core.i18n import _, ngettext
from salesplan.core.reports.rollup_kit import FoldScope
from salesplan.core.reports.rollup_state import (
    active_rollups,
    clear_month,
    clear_stale,
    day_spans,
    lock,
    mark_stale,
    month_days,
    relink,
)
from salesplan.core.reports.tables import action_tally
from salesplan.core.reports.touch_sets import month_start
from salesplan.core.services.common import check_amount, check_member, lock_row
from salesplan.core.services.leads import get_lead

if TYPE_CHECKING:
    from salesplan.core.app import AppContext

CONTACT_FIELDS = ("name", "company", "email", "phone")
"""The contact fields of a lead, kept on its origin prospect."""


def _lead(session: Session, ref: Lead | str | int, actor: Actor) -> Lead:
    """The lead the actor names and may change: not found unless they see it, forbidden
    unless they may move and close it."""
    lead = ref if isinstance(ref, Lead) else get_lead(session, ref, actor=actor)
    check_sees(actor, lead.owner, "lead", lead.key)
    check_changes_lead(actor, lead.owner, lead.key)
    return lead


def lead_contact(session: Session, lead: Lead) -> dict[str, str] | None:
    """The lead's contact (its origin prospect's name, company, e-mail, phone), or None for
    a lead that was not converted from a prospect."""
    prospect = session.get(Prospect, lead.prospect_id) if lead.prospect_id else None
    if prospect is None:
        return None
    return {name: getattr(prospect, name) for name in CONTACT_FIELDS}


def _check_contact(contact: Mapping[str, str | None]) -> dict[str, str]:
    """The given contact fields, checked (None: not given)."""
    unknown = sorted(set(contact) - set(CONTACT_FIELDS))
    if unknown:
        raise DataError(_("unknown contact field {field!r} (fields: {fields})").format(
            field=unknown[0], fields=", ".join(CONTACT_FIELDS)), field="contact")
    checked: dict[str, str] = {}
    for name in CONTACT_FIELDS:
        value = contact.get(name)
        if value is None:
            continue
        value = check_text(value, name)
        if name == "name" and not value:
            raise DataError(_("a prospect needs a name"), field="name")
        checked[name] = value
    return checked


def edit_lead(
    session: Session,
    app: AppContext,
    ref: Lead | str | int,
    *,
    actor: Actor = LOCAL_ADMIN,
    title: str | None = None,
    amount: float | str | None = None,
    owner: str | None = None,
    contact: Mapping[str, str | None] | None = None,
) -> Lead:
    """Change the lead's title, amount, owner and contact (None: keep); flushes, the caller
    commits. Every value is checked before anything changes; a call that changes nothing
    (no value given, or each the same as now) is a ``DataError``."""
    lead = _lead(session, ref, actor)
    changes: dict[str, object] = {}
    if title is not None:
        title = title.strip()
        if not title:
            raise DataError(_("a lead needs a title"), field="title")
        title = check_text(title, "title")
        if title != lead.title:
            changes["title"] = title
    if amount is not None:
        new_amount = check_amount(amount)
        if new_amount != lead.amount:
            changes["amount"] = new_amount
    if owner is not None:
        check_member(app, owner, "owner")
        if owner != lead.owner:
            check_assigns(actor, owner, "leads")
            changes["owner"] = owner
    prospect: Prospect | None = None
    contact_changes: dict[str, str] = {}
    wanted = _check_contact(contact or {})
    if wanted:
        prospect = session.get(Prospect, lead.prospect_id) if lead.prospect_id else None
        if prospect is None:
            raise DataError(_("lead {key} has no contact: it was not converted from a "
                              "prospect").format(key=lead.key), field="contact")
        if not sees_owner(actor, prospect.owner):
            raise ForbiddenError(_("{describe} may not change the contact of lead {key}: it "
                                   "is prospect {prospect}'s, which is not theirs").format(
                describe=actor.describe(), key=lead.key, prospect=prospect.key),
                field="contact")
        contact_changes = {name: given for name, given in wanted.items()
                           if given != getattr(prospect, name)}
    if not changes and not contact_changes:
        raise DataError(_("nothing to change on lead {key}").format(key=lead.key))
    for name, changed in changes.items():
        setattr(lead, name, changed)
    session.add(lead)
    if prospect is not None and contact_changes:
        for name, text_value in contact_changes.items():
            setattr(prospect, name, text_value)
        session.add(prospect)
    session.flush()
    return lead


# --------------------------------------------------------------------------- delete


@dataclass
class DeletedLead:
    """What deleting a lead does (or did): counts of what went and what moved."""

    key: str
    title: str
    with_actions: bool
    prospect: str | None
    """The key of the origin prospect (now free to be converted again), if any."""
    step_changes: int = 0
    actions_deleted: int = 0
    actions_moved: int = 0
    reminders_deleted: int = 0
    reminders_moved: int = 0
    months_refolded: int = 0
    warnings: list[str] | None = None

    def summary(self) -> list[str]:
        """What goes and what moves, one line each, for a person."""
        lines = [ngettext("{n} step change deleted", "{n} step changes deleted",
                          self.step_changes).format(n=self.step_changes)]
        if self.actions_deleted or not self.actions_moved:
            lines.append(ngettext("{n} action deleted", "{n} actions deleted",
                                  self.actions_deleted).format(n=self.actions_deleted))
        if self.actions_moved:
            lines.append(ngettext("{n} action moved onto prospect {prospect}",
                                  "{n} actions moved onto prospect {prospect}",
                                  self.actions_moved).format(n=self.actions_moved,
                                                             prospect=self.prospect))
        lines.append(ngettext("{n} reminder deleted", "{n} reminders deleted",
                              self.reminders_deleted).format(n=self.reminders_deleted))
        if self.reminders_moved:
            lines.append(ngettext("{n} open reminder moved onto prospect {prospect}",
                                  "{n} open reminders moved onto prospect {prospect}",
                                  self.reminders_moved).format(n=self.reminders_moved,
                                                               prospect=self.prospect))
        if self.prospect is not None:
            lines.append(_("prospect {prospect} can be converted again").format(
                prospect=self.prospect))
        return lines


def _count(session: Session, model: type[StepChange] | type[Action] | type[Reminder],
           *conditions: object) -> int:
    return int(session.exec(
        select(func.count()).select_from(model).where(*conditions)  # type: ignore[arg-type]
    ).one())


def plan_lead_deletion(
    session: Session, app: AppContext, ref: Lead | str | int, *, with_actions: bool,
    actor: Actor = LOCAL_ADMIN,
) -> DeletedLead:
    """What ``delete_lead`` would do, without writing anything; the same refusals."""
    lead = _lead(session, ref, actor)
    prospect = session.get(Prospect, lead.prospect_id) if lead.prospect_id else None
    on_lead = col(Action.lead_id) == lead.id
    actions = _count(session, Action, on_lead)
    if actions and not with_actions and prospect is None:
        raise DataError(
            ngettext(
                "lead {key} has {n} action and was not converted from a prospect, so it "
                "cannot be kept: pass --with-actions to delete it with the lead, or close the "
                "lead instead (lead status {key} cancelled)",
                "lead {key} has {n} actions and was not converted from a prospect, so they "
                "cannot be kept: pass --with-actions to delete them with the lead, or close "
                "the lead instead (lead status {key} cancelled)",
                actions).format(key=lead.key, n=actions),
            field="with_actions")
    reminder_of_lead = col(Reminder.lead_id) == lead.id
    kept = not with_actions and prospect is not None
    moved_reminders = _count(session, Reminder, reminder_of_lead,
                             col(Reminder.done).is_(False)) if kept else 0
    return DeletedLead(
        key=lead.key,
        title=lead.title,
        with_actions=with_actions,
        prospect=prospect.key if prospect is not None else None,
        step_changes=_count(session, StepChange, col(StepChange.lead_id) == lead.id),
        actions_deleted=0 if kept else actions,
        actions_moved=actions if kept else 0,
        reminders_deleted=_count(session, Reminder, reminder_of_lead) - moved_reminders,
        reminders_moved=moved_reminders,
    )


def delete_lead(
    session: Session, app: AppContext, ref: Lead | str | int, *, with_actions: bool,
    actor: Actor = LOCAL_ADMIN,
) -> DeletedLead:
    """Delete the lead, its step changes and its reminders; its actions go with it
    (``with_actions``) or move onto its origin prospect with its open reminders (a lead
    with actions and no prospect is then a ``DataError``). Keeps every rollup exact;
    flushes, the caller commits. ``warnings`` holds what a failing rollup fold left (its
    month is rebuilt by the next report)."""
    lead = _lead(session, ref, actor)
    lock_row(session, lead)  # PostgreSQL: actions being logged on it wait for the delete
    prospect = session.get(Prospect, lead.prospect_id) if lead.prospect_id else None
    if prospect is not None:
        lock_row(session, prospect)
    plan = plan_lead_deletion(session, app, lead, with_actions=with_actions, actor=actor)
    lead_id = lead.id
    assert lead_id is not None  # a stored lead
    touched = session.exec(
        select(Action.id, Action.at, Action.member).where(col(Action.lead_id) == lead_id)
    ).all()
    action_ids = [action_id for action_id, _at, _member in touched]
    session.flush()
    reminders = Reminder.__table__  # type: ignore[attr-defined]
    if plan.reminders_moved:
        assert prospect is not None
        session.execute(update(reminders).where(
            reminders.c.lead_id == lead_id, reminders.c.done.is_(False)
        ).values(lead_id=None, prospect_id=prospect.id))
    session.execute(delete(reminders).where(reminders.c.lead_id == lead_id))
    actions = Action.__table__  # type: ignore[attr-defined]
    if plan.actions_moved:
        assert prospect is not None
        session.execute(update(actions).where(actions.c.lead_id == lead_id)
                        .values(lead_id=None, prospect_id=prospect.id))
    elif with_actions and action_ids:
        for start in range(0, len(action_ids), 500):
            part = action_ids[start:start + 500]
            # Reminders elsewhere that name a deleted action keep their state, not the link.
            session.execute(update(reminders).where(reminders.c.created_by_action_id.in_(part))
                            .values(created_by_action_id=None))
            session.execute(update(reminders).where(reminders.c.done_by_action_id.in_(part))
                            .values(done_by_action_id=None))
        session.execute(delete(actions).where(actions.c.lead_id == lead_id))
        _forget_empty_tally(session, [(at, member) for _id, at, member in touched])
    steps = StepChange.__table__  # type: ignore[attr-defined]
    session.execute(delete(steps).where(steps.c.lead_id == lead_id))
    leads = Lead.__table__  # type: ignore[attr-defined]
    session.execute(delete(leads).where(leads.c.id == lead_id))
    # Their keys must never name another lead or action (SQLite would give the ids again).
    retire(session.connection(), "leads", [lead_id])
    if with_actions:
        retire(session.connection(), "actions", [i for i in action_ids if i is not None])
    session.expunge(lead)
    if prospect is not None:
        session.expire(prospect)
    months = {month_start(local_date(at, app.tz)) for _id, at, _member in touched}
    plan.warnings = refold_months(session, app, months)
    plan.months_refolded = len(months)
    session.flush()
    return plan


def _forget_empty_tally(session: Session, deleted: list[tuple[datetime, str]]) -> None:
    """Drop the tally rows the delete trigger left at zero (a recount has none)."""
    pairs = {(at.astimezone(UTC).date(), member) for at, member in deleted}
    for day, member in sorted(pairs):
        session.execute(delete(action_tally).where(
            action_tally.c.day == day, action_tally.c.member == member,
            action_tally.c.actions <= 0))


def refold_months(session: Session, app: AppContext, months: set[date]) -> list[str]:
    """Clear and fold again, in the caller's transaction, the local ``months`` of every
    active rollup from the raw actions (after actions were deleted or moved: a fold only
    adds). Each rollup's month in its own savepoint: one that fails is rolled back alone,
    its month marked stale; returns their messages."""
    if not months:
        return []
    specs = active_rollups(app)
    lock(session, specs)
    warnings: list[str] = []
    for month in sorted(months):
        first, last = month_days(month)
        lo, hi = day_range_utc(first, last, app.tz)
        scope = FoldScope(month=month, days=day_spans(app, first, last),
                          actions=(actions_table.c.at >= lo, actions_table.c.at < hi))
        for spec in specs:
            savepoint = session.begin_nested()
            try:
                clear_month(session, spec, month)
                spec.fold(session, scope)
                relink(session, spec, month, month=month)
                clear_stale(session, [spec.name], month)
            except Exception as exc:
                savepoint.rollback()
                mark_stale(session, spec.name, month)
                owner = app.registry.owners.get(("rollup", spec.name), "core")
                warnings.append(
                    f"rollup {spec.name!r} (plugin {owner!r}) could not be counted again "
                    f"({type(exc).__name__}: {exc}); the next report rebuilds {month:%Y-%m}")
            else:
                savepoint.commit()
    return warnings

