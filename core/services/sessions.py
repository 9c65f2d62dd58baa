"""Browser sessions of the cockpit (SPEC §11): sign-in, the session cookie, sign-out, the
sign-in limit, and the ticket an app process proves its member with.

- **The signing key** is 32 random bytes made on the first use and kept in ``salesplan_meta``
  (``cockpit_secret``), so every server on one base signs alike and a restart keeps everyone
  signed in. Whoever can read the base can read it — and is the admin anyway (README, "Team
  access").
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
- **The launch ticket** (``launch_ticket`` / ``ticket_actor``): the app process the server
  starts for a browser session gets, in its environment (``SALESPLAN_COCKPIT_TICKET``), never on its
  command line, ``<session hash>.<expiry>.<signature>``: the session it runs for, valid
  ``TICKET_SECONDS``. The process checks the signature with the key from the base, then that
  the session is still open, and runs as its member with the account's role. Forging one
  needs the key, so the base: an environment variable alone makes nobody anybody.

Nothing here prints or logs a password, a cookie, a ticket or the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from salesplan.core.access import Actor
from salesplan.core.calendar import utc_now
from salesplan.core.db.models import Account, CockpitSession, Meta, SignInFailure, table_of
from salesplan.core.errors import AuthenticationError
from salesplan.core.services.accounts import check_role, sign_in

if TYPE_CHECKING:
    from salesplan.core.app import AppContext

SECRET_KEY = "cockpit_secret"
"""The ``salesplan_meta`` key of the signing key (hex)."""
SESSION_HOURS = 12
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
TICKET_SECONDS = 120
"""How long a launch ticket is good for: an app process reads it as it starts."""
MAX_MEMBER = 64

_meta = table_of(Meta)
_sessions = table_of(CockpitSession)
_failures = table_of(SignInFailure)
_accounts = table_of(Account)


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


# ------------------------------------------------------------------------------- the key


def signing_key(app: AppContext) -> bytes:
    """The cockpit's signing key, made and stored in the base the first time (two servers
    racing to make it keep the one written first)."""
    with app.read_connection() as connection:
        found = connection.execute(
            select(_meta.c.value).where(_meta.c.key == SECRET_KEY)).scalar()
    if found:
        return bytes.fromhex(found)
    try:
        with app.write_connection() as connection:
            connection.execute(insert(_meta).values(key=SECRET_KEY,
                                                    value=secrets.token_hex(32)))
    except IntegrityError:
        pass  # another process made it first: use theirs
    with app.read_connection() as connection:
        made = connection.execute(
            select(_meta.c.value).where(_meta.c.key == SECRET_KEY)).scalar_one()
    return bytes.fromhex(made)


def _sign(key: bytes, purpose: str, payload: str) -> str:
    digest = hmac.new(key, f"{purpose}:{payload}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def cookie_session_hash(key: bytes, cookie: str | None) -> str | None:
    """The stored hash of the session a cookie names, if its signature is right."""
    if not cookie or len(cookie) > 200:
        return None
    session_id, _, signature = cookie.partition(".")
    if not session_id or not hmac.compare_digest(signature, _sign(key, "session", session_id)):
        return None
    return _hash(session_id)


# ------------------------------------------------------------------------------- sign-in


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
    return SignedIn(actor, f"{session_id}.{_sign(key, 'session', session_id)}", expires)


def _open_session_actor(app: AppContext, id_hash: str, now: datetime) -> Actor:
    with app.read_connection() as connection:
        row = connection.execute(
            select(_sessions.c.member, _sessions.c.expires_at, _sessions.c.ended_at,
                   _accounts.c.role, _accounts.c.disabled)
            .join(_accounts, _accounts.c.member == _sessions.c.member, isouter=True)
            .where(_sessions.c.id_hash == id_hash)).first()
    if row is None or row.ended_at is not None or row.expires_at <= now:
        raise AuthenticationError("this session has ended: sign in again")
    if row.role is None or row.disabled or app.config.member(row.member) is None:
        raise AuthenticationError("this account is disabled or unknown")
    return Actor(member=row.member, role=check_role(row.role))


def session_actor(
    app: AppContext, cookie: str | None, key: bytes, now: datetime | None = None
) -> tuple[Actor, str]:
    """The actor of a session cookie and the session's hash; an ``AuthenticationError``
    for a missing, forged, expired or ended session or a disabled account."""
    id_hash = cookie_session_hash(key, cookie)
    if id_hash is None:
        raise AuthenticationError("no valid session: sign in")
    return _open_session_actor(app, id_hash, now or utc_now()), id_hash


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


# ------------------------------------------------------------------------------- tickets


def launch_ticket(key: bytes, id_hash: str, now: datetime | None = None) -> str:
    """The ticket an app process started for session ``id_hash`` runs with."""
    expires = int((now or utc_now()).timestamp()) + TICKET_SECONDS
    payload = f"{id_hash}.{expires}"
    return f"{payload}.{_sign(key, 'launch', payload)}"


def ticket_actor(app: AppContext, ticket: str, now: datetime | None = None) -> Actor:
    """The actor an app process started with ``ticket`` runs as; an
    ``AuthenticationError`` for a forged or expired ticket or a session that has ended."""
    now = now or utc_now()
    id_hash, _, rest = ticket.strip().partition(".")
    expires, _, signature = rest.partition(".")
    key = signing_key(app)
    valid = (expires.isdigit() and hmac.compare_digest(
        signature, _sign(key, "launch", f"{id_hash}.{expires}")))
    if not valid:
        raise AuthenticationError("the cockpit ticket is not valid")
    if int(expires) < now.timestamp():
        raise AuthenticationError("the cockpit ticket has expired: reload the page")
    return _open_session_actor(app, id_hash, now)
