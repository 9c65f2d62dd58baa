"""``salesplan import DIR``: load a data folder into the base in ONE transaction (SPEC §5).

The files are read in reference order (prospects, leads, step changes, actions, answers,
reminders), each streamed; every cell is checked and the first bad row aborts everything with
``file:line: column: problem`` (nothing is written). Rows are written directly with bulk
inserts (``COPY`` on PostgreSQL): importing history fires no rules and no notifications.

Memory does not grow with the folder: no map of keys is kept (references are resolved by the
database, a chunk at a time), actions are never kept, and the rollups are folded as the
actions go in (``rollup_build.BulkFolding``), so the import ends with every rollup current.
The per-file work lives in ``import_prospects``, ``import_leads``, ``import_steps``,
``import_actions``, ``import_answers`` and ``import_reminders``; the error path that names a
row a constraint refused in ``locate``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select, text

from salesplan.core.app import AppContext
from salesplan.core.dataio.bulk import (
    DeferredTriggers,
    bulk_transaction,
    fix_sequences,
    is_sqlite,
    lock_tables,
    next_id,
)
from salesplan.core.dataio.formats import ACTIONS_FILE, FILES, PROSPECTS_FILE
from salesplan.core.dataio.import_actions import ACTION_TABLE, ActionProblem, import_actions
from salesplan.core.dataio.import_answers import holder_fields, import_answers
from salesplan.core.dataio.import_leads import LEAD_TABLE, import_leads
from salesplan.core.dataio.import_prospects import (
    LIST_TABLE,
    PROSPECT_TABLE,
    RepeatedKey,
    create_claims,
    drop_claims,
    import_prospects,
)
from salesplan.core.dataio.import_reminders import (
    REMINDER_TABLE,
    ReminderProblem,
    import_reminders,
    reminder_problem,
)
from salesplan.core.dataio.import_state import (
    DEFER_INDEXES_MIN_ROWS,
    ImportState,
    ImportSummary,
)
from salesplan.core.dataio.import_steps import STEP_TABLE, import_step_changes
from salesplan.core.dataio.locate import action_problem, repeated_key
from salesplan.core.dataio.progress import Progress
from salesplan.core.db.search_index import index_range
from salesplan.core.errors import DatabaseError, DataError
from salesplan.core.events import IdRange, ImportBatch
from salesplan.core.i18n import _
from salesplan.core.reports.rollup_build import BulkFolding, fold_imported_actions
from salesplan.core.reports.rollup_state import active_rollups, analyze
from salesplan.core.services.events import fire_imported

__all__ = ["DEFER_INDEXES_MIN_ROWS", "ImportSummary", "import_folder"]

ANALYZE_AFTER = 20_000
"""Imported actions from which PostgreSQL's statistics are refreshed at the end."""
TRIGGERED = ("actions", "leads", "step_changes", "prospects", "prospecting_lists")
"""Tables whose triggers a bulk load takes over (see ``bulk.DeferredTriggers``)."""


def _max_id(connection: Connection, table: Any) -> int:
    return int(connection.execute(select(func.max(table.c.id))).scalar() or 0)


def _run(state: ImportState) -> ImportSummary:
    connection = state.connection
    app = state.app
    # PostgreSQL: the import hands out ids itself and folds what it wrote; other writers
    # wait for it (SQLite's write lock already keeps them out).
    lock_tables(connection, [LIST_TABLE, PROSPECT_TABLE, LEAD_TABLE, STEP_TABLE, ACTION_TABLE,
                             REMINDER_TABLE])
    tables = (PROSPECT_TABLE, LEAD_TABLE, STEP_TABLE, ACTION_TABLE, REMINDER_TABLE)
    before = {table: _max_id(connection, table) for table in tables}
    state.list_ids = dict(connection.execute(select(LIST_TABLE.c.name, LIST_TABLE.c.id)).all())
    triggers = DeferredTriggers(connection, TRIGGERED)
    triggers.drop()
    create_claims(state)
    import_prospects(state)
    import_leads(state)
    drop_claims(state)
    import_step_changes(state)
    specs = active_rollups(app)
    folding = BulkFolding(connection, specs)
    state.first_action_id = next_id(connection, ACTION_TABLE)
    import_actions(state, folding)
    import_answers(state)
    import_reminders(state)
    for deferred in state.deferred:
        deferred.restore()
    holder_fields(state)
    triggers.restore()
    folding.finish()
    fix_sequences(connection, [LIST_TABLE, PROSPECT_TABLE, LEAD_TABLE, ACTION_TABLE,
                               REMINDER_TABLE])
    ranges = {table: IdRange(before[table] + 1, _max_id(connection, table)) for table in tables}
    index_range(connection, leads=(ranges[LEAD_TABLE].first, ranges[LEAD_TABLE].last),
                prospects=(ranges[PROSPECT_TABLE].first, ranges[PROSPECT_TABLE].last),
                progress=app.progress)
    batch = ImportBatch(
        prospects=ranges[PROSPECT_TABLE], leads=ranges[LEAD_TABLE],
        step_changes=ranges[STEP_TABLE], actions=ranges[ACTION_TABLE],
        reminders=ranges[REMINDER_TABLE],
    )
    if not batch.actions.empty:
        if folding.others:
            fold_imported_actions(connection, app, batch.actions.first, batch.actions.last,
                                  app.progress, folding.others)
        if state.summary.actions >= ANALYZE_AFTER:
            analyze(connection, specs)
            if not is_sqlite(connection):  # fresh statistics for the reports' plans
                connection.execute(text(f"ANALYZE {', '.join(t.name for t in tables)}"))
    fire_imported(connection, app, batch=batch)
    return state.summary


def import_folder(
    app: AppContext, folder: Path, *, progress: Callable[[], Progress] | None = None
) -> ImportSummary:
    """Import a data folder in one transaction; raise ``DataError`` (nothing written) on the
    first bad row."""
    if not folder.is_dir():
        raise DataError(_("{folder}: not a folder").format(folder=folder))
    if not any((folder / name).is_file() for name in FILES):
        raise DataError(_("{folder}: no data files (expected any of {files})").format(
            folder=folder, files=', '.join(FILES)))
    bar = progress() if progress is not None else Progress.quiet()
    try:
        with bar, bulk_transaction(app.engine) as connection:
            summary = _run(ImportState(app, folder, connection, bar))
    except RepeatedKey as problem:
        table, what = ((PROSPECT_TABLE, "prospect") if problem.file == PROSPECTS_FILE
                       else (LEAD_TABLE, "lead"))
        with app.engine.connect() as connection:
            raise repeated_key(connection, folder / problem.file, table, what) from None
    except ActionProblem:
        with app.engine.connect() as connection:
            raise _action_error(connection, folder) from None
    except ReminderProblem:
        with app.engine.connect() as connection:
            raise reminder_problem(connection, folder) from None
    return summary


def _action_error(connection: Connection, folder: Path) -> DataError | DatabaseError:
    error = action_problem(connection, folder, ACTION_TABLE, LEAD_TABLE, PROSPECT_TABLE)
    if error.message.startswith(f"{ACTIONS_FILE}: the base refused"):
        return DatabaseError(error.message)
    return error

