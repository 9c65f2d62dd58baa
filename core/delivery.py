"""The delivery log: each message reaches each recipient exactly once, whatever races it.

A notifier run (the morning digest, a plugin's messages) *claims* each (message, recipient,
channel) in the database before delivering it, in a short transaction of its own; the slow
part (an SMTP conversation, a webhook) holds no database lock. Then it *confirms* what the
notifier accepted and *releases* what it did not, so the next run retries exactly that.

- A claim is a row with a random token, the claimer (``host:pid``) and its time; the unique
  key (message, recipient, channel) makes two claimers race for one row, and only one wins.
- A row already ``sent`` is not claimed again, unless ``force`` (``--force`` resends).
- A claim that was never confirmed nor released (the sender was killed mid-conversation)
  stops counting when its claimer is a dead process on this host, or after ``timeout``
  seconds otherwise (another host's process cannot be checked): the next run takes it over.

Works the same on SQLite and PostgreSQL (compare-and-set updates on the token).
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from salesplan.core.calendar import utc_now
from salesplan.core.db.models import Delivery, table_of

if TYPE_CHECKING:
    from salesplan.core.app import AppContext

SENT = "sent"
CLAIMED = "claimed"
DEFAULT_TIMEOUT = 600.0
"""Seconds after which another host's unconfirmed claim is taken over."""

deliveries = table_of(Delivery)


def claimer() -> str:
    """Who claims: this host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Claim:
    """The right to deliver one message to one recipient on one channel, once."""

    message: str
    recipient: str
    channel: str
    token: str


def _dead_here(owner: str) -> bool:
    """The claimer is a process of this host that no longer runs."""
    host, _sep, pid_text = owner.rpartition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _stale(owner: str, claimed_at: datetime, now: datetime, timeout: float) -> bool:
    return _dead_here(owner) or now - claimed_at > timedelta(seconds=timeout)


def claim(
    app: AppContext, message: str, recipients: Iterable[str], channel: str, *,
    force: bool = False, timeout: float = DEFAULT_TIMEOUT,
) -> tuple[list[Claim], list[str], list[str]]:
    """Claim ``message`` for each recipient on ``channel``.

    Returns ``(claims, already_sent, in_flight)``: what this run must deliver, the recipients
    who had it already (never with ``force``), and those another live run is delivering now.
    Recipients are compared case-insensitively and stored lower-cased.
    """
    claims: list[Claim] = []
    already: list[str] = []
    busy: list[str] = []
    me = claimer()
    for recipient in recipients:
        key = recipient.lower()
        token = secrets.token_hex(16)
        now = utc_now()
        with app.write_connection() as connection:
            try:
                with connection.begin_nested():
                    connection.execute(insert(deliveries).values(
                        message=message, recipient=key, channel=channel, state=CLAIMED,
                        token=token, owner=me, claimed_at=now, sent_at=None))
                claims.append(Claim(message, recipient, channel, token))
                continue
            except IntegrityError:
                pass
            row = connection.execute(
                select(deliveries.c.state, deliveries.c.token, deliveries.c.owner,
                       deliveries.c.claimed_at)
                .where(deliveries.c.message == message, deliveries.c.recipient == key,
                       deliveries.c.channel == channel)
            ).one_or_none()
            if row is None:  # released meanwhile: the next run takes it
                busy.append(recipient)
                continue
            state, old_token, owner, claimed_at = row
            if state == SENT and not force:
                already.append(recipient)
                continue
            if state == CLAIMED and not _stale(owner, claimed_at, now, timeout):
                busy.append(recipient)
                continue
            taken = connection.execute(
                update(deliveries)
                .where(deliveries.c.message == message, deliveries.c.recipient == key,
                       deliveries.c.channel == channel, deliveries.c.token == old_token)
                .values(state=CLAIMED, token=token, owner=me, claimed_at=now)
            ).rowcount
        if taken:
            claims.append(Claim(message, recipient, channel, token))
        else:  # another run took it over first
            busy.append(recipient)
    return claims, already, busy


def confirm(app: AppContext, done: Iterable[Claim]) -> None:
    """Record delivered claims as sent (each still ours: compared on its token)."""
    now = utc_now()
    with app.write_connection() as connection:
        for item in done:
            connection.execute(
                update(deliveries)
                .where(deliveries.c.message == item.message,
                       deliveries.c.recipient == item.recipient.lower(),
                       deliveries.c.channel == item.channel, deliveries.c.token == item.token)
                .values(state=SENT, sent_at=now)
            )


def release(app: AppContext, failed: Iterable[Claim]) -> None:
    """Give up claims that were not delivered, so the next run retries them."""
    with app.write_connection() as connection:
        for item in failed:
            connection.execute(
                delete(deliveries)
                .where(deliveries.c.message == item.message,
                       deliveries.c.recipient == item.recipient.lower(),
                       deliveries.c.channel == item.channel, deliveries.c.token == item.token,
                       deliveries.c.state == CLAIMED)
            )


def sent_to(app: AppContext, message: str, channel: str) -> set[str]:
    """Lower-cased recipients who have ``message`` on ``channel``."""
    with app.read_connection() as connection:
        rows = connection.execute(
            select(deliveries.c.recipient).where(
                deliveries.c.message == message, deliveries.c.channel == channel,
                deliveries.c.state == SENT))
        return {recipient for (recipient,) in rows}
