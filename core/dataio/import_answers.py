"""answers.csv: the call-script answers of the folder's actions, then the custom fields of
the folder's leads and prospects they make.

Rows are streamed; those of one action follow each other (an action's answers are one group).
Each answer is checked and typed as ``salesplan log --answer`` types it
(``services.answers``: yes/no → bool, a number → int or float, a choice, a text), against the
script of its action's type in the config; a chunk of groups at a time, the actions are looked
up by key (they must be actions of actions.csv: answers come with their action), then written
in bulk (``executemany`` on SQLite, ``COPY`` into a staging table and one ``UPDATE`` on
PostgreSQL). An action keeps its answers in the file's order, so export → import → export
gives the same file.

A lead's or a prospect's custom fields are what logging did to them: the answers of its
actions merged in the order they were logged (a lead converted from a prospect starts with the
answers given on the prospect up to its conversion). They are computed again from the
imported answers, a holder at a time, streamed from the base.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from salesplan.core.dataio.bulk import COPY_ROWS, copy_rows, is_sqlite, raw_connection
from salesplan.core.dataio.formats import ACTIONS_FILE, ANSWERS_FILE
from salesplan.core.dataio.import_state import ImportState
from salesplan.core.dataio.lookup import by_key
from salesplan.core.dataio.reader import row_error
from salesplan.core.errors import DataError
from salesplan.core.services.answers import CONVERTERS

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from salesplan.core.config.models import Question

CHUNK = 20_000
ACTION_FACTS = "SELECT key, id, action_type, answers FROM actions WHERE"
"""An action by key: its id, its type and its answers (set already: given twice)."""

_Group = tuple[int, str, list[tuple[int, str, str]]]  # first line, action key, rows


class JsonUpdates:
    """``UPDATE table SET column = <json> WHERE id = …`` for many rows: ``executemany`` on
    SQLite, ``COPY`` into a staging table then one ``UPDATE … FROM`` on PostgreSQL."""

    def __init__(self, connection: Connection, table: str, column: str) -> None:
        self.connection = connection
        self.table = table
        self.column = column
        self.sqlite = is_sqlite(connection)
        self.rows: list[tuple[int, str]] = []
        self.written = 0
        self._stage = f"update_{table}_{column}"
        if not self.sqlite:
            connection.exec_driver_sql(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {self._stage} "
                f"(id bigint, value json) ON COMMIT DROP")

    def add(self, row_id: int, value: dict[str, Any]) -> None:
        self.rows.append((row_id, json.dumps(value)))
        if len(self.rows) >= COPY_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        if self.sqlite:
            raw_connection(self.connection).executemany(
                f"UPDATE {self.table} SET {self.column} = ? WHERE id = ?",
                [(value, row_id) for row_id, value in self.rows])
        else:
            self.connection.exec_driver_sql(f"TRUNCATE {self._stage}")
            copy_rows(self.connection, self._stage, ("id", "value"), self.rows)
            self.connection.exec_driver_sql(
                f"UPDATE {self.table} t SET {self.column} = s.value FROM {self._stage} s "
                "WHERE t.id = s.id")
        self.written += len(self.rows)
        self.rows.clear()


def import_answers(state: ImportState) -> None:
    source = state.source(ANSWERS_FILE)
    if source is None:
        return
    updates = JsonUpdates(state.connection, "actions", "answers")
    checker = _Checker(state)
    pending: list[_Group] = []
    waiting = 0
    group: _Group | None = None
    for line, (action, question, answer) in state.rows(source):
        if group is None or group[1] != action:
            try:
                state.key(ANSWERS_FILE, line, "action_id", action)
            except DataError:
                _settle(state, checker, pending, updates)
                raise
            group = (line, action, [])
            pending.append(group)
            if waiting >= CHUNK:  # a group is never split between two chunks
                last = pending.pop()
                _settle(state, checker, pending, updates)
                pending.append(last)
                waiting = 0
        group[2].append((line, question, answer))
        waiting += 1
    _settle(state, checker, pending, updates)
    updates.flush()
    state.summary.answers = checker.count


class _Checker:
    """Types the answers of one action against its type's script."""

    def __init__(self, state: ImportState) -> None:
        self.state = state
        self.scripts: dict[str, dict[str, Question] | None] = {}
        self.count = 0

    def questions(self, line: int, action_type: str) -> dict[str, Question]:
        if action_type not in self.scripts:
            app = self.state.app
            spec = app.registry.action_types.get(action_type)
            script = (app.config.script(spec.script)
                      if spec is not None and spec.script is not None else None)
            self.scripts[action_type] = (
                None if script is None else {q.id: q for q in script.questions})
        questions = self.scripts[action_type]
        if questions is None:
            raise row_error(ANSWERS_FILE, line, "question",
                            f"action type {action_type!r} has no call script: "
                            "it takes no answers")
        return questions

    def typed(self, action_type: str, rows: list[tuple[int, str, str]]) -> dict[str, Any]:
        typed: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for line, question_id, answer in rows:
            questions = self.questions(line, action_type)
            question = questions.get(question_id)
            if question is None:
                raise row_error(ANSWERS_FILE, line, "question",
                                f"unknown question {question_id!r} for {action_type!r} "
                                f"(questions: {', '.join(questions)})")
            if question_id in lines:
                raise row_error(ANSWERS_FILE, line, "question",
                                f"{question_id!r} is already answered on line "
                                f"{lines[question_id]}")
            try:
                typed[question_id] = CONVERTERS[question.kind](question, answer)
            except DataError as exc:
                raise row_error(ANSWERS_FILE, line, "answer", str(exc)) from None
            lines[question_id] = line
        self.count += len(rows)
        return typed


