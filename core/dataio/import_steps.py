"""step_changes.csv: each change's lead looked up a chunk of rows at a time (it must be a lead
of leads.csv: step changes come with their lead), its step checked against the lead's
pipeline, and each lead's latest change kept in the compact ``FolderLeads`` arrays.

After the file, a lead of leads.csv without any change gets one at its ``created_at`` with
its step, and a lead whose latest change is not its step is an error (named at its line of
leads.csv).
"""

from __future__ import annotations

from sqlalchemy import text

from salesplan.core.dataio.bulk import TableWriter, is_sqlite, raw_connection
from salesplan.core.dataio.formats import LEADS_FILE, STEP_CHANGES_FILE
from salesplan.core.dataio.import_state import NO_STEP, ImportState, sortable
from salesplan.core.dataio.locate import record
from salesplan.core.dataio.lookup import by_key
from salesplan.core.dataio.reader import row_error
from salesplan.core.db.models import StepChange, table_of
from salesplan.core.errors import DataError

STEP_TABLE = table_of(StepChange)
CHUNK = 20_000
LEAD_FACTS = "SELECT key, id FROM leads WHERE"


def import_step_changes(state: ImportState) -> None:
    writer = TableWriter(state.connection, STEP_TABLE, ("lead_id", "at", "step"))
    source = state.source(STEP_CHANGES_FILE)
    if source is not None:
        state.defer_indexes(source, STEP_TABLE)
        pending: list[tuple[int, str, str | None, str]] = []  # line, lead, at, step
        for line, (lead_key, at_text, step) in state.rows(source):
            try:
                at = state.time(STEP_CHANGES_FILE, line, "at", at_text)
            except DataError:
                pending.append((line, lead_key, None, step))  # its lead is checked first
                _settle(state, pending, writer)
                raise
            pending.append((line, lead_key, at, step))
            if len(pending) >= CHUNK:
                _settle(state, pending, writer)
        _settle(state, pending, writer)
    writer.flush()
    _check_last_steps(state)
    state.summary.step_changes = writer.written + _missing(state)


def _settle(state: ImportState, pending: list[tuple[int, str, str | None, str]],
            writer: TableWriter) -> None:
    """Check the waiting changes (in file order) and hand them to the writer."""
    if not pending:
        return
    folder = state.leads
    found = by_key(state.connection, LEAD_FACTS, (lead for _l, lead, _a, _s in pending))
    file = STEP_CHANGES_FILE
    for line, lead_key, at, step in pending:
        lead = found.get(lead_key)
        if lead is None or lead[0] < folder.first_id:
            problem = (f"lead {lead_key!r} is in the base, not in {LEADS_FILE} "
                       "(step changes are imported with their lead)"
                       if lead is not None else f"unknown lead {lead_key!r}")
            raise row_error(file, line, "lead_id", problem)
        if at is None:
            return  # the bad time of this row is raised by the caller
        lead_id = int(lead[0])
        index = lead_id - folder.first_id
        pipeline = folder.pipelines[folder.pipeline[index]]
        steps = folder.steps[pipeline]
        if step not in steps:
            raise row_error(file, line, "step", f"{step!r} is not a step of {pipeline!r}")
        moment = sortable(at)
        if folder.last_step[index] == NO_STEP or moment >= folder.last_at[index]:
            folder.last_at[index] = moment
            folder.last_step[index] = steps.index(step)
        writer.add((lead_id, at, step))
    pending.clear()


def _check_last_steps(state: ImportState) -> None:
    """A lead whose latest change is not its step is an error (the first in leads.csv)."""
    folder = state.leads
    for index in range(len(folder)):
        last = folder.last_step[index]
        if last != NO_STEP and last != folder.step[index]:
            line, cells = record(state.folder / LEADS_FILE, index)
            key, _title, pipeline, step = cells[:4]
            raise row_error(
                LEADS_FILE, line, "step",
                f"lead {key!r} is at {step!r} but its last step change in "
                f"{STEP_CHANGES_FILE} is {folder.steps[pipeline][last]!r}",
            )


def _missing(state: ImportState) -> int:
    """Give each lead of leads.csv without a step change one at its creation; how many."""
    folder = state.leads
    ids = [folder.first_id + index for index in range(len(folder))
           if folder.last_step[index] == NO_STEP]
    connection = state.connection
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        if is_sqlite(connection):
            raw_connection(connection).executemany(
                "INSERT INTO step_changes (lead_id, at, step) "
                "SELECT id, created_at, step FROM leads WHERE id = ?", [(i,) for i in part])
        else:
            connection.execute(text(
                "INSERT INTO step_changes (lead_id, at, step) SELECT id, created_at, step "
                "FROM leads WHERE id = ANY(:ids) ORDER BY id"), {"ids": part})
    return len(ids)
