"""Text keys for rows the services create: ``L12``, ``P7``, ``A345``.

The key is the data folder's id (SPEC §5); ``get_by_key`` also takes a generated key in any
shape (``l345``, ``L000345``), since imported keys are often zero-padded. Imported rows keep
their own keys, so a generated key is derived from the row's integer id (unique by
construction) and checked against the keys already in the table; on the rare clash with an
imported key a ``-2``, ``-3``… suffix is added.
"""

from __future__ import annotations

import re
import uuid
from typing import TypeVar

from sqlmodel import Session, SQLModel, col, select

from salesplan.core.db.models import Action, Lead, Prospect
from salesplan.core.db.retired_ids import first_free_id, retired_max
from salesplan.core.errors import NotFoundError
from salesplan.core.i18n import _, noun

Keyed = TypeVar("Keyed", Lead, Prospect, Action)

PREFIXES: dict[type[SQLModel], str] = {Lead: "L", Prospect: "P", Action: "A"}


def _taken(session: Session, model: type[Keyed], key: str, row_id: int) -> bool:
    found = session.exec(
        select(col(model.id)).where(col(model.key) == key, col(model.id) != row_id)
    ).first()
    return found is not None


def insert_with_key(session: Session, row: Keyed) -> Keyed:
    """Insert ``row`` and give it a generated key from its id (flushes, never commits)."""
    model = type(row)
    row.key = f"~{uuid.uuid4().hex}"  # placeholder until the id is known
    connection = session.connection()
    if connection.dialect.name == "sqlite" and row.id is None:
        table = str(model.__tablename__)
        if retired_max(connection, table):  # SQLite would give a deleted id again
            row.id = first_free_id(connection, table, col(model.id))
    session.add(row)
    session.flush()
    assert row.id is not None
    base = f"{PREFIXES[model]}{row.id}"
    key, suffix = base, 1
    while _taken(session, model, key, row.id):
        suffix += 1
        key = f"{base}-{suffix}"
    row.key = key
    session.flush()
    return row


_KEY_SHAPE = re.compile(r"^\s*([A-Za-z]?)[-\s]?0*(\d{1,10})\s*$")
_PADDED_WIDTHS = range(1, 9)


def key_forms(text: str, prefix: str) -> list[str]:
    """The keys ``text`` may mean for rows whose generated keys start with ``prefix``:
    itself, upper-cased, and ``prefix`` + its number with 0 to 8 leading zeros."""
    stripped = text.strip()
    forms = {stripped, stripped.upper()}
    shape = _KEY_SHAPE.match(stripped)
    if shape is not None and shape.group(1).upper() in ("", prefix):
        number = int(shape.group(2))
        forms.update(f"{prefix}{number:0{width}d}" for width in _PADDED_WIDTHS)
    return sorted(form for form in forms if form)


MAX_ID = 2**31 - 1
"""The largest integer id a table holds (PostgreSQL ``integer``)."""


def stored_id(text: str) -> int | None:
    """``text`` as an integer id when it can be one (ASCII digits, within ``MAX_ID``)."""
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= MAX_ID else None


def get_by_key(session: Session, model: type[Keyed], ref: str | int, what: str) -> Keyed:
    """The ``model`` row whose key is ``ref`` (or, failing that, whose integer id it is);
    ``NotFoundError("unknown <what> 'ref'")`` otherwise."""
    text = str(ref).strip()
    row = session.exec(select(model).where(col(model.key) == text)).first()
    row_id = stored_id(text)
    if row is None and row_id is not None:
        row = session.get(model, row_id)
    if row is None and text:
        # Any shape of a generated key: l345, L000345, "L 345" (the first that exists).
        forms = key_forms(text, PREFIXES[model])
        row = session.exec(select(model).where(col(model.key).in_(forms))
                           .order_by(col(model.id))).first()
    if row is None:
        raise NotFoundError(_("unknown {what} {text!r}").format(what=noun(what), text=text))
    return row
