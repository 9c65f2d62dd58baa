"""reminders.csv: open and done reminders, each on a lead or a prospect of the folder or of the
base, with the action whose rule scheduled it if any.

Reminders have no text key in the base: a reminder's folder id is ``R`` and its integer id
(``R12``), which the import keeps (so export → import into an empty base → export gives the
same file); ``R12`` at or below the base's own reminders is an error, like an id already in
the base. Any other unique text is accepted too and given a new id after every ``R<n>`` of
the file (a first, cheap pass finds the largest). A chunk of rows at a time, their leads,
prospects and actions are looked up by key (an unknown one is an error at its line); rows go
in with the bulk writer. A reminder with a ``done_at`` is done, one without is open (due in
``salesplan todo``). Its creation time is the import's; the action that closed a done one is
not kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from salesplan.core.calendar import utc_now
from salesplan.core.dataio.bulk import INTEGRITY_ERRORS, TableWriter, next_id
from salesplan.core.dataio.formats import REMINDERS_FILE, reminder_id
from salesplan.core.dataio.import_state import ImportState
from salesplan.core.dataio.keys import KeyIndex
from salesplan.core.dataio.locate import records
from salesplan.core.dataio.lookup import by_key
from salesplan.core.dataio.reader import CsvSource, row_error
from salesplan.core.db.models import Reminder, table_of
from salesplan.core.errors import DataError
from salesplan.core.fields import text_problem
from salesplan.core.i18n import _

REMINDER_TABLE = table_of(Reminder)
CHUNK = 20_000
SOURCE_MAX = 100
COLUMNS = ("id", "action_type", "member", "lead_id", "prospect_id", "due_at", "note", "source",
           "created_at", "created_by_action_id", "done", "done_at")

#: A waiting row: line, the row without its references, lead, prospect and action keys.
_Row = tuple[int, tuple[Any, ...], str, str, str]


class ReminderProblem(Exception):
    """The base refused a row of reminders.csv (an id repeated or already in the base)."""


def import_reminders(state: ImportState) -> None:
    source = state.source(REMINDERS_FILE)
    if source is None:
        return
    highest = max((found for cells in source.cells()
                   if (found := reminder_id(cells[0])) is not None), default=0)
    first = next_id(state.connection, REMINDER_TABLE)
    writer = TableWriter(state.connection, REMINDER_TABLE, COLUMNS)
    try:
        _read(state, source, writer, first, max(first, highest + 1))
        writer.flush()
    except INTEGRITY_ERRORS:
        raise ReminderProblem() from None
    except DataError:
        try:  # an earlier row may be refused by the base: report the first bad row
            writer.flush()
        except INTEGRITY_ERRORS:
            raise ReminderProblem() from None
        raise
    state.summary.reminders = writer.written


def _read(state: ImportState, source: CsvSource, writer: TableWriter, first: int,
          fresh: int) -> None:
    file = source.name
    created = state.times.of(utc_now())
    types = state.outcomes
    others = KeyIndex()  # ids that are not R<n>: line of each
    pending: list[_Row] = []
    for line, (key, due, member, action, lead, prospect, done, source_action, note,
               origin) in state.rows(source):
        try:
            key = state.key(file, line, "id", key)
            row_id = reminder_id(key)
            if row_id is None:
                if not others.add(key, line):
                    raise row_error(file, line, "id",
                                    f"reminder {key!r} is already on line {others.get(key)}")
                row_id, fresh = fresh, fresh + 1
            elif row_id < first:
                raise row_error(file, line, "id",
                                f"reminder {key!r} is already in the base (its reminders "
                                f"go up to R{first - 1}: give another id)")
            due_at = state.time(file, line, "due_at", due)
            state.member(file, line, "member", member)
            if action not in types:
                raise row_error(file, line, "action", f"unknown action type {action!r} "
                                f"(types: {', '.join(types)})")
            if lead and prospect:
                raise row_error(file, line, "prospect_id", "set lead_id or prospect_id, not both")
            if not (lead or prospect):
                raise row_error(file, line, "lead_id",
                                "one of lead_id or prospect_id is required")
            done_at = state.time(file, line, "done_at", done) if done else None
            state.text(file, line, "note", note)
            origin = origin or "manual"
            problem = (text_problem(origin, "answer") if len(origin) <= SOURCE_MAX
                       else f"longer than {SOURCE_MAX} characters")
            if problem is not None:
                raise row_error(file, line, "source", problem)
        except DataError:
            _settle(state, pending, writer)  # earlier rows' references come first
            raise
        pending.append((line, (row_id, action, member, due_at, note, origin, created,
                               done_at is not None, done_at), lead, prospect, source_action))
        if len(pending) >= CHUNK:
            _settle(state, pending, writer)
    _settle(state, pending, writer)


LEADS = "SELECT key, id FROM leads WHERE"
PROSPECTS = "SELECT key, id FROM prospects WHERE"
ACTIONS = "SELECT key, id FROM actions WHERE"


def _settle(state: ImportState, pending: list[_Row], writer: TableWriter) -> None:
    """Resolve the waiting rows' references (in file order) and hand them to the writer."""
    if not pending:
        return
    connection = state.connection
    leads = by_key(connection, LEADS, (row[2] for row in pending if row[2]))
    prospects = by_key(connection, PROSPECTS, (row[3] for row in pending if row[3]))
    actions = by_key(connection, ACTIONS, (row[4] for row in pending if row[4]))
    file = REMINDERS_FILE
    for line, row, lead, prospect, action in pending:
        row_id, action_type, member, due_at, note, origin, created, done, done_at = row
        lead_id = prospect_id = action_id = None
        if lead:
            if lead not in leads:
                raise row_error(file, line, "lead_id", f"unknown lead {lead!r}")
            lead_id = leads[lead][0]
        else:
            if prospect not in prospects:
                raise row_error(file, line, "prospect_id", f"unknown prospect {prospect!r}")
            prospect_id = prospects[prospect][0]
        if action:
            if action not in actions:
                raise row_error(file, line, "source_action_id", f"unknown action {action!r}")
            action_id = actions[action][0]
        writer.add((row_id, action_type, member, lead_id, prospect_id, due_at, note, origin,
                    created, action_id, done, done_at))
    pending.clear()


def reminder_problem(connection: Connection, folder: Path) -> DataError:
    """The first reminders.csv record the base refused: an id repeated in the file or
    already in the base (the import rolled back: the base holds what was there before)."""
    path = folder / REMINDERS_FILE
    seen: dict[int, int] = {}
    batch: list[tuple[int, int, str]] = []

    def check(rows: list[tuple[int, int, str]]) -> DataError | None:
        ids = [row_id for _line, row_id, _key in rows]
        found = set(connection.execute(
            select(REMINDER_TABLE.c.id).where(REMINDER_TABLE.c.id.in_(ids))).scalars())
        for line, row_id, key in rows:
            if row_id in found:
                return row_error(path.name, line, "id",
                                 f"reminder {key!r} is already in the base")
        return None

    for line, cells in records(path):
        key = cells[0]
        row_id = reminder_id(key)
        if row_id is None:
            continue
        if row_id in seen:
            return check([row for row in batch if row[0] < line]) or row_error(
                path.name, line, "id", f"reminder {key!r} is already on line {seen[row_id]}")
        seen[row_id] = line
        batch.append((line, row_id, key))
        if len(batch) >= 500:
            if (error := check(batch)) is not None:
                return error
            batch.clear()
    return check(batch) or DataError(
        _("{path}: the base refused the rows (unique ids)").format(path=path.name))