def _settle(state: ImportState, checker: _Checker, pending: list[_Group],
            updates: JsonUpdates) -> None:
    """Check the waiting groups (in file order) and hand their answers to the writer."""
    if not pending:
        return
    updates.flush()  # the actions' answers written so far are seen as given
    found = by_key(state.connection, ACTION_FACTS, (key for _l, key, _r in pending))
    seen: dict[str, int] = {}
    for line, key, rows in pending:
        action = found.get(key)
        if action is None:
            raise row_error(ANSWERS_FILE, line, "action_id", f"unknown action {key!r}")
        action_id, action_type, given = action
        if action_id < state.first_action_id:
            raise row_error(ANSWERS_FILE, line, "action_id",
                            f"action {key!r} is in the base, not in {ACTIONS_FILE} "
                            "(answers are imported with their action)")
        if key in seen or _loaded(given):
            where = f" on line {seen[key]}" if key in seen else ""
            raise row_error(ANSWERS_FILE, line, "action_id",
                            f"the answers of action {key!r} are given before{where}: "
                            "keep an action's answers together")
        seen[key] = line
        updates.add(int(action_id), checker.typed(str(action_type), rows))
    pending.clear()


def _loaded(value: Any) -> bool:
    """Whether a raw JSON column value read back holds answers."""
    if isinstance(value, str):
        value = json.loads(value)
    return bool(value)


LEAD_ANSWERS = (
    "SELECT holder, answers FROM ("
    " SELECT l.id AS holder, 0 AS part, a.id AS action_id, a.answers AS answers"
    " FROM leads l JOIN actions a ON a.prospect_id = l.prospect_id"
    " WHERE l.id >= :low AND l.id < :high AND a.answers IS NOT NULL"
    " AND a.at <= l.created_at"
    " UNION ALL"
    " SELECT a.lead_id, 1, a.id, a.answers FROM actions a"
    " WHERE a.lead_id >= :low AND a.lead_id < :high AND a.answers IS NOT NULL"
    ") given ORDER BY holder, part, action_id"
)
PROSPECT_ANSWERS = (
    "SELECT a.prospect_id, a.answers FROM actions a"
    " WHERE a.prospect_id >= :low AND a.prospect_id < :high AND a.answers IS NOT NULL"
    " ORDER BY a.prospect_id, a.id"
)


def holder_fields(state: ImportState) -> None:
    """The custom fields of the folder's leads and prospects, from their actions' answers,
    ``CHUNK`` holders at a time (each range read whole before it is written). Run once the
    actions' indexes are back (``ImportState.defer_indexes``): it reads by lead and prospect."""
    if not state.summary.answers:
        return
    connection = state.connection
    for table, sql, first in (
        ("leads", LEAD_ANSWERS, state.leads.first_id),
        ("prospects", PROSPECT_ANSWERS, state.first_prospect_id),
    ):
        updates = JsonUpdates(connection, table, "fields")
        last = int(connection.execute(text(f"SELECT MAX(id) FROM {table}")).scalar() or 0)
        for low in range(first, last + 1, CHUNK):
            rows = connection.execute(text(sql), {"low": low, "high": low + CHUNK}).all()
            for holder, fields in _merged(rows):
                updates.add(holder, fields)
            updates.flush()


def _merged(rows: Iterable[Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(holder, answers merged in order)`` from rows sorted by holder."""
    current: int | None = None
    fields: dict[str, Any] = {}
    for holder, answers in rows:
        if isinstance(answers, str):
            answers = json.loads(answers)
        if holder != current:
            if current is not None and fields:
                yield current, fields
            current, fields = int(holder), {}
        fields.update(answers or {})
    if current is not None and fields:
        yield current, fields
