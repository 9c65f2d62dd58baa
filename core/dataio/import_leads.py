"""leads.csv: every cell checked; the prospect a lead comes from is looked up a chunk of rows
at a time, with its claim (prospects.csv ``lead_id``) and whether it is already converted.

Rows wait in a chunk until their prospects are looked up; a bad cell found meanwhile first
lets the waiting rows (all earlier in the file) be checked, so the first bad row is the one
reported. After the file, every claim of prospects.csv must name a lead of leads.csv that
comes from that prospect (one set-based query).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from salesplan.core.calendar import local_midnight_utc
from salesplan.core.dataio.bulk import INTEGRITY_ERRORS, TableWriter, next_id
from salesplan.core.dataio.formats import (
    LEADS_FILE,
    PROSPECTS_FILE,
    CellError,
    parse_amount,
    parse_day_cell,
)
from salesplan.core.dataio.import_prospects import RepeatedKey, claims_table
from salesplan.core.dataio.import_state import ImportState
from salesplan.core.dataio.locate import line_of_key
from salesplan.core.dataio.lookup import by_key
from salesplan.core.dataio.reader import row_error
from salesplan.core.db.models import Lead, table_of
from salesplan.core.errors import DataError
from salesplan.core.statuses import CLOSED_STATUSES, LEAD_STATUSES

LEAD_TABLE = table_of(Lead)
CHUNK = 20_000

PROSPECT_FACTS = (
    "SELECT p.key, p.id, c.lead_key, c.line, "
    "EXISTS (SELECT 1 FROM leads l WHERE l.prospect_id = p.id) "
    f"FROM prospects p LEFT JOIN {claims_table.name} c ON c.prospect_id = p.id WHERE"
)
"""A prospect by key: its id, its claim (lead key, line) and whether a lead comes from it."""


class _Pending:
    """Rows of leads.csv waiting for their prospects: ``(line, key, row, prospect key)``."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, str, tuple[Any, ...], str]] = []


def import_leads(state: ImportState) -> None:
    state.leads.first_id = next_id(state.connection, LEAD_TABLE)
    source = state.source(LEADS_FILE)
    if source is not None:
        _read_file(state, source)
    if state.claims:
        _check_claims(state)


def _read_file(state: ImportState, source: Any) -> None:
    state.defer_indexes(source, LEAD_TABLE)
    writer = TableWriter(state.connection, LEAD_TABLE, (
        "id", "key", "title", "pipeline", "step", "owner", "amount", "status",
        "created_at", "closed_at", "remind_at", "prospect_id",
    ))
    pending = _Pending()
    try:
        _read(state, source.name, source, writer, pending)
        _settle(state, pending, writer)
        writer.flush()
    except INTEGRITY_ERRORS:
        raise RepeatedKey(LEADS_FILE) from None
    except DataError:
        try:  # an earlier row may be a repeated id: report the first bad row
            writer.flush()
        except INTEGRITY_ERRORS:
            raise RepeatedKey(LEADS_FILE) from None
        raise
    state.summary.leads = writer.written


def _read(state: ImportState, file: str, source: Any, writer: TableWriter,
          pending: _Pending) -> None:
    new_id = state.leads.first_id
    statuses = ", ".join(LEAD_STATUSES)
    for line, (key, title, pipeline, step, owner, amount_text, status, created, closed,
               prospect, remind_on) in state.rows(source):
        try:
            key = state.key(file, line, "id", key)
            state.text(file, line, "title", title, required=True)
            steps = state.steps.get(pipeline)
            if steps is None:
                raise row_error(file, line, "pipeline", f"unknown pipeline {pipeline!r} "
                                f"(pipelines: {', '.join(state.steps)})")
            if step not in steps:
                raise row_error(file, line, "step", f"{step!r} is not a step of {pipeline!r} "
                                f"({', '.join(steps)})")
            state.member(file, line, "owner", owner)
            try:
                amount = parse_amount(amount_text)
            except CellError as exc:
                raise row_error(file, line, "amount", str(exc)) from None
            if status not in LEAD_STATUSES:
                raise row_error(file, line, "status",
                                f"unknown status {status!r} (use {statuses})")
            created_at = state.time(file, line, "created_at", created)
            closed_at: Any = None
            if status in CLOSED_STATUSES:
                if not closed:
                    raise row_error(file, line, "closed_at",
                                    f"required for a closed lead (status {status!r})")
                closed_at = state.time(file, line, "closed_at", closed)
            elif closed:
                raise row_error(file, line, "closed_at",
                                f"must be empty for an open lead (status {status!r})")
            remind_at: Any = None
            if remind_on:
                if status != "standby":
                    raise row_error(file, line, "remind_on",
                                    f"only a standby lead has one (status {status!r})")
                try:
                    day = parse_day_cell(remind_on)
                except CellError as exc:
                    raise row_error(file, line, "remind_on", str(exc)) from None
                remind_at = state.times.of(local_midnight_utc(day, state.app.tz))
        except DataError:
            _settle(state, pending, writer)  # earlier rows' prospects come first
            raise
        state.leads.add(pipeline, step)
        row = (new_id, key, title, pipeline, step, owner, amount, status, created_at,
               closed_at, remind_at)
        new_id += 1
        if prospect:
            pending.rows.append((line, key, row, prospect))
            if len(pending.rows) >= CHUNK:
                _settle(state, pending, writer)
        elif pending.rows:
            pending.rows.append((line, key, row, ""))
        else:
            writer.add((*row, None))


