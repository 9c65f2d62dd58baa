"""Member accounts (SPEC §11): who signs in, with which role; ``salesplan user …``.

An account belongs to a configured member; its role (rep, manager, admin) is what the API
and the browser act with. Only the local admin (or an admin actor) manages accounts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from salesplan.core.access import LOCAL_ADMIN, ROLES, Actor, Role, require
from salesplan.core.calendar import utc_now
from salesplan.core.db.models import Account
from salesplan.core.errors import AuthenticationError, DataError, NotFoundError
from salesplan.core.services.common import check_member
from salesplan.core.services.passwords import hash_password, needs_rehash, verify_password

if TYPE_CHECKING:
    from salesplan.core.app import AppContext
from salesplan.core.i18n import _


def check_role(role: str) -> Role:
    """``role`` if it is one of rep, manager, admin."""
    if role not in ROLES:
        raise DataError(_("unknown role {role!r} (roles: {roles})").format(
            role=role, roles=', '.join(ROLES)), field="role")
    return role


def find_account(session: Session, member: str) -> Account | None:
    """The account of ``member``, if they have one."""
    return session.exec(select(Account).where(Account.member == member)).first()


def get_account(session: Session, member: str) -> Account:
    found = find_account(session, member)
    if found is None:
        raise NotFoundError(
            _("member {member!r} has no account (salesplan user add {member})").format(
                member=member))

    return found


def add_account(
    session: Session, app: AppContext, *, member: str, role: str, password: str,
    actor: Actor = LOCAL_ADMIN,
) -> Account:
    """A new account for a configured member (flushes; the caller commits)."""
    require(actor, "users")
    check_member(app, member)
    checked = check_role(role)
    if find_account(session, member) is not None:
        raise DataError(_("member {member!r} already has an account").format(
            member=member), field="member")
    now = utc_now()
    account = Account(member=member, role=checked, password_hash=hash_password(password),
                      disabled=False, created_at=now, updated_at=now)
    session.add(account)
    session.flush()
    return account


def list_accounts(session: Session, *, actor: Actor = LOCAL_ADMIN) -> list[Account]:
    require(actor, "users")
    return list(session.exec(select(Account).order_by(col(Account.member))).all())


def set_password(
    session: Session, *, member: str, password: str, actor: Actor = LOCAL_ADMIN
) -> Account:
    """Replace a member's password (the hash)."""
    require(actor, "users")
    account = get_account(session, member)
    account.password_hash = hash_password(password)
    account.updated_at = utc_now()
    session.add(account)
    session.flush()
    return account


def disable_account(session: Session, *, member: str, actor: Actor = LOCAL_ADMIN) -> Account:
    """Disable an account: its tokens and sessions stop working at once."""
    require(actor, "users")
    account = get_account(session, member)
    if account.disabled:
        raise DataError(_("the account of {member!r} is already disabled").format(
            member=member), field="member")
    account.disabled = True
    account.updated_at = utc_now()
    session.add(account)
    session.flush()
    return account


def account_actor(app: AppContext, account: Account | None, member: str) -> Actor:
    """The actor a signed-in account acts as; an ``AuthenticationError`` for a disabled
    account or a member no longer in the config."""
    if account is None or account.disabled or app.config.member(member) is None:
        raise AuthenticationError(_("this account is disabled or unknown"))
    return Actor(member=member, role=check_role(account.role))


def sign_in(session: Session, app: AppContext, *, member: str, password: str) -> Actor:
    """The actor of a member whose password is right (the browser's sign-in); one
    ``AuthenticationError`` message for every failure, so it reveals nothing."""
    account = find_account(session, member)
    if account is None or not verify_password(account.password_hash, password):
        raise AuthenticationError(_("unknown member or wrong password"))
    actor = account_actor(app, account, member)
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
        session.add(account)
        session.flush()
    return actor
