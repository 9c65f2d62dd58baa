"""The data folder's file layout and cell formats (SPEC §5), shared by import and export.

Formats are chosen so that export → import → export gives byte-identical files:

* timestamps are written as ISO 8601 with the team-timezone offset,
  ``YYYY-MM-DDTHH:MM:SS+HH:MM`` (``.ffffff`` only when there are microseconds), which is
  ``datetime.isoformat()`` of the local time;
* amounts are written as an integer when whole (``30000``), else as Python's shortest
  round-tripping float text (``1234.5``);
* empty optional cells are empty strings; files are UTF-8, ``\\n`` line ends, minimal quoting.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from salesplan.core.calendar import FIRST_DAY, LAST_DAY
from salesplan.core.fields import MAX_AMOUNT

PROSPECT_COLUMNS: tuple[str, ...] = (
    "id", "list", "name", "company", "email", "phone", "owner", "created_at", "lead_id",
)
LEAD_COLUMNS: tuple[str, ...] = (
    "id", "title", "pipeline", "step", "owner", "amount", "status", "created_at", "closed_at",
    "prospect_id", "remind_on",
)
STEP_CHANGE_COLUMNS: tuple[str, ...] = ("lead_id", "at", "step")
ACTION_COLUMNS: tuple[str, ...] = (
    "id", "at", "member", "action", "outcome", "lead_id", "prospect_id", "note",
)

ANSWER_COLUMNS: tuple[str, ...] = ("action_id", "question", "answer")
REMINDER_COLUMNS: tuple[str, ...] = (
    "id", "due_at", "member", "action", "lead_id", "prospect_id", "done_at", "source_action_id",
    "note", "source",
)

PROSPECTS_FILE = "prospects.csv"
LEADS_FILE = "leads.csv"
STEP_CHANGES_FILE = "step_changes.csv"
ACTIONS_FILE = "actions.csv"
ANSWERS_FILE = "answers.csv"
REMINDERS_FILE = "reminders.csv"

#: Every file of a data folder with its columns, in import order (references point backwards).
FILES: dict[str, tuple[str, ...]] = {
    PROSPECTS_FILE: PROSPECT_COLUMNS,
    LEADS_FILE: LEAD_COLUMNS,
    STEP_CHANGES_FILE: STEP_CHANGE_COLUMNS,
    ACTIONS_FILE: ACTION_COLUMNS,
    ANSWERS_FILE: ANSWER_COLUMNS,
    REMINDERS_FILE: REMINDER_COLUMNS,
}

#: Columns a file may leave out (added after the first version of the folder: folders written
#: before still load); a missing one reads as empty cells.
OPTIONAL: dict[str, tuple[str, ...]] = {
    LEADS_FILE: ("remind_on",),
    REMINDERS_FILE: ("note", "source"),
}

#: A reminder's folder id: ``R`` and its integer id (reminders have no text key).
REMINDER_PREFIX = "R"

#: Longest text ids and names the schema stores (``key`` columns are 64 characters).
KEY_MAX = 64


class CellError(ValueError):
    """A bad cell; the reader adds ``file:line: column:`` in front of the message."""


def format_timestamp(stored: datetime, tz: ZoneInfo) -> str:
    """A stored (aware UTC) time as written in the folder: local time with its offset."""
    if stored.tzinfo is None:
        stored = stored.replace(tzinfo=UTC)
    return stored.astimezone(tz).isoformat()


def parse_timestamp_cell(text: str, tz: ZoneInfo) -> datetime:
    """A folder timestamp as aware UTC.

    With an offset (or ``Z``) it is that instant. Without one it is wall-clock time in the
    team timezone: a time skipped by a daylight-saving change (``2026-03-29 02:30`` in
    Europe/Paris) is an error, and a time that happens twice (``2026-10-25 02:30``) is the
    first occurrence, the summer-time one (add an offset to mean the other). A date alone
    is local midnight.
    """
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        if not text.strip():
            raise CellError("a date-time is required") from None
        raise CellError(
            f"not a date-time: {text!r} (use YYYY-MM-DDTHH:MM:SS, optionally with +HH:MM)"
        ) from None
    if not FIRST_DAY <= moment.date() <= LAST_DAY:
        raise CellError(f"{text!r} is out of range (years {FIRST_DAY.year}–{LAST_DAY.year})")
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    utc = moment.replace(tzinfo=tz).astimezone(UTC)
    if utc.astimezone(tz).replace(tzinfo=None) != moment:
        raise CellError(
            f"{text!r} does not exist in {tz.key} (skipped by a daylight-saving change); "
            "add an offset such as +01:00"
        )
    return utc


def format_amount(value: float) -> str:
    """``30000`` for whole amounts, else the shortest text that reads back the same float."""
    if value.is_integer():
        return str(int(value))
    return repr(value)


def parse_amount(text: str) -> float:
    """An amount: empty means 0; a finite number ≥ 0 with a dot for decimals."""
    if not text.strip():
        return 0.0
    try:
        value = float(text)
    except ValueError:
        raise CellError(f"not an amount: {text!r} (use digits with a dot, e.g. 1234.50)") from None
    if not math.isfinite(value):
        raise CellError(f"not an amount: {text!r}")
    if value < 0:
        raise CellError(f"amount must be ≥ 0, got {text!r}")
    if value > MAX_AMOUNT:
        raise CellError(f"amount must be at most {MAX_AMOUNT:,}, got {text!r}")
    return value


def parse_day_cell(text: str) -> date:
    """A local day, ``YYYY-MM-DD``."""
    try:
        if len(text) != 10:
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise CellError(f"not a day: {text!r} (use YYYY-MM-DD)") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise CellError(f"{text!r} is out of range (years {FIRST_DAY.year}–{LAST_DAY.year})")
    return day


def format_answer(value: Any) -> str:
    """A typed script answer as written in answers.csv: ``yes``/``no``, a number as Python
    writes it (``12``, ``12.5``, ``12.0`` stays a float), a text or a choice as is."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | str):
        return str(value) if not isinstance(value, float) else repr(value)
    return json.dumps(value, ensure_ascii=False)


