"""Browser sessions of the cockpit (SPEC §11): sign-in, the session cookie, sign-out, the
sign-in limit, and making the launch ticket of an app process (the kernel checks it:
``salesplan.core.services.sessions``, with the signing key).

- **The cookie** is ``<session id>.<signature>``: a random id (256 bits) and its HMAC-SHA256
  under the key. The base keeps only the SHA-256 of the id (``cockpit_sessions``), when the
  session expires (``SESSION_HOURS`` after the sign-in) and when ``/logout`` ended it. A
  forged or altered cookie fails on the signature without a database read; a valid one is
  looked up each time, with its account, so a sign-out, an expiry or a disabled account stop
  it at once, and a role change applies to the next page or app process.
- **The sign-in limit**: each failure for a member id (an existing one or not, so the answer
  reveals nothing) is a row of ``sign_in_failures``; with ``MAX_FAILURES`` in the last
  ``FAILURE_WINDOW`` the member's sign-in answers "too many attempts" (429) without checking
  the password, until the oldest of them is older than the window. Kept in the base, the
  count holds across restarts and across servers sharing a PostgreSQL base. A successful
  sign-in clears the member's failures.

Nothing here prints or logs a password, a cookie, a ticket or the key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, insert, select, update

from salesplan.core.access import Actor
from salesplan.core.calendar import utc_now
from salesplan.core.db.models import CockpitSession, SignInFailure, table_of
from salesplan.core.errors import AuthenticationError
from salesplan.core.services.accounts import sign_in
from salesplan.core.services.sessions import (
    TICKET_SECONDS,
    open_session_actor,
    sign,
    signing_key,
)

if TYPE_CHECKING:
    from salesplan.core.app import AppContext

__all__ = ["SESSION_HOURS", "SignedIn", "TooManySignIns", "browser_sign_in", "end_session",
           "launch_ticket", "open_sessions", "session_actor", "signing_key"]

SESSION_HOURS = 12
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
MAX_MEMBER = 64

_sessions = table_of(CockpitSession)
_failures = table_of(SignInFailure)


class TooManySignIns(AuthenticationError):
    """``MAX_FAILURES`` failed sign-ins for this member in ``FAILURE_WINDOW``: HTTP 429."""

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, -(-retry_after // 60))
        super().__init__(f"too many failed sign-ins for this member: try again in "
                         f"{minutes} minute{'s' if minutes > 1 else ''}")
        self.retry_after = retry_after
        """Seconds until one more attempt is allowed."""


@dataclass(frozen=True)
class SignedIn:
    """A successful sign-in: who, and the cookie value to set (shown to nobody else)."""

    actor: Actor
    cookie: str
    expires_at: datetime


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def cookie_session_hash(key: bytes, cookie: str | None) -> str | None:
    """The stored hash of the session a cookie names, if its signature is right."""
    if not cookie or len(cookie) > 200:
        return None
    session_id, _, signature = cookie.partition(".")
    if not session_id or not hmac.compare_digest(signature, sign(key, "session", session_id)):
        return None
    return _hash(session_id)


def _failures_since(app: AppContext, member: str, since: datetime) -> list[datetime]:
    with app.read_connection() as connection:
        return list(connection.execute(
            select(_failures.c.at).where(_failures.c.member == member, _failures.c.at > since)
            .order_by(_failures.c.at)).scalars())


def browser_sign_in(
    app: AppContext, *, member: str, password: str, key: bytes, now: datetime | None = None
) -> SignedIn:
    """Check a member's password and open a session; ``TooManySignIns`` when the member has
    had ``MAX_FAILURES`` failures in the window (the password is then not checked), else an
    ``AuthenticationError`` with one message for every failure."""
    now = now or utc_now()
    member = member.strip()[:MAX_MEMBER]
    if not member:
        raise AuthenticationError("unknown member or wrong password")
    recent = _failures_since(app, member, now - FAILURE_WINDOW)
    if len(recent) >= MAX_FAILURES:
        wait = recent[-MAX_FAILURES] + FAILURE_WINDOW - now
        raise TooManySignIns(max(1, int(wait.total_seconds()) + 1))
    try:
        with app.write_session() as session:
            actor = sign_in(session, app, member=member, password=password)
            session.commit()  # a rehash of an old hash
    except AuthenticationError:
        with app.write_connection() as connection:
            connection.execute(insert(_failures).values(member=member, at=now))
            connection.execute(delete(_failures).where(_failures.c.at <= now - FAILURE_WINDOW))
        raise
    session_id = secrets.token_urlsafe(32)
    expires = now + timedelta(hours=SESSION_HOURS)
    with app.write_connection() as connection:
        connection.execute(delete(_failures).where(_failures.c.member == member))
        connection.execute(delete(_sessions).where(_sessions.c.expires_at <= now))
        connection.execute(insert(_sessions).values(
            id_hash=_hash(session_id), member=member, created_at=now, expires_at=expires))
    return SignedIn(actor, f"{session_id}.{sign(key, 'session', session_id)}", expires)


def session_actor(
    app: AppContext, cookie: str | None, key: bytes, now: datetime | None = None
) -> tuple[Actor, str]:
    """The actor of a session cookie and the session's hash; an ``AuthenticationError``
    for a missing, forged, expired or ended session or a disabled account."""
    id_hash = cookie_session_hash(key, cookie)
    if id_hash is None:
        raise AuthenticationError("no valid session: sign in")
    return open_session_actor(app, id_hash, now or utc_now()), id_hash


def end_session(app: AppContext, id_hash: str, now: datetime | None = None) -> None:
    """Sign a session out: its cookie (and its tickets) stop working."""
    with app.write_connection() as connection:
        connection.execute(update(_sessions)
                           .where(_sessions.c.id_hash == id_hash, _sessions.c.ended_at.is_(None))
                           .values(ended_at=now or utc_now()))


def open_sessions(app: AppContext, member: str) -> int:
    """How many unexpired, not ended sessions a member has (for ``user list``-like views
    and the tests)."""
    now = utc_now()
    with app.read_connection() as connection:
        return int(connection.execute(
            select(func.count()).select_from(_sessions).where(
                _sessions.c.member == member, _sessions.c.ended_at.is_(None),
                _sessions.c.expires_at > now)).scalar_one())


def launch_ticket(key: bytes, id_hash: str, now: datetime | None = None) -> str:
    """The ticket an app process started for session ``id_hash`` runs with."""
    expires = int((now or utc_now()).timestamp()) + TICKET_SECONDS
    payload = f"{id_hash}.{expires}"
    return f"{payload}.{sign(key, 'launch', payload)}"
