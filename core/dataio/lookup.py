"""Rows by text key, a chunk of keys at a time: the table's unique ``key`` index does the work.

The importer never keeps a map of every prospect or lead in memory: for a chunk of rows of
leads.csv or step_changes.csv it asks the base for the chunk's distinct keys in one
statement (SQLite: the keys as one JSON array through ``json_each``; PostgreSQL:
``= ANY(array)``), so memory stays the size of a chunk whatever the size of the folder.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from salesplan.core.dataio.bulk import is_sqlite

if TYPE_CHECKING:
    from sqlalchemy import Connection


def by_key(connection: Connection, select_sql: str, keys: Iterable[str],
           key_column: str = "key", **params: Any) -> dict[str, tuple[Any, ...]]:
    """``{key: rest of the row}`` for ``select_sql`` (``SELECT <key>, … FROM … WHERE``
    without the key condition, which is appended: ``<key_column> IN (the keys)``)."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    if is_sqlite(connection):
        condition = f"{key_column} IN (SELECT value FROM json_each(:keys))"
        values: Any = json.dumps(wanted)
    else:
        condition = f"{key_column} = ANY(:keys)"
        values = wanted
    rows = connection.execute(text(f"{select_sql} {condition}"), {"keys": values, **params})
    return {row[0]: tuple(row[1:]) for row in rows}
