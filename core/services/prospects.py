"""Prospecting lists and prospects, and converting a prospect into a lead (keeping the link).

The link is ``Lead.prospect_id`` (unique): a prospect converts at most once.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from salesplan.core.access import (
    LOCAL_ADMIN,
    Actor,
    check_assigns,
    check_converts,
    check_sees,
    default_owner,
    sees_owner,
)
from salesplan.core.db.models import Lead, Prospect, ProspectingList
from salesplan.core.errors import DataError, NotFoundError
from salesplan.core.fields import check_text
from salesplan.core.services.common import check_member, resolve_at
from salesplan.core.services.keys import get_by_key, insert_with_key
from salesplan.core.services.leads import create_lead

if TYPE_CHECKING:
    from salesplan.core.app import AppContext
from salesplan.core.i18n import _


def get_prospect(session: Session, ref: str | int, *, actor: Actor = LOCAL_ADMIN) -> Prospect:
    """The prospect with this key (or, failing that, this integer id) that the actor sees;
    one they may not see is as unknown as a missing one."""
    prospect = get_by_key(session, Prospect, ref, "prospect")
    check_sees(actor, prospect.owner, "prospect", str(ref).strip())
    return prospect


def get_list(session: Session, name: str) -> ProspectingList:
    """The prospecting list with this name."""
    found = _find_list(session, name)
    if found is None:
        raise NotFoundError(_("unknown prospecting list {name!r}").format(name=name))
    return found


def _find_list(session: Session, name: str) -> ProspectingList | None:
    return session.exec(select(ProspectingList).where(ProspectingList.name == name)).first()


def ensure_list(
    session: Session, app: AppContext, *, name: str, at: datetime | None = None
) -> ProspectingList:
    """The prospecting list with this name, created if it does not exist yet."""
    name = name.strip()
    if not name:
        raise DataError(_("a prospecting list needs a name"), field="list")
    name = check_text(name, "list")
    found = _find_list(session, name)
    if found is not None:
        return found
    created = ProspectingList(name=name, created_at=resolve_at(app, at))
    session.add(created)
    session.flush()
    return created


def add_prospect(
    session: Session,
    app: AppContext,
    *,
    list_name: str,
    name: str,
    company: str = "",
    email: str = "",
    phone: str = "",
    owner: str | None = None,
    at: datetime | None = None,
    actor: Actor = LOCAL_ADMIN,
) -> Prospect:
    """A new prospect in a list (the list is created on first use). A rep's prospects are
    their own unless they leave them unassigned (``owner=""``)."""
    name = name.strip()
    if not name:
        raise DataError(_("a prospect needs a name"), field="name")
    name = check_text(name, "name")
    company, email, phone = (check_text(company, "company"), check_text(email, "email"),
                             check_text(phone, "phone"))
    owner = None if owner == "" else default_owner(actor, owner)
    if owner is not None:
        check_member(app, owner, "owner")
    check_assigns(actor, owner, "prospects")
    created_at = resolve_at(app, at)
    prospecting_list = ensure_list(session, app, name=list_name, at=at)
    assert prospecting_list.id is not None  # found, or flushed by ensure_list
    prospect = Prospect(
        key="",
        list_id=prospecting_list.id,
        name=name,
        company=company,
        email=email,
        phone=phone,
        owner=owner,
        created_at=created_at,
    )
    return insert_with_key(session, prospect)


def converted_lead(
    session: Session, prospect: Prospect, *, actor: Actor = LOCAL_ADMIN
) -> Lead | None:
    """The lead a prospect was converted into, if any (and if the actor sees it)."""
    lead = session.exec(select(Lead).where(Lead.prospect_id == prospect.id)).first()
    return lead if lead is not None and sees_owner(actor, lead.owner) else None


def convert_prospect(
    session: Session,
    app: AppContext,
    *,
    prospect: Prospect,
    pipeline: str,
    step: str | None = None,
    title: str | None = None,
    owner: str | None = None,
    amount: float = 0.0,
    at: datetime | None = None,
    actor: Actor = LOCAL_ADMIN,
) -> Lead:
    """Turn a prospect into a lead of ``pipeline`` linked to it.

    The title defaults to the prospect's company (else its name), the owner to the
    prospect's owner (for a rep converting an unassigned prospect: themselves); the
    prospect's custom fields (script answers) carry over.
    """
    check_sees(actor, prospect.owner, "prospect", prospect.key)
    check_converts(actor, prospect.owner, prospect.key)
    if title is None:
        title = prospect.company or prospect.name
    owner = default_owner(actor, owner or prospect.owner)
    if owner is None:
        raise DataError(_("prospect {key!r} has no owner: give the lead an owner").format(
            key=prospect.key),
                        field="owner")
    return create_lead(
        session,
        app,
        title=title,
        pipeline=pipeline,
        owner=owner,
        step=step,
        amount=amount,
        at=at,
        prospect=prospect,
        actor=actor,
    )
