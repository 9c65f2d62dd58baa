"""actions.csv, the file that grows with the history: streamed, checked, inserted and folded
into every rollup chunk by chunk, with memory that does not depend on its size.

Each row's cells are checked in Python (one combined test per row; only a bad row goes
through ``_problem``, which names its first bad cell). Its ``lead_id`` / ``prospect_id`` stay
text: the database resolves them while inserting (``bulk.ResolvingWriter``), and an unknown
one — like a repeated id — is refused by a constraint, then located after the rollback
(``locate.action_problem``). Each inserted chunk is handed to the rollups' bulk folds (local
day, member, type, outcome, ids) and counted into the raw-action tally.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesplan.core.dataio.bulk import INTEGRITY_ERRORS, ResolvingWriter, next_id
from salesplan.core.dataio.formats import ACTIONS_FILE, KEY_MAX, MINUTES_SECONDS, CellError
from salesplan.core.dataio.import_state import ImportState
from salesplan.core.dataio.reader import CsvSource, row_error
from salesplan.core.db.models import Action, table_of
from salesplan.core.errors import DataError
from salesplan.core.fields import text_problem
from salesplan.core.reports.bulk_kit import LocalDays
from salesplan.core.reports.tally import TallyBuffer

if TYPE_CHECKING:
    from salesplan.core.reports.rollup_build import BulkFolding

ACTION_TABLE = table_of(Action)
COLUMNS = ("id", "key", "at", "member", "action_type", "outcome", "lead_id", "prospect_id",
           "note")


class ActionProblem(Exception):
    """The base refused a row of actions.csv (repeated id, unknown lead or prospect)."""


class _Chunk:
    """What the folds need of the rows waiting in the writer, by id."""

    def __init__(self, state: ImportState, folding: BulkFolding, tally: TallyBuffer) -> None:
        self.state = state
        self.folding = folding
        self.tally = tally
        self.days = LocalDays(state.app.tz)
        self.facts: list[tuple[object, ...]] = []  # (day, member, type, outcome)
        self.ids: list[int] = []
        self._next = next_id(state.connection, ACTION_TABLE)

    def take_ids(self, count: int) -> range:
        """The next ``count`` ids (the import holds the tables: see ``importer``)."""
        ids = range(self._next, self._next + count)
        self._next += count
        return ids

    def fold(self, resolved: list[tuple[int, int | None, int | None]]) -> None:
        """Hand the inserted rows to the bulk folds."""
        by_id = sorted(resolved)
        rows = [(day, member, action_type, outcome, lead_id, prospect_id)
                for (day, member, action_type, outcome), (_id, lead_id, prospect_id)
                in zip(self.facts, by_id, strict=True)]
        self.facts.clear()
        self.folding.add(rows)  # type: ignore[arg-type]


def import_actions(state: ImportState, folding: BulkFolding) -> None:
    source = state.source(ACTIONS_FILE)
    if source is None:
        return
    state.defer_indexes(source, ACTION_TABLE)
    writer = ResolvingWriter(state.connection, ACTION_TABLE, COLUMNS,
                             {"lead_id": "leads", "prospect_id": "prospects"})
    tally = TallyBuffer(state.connection)
    chunk = _Chunk(state, folding, tally)
    try:
        _read(state, source, writer, chunk)
        chunk.fold(writer.flush())
    except INTEGRITY_ERRORS:
        raise ActionProblem() from None
    except DataError:
        try:  # an earlier row may be refused by the base: report the first bad row
            writer.flush()
        except INTEGRITY_ERRORS:
            raise ActionProblem() from None
        raise
    tally.flush()
    state.summary.actions = writer.written


def _read(state: ImportState, source: CsvSource, writer: ResolvingWriter,
          chunk: _Chunk) -> None:
    """The hot loop of a big import: one combined check per row."""
    members, outcomes = state.members, state.outcomes
    to_db = state.times.db
    hours, tail = state.times.hours, state.times.tail
    day_of = chunk.days.of_text
    tally = chunk.tally.counts
    facts = chunk.facts
    rows, chunk_rows = writer.rows, writer.chunk_rows
    append, fact = rows.append, facts.append
    ids = chunk.take_ids(chunk_rows)
    position = 0
    for cells in state.progress.track(source, source.cells()):
        key, at_text, member, action, outcome, lead, prospect, note = cells
        allowed = outcomes.get(action)
        # TimestampReader.db, its cached path inlined (the most frequent line of all).
        prefix = hours.get(at_text[:13] + at_text[19:])
        rest = at_text[13:19]
        if prefix is not None and rest in MINUTES_SECONDS:
            at = prefix + rest + tail
        else:
            try:
                at = to_db(at_text)
            except CellError:
                at = None
        if (at is None or allowed is None or member not in members or not key
                or len(key) > KEY_MAX or key != key.strip()
                or (outcome and outcome not in allowed)
                or (lead and prospect) or not (lead or prospect)
                or (note and text_problem(note, "note") is not None)):
            _problem(state, source, cells)
        append((ids[position], key, at, member, action, outcome or None, lead or None,
                prospect or None, note))
        position += 1
        fact((day_of(at), member, action, outcome or None))  # type: ignore[arg-type]
        day_key = (at[:10], member)  # type: ignore[index]
        tally[day_key] = tally.get(day_key, 0) + 1
        if position == len(ids):
            chunk.fold(writer.flush())
            ids = chunk.take_ids(chunk_rows)
            position = 0


def _problem(state: ImportState, source: CsvSource, cells: list[str]) -> None:
    """Raise the error of a bad actions.csv row, cells checked in column order."""
    file, line = source.name, source.line_of(cells)
    key, at_text, member, action, outcome, lead, prospect, note = cells
    state.key(file, line, "id", key)
    state.time(file, line, "at", at_text)
    state.member(file, line, "member", member)
    allowed = state.outcomes.get(action)
    if allowed is None:
        raise row_error(file, line, "action", f"unknown action type {action!r} "
                        f"(types: {', '.join(state.outcomes)})")
    if outcome and outcome not in allowed:
        raise row_error(file, line, "outcome", f"{outcome!r} is not an outcome of "
                        f"{action!r} ({', '.join(sorted(allowed)) or 'none'})")
    if lead and prospect:
        raise row_error(file, line, "prospect_id", "set lead_id or prospect_id, not both")
    if not (lead or prospect):
        raise row_error(file, line, "lead_id", "one of lead_id or prospect_id is required")
    state.text(file, line, "note", note)
    raise AssertionError(f"{file}:{line}: no problem found in a row refused")
