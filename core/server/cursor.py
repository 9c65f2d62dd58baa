"""Opaque pagination cursors: ``next`` of one page, ``cursor`` of the next request.

A cursor names the list it walks and the last id it gave; a cursor of another list, or one
that was tampered with, is bad input (422 on ``cursor``).
"""

from __future__ import annotations

import base64
import binascii

from salesplan.core.errors import DataError


def encode_cursor(kind: str, last_id: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    prefix, _, number = text.partition(":")
    if prefix != kind or not number.isdigit():
        raise DataError("not a cursor of this list (use the `next` of the previous page)",
                        field="cursor")
    return int(number)


def next_cursor(kind: str, last_id: int | None) -> str | None:
    return None if last_id is None else encode_cursor(kind, last_id)
