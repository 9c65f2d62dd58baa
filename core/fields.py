"""The one check of text a person types, on every write path (CLI, TUI, API, import).

A title, a name or a note must fit its column on both databases and come back through the
data folder: PostgreSQL refuses NUL bytes, the schema caps lengths, and control characters
(terminal escapes) have no business in a title. Services call ``check_text``; the importer
calls ``text_problem`` and names the file and line itself.
"""

from __future__ import annotations

import re

LIMITS: dict[str, int] = {
    "title": 300,
    "name": 200,
    "list": 200,
    "company": 200,
    "email": 200,
    "phone": 64,
    "note": 10_000,
    "answer": 1_000,
}
"""Longest text, in characters, of each typed field (the schema's column sizes)."""

MAX_AMOUNT = 10**15
"""The largest amount salesplan takes (a deal, a revenue target): floats stay exact to the
cent well past it, and no sales team plans a quadrillion."""

MULTILINE: frozenset[str] = frozenset({"note", "answer"})
"""Fields that may hold line breaks and tabs."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(value: str) -> bool:
    """Whether ``value`` holds any control character (a cheap first test on a whole row)."""
    return _CONTROL.search(value) is not None


def text_problem(value: str, field: str, *, required: bool = False) -> str | None:
    """What is wrong with ``value`` as ``field`` (a key of ``LIMITS``), or ``None``."""
    if required and not value.strip():
        return "a value is required"
    limit = LIMITS[field]
    if len(value) > limit:
        return f"longer than {limit} characters"
    found = (_CONTROL_BUT_LINES if field in MULTILINE else _CONTROL).search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character"
    if found.group() in "\r\n":
        return "contains a line break (it is one line of text)"
    return (f"contains the control character \\x{ord(found.group()):02x} (terminal escapes "
            "and the like are not allowed)")


def check_text(value: str, field: str, *, required: bool = False, label: str | None = None
               ) -> str:
    """``value`` stripped when it is acceptable as ``field``, else a ``DataError`` naming it.

    ``label`` names the field in the message when it is not ``field`` (``answer budget``).
    """
    from salesplan.core.errors import DataError

    value = value.strip() if field not in MULTILINE else value
    problem = text_problem(value, field, required=required)
    if problem is not None:
        raise DataError(f"{label or field}: {problem}", field=field)
    return value