def _settle(state: ImportState, pending: _Pending, writer: TableWriter) -> None:
    """Check the waiting rows' prospects (in file order) and hand the rows to the writer."""
    if not pending.rows:
        return
    facts = by_key(state.connection, PROSPECT_FACTS,
                   (prospect for _l, _k, _r, prospect in pending.rows if prospect),
                   key_column="p.key")
    taken: set[int] = set()
    for line, key, row, prospect in pending.rows:
        prospect_id: int | None = None
        if prospect:
            prospect_id = _prospect(state, line, key, prospect, facts.get(prospect), taken)
        writer.add((*row, prospect_id))
    pending.rows.clear()
    writer.flush()  # the next chunk's lookup must see these leads' prospects as converted


def _prospect(state: ImportState, line: int, lead_key: str, prospect: str,
              found: tuple[Any, ...] | None, taken: set[int]) -> int:
    file = LEADS_FILE
    if found is None:
        raise row_error(file, line, "prospect_id", f"unknown prospect {prospect!r}")
    prospect_id, claim_key, claim_line, converted = found
    if converted or prospect_id in taken:
        raise row_error(file, line, "prospect_id",
                        f"prospect {prospect!r} is already converted into another lead")
    taken.add(prospect_id)
    if prospect_id >= state.first_prospect_id:  # a prospect of prospects.csv
        if claim_key is None:
            where = line_of_key(state.folder / PROSPECTS_FILE, prospect)
            raise row_error(file, line, "prospect_id",
                            f"prospect {prospect!r} has no lead_id in {PROSPECTS_FILE}:{where}")
        if claim_key != lead_key:
            raise row_error(file, line, "prospect_id",
                            f"prospect {prospect!r} has lead_id {claim_key!r} in "
                            f"{PROSPECTS_FILE}:{claim_line}")
    return int(prospect_id)


CLAIM_PROBLEMS = (
    f"SELECT c.line, c.lead_key, l.id, p.key FROM {claims_table.name} c "
    "LEFT JOIN leads l ON l.key = c.lead_key "
    "LEFT JOIN prospects p ON p.id = l.prospect_id "
    "WHERE l.id IS NULL OR l.id < :first OR l.prospect_id IS NULL "
    "OR l.prospect_id <> c.prospect_id ORDER BY c.line LIMIT 1"
)


def _check_claims(state: ImportState) -> None:
    """Every prospects.csv ``lead_id`` names a lead of leads.csv converted from it."""
    found = state.connection.execute(text(CLAIM_PROBLEMS),
                                     {"first": state.leads.first_id}).first()
    if found is None:
        return
    line, lead_key, lead_id, prospect_key = found
    if lead_id is None:
        problem = f"unknown lead {lead_key!r}"
    elif lead_id < state.leads.first_id:
        problem = f"lead {lead_key!r} is in the base, not in {LEADS_FILE}"
    else:
        where = line_of_key(state.folder / LEADS_FILE, lead_key)
        problem = (f"lead {lead_key!r} has prospect_id {prospect_key or ''!r} in "
                   f"{LEADS_FILE}:{where}")
    raise row_error(PROSPECTS_FILE, line, "lead_id", problem)
