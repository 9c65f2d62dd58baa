"""API tokens (SPEC §11): ``salesplan token create|list|revoke`` and Bearer authentication.

A token is ``spk_`` followed by ``secrets.token_urlsafe(32)`` (256 random bits); only its
SHA-256 is stored, so the base never holds a usable token. It is shown once, when created.
A token acts with its member's account role, and stops working when it is revoked or the
account is disabled.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlmodel import Session, col, select

from salesplan.core.access import LOCAL_ADMIN, Actor, require
from salesplan.core.calendar import utc_now
from salesplan.core.db.models import Account, ApiToken, table_of
from salesplan.core.errors import AuthenticationError, DataError, NotFoundError
from salesplan.core.services.accounts import account_actor, get_account
from salesplan.core.services.keys import MAX_ID

if TYPE_CHECKING:
    from salesplan.core.app import AppContext
from salesplan.core.i18n import _

TOKEN_PREFIX = "spk_"
LAST_USED_EVERY = timedelta(minutes=1)
"""``last_used_at`` is written at most this often per token (not once per request)."""


def token_hash(token: str) -> str:
    """The stored form of a token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    session: Session, app: AppContext, *, member: str, name: str = "",
    actor: Actor = LOCAL_ADMIN,
) -> tuple[ApiToken, str]:
    """A new token for a member with an account: the row and the token itself (to show once;
    only its hash is stored). Flushes; the caller commits."""
    require(actor, "tokens")
    account = get_account(session, member)
    if account.disabled:
        raise DataError(_("the account of {member!r} is disabled").format(
            member=member), field="member")
    name = name.strip()
    if len(name) > 100:
        raise DataError(_("a token name has at most 100 characters"), field="name")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(member=member, name=name, token_hash=token_hash(token),
                   created_at=utc_now())
    session.add(row)
    session.flush()
    return row, token


def list_tokens(session: Session, *, actor: Actor = LOCAL_ADMIN) -> list[ApiToken]:
    require(actor, "tokens")
    return list(session.exec(select(ApiToken).order_by(col(ApiToken.id))).all())


def revoke_token(session: Session, *, token_id: int, actor: Actor = LOCAL_ADMIN) -> ApiToken:
    require(actor, "tokens")
    row = session.get(ApiToken, token_id) if 0 < token_id <= MAX_ID else None
    if row is None:
        raise NotFoundError(_("unknown token {token_id}").format(token_id=token_id))
    if row.revoked_at is not None:
        raise DataError(_("token {token_id} is already revoked").format(token_id=token_id))
    row.revoked_at = utc_now()
    session.add(row)
    session.flush()
    return row


def authenticate(app: AppContext, token: str) -> Actor:
    """The actor of a Bearer token; ``AuthenticationError`` for a missing, unknown or revoked
    token or a disabled account. Reads in a read transaction; ``last_used_at`` is refreshed
    (at most once a minute) in a short write of its own."""
    if not token.startswith(TOKEN_PREFIX):
        raise AuthenticationError(_("invalid token"))
    with app.session() as session:
        found = session.exec(
            select(ApiToken, Account)
            .join(Account, col(Account.member) == col(ApiToken.member), isouter=True)
            .where(ApiToken.token_hash == token_hash(token))
        ).first()
        if found is None or found[0].revoked_at is not None:
            raise AuthenticationError(_("invalid or revoked token"))
        row, account = found
        actor = account_actor(app, account, row.member)
        token_id, last_used = row.id, row.last_used_at
    now = utc_now()
    if last_used is None or now - last_used >= LAST_USED_EVERY:
        with app.write_connection() as connection:
            connection.execute(update(table_of(ApiToken))
                               .where(table_of(ApiToken).c.id == token_id)
                               .values(last_used_at=now))
    return actor
