"""``salesplan import DIR``: load a data folder into the base in ONE transaction (SPEC §5).

The files are read in reference order (prospects, leads, step changes, actions), each streamed
in chunks; every cell is checked and the first bad row aborts everything with
``file:line: column: problem`` (nothing is written). Rows are written directly with bulk
inserts: importing history fires no rules and no notifications.

Memory: the keys of prospects and leads (base and folder) are kept in dicts to resolve
references; actions are never kept. A duplicate action id is caught by the unique index on
``actions.key`` and then located by a second pass that only runs on that error path.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import IntegrityError

from salesplan.core.app import AppContext
from salesplan.core.dataio.bulk import (
    DeferredIndexes,
    TableWriter,
    bulk_transaction,
    count_rows,
    fix_sequences,
    is_sqlite,
    lock_tables,
    next_id,
)
from salesplan.core.dataio.formats import (
    ACTIONS_FILE,
    FILES,
    KEY_MAX,
    LEADS_FILE,
    MINUTES_SECONDS,
    PROSPECTS_FILE,
    STEP_CHANGES_FILE,
    CellError,
    TimestampReader,
    parse_amount,
)
from salesplan.core.dataio.progress import Progress
from salesplan.core.dataio.reader import CsvSource, row_error
from salesplan.core.db.models import (
    Action,
    Lead,
    Prospect,
    ProspectingList,
    Reminder,
    StepChange,
    table_of,
)
from salesplan.core.errors import DatabaseError, DataError
from salesplan.core.events import IdRange, ImportBatch
from salesplan.core.reports.rollups import fold_imported_actions
from salesplan.core.services.events import fire_imported
from salesplan.core.statuses import CLOSED_STATUSES, LEAD_STATUSES

#: Above this many (estimated) new rows, and more than the table holds, a table's secondary
#: indexes are dropped during the load and rebuilt once at the end (SQLite only).
DEFER_INDEXES_MIN_ROWS = 50_000
#: Rough bytes per CSV row (on the low side), to estimate a file's rows from its size.
ROW_BYTES = 60

PROSPECT_TABLE = table_of(Prospect)
LEAD_TABLE = table_of(Lead)
LIST_TABLE = table_of(ProspectingList)
STEP_TABLE = table_of(StepChange)
ACTION_TABLE = table_of(Action)
REMINDER_TABLE = table_of(Reminder)


@dataclass
class ImportSummary:
    """What an import wrote."""

    lists: int = 0
    prospects: int = 0
    leads: int = 0
    step_changes: int = 0
    actions: int = 0
    files: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _FileLead:
    """A lead of leads.csv, kept until its step changes and prospect link are checked."""

    id: int
    line: int
    pipeline: str
    step: str
    created_at: Any  # database values (see TimestampReader.db)
    prospect_key: str
    last_at: Any = None
    last_step: str = ""


class _Importer:
    """One import run: the config's vocabulary, the key maps, and the open transaction."""

    def __init__(self, app: AppContext, folder: Path, connection: Connection,
                 progress: Progress) -> None:
        self.app = app
        self.folder = folder
        self.connection = connection
        self.progress = progress
        self.tz = app.tz
        self.members = {m.id for m in app.config.members}
        self.outcomes = {t.id: set(t.outcome_ids) for t in app.registry.action_types.values()}
        self.steps = {p.id: list(p.steps) for p in app.config.pipelines}
        self.times = TimestampReader(self.tz, is_sqlite(connection))
        self.summary = ImportSummary()
        # Keys of the base and of the folder.
        self.prospect_ids: dict[str, int] = {}
        self.lead_ids: dict[str, int] = {}
        self.linked_prospects: set[int] = set()
        self.list_ids: dict[str, int] = {}
        # Folder rows that later files must agree with.
        self.prospect_lines: dict[str, int] = {}
        self.claims: dict[str, tuple[str, int]] = {}  # prospect key -> (lead key, line)
        self.file_leads: dict[str, _FileLead] = {}
        self.new_lists: dict[int, Any] = {}  # list id -> oldest prospect's created_at
        self.deferred: list[DeferredIndexes] = []

    # -- helpers ---------------------------------------------------------------------------

    def _source(self, name: str) -> CsvSource | None:
        path = self.folder / name
        if not path.is_file():
            return None
        self.summary.files.append(name)
        return CsvSource(path, FILES[name])

    def _rows(self, source: CsvSource) -> Iterator[tuple[int, list[str]]]:
        return self.progress.track(source, source.rows())

    def _defer_indexes(self, source: CsvSource, table: Any) -> None:
        """Big file into a smaller table: drop its secondary indexes until the end."""
        estimated = source.path.stat().st_size // ROW_BYTES
        if estimated >= DEFER_INDEXES_MIN_ROWS and estimated > count_rows(self.connection, table):
            deferred = DeferredIndexes(self.connection, table)
            deferred.drop()
            self.deferred.append(deferred)

    def _load_base_keys(self) -> None:
        conn = self.connection
        self.prospect_ids = {
            key: id_ for key, id_ in conn.execute(select(PROSPECT_TABLE.c.key, PROSPECT_TABLE.c.id))
        }
        for key, lead_id, prospect_id in conn.execute(
            select(LEAD_TABLE.c.key, LEAD_TABLE.c.id, LEAD_TABLE.c.prospect_id)
        ):
            self.lead_ids[key] = lead_id
            if prospect_id is not None:
                self.linked_prospects.add(prospect_id)
        self.list_ids = {
            name: id_ for name, id_ in conn.execute(select(LIST_TABLE.c.name, LIST_TABLE.c.id))
        }

    @staticmethod
    def _key(file: str, line: int, column: str, value: str) -> str:
        if not value.strip():
            raise row_error(file, line, column, "an id is required")
        if value != value.strip():
            raise row_error(file, line, column, f"id {value!r} has spaces around it")
        if len(value) > KEY_MAX:
            raise row_error(file, line, column, f"id is longer than {KEY_MAX} characters")
        return value

    def _member(self, file: str, line: int, column: str, value: str) -> str:
        if value not in self.members:
            raise row_error(
                file, line, column,
                f"unknown member {value!r} (members: {', '.join(sorted(self.members))})",
            )
        return value

    def _time(self, file: str, line: int, column: str, value: str) -> Any:
        """The database value of a timestamp cell."""
        try:
            return self.times.db(value)
        except CellError as exc:
            raise row_error(file, line, column, str(exc)) from None

    @staticmethod
    def _text(file: str, line: int, column: str, value: str, limit: int,
              required: bool = False) -> str:
        if required and not value.strip():
            raise row_error(file, line, column, "a value is required")
        if len(value) > limit:
            raise row_error(file, line, column, f"longer than {limit} characters")
        return value

    # -- prospects.csv ---------------------------------------------------------------------

    def import_prospects(self) -> None:
        source = self._source(PROSPECTS_FILE)
        if source is None:
            return
        file = source.name
        conn = self.connection
        self._defer_indexes(source, PROSPECT_TABLE)
        writer = TableWriter(conn, PROSPECT_TABLE, (
            "id", "key", "list_id", "name", "company", "email", "phone", "owner", "created_at",
        ))
        lists = TableWriter(conn, LIST_TABLE, ("id", "name", "created_at"), chunk_rows=1)
        new_id = next_id(conn, PROSPECT_TABLE)
        new_list_id = next_id(conn, LIST_TABLE)
        text = self._text
        for line, (key, list_name, name, company, email, phone, owner, created, lead) in (
            self._rows(source)
        ):
            key = self._key(file, line, "id", key)
            if key in self.prospect_ids:
                where = self.prospect_lines.get(key)
                raise row_error(file, line, "id", f"prospect {key!r} is already "
                                + (f"on line {where}" if where else "in the base"))
            if (not list_name.strip() or not name.strip() or len(list_name) > 200
                    or len(name) > 200 or len(company) > 200 or len(email) > 200
                    or len(phone) > 64):
                text(file, line, "list", list_name, 200, required=True)
                text(file, line, "name", name, 200, required=True)
                text(file, line, "company", company, 200)
                text(file, line, "email", email, 200)
                text(file, line, "phone", phone, 64)
            if owner:
                self._member(file, line, "owner", owner)
            created_at = self._time(file, line, "created_at", created)
            if lead:
                self._key(file, line, "lead_id", lead)
                self.claims[key] = (lead, line)
            list_id = self.list_ids.get(list_name)
            if list_id is None:
                list_id = self.list_ids[list_name] = new_list_id
                new_list_id += 1
                self.new_lists[list_id] = created_at
                lists.add((list_id, list_name, created_at))
            elif list_id in self.new_lists and created_at < self.new_lists[list_id]:
                self.new_lists[list_id] = created_at
            self.prospect_ids[key] = new_id
            self.prospect_lines[key] = line
            writer.add((new_id, key, list_id, name, company, email, phone, owner or None,
                        created_at))
            new_id += 1
        writer.flush()
        for list_id, created_at in self.new_lists.items():
            conn.execute(
                LIST_TABLE.update().where(LIST_TABLE.c.id == list_id)
                .values(created_at=self.times.to_datetime(created_at))
            )
        self.summary.prospects = writer.written
        self.summary.lists = len(self.new_lists)

    # -- leads.csv -------------------------------------------------------------------------

    def import_leads(self) -> None:
        source = self._source(LEADS_FILE)
        if source is not None:
            self._read_leads(source)
        for prospect_key, (lead_key, line) in self.claims.items():
            lead = self.file_leads.get(lead_key)
            if lead is None:
                problem = (f"lead {lead_key!r} is in the base, not in {LEADS_FILE}"
                           if lead_key in self.lead_ids else f"unknown lead {lead_key!r}")
                raise row_error(PROSPECTS_FILE, line, "lead_id", problem)
            if lead.prospect_key != prospect_key:
                raise row_error(
                    PROSPECTS_FILE, line, "lead_id",
                    f"lead {lead_key!r} has prospect_id {lead.prospect_key!r} in "
                    f"{LEADS_FILE}:{lead.line}",
                )

    def _read_leads(self, source: CsvSource) -> None:
        file = source.name
        conn = self.connection
        self._defer_indexes(source, LEAD_TABLE)
        writer = TableWriter(conn, LEAD_TABLE, (
            "id", "key", "title", "pipeline", "step", "owner", "amount", "status",
            "created_at", "closed_at", "prospect_id",
        ))
        new_id = next_id(conn, LEAD_TABLE)
        statuses = ", ".join(LEAD_STATUSES)
        for line, (key, title, pipeline, step, owner, amount_text, status, created, closed,
                   prospect) in self._rows(source):
            key = self._key(file, line, "id", key)
            if key in self.lead_ids:
                known = self.file_leads.get(key)
                raise row_error(file, line, "id", f"lead {key!r} is already "
                                + (f"on line {known.line}" if known else "in the base"))
            self._text(file, line, "title", title, 300, required=True)
            steps = self.steps.get(pipeline)
            if steps is None:
                raise row_error(file, line, "pipeline", f"unknown pipeline {pipeline!r} "
                                f"(pipelines: {', '.join(self.steps)})")
            if step not in steps:
                raise row_error(file, line, "step", f"{step!r} is not a step of {pipeline!r} "
                                f"({', '.join(steps)})")
            self._member(file, line, "owner", owner)
            try:
                amount = parse_amount(amount_text)
            except CellError as exc:
                raise row_error(file, line, "amount", str(exc)) from None
            if status not in LEAD_STATUSES:
                raise row_error(file, line, "status",
                                f"unknown status {status!r} (use {statuses})")
            created_at = self._time(file, line, "created_at", created)
            closed_at: Any = None
            if status in CLOSED_STATUSES:
                if not closed:
                    raise row_error(file, line, "closed_at",
                                    f"required for a closed lead (status {status!r})")
                closed_at = self._time(file, line, "closed_at", closed)
            elif closed:
                raise row_error(file, line, "closed_at",
                                f"must be empty for an open lead (status {status!r})")
            prospect_id: int | None = None
            if prospect:
                prospect_id = self._lead_prospect(file, line, key, prospect)
                self.linked_prospects.add(prospect_id)
            self.lead_ids[key] = new_id
            self.file_leads[key] = _FileLead(new_id, line, pipeline, step, created_at, prospect)
            writer.add((new_id, key, title, pipeline, step, owner, amount, status,
                        created_at, closed_at, prospect_id))
            new_id += 1
        writer.flush()
        self.summary.leads = writer.written

    def _lead_prospect(self, file: str, line: int, lead_key: str, prospect: str) -> int:
        prospect_id = self.prospect_ids.get(prospect)
        if prospect_id is None:
            raise row_error(file, line, "prospect_id", f"unknown prospect {prospect!r}")
        if prospect_id in self.linked_prospects:
            raise row_error(file, line, "prospect_id",
                            f"prospect {prospect!r} is already converted into another lead")
        if prospect in self.prospect_lines:
            claim = self.claims.get(prospect)
            where = f"{PROSPECTS_FILE}:{self.prospect_lines[prospect]}"
            if claim is None:
                raise row_error(file, line, "prospect_id",
                                f"prospect {prospect!r} has no lead_id in {where}")
            if claim[0] != lead_key:
                raise row_error(file, line, "prospect_id",
                                f"prospect {prospect!r} has lead_id {claim[0]!r} in {where}")
        return prospect_id

    # -- step_changes.csv ------------------------------------------------------------------

    def import_step_changes(self) -> None:
        conn = self.connection
        writer = TableWriter(conn, STEP_TABLE, ("lead_id", "at", "step"))
        source = self._source(STEP_CHANGES_FILE)
        if source is not None:
            file = source.name
            self._defer_indexes(source, STEP_TABLE)
            for line, (lead_key, at_text, step) in self._rows(source):
                lead = self.file_leads.get(lead_key)
                if lead is None:
                    problem = (f"lead {lead_key!r} is in the base, not in {LEADS_FILE} "
                               "(step changes are imported with their lead)"
                               if lead_key in self.lead_ids else f"unknown lead {lead_key!r}")
                    raise row_error(file, line, "lead_id", problem)
                at = self._time(file, line, "at", at_text)
                if step not in self.steps[lead.pipeline]:
                    raise row_error(file, line, "step",
                                    f"{step!r} is not a step of {lead.pipeline!r}")
                if lead.last_at is None or at >= lead.last_at:
                    lead.last_at, lead.last_step = at, step
                writer.add((lead.id, at, step))
        for key, lead in self.file_leads.items():
            if lead.last_at is None:
                writer.add((lead.id, lead.created_at, lead.step))
            elif lead.last_step != lead.step:
                raise row_error(
                    LEADS_FILE, lead.line, "step",
                    f"lead {key!r} is at {lead.step!r} but its last step change in "
                    f"{STEP_CHANGES_FILE} is {lead.last_step!r}",
                )
        writer.flush()
        self.summary.step_changes = writer.written

    # -- actions.csv -----------------------------------------------------------------------

    def import_actions(self) -> None:
        source = self._source(ACTIONS_FILE)
        if source is None:
            return
        self._defer_indexes(source, ACTION_TABLE)
        writer = TableWriter(self.connection, ACTION_TABLE, (
            "key", "at", "member", "action_type", "outcome", "lead_id", "prospect_id", "note",
        ))
        try:
            self._read_actions(source, writer)
            writer.flush()
        except (sqlite3.IntegrityError, IntegrityError):
            raise _DuplicateActionKey() from None
        except DataError:
            # An earlier row may still be a duplicate id: report the first bad row.
            try:
                writer.flush()
            except (sqlite3.IntegrityError, IntegrityError):
                raise _DuplicateActionKey() from None
            raise
        self.summary.actions = writer.written

    def _read_actions(self, source: CsvSource, writer: TableWriter) -> None:
        """The hot loop of a big import: one combined check per row; only a bad row goes
        through ``_action_problem``, which finds its line and names the first bad cell."""
        members, outcomes = self.members, self.outcomes
        lead_ids, prospect_ids = self.lead_ids, self.prospect_ids
        to_db = self.times.db
        hours = self.times.hours if self.times.sqlite else {}
        rows, chunk_rows, flush = writer.rows, writer.chunk_rows, writer.flush
        append = rows.append
        for cells in self.progress.track(source, source.cells()):
            key, at_text, member, action, outcome, lead, prospect, note = cells
            allowed = outcomes.get(action)
            # TimestampReader.db, its cached path inlined (the most frequent line of all).
            prefix = hours.get(at_text[:13] + at_text[19:])
            rest = at_text[13:19]
            if prefix is not None and rest in MINUTES_SECONDS:
                at = prefix + rest + ".000000"
            else:
                try:
                    at = to_db(at_text)
                except CellError:
                    at = None
            if (at is None or allowed is None or member not in members or not key
                    or len(key) > KEY_MAX or key != key.strip()
                    or (outcome and outcome not in allowed)):
                self._action_problem(source, cells)
            if lead:
                lead_id = lead_ids.get(lead)
                if lead_id is None or prospect:
                    self._action_problem(source, cells)
                append((key, at, member, action, outcome or None, lead_id, None, note))
            else:
                prospect_id = prospect_ids.get(prospect) if prospect else None
                if prospect_id is None:
                    self._action_problem(source, cells)
                append((key, at, member, action, outcome or None, None, prospect_id, note))
            if len(rows) >= chunk_rows:
                flush()

    def _action_problem(self, source: CsvSource, cells: list[str]) -> None:
        """Raise the error of a bad actions.csv row, cells checked in column order."""
        file, line = source.name, source.line_of(cells)
        key, at_text, member, action, outcome, lead, prospect, _note = cells
        self._key(file, line, "id", key)
        self._time(file, line, "at", at_text)
        self._member(file, line, "member", member)
        allowed = self.outcomes.get(action)
        if allowed is None:
            raise row_error(file, line, "action", f"unknown action type {action!r} "
                            f"(types: {', '.join(self.outcomes)})")
        if outcome and outcome not in allowed:
            raise row_error(file, line, "outcome", f"{outcome!r} is not an outcome of "
                            f"{action!r} ({', '.join(sorted(allowed)) or 'none'})")
        if lead and prospect:
            raise row_error(file, line, "prospect_id", "set lead_id or prospect_id, not both")
        if lead:
            raise row_error(file, line, "lead_id", f"unknown lead {lead!r}")
        if not prospect:
            raise row_error(file, line, "lead_id", "one of lead_id or prospect_id is required")
        raise row_error(file, line, "prospect_id", f"unknown prospect {prospect!r}")

    # -- the whole run -----------------------------------------------------------------------

    def run(self) -> ImportSummary:
        lock_tables(self.connection, [LIST_TABLE, PROSPECT_TABLE, LEAD_TABLE])
        tables = (PROSPECT_TABLE, LEAD_TABLE, STEP_TABLE, ACTION_TABLE, REMINDER_TABLE)
        before = {table: self._max_id(table) for table in tables}
        self._load_base_keys()
        self.import_prospects()
        self.import_leads()
        self.import_step_changes()
        self.import_actions()
        for deferred in self.deferred:
            deferred.restore()
        fix_sequences(self.connection, [LIST_TABLE, PROSPECT_TABLE, LEAD_TABLE])
        ranges = {table: IdRange(before[table] + 1, self._max_id(table)) for table in tables}
        batch = ImportBatch(
            prospects=ranges[PROSPECT_TABLE], leads=ranges[LEAD_TABLE],
            step_changes=ranges[STEP_TABLE], actions=ranges[ACTION_TABLE],
            reminders=ranges[REMINDER_TABLE],
        )
        if not batch.actions.empty:
            fold_imported_actions(self.connection, self.app, batch.actions.first,
                                  batch.actions.last, self.app.progress)
        fire_imported(self.connection, self.app, batch=batch)
        return self.summary

    def _max_id(self, table: Any) -> int:
        return int(self.connection.execute(select(func.max(table.c.id))).scalar() or 0)


