"""The error path of an import: find the row a constraint refused, and lines named in errors.

The happy path keeps no map of keys: a repeated id, an id already in the base or (for
actions) a reference to an unknown lead or prospect is refused by the database (unique
indexes, the actions' one-target check). Only then, after the import's transaction is rolled
back, the files are read again to name the first bad row, ``file:line: column: problem``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlalchemy import select

from salesplan.core.dataio.formats import (
    ACTIONS_FILE,
    FILES,
    LEADS_FILE,
    OPTIONAL,
    PROSPECTS_FILE,
)
from salesplan.core.dataio.reader import CsvSource, row_error
from salesplan.core.errors import DataError

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy import Connection, Table
from salesplan.core.i18n import _

BATCH = 500


def records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """``(line, cells)`` of every record of a data file (cells in the file's column order)."""
    yield from CsvSource(path, FILES[path.name], OPTIONAL.get(path.name, ())).rows()


def record(path: Path, index: int) -> tuple[int, list[str]]:
    """The ``index``-th record (0-based) of a data file."""
    for number, found in enumerate(records(path)):
        if number == index:
            return found
    raise DataError(_("{path}: record {value} not found").format(path=path.name, value=index + 1))


def line_of_key(path: Path, key: str) -> int | None:
    """The line of the record whose id (first column) is ``key``."""
    for line, cells in records(path):
        if cells[0] == key:
            return line
    return None


def _in_base(connection: Connection, table: Table, keys: list[str]) -> set[str]:
    return set(connection.execute(
        select(table.c.key).where(table.c.key.in_(keys))).scalars())


def repeated_key(connection: Connection, path: Path, table: Table, what: str) -> DataError:
    """The first record whose id is repeated in the file or already in the base (the
    import rolled back: the base holds only what was there before)."""
    seen: dict[str, int] = {}
    batch: list[tuple[int, str]] = []

    def check(rows: list[tuple[int, str]]) -> DataError | None:
        found = _in_base(connection, table, [key for _line, key in rows])
        for line, key in rows:
            if key in found:
                return row_error(path.name, line, "id", f"{what} {key!r} is already in the base")
        return None

    for line, cells in records(path):
        key = cells[0]
        if key in seen:
            return check([row for row in batch if row[0] < line]) or row_error(
                path.name, line, "id", f"{what} {key!r} is already on line {seen[key]}")
        seen[key] = line
        batch.append((line, key))
        if len(batch) >= BATCH:
            if (error := check(batch)) is not None:
                return error
            batch.clear()
    return check(batch) or DataError(_("{path}: the base refused the rows (unique ids)").format(
        path=path.name))


def _folder_keys(folder: Path, name: str) -> set[str]:
    path = folder / name
    return {cells[0] for _line, cells in records(path)} if path.is_file() else set()


def action_problem(connection: Connection, folder: Path, actions: Table, leads: Table,
                   prospects: Table) -> DataError:
    """The first actions.csv record the base refused: a repeated id, an id in the base, or a
    lead or prospect that is neither in the folder nor in the base."""
    path = folder / ACTIONS_FILE
    lead_keys = _folder_keys(folder, LEADS_FILE)
    prospect_keys = _folder_keys(folder, PROSPECTS_FILE)
    seen: dict[str, int] = {}
    batch: list[tuple[int, list[str]]] = []

    def check(rows: list[tuple[int, list[str]]]) -> DataError | None:
        in_base = _in_base(connection, actions, [cells[0] for _line, cells in rows])
        base_leads = _in_base(connection, leads, [c[5] for _l, c in rows if c[5]])
        base_prospects = _in_base(connection, prospects, [c[6] for _l, c in rows if c[6]])
        for line, cells in rows:
            key, lead, prospect = cells[0], cells[5], cells[6]
            if key in in_base:
                return row_error(path.name, line, "id", f"action {key!r} is already in the base")
            if lead and lead not in lead_keys and lead not in base_leads:
                return row_error(path.name, line, "lead_id", f"unknown lead {lead!r}")
            if prospect and prospect not in prospect_keys and prospect not in base_prospects:
                return row_error(path.name, line, "prospect_id",
                                 f"unknown prospect {prospect!r}")
        return None

    source = CsvSource(path, FILES[ACTIONS_FILE])
    for line, cells in source.rows():
        key = cells[0]
        if key in seen:
            return check([row for row in batch if row[0] < line]) or row_error(
                path.name, line, "id", f"action {key!r} is already on line {seen[key]}")
        seen[key] = line
        batch.append((line, cells))
        if len(batch) >= BATCH:
            if (error := check(batch)) is not None:
                return error
            batch.clear()
    return check(batch) or DataError(
        _("{path}: the base refused the actions (unique ids, one lead or prospect each)").format(
            path=path.name))