def reminder_id(text: str) -> int | None:
    """The integer id a reminder's folder id names (``R12`` → 12), or None for any other
    text (which the import accepts and numbers itself)."""
    digits = text[len(REMINDER_PREFIX):]
    if (text.startswith(REMINDER_PREFIX) and digits.isascii() and digits.isdigit()
            and not digits.startswith("0") and len(digits) <= 18):
        return int(digits)
    return None


def sqlite_utc_text(moment: datetime) -> str:
    """The text SQLAlchemy stores on SQLite for an aware UTC datetime
    (``YYYY-MM-DD HH:MM:SS.ffffff``), for bulk writes through the raw DBAPI cursor.
    ``tests/test_import_formats.py`` checks it against the dialect's own bind processor."""
    return moment.replace(tzinfo=None).isoformat(" ", "microseconds")


#: Every valid ``:MM:SS`` part of a timestamp (one set lookup validates minutes and seconds).
MINUTES_SECONDS = frozenset(f":{m:02d}:{s:02d}" for m in range(60) for s in range(60))


class TimestampReader:
    """Turns folder timestamps into the values bulk writes store, fast.

    ``db(text)`` returns the UTC text of the instant: on SQLite exactly what SQLAlchemy stores
    (see ``sqlite_utc_text``), on PostgreSQL the same followed by ``+00`` (what ``COPY``
    reads into a ``timestamptz``). Export writes ``YYYY-MM-DDTHH:MM:SS±HH:00``; for those, the
    UTC hour is the same for every row sharing date, hour and offset, so it is computed once
    and cached (a million-row file has a few thousand such hours); the minutes and seconds
    are checked and copied. Any other form takes the full ``parse_timestamp_cell`` path.
    Values stay comparable among themselves (fixed-width UTC text sorts like time).
    """

    def __init__(self, tz: ZoneInfo, sqlite: bool) -> None:
        self.tz = tz
        self.sqlite = sqlite
        self.tail = ".000000" if sqlite else ".000000+00"
        """What follows ``:MM:SS`` in a value without microseconds."""
        self.hours: dict[str, str] = {}  # 'YYYY-MM-DDTHH±hh:00' -> 'YYYY-MM-DD HH' (UTC)

    def db(self, text: str) -> str:
        prefix = self.hours.get(text[:13] + text[19:])
        rest = text[13:19]
        if prefix is not None and rest in MINUTES_SECONDS:
            return prefix + rest + self.tail
        return self.db_slow(text)

    def db_slow(self, text: str) -> str:
        """The full parse, remembering the UTC hour of export-format texts."""
        moment = parse_timestamp_cell(text, self.tz)
        value = sqlite_utc_text(moment) + ("" if self.sqlite else "+00")
        if (len(text) == 25 and text[10] == "T" and text[19] in "+-"
                and text[22:] == ":00" and moment.microsecond == 0):
            self.hours[text[:13] + text[19:]] = value[:13]
        return value

    def of(self, moment: datetime) -> str:
        """The value of an aware datetime."""
        return sqlite_utc_text(moment.astimezone(UTC)) + ("" if self.sqlite else "+00")

    def to_datetime(self, value: Any) -> datetime:
        """A value returned by ``db`` back as an aware UTC datetime."""
        if isinstance(value, str):
            moment = datetime.fromisoformat(value)
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return value
