"""``Idempotency-Key``: the answer given to a write request, kept per member and key, so that
a retry of the same request gets the same answer and writes nothing more.

The record is inserted in the write's own transaction (``record_action``'s
``before_commit``): the action and its record commit together or not at all. Two concurrent
requests with one key both try to insert it; the primary key (member, key) lets one commit,
the other fails, rolls its action back and answers with the record of the first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete
from sqlmodel import Session

from salesplan.core.calendar import utc_now
from salesplan.core.db.models import IdempotencyRecord, table_of
from salesplan.core.errors import DataError

if TYPE_CHECKING:
    from salesplan.core.app import AppContext
from salesplan.core.i18n import _

MAX_KEY_LENGTH = 200
HEADER = "Idempotency-Key"
KEEP = timedelta(days=7)
"""How long an answer is kept for retries (``salesplan serve`` forgets older ones when it
starts)."""


def check_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise DataError(_("{header} must be 1 to {max_key_length} printable characters").format(
            header=HEADER, max_key_length=MAX_KEY_LENGTH),
                        field=HEADER)
    return key


def fingerprint(request: Mapping[str, Any]) -> str:
    """What identifies a request's content: SHA-256 of its canonical JSON."""
    text = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def find_record(session: Session, member: str, key: str) -> IdempotencyRecord | None:
    return session.get(IdempotencyRecord, (member, key))


def check_same_request(record: IdempotencyRecord, request_fingerprint: str) -> None:
    """A key reused for another request is an error (nothing is written)."""
    if record.fingerprint != request_fingerprint:
        raise DataError(_("this {header} was used for another request").format(
            header=HEADER), field=HEADER)


def remember(
    session: Session, *, member: str, key: str, request_fingerprint: str, status: int,
    body: str,
) -> None:
    """Keep the answer in the caller's write transaction (flushes)."""
    session.add(IdempotencyRecord(member=member, key=key, fingerprint=request_fingerprint,
                                  status=status, body=body, created_at=utc_now()))
    session.flush()


def forget_old(app: AppContext, keep: timedelta = KEEP) -> int:
    """Delete the records older than ``keep``; returns how many."""
    table = table_of(IdempotencyRecord)
    with app.write_connection() as connection:
        result = connection.execute(delete(table).where(table.c.created_at < utc_now() - keep))
        return int(result.rowcount or 0)
