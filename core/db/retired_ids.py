"""Ids that must not be handed out again after their rows were deleted.

A lead's or an action's key comes from its integer id (``L345``), and users, integrations
and plugin tables hold on to keys. PostgreSQL's sequences never give an id twice; SQLite
gives the largest deleted rowid again. So whoever deletes such rows records the largest id
it deleted (``retire``), and whoever inserts on SQLite starts above it (``first_free_id``).
The mark lives in ``salesplan_meta`` as ``retired_id.<table>``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from salesplan.core.db.models import Meta, table_of

_META = table_of(Meta)


def _name(table: str) -> str:
    return f"retired_id.{table}"


def retired_max(connection: Connection, table: str) -> int:
    """The largest id ever deleted from ``table`` (0 if none was)."""
    value = connection.execute(
        select(_META.c.value).where(_META.c.key == _name(table))).scalar()
    return int(value) if value else 0


def retire(connection: Connection, table: str, ids: list[int]) -> None:
    """Remember that the ids ``ids`` of ``table`` were deleted."""
    if not ids:
        return
    highest = max(max(ids), retired_max(connection, table))
    updated = connection.execute(_META.update().where(_META.c.key == _name(table))
                                 .values(value=str(highest)))
    if not updated.rowcount:
        connection.execute(_META.insert().values(key=_name(table), value=str(highest)))


def first_free_id(connection: Connection, table: str, id_column: Any) -> int:
    """The id the next row of ``table`` gets: above every row and every retired id."""
    current = connection.execute(select(func.max(id_column))).scalar()
    return max(int(current or 0), retired_max(connection, table)) + 1
