"""What every file of an import shares: the config's vocabulary, the checks of one cell, the
ids the import hands out and the compact per-lead facts later files are checked against.

Nothing here grows with the actions. Prospects and leads are never kept by key: references
are resolved by the database (``lookup``, ``bulk.ResolvingWriter``), and a lead of the
folder costs a few bytes in typed arrays (its pipeline, its step, its latest step change).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salesplan.core.dataio.bulk import DeferredIndexes, count_rows, is_sqlite
from salesplan.core.dataio.formats import FILES, KEY_MAX, OPTIONAL, CellError, TimestampReader
from salesplan.core.dataio.reader import CsvSource, row_error
from salesplan.core.fields import text_problem

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlalchemy import Connection, Table

    from salesplan.core.app import AppContext
    from salesplan.core.dataio.progress import Progress

#: Above this many (estimated) new rows, and more than the table holds, a table's secondary
#: indexes are dropped during the load and rebuilt once at the end (SQLite only).
DEFER_INDEXES_MIN_ROWS = 50_000
#: Rough bytes per CSV row (on the low side), to estimate a file's rows from its size.
ROW_BYTES = 60
NO_STEP = -1


@dataclass
class ImportSummary:
    """What an import wrote."""

    lists: int = 0
    prospects: int = 0
    leads: int = 0
    step_changes: int = 0
    actions: int = 0
    answers: int = 0
    reminders: int = 0
    files: list[str] = field(default_factory=list)


class FolderLeads:
    """The leads of leads.csv in file order (index = id − ``first_id``): pipeline, step and
    latest step change, in a few bytes each."""

    def __init__(self, pipelines: list[str], steps: dict[str, list[str]]) -> None:
        self.first_id = 0
        self.pipelines = pipelines
        self.steps = steps
        self.pipeline = array("B")
        self.step = array("b")
        self.last_at = array("q")  # sortable integer of the latest change's time, 0: none
        self.last_step = array("b")

    def add(self, pipeline: str, step: str) -> None:
        self.pipeline.append(self.pipelines.index(pipeline))
        self.step.append(self.steps[pipeline].index(step))
        self.last_at.append(0)
        self.last_step.append(NO_STEP)

    def __len__(self) -> int:
        return len(self.pipeline)


def sortable(value: str) -> int:
    """A UTC text value (``YYYY-MM-DD HH:MM:SS.ffffff``) as an integer in the same order:
    a day number (31-day months) then ``HHMMSSffffff`` (it fits 63 bits)."""
    day = int(value[0:4]) * 372 + int(value[5:7]) * 31 + int(value[8:10])
    return day * 1_000_000_000_000 + int(value[11:13] + value[14:16] + value[17:19]
                                         + value[20:26])


class ImportState:
    """One import run: the config's vocabulary, the open transaction and what the files
    added so far."""

    def __init__(self, app: AppContext, folder: Path, connection: Connection,
                 progress: Progress) -> None:
        self.app = app
        self.folder = folder
        self.connection = connection
        self.progress = progress
        self.sqlite = is_sqlite(connection)
        self.members = {m.id for m in app.config.members}
        self.outcomes = {t.id: set(t.outcome_ids) for t in app.registry.action_types.values()}
        self.steps = {p.id: list(p.steps) for p in app.config.pipelines}
        self.times = TimestampReader(app.tz, self.sqlite)
        self.summary = ImportSummary()
        self.first_prospect_id = 0
        self.first_action_id = 0  # the first id of actions.csv's actions (set before them)
        self.list_ids: dict[str, int] = {}
        self.new_lists: dict[int, Any] = {}  # list id -> oldest prospect's created_at
        self.claims = 0  # prospects of prospects.csv with a lead_id
        self.leads = FolderLeads(list(self.steps), self.steps)
        self.deferred: list[DeferredIndexes] = []

    # -- files -------------------------------------------------------------------------------

    def source(self, name: str) -> CsvSource | None:
        path = self.folder / name
        if not path.is_file():
            return None
        self.summary.files.append(name)
        return CsvSource(path, FILES[name], OPTIONAL.get(name, ()))

    def rows(self, source: CsvSource) -> Iterator[tuple[int, list[str]]]:
        return self.progress.track(source, source.rows())

    def defer_indexes(self, source: CsvSource, table: Table) -> None:
        """Big file into a smaller table: drop its secondary indexes until the end."""
        estimated = source.path.stat().st_size // ROW_BYTES
        if estimated >= DEFER_INDEXES_MIN_ROWS and estimated > count_rows(self.connection, table):
            deferred = DeferredIndexes(self.connection, table)
            deferred.drop()
            self.deferred.append(deferred)

    # -- cells -------------------------------------------------------------------------------

    @staticmethod
    def key(file: str, line: int, column: str, value: str) -> str:
        if not value.strip():
            raise row_error(file, line, column, "an id is required")
        if value != value.strip():
            raise row_error(file, line, column, f"id {value!r} has spaces around it")
        if len(value) > KEY_MAX:
            raise row_error(file, line, column, f"id is longer than {KEY_MAX} characters")
        return value

    def member(self, file: str, line: int, column: str, value: str) -> str:
        if value not in self.members:
            raise row_error(
                file, line, column,
                f"unknown member {value!r} (members: {', '.join(sorted(self.members))})",
            )
        return value

    def time(self, file: str, line: int, column: str, value: str) -> str:
        """The database value of a timestamp cell."""
        try:
            return self.times.db(value)
        except CellError as exc:
            raise row_error(file, line, column, str(exc)) from None

    @staticmethod
    def text(file: str, line: int, column: str, value: str, required: bool = False) -> str:
        """``value`` when it is acceptable as the typed field ``column`` (``fields.LIMITS``)."""
        problem = text_problem(value, column, required=required)
        if problem is not None:
            raise row_error(file, line, column, problem)
        return value
