"""``salesplan export DIR``: write the base as a data folder (SPEC §5).

Every file is always written (a header alone when empty), read in one transaction so they
agree with each other. Order is stable: prospects, leads, actions and reminders by their
integer id (the order they were created or imported in, so a folder imported into an empty
base comes back in its own order); step changes by lead id, then time, then id; answers by
action id, then in the order the action holds them. Each file is written to a temporary name
and renamed, so a failed export never leaves half a file.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Select, select
from sqlalchemy.orm import aliased

from salesplan.core.app import AppContext
from salesplan.core.calendar import local_date
from salesplan.core.dataio.formats import (
    ACTION_COLUMNS,
    ACTIONS_FILE,
    ANSWER_COLUMNS,
    ANSWERS_FILE,
    LEAD_COLUMNS,
    LEADS_FILE,
    PROSPECT_COLUMNS,
    PROSPECTS_FILE,
    REMINDER_COLUMNS,
    REMINDER_PREFIX,
    REMINDERS_FILE,
    STEP_CHANGE_COLUMNS,
    STEP_CHANGES_FILE,
    format_amount,
    format_answer,
    format_timestamp,
)
from salesplan.core.db.models import (
    Action,
    Lead,
    Prospect,
    ProspectingList,
    Reminder,
    StepChange,
    table_of,
)
from salesplan.core.errors import DataError
from salesplan.core.i18n import _

FETCH_ROWS = 20_000


@dataclass
class ExportSummary:
    """Rows written per file."""

    counts: dict[str, int] = field(default_factory=dict)


def _prospects_query() -> Select[Any]:
    p, lst, lead = table_of(Prospect), table_of(ProspectingList), table_of(Lead)
    return (
        select(p.c.key, lst.c.name, p.c.name, p.c.company, p.c.email, p.c.phone, p.c.owner,
               p.c.created_at, lead.c.key)
        .join(lst, lst.c.id == p.c.list_id)
        .outerjoin(lead, lead.c.prospect_id == p.c.id)
        .order_by(p.c.id)
    )


def _leads_query() -> Select[Any]:
    lead, p = table_of(Lead), table_of(Prospect)
    return (
        select(lead.c.key, lead.c.title, lead.c.pipeline, lead.c.step, lead.c.owner,
               lead.c.amount, lead.c.status, lead.c.created_at, lead.c.closed_at, p.c.key,
               lead.c.remind_at)
        .outerjoin(p, p.c.id == lead.c.prospect_id)
        .order_by(lead.c.id)
    )


def _step_changes_query() -> Select[Any]:
    sc, lead = table_of(StepChange), table_of(Lead)
    return (
        select(lead.c.key, sc.c.at, sc.c.step)
        .join(lead, lead.c.id == sc.c.lead_id)
        .order_by(sc.c.lead_id, sc.c.at, sc.c.id)
    )


def _actions_query() -> Select[Any]:
    a = table_of(Action)
    lead = aliased(table_of(Lead))
    p = aliased(table_of(Prospect))
    return (
        select(a.c.key, a.c.at, a.c.member, a.c.action_type, a.c.outcome, lead.c.key, p.c.key,
               a.c.note)
        .outerjoin(lead, lead.c.id == a.c.lead_id)
        .outerjoin(p, p.c.id == a.c.prospect_id)
        .order_by(a.c.id)
    )


def _answers_query() -> Select[Any]:
    a = table_of(Action)
    return select(a.c.key, a.c.answers).where(a.c.answers.is_not(None)).order_by(a.c.id)


def _answer_rows(rows: Iterable[Sequence[Any]]) -> Iterable[tuple[str, str, str]]:
    """One row per answer of each action, in the order the action holds them."""
    for key, answers in rows:
        for question, value in (answers or {}).items():
            if value is not None:
                yield key, question, format_answer(value)


def _reminders_query() -> Select[Any]:
    r = table_of(Reminder)
    lead = aliased(table_of(Lead))
    p = aliased(table_of(Prospect))
    a = aliased(table_of(Action))
    return (
        select(r.c.id, r.c.due_at, r.c.member, r.c.action_type, lead.c.key, p.c.key,
               r.c.done, r.c.done_at, a.c.key, r.c.note, r.c.source)
        .outerjoin(lead, lead.c.id == r.c.lead_id)
        .outerjoin(p, p.c.id == r.c.prospect_id)
        .outerjoin(a, a.c.id == r.c.created_by_action_id)
        .order_by(r.c.id)
    )


def _write(path: Path, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """Write ``path`` whole or not at all: through a new temporary file beside it (created
    exclusively under a random name, so a symlink or file planted there is never followed or
    overwritten), renamed over ``path`` at the end and removed on any failure or interruption
    (the CLI turns SIGTERM into an exit, which runs this ``finally``)."""
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    count = 0
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow(row)
                count += 1
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return count


def _stream(connection: Connection, query: Select[Any]) -> Iterable[Sequence[Any]]:
    result = connection.execution_options(yield_per=FETCH_ROWS).execute(query)
    for partition in result.partitions():
        yield from partition


def export_folder(app: AppContext, folder: Path) -> ExportSummary:
    """Write every file of the data folder (SPEC §5) into ``folder``."""
    if folder.exists() and not folder.is_dir():
        raise DataError(_("{folder}: exists and is not a folder").format(folder=folder))
    folder.mkdir(parents=True, exist_ok=True)
    tz = app.tz

    def stamp(value: Any) -> str:
        return "" if value is None else format_timestamp(value, tz)

    def day(value: Any) -> str:
        return "" if value is None else local_date(value, tz).isoformat()

    summary = ExportSummary()
    with app.engine.connect() as connection, connection.begin():
        summary.counts[PROSPECTS_FILE] = _write(
            folder / PROSPECTS_FILE, PROSPECT_COLUMNS,
            ((key, lst, name, company, email, phone, owner or "", stamp(created), lead or "")
             for key, lst, name, company, email, phone, owner, created, lead
             in _stream(connection, _prospects_query())),
        )
        summary.counts[LEADS_FILE] = _write(
            folder / LEADS_FILE, LEAD_COLUMNS,
            ((key, title, pipeline, step, owner, format_amount(float(amount)), status,
              stamp(created), stamp(closed), prospect or "", day(remind))
             for key, title, pipeline, step, owner, amount, status, created, closed, prospect,
             remind in _stream(connection, _leads_query())),
        )
        summary.counts[STEP_CHANGES_FILE] = _write(
            folder / STEP_CHANGES_FILE, STEP_CHANGE_COLUMNS,
            ((lead, stamp(at), step)
             for lead, at, step in _stream(connection, _step_changes_query())),
        )
        summary.counts[ACTIONS_FILE] = _write(
            folder / ACTIONS_FILE, ACTION_COLUMNS,
            ((key, stamp(at), member, action, outcome or "", lead or "", prospect or "",
              note)
             for key, at, member, action, outcome, lead, prospect, note
             in _stream(connection, _actions_query())),
        )
        summary.counts[ANSWERS_FILE] = _write(
            folder / ANSWERS_FILE, ANSWER_COLUMNS,
            _answer_rows(_stream(connection, _answers_query())),
        )
        summary.counts[REMINDERS_FILE] = _write(
            folder / REMINDERS_FILE, REMINDER_COLUMNS,
            ((f"{REMINDER_PREFIX}{row_id}", stamp(due), member, action, lead or "",
              prospect or "", stamp(done_at or due) if done else "", source_action or "",
              note, source)
             for row_id, due, member, action, lead, prospect, done, done_at, source_action,
             note, source in _stream(connection, _reminders_query())),
        )
    return summary
