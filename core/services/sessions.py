"""The cockpit's signing key and the launch ticket an app process proves its member with
(SPEC §11): what the kernel's ``salesplan tui`` needs to run as a browser session's member,
whether or not the cockpit plugin is enabled. Signing in, the session cookie, sign-out and the
sign-in limit are the cockpit plugin's (``salesplan.plugins.cockpit.sessions``).

- **The signing key** is 32 random bytes made on the first use and kept in ``salesplan_meta``
  (``cockpit_secret``), so every server on one base signs alike and a restart keeps everyone
  signed in. Whoever can read the base can read it — and is the admin anyway (README, "Team
  access").
- **The launch ticket** (``ticket_actor``; the plugin's ``launch_ticket`` makes it): the app
  process the server starts for a browser session gets, in its environment
  (``SALESPLAN_COCKPIT_TICKET``), never on its command line,
  ``<session hash>.<expiry>.<signature>``: the session it runs for, valid ``TICKET_SECONDS``.
  The process checks the signature with the key from the base, then that the session is
  still open (``cockpit_sessions``), and runs as its member with the account's role. Forging
  one needs the key, so the base: an environment variable alone makes nobody anybody.

Nothing here prints or logs a ticket or the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from salesplan.core.access import Actor
from salesplan.core.calendar import utc_now
from salesplan.core.db.models import Account, CockpitSession, Meta, table_of
from salesplan.core.errors import AuthenticationError
from salesplan.core.services.accounts import check_role

if TYPE_CHECKING:
    from salesplan.core.app import AppContext

SECRET_KEY = "cockpit_secret"
"""The ``salesplan_meta`` key of the signing key (hex)."""
TICKET_SECONDS = 120
"""How long a launch ticket is good for: an app process reads it as it starts."""

_meta = table_of(Meta)
_sessions = table_of(CockpitSession)
_accounts = table_of(Account)


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


def sign(key: bytes, purpose: str, payload: str) -> str:
    """HMAC-SHA256 of ``purpose:payload`` under ``key``, URL-safe base64 without padding."""
    digest = hmac.new(key, f"{purpose}:{payload}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")



def open_session_actor(app: AppContext, id_hash: str, now: datetime) -> Actor:
    """The member and role of the open session ``id_hash``; an ``AuthenticationError`` for
    an ended or expired session or a disabled or unknown account."""
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


def ticket_actor(app: AppContext, ticket: str, now: datetime | None = None) -> Actor:
    """The actor an app process started with ``ticket`` runs as; an
    ``AuthenticationError`` for a forged or expired ticket or a session that has ended."""
    now = now or utc_now()
    id_hash, _, rest = ticket.strip().partition(".")
    expires, _, signature = rest.partition(".")
    key = signing_key(app)
    valid = (expires.isdigit() and hmac.compare_digest(
        signature, sign(key, "launch", f"{id_hash}.{expires}")))
    if not valid:
        raise AuthenticationError("the cockpit ticket is not valid")
    if int(expires) < now.timestamp():
        raise AuthenticationError("the cockpit ticket has expired: reload the page")
    return open_session_actor(app, id_hash, now)