class _DuplicateActionKey(Exception):
    """The unique index on ``actions.key`` refused a row; located after the rollback."""


def import_folder(
    app: AppContext, folder: Path, *, progress: Callable[[], Progress] | None = None
) -> ImportSummary:
    """Import a data folder in one transaction; raise ``DataError`` (nothing written) on the
    first bad row."""
    if not folder.is_dir():
        raise DataError(f"{folder}: not a folder")
    if not any((folder / name).is_file() for name in FILES):
        raise DataError(f"{folder}: no data files (expected any of {', '.join(FILES)})")
    bar = progress() if progress is not None else Progress.quiet()
    try:
        with bar, bulk_transaction(app.engine) as connection:
            summary = _Importer(app, folder, connection, bar).run()
    except _DuplicateActionKey:
        raise _locate_duplicate_action(app, folder / ACTIONS_FILE) from None
    return summary


def _locate_duplicate_action(app: AppContext, path: Path) -> DataError | DatabaseError:
    """Error path only: find the first actions.csv row whose id is repeated or in the base."""
    source = CsvSource(path, FILES[ACTIONS_FILE])
    seen: dict[str, int] = {}
    batch: list[tuple[int, str]] = []
    with app.engine.connect() as connection:

        def in_base(rows: list[tuple[int, str]]) -> DataError | None:
            keys = [key for _line, key in rows]
            found: set[Any] = set(connection.execute(
                select(ACTION_TABLE.c.key).where(ACTION_TABLE.c.key.in_(keys))
            ).scalars())
            for line, key in rows:
                if key in found:
                    return row_error(source.name, line, "id", f"action {key!r} is already in "
                                     "the base")
            return None

        for line, cells in source.rows():
            key = cells[0]
            if key in seen:
                earlier = [row for row in batch if row[0] < line]
                return in_base(earlier) or row_error(
                    source.name, line, "id", f"action {key!r} is already on line {seen[key]}"
                )
            seen[key] = line
            batch.append((line, key))
            if len(batch) >= 500:
                error = in_base(batch)
                if error is not None:
                    return error
                batch.clear()
        error = in_base(batch)
    return error or DatabaseError(f"{source.name}: the base refused the actions (unique ids)")
