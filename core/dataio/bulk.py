"""Bulk writes inside one transaction, fast on SQLite and correct on both backends.

On SQLite rows go through the raw DBAPI cursor's ``executemany`` with timestamps already in
the text form SQLAlchemy's ``UTCDateTime`` stores (see ``formats.sqlite_utc_text``); that is
what makes a million-row import close to a plain ``sqlite3`` loader. Other backends use
SQLAlchemy Core ``insert()`` executemany with aware datetimes bound through the column types.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, select, text

from salesplan.core.db.engine import WRITE_OPTION

CHUNK_ROWS = 20_000
#: Page cache used by an import connection on SQLite (negative = KiB): bounded memory.
SQLITE_IMPORT_CACHE_KIB = 65_536


def is_sqlite(connection: Connection) -> bool:
    return connection.dialect.name == "sqlite"


class TableWriter:
    """Buffers rows (tuples in ``columns`` order) and inserts them ``CHUNK_ROWS`` at a time."""

    def __init__(
        self, connection: Connection, table: Table, columns: Sequence[str],
        chunk_rows: int = CHUNK_ROWS,
    ) -> None:
        self.connection = connection
        self.table = table
        self.columns = tuple(columns)
        self.chunk_rows = chunk_rows
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        self._sqlite = is_sqlite(connection)
        if self._sqlite:
            names = ", ".join(self.columns)
            marks = ", ".join("?" * len(self.columns))
            self._sql = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"
            raw = connection.connection.dbapi_connection
            assert raw is not None  # a connection in use holds its DBAPI connection
            self._cursor = raw.cursor()

    def add(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.chunk_rows:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        if self._sqlite:
            self._cursor.executemany(self._sql, self.rows)
        else:
            columns = self.columns
            self.connection.execute(
                self.table.insert(), [dict(zip(columns, row, strict=True)) for row in self.rows]
            )
        self.written += len(self.rows)
        self.rows.clear()


@contextmanager
def bulk_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction for a bulk load; commits when the block ends without error.

    On SQLite foreign-key checks are switched off for this connection (the loader checks
    every reference itself; the pragma cannot change inside a transaction) and the page cache
    is enlarged to a fixed size; both are restored before the connection goes back to the pool.
    """
    with engine.execution_options(**{WRITE_OPTION: True}).connect() as connection:
        sqlite = is_sqlite(connection)
        raw = connection.connection.dbapi_connection if sqlite else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
            raw.execute(f"PRAGMA cache_size=-{SQLITE_IMPORT_CACHE_KIB}")
        try:
            with connection.begin():
                yield connection
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")
                raw.execute("PRAGMA cache_size=-2000")


def next_id(connection: Connection, table: Table) -> int:
    """The first free integer id (ids are given explicitly so references need no round trip)."""
    current = connection.execute(select(func.max(table.c.id))).scalar()
    return int(current or 0) + 1


def lock_tables(connection: Connection, tables: Sequence[Table]) -> None:
    """PostgreSQL: keep other writers out of tables whose ids we hand out ourselves.
    (SQLite's ``BEGIN IMMEDIATE`` already holds the only write lock.)"""
    if connection.dialect.name == "postgresql":
        names = ", ".join(t.name for t in tables)
        connection.execute(text(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE"))


def fix_sequences(connection: Connection, tables: Sequence[Table]) -> None:
    """PostgreSQL: move id sequences past explicitly inserted ids."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            )
        )


def count_rows(connection: Connection, table: Table) -> int:
    return int(connection.execute(select(func.count()).select_from(table)).scalar() or 0)


class DeferredIndexes:
    """Drops a table's secondary indexes for a big load and builds them again afterwards.

    Building an index once, by sorting, is several times cheaper than maintaining it row by
    row. The exact definitions are read back from ``sqlite_master`` so whatever migrations
    created is recreated as is. Only on SQLite, where DDL is transactional (a failed import
    leaves the indexes untouched) and the import already holds the write lock; on
    PostgreSQL dropping an index would lock readers out of a shared base. Unique constraints
    (``key``) are kept: they guard the ids.
    """

    def __init__(self, connection: Connection, table: Table) -> None:
        self.connection = connection
        self.table = table
        self.definitions: list[str] = []

    def drop(self) -> None:
        if not is_sqlite(self.connection) or self.definitions:
            return
        rows = self.connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL ORDER BY name", (self.table.name,)
        ).all()
        for name, _sql in rows:
            self.connection.exec_driver_sql(f'DROP INDEX "{name}"')
        self.definitions = [sql for _name, sql in rows]

    def restore(self) -> None:
        for sql in self.definitions:
            self.connection.exec_driver_sql(sql)
        self.definitions = []
