"""Bulk writes inside one transaction, fast on SQLite and on PostgreSQL.

On SQLite rows go through the raw DBAPI cursor's ``executemany`` with timestamps already in
the text form SQLAlchemy's ``UTCDateTime`` stores (see ``formats.sqlite_utc_text``); that is
what makes a million-row import close to a plain ``sqlite3`` loader. On PostgreSQL rows go
through ``COPY … FROM STDIN`` (psycopg 3's ``cursor.copy``), timestamps as UTC text with
their ``+00`` offset. ``ResolvingWriter`` also lets the database turn text keys into ids (a
unique-index lookup per row in C, no key map in Python memory).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, select, text
from sqlalchemy.exc import IntegrityError

from salesplan.core.db.engine import WRITE_OPTION
from salesplan.core.db.retired_ids import first_free_id


def _integrity_errors() -> tuple[type[Exception], ...]:
    errors: list[type[Exception]] = [sqlite3.IntegrityError, IntegrityError]
    try:
        import psycopg
    except ImportError:  # the postgres extra is not installed
        pass
    else:
        errors.append(psycopg.IntegrityError)
    return tuple(errors)


INTEGRITY_ERRORS = _integrity_errors()
"""What a constraint refusing a bulk row raises (the raw DBAPI cursors are used directly)."""

CHUNK_ROWS = 20_000
#: Rows a ``COPY`` sends at a time on PostgreSQL (and a ``ResolvingWriter`` stages).
COPY_ROWS = 50_000
#: Page cache used by an import connection on SQLite (negative = KiB): bounded memory.
SQLITE_IMPORT_CACHE_KIB = 65_536
#: The setting PostgreSQL triggers of salesplan honour: ``on`` for a bulk writer's
#: transaction, which counts what it writes itself (migration ``0007_rollup_tally``).
BULK_SETTING = "salesplan.bulk_load"


def is_sqlite(connection: Connection) -> bool:
    return connection.dialect.name == "sqlite"


def raw_connection(connection: Connection) -> Any:
    raw = connection.connection.dbapi_connection
    assert raw is not None  # a connection in use holds its DBAPI connection
    return raw


def copy_rows(connection: Connection, table: str, columns: Sequence[str],
              rows: Sequence[Sequence[Any]]) -> None:
    """PostgreSQL: ``COPY table (columns) FROM STDIN`` with these rows."""
    with raw_connection(connection).cursor() as cursor, cursor.copy(
        f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    ) as copy:
        for row in rows:
            copy.write_row(row)


class TableWriter:
    """Buffers rows (tuples in ``columns`` order) and inserts them ``chunk_rows`` at a time
    (``executemany`` on SQLite, ``COPY`` on PostgreSQL)."""

    def __init__(
        self, connection: Connection, table: Table, columns: Sequence[str],
        chunk_rows: int | None = None,
    ) -> None:
        self.connection = connection
        self.table = table
        self.columns = tuple(columns)
        self._sqlite = is_sqlite(connection)
        self.chunk_rows = chunk_rows or (CHUNK_ROWS if self._sqlite else COPY_ROWS)
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        if self._sqlite:
            names = ", ".join(self.columns)
            marks = ", ".join("?" * len(self.columns))
            self._sql = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"
            self._cursor = raw_connection(connection).cursor()

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
            copy_rows(self.connection, self.table.name, self.columns, self.rows)
        self.written += len(self.rows)
        self.rows.clear()


class ResolvingWriter:
    """Inserts rows whose reference columns hold text keys, resolved to ids by the database.

    ``refs`` maps a column of ``columns`` to the table whose ``key`` it names; an unknown (or
    empty: pass None) key gives NULL, which the table's constraints then refuse or accept.
    SQLite: one ``executemany`` with a ``(SELECT id FROM t WHERE key = ?)`` per reference.
    PostgreSQL: ``COPY`` into a temporary table, then one ``INSERT … SELECT`` joining it to
    the referenced tables on their unique keys.
    """

    def __init__(self, connection: Connection, table: Table, columns: Sequence[str],
                 refs: dict[str, str]) -> None:
        self.connection = connection
        self.table = table
        self.columns = tuple(columns)
        self.refs = dict(refs)
        self._sqlite = is_sqlite(connection)
        self.chunk_rows = CHUNK_ROWS if self._sqlite else COPY_ROWS
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        names = ", ".join(self.columns)
        if self._sqlite:
            values = ", ".join(
                f"(SELECT id FROM {self.refs[c]} WHERE key = ?)" if c in self.refs else "?"
                for c in self.columns)
            self._sql = f"INSERT INTO {table.name} ({names}) VALUES ({values})"
            self._cursor = raw_connection(connection).cursor()
            return
        self._stage = f"resolve_{table.name}"
        types = {column.name: column.type.compile(connection.dialect) for column in table.c}
        definitions = ", ".join(
            f"{c} text" if c in self.refs else f"{c} {types[c]}" for c in self.columns)
        connection.exec_driver_sql(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {self._stage} ({definitions}) "
            "ON COMMIT DROP")
        joins = " ".join(
            f"LEFT JOIN {target} r_{c} ON r_{c}.key = s.{c}" for c, target in self.refs.items())
        picked = ", ".join(f"r_{c}.id" if c in self.refs else f"s.{c}" for c in self.columns)
        self._sql = (f"INSERT INTO {table.name} ({names}) SELECT {picked} "
                     f"FROM {self._stage} s {joins}")

    def flush(self) -> list[tuple[Any, ...]]:
        """Insert the buffered rows; returns ``(id, reference id...)`` of each (the first
        column must be ``id``, given explicitly), in any order."""
        if not self.rows:
            return []
        refs = list(self.refs)
        if self._sqlite:
            self._cursor.executemany(self._sql, self.rows)
            first, last = self.rows[0][0], self.rows[-1][0]
            resolved = self._cursor.execute(
                f"SELECT id, {', '.join(refs)} FROM {self.table.name} "
                "WHERE id >= ? AND id <= ?", (first, last)).fetchall()
        else:
            connection = self.connection
            connection.exec_driver_sql(f"TRUNCATE {self._stage}")
            copy_rows(connection, self._stage, self.columns, self.rows)
            resolved = [tuple(row) for row in connection.exec_driver_sql(
                f"{self._sql} RETURNING id, {', '.join(refs)}")]
        self.written += len(self.rows)
        self.rows.clear()
        return resolved


@contextmanager
def bulk_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction for a bulk load; commits when the block ends without error.

    On SQLite foreign-key checks are switched off for this connection (the loader checks
    every reference itself; the pragma cannot change inside a transaction) and the page cache
    is enlarged to a fixed size; both are restored before the connection goes back to the pool.
    On PostgreSQL ``salesplan.bulk_load`` is ``on`` for the transaction: salesplan's triggers
    leave what it writes to it (on SQLite, see ``DeferredTriggers``).
    """
    with engine.execution_options(**{WRITE_OPTION: True}).connect() as connection:
        sqlite = is_sqlite(connection)
        raw = connection.connection.dbapi_connection if sqlite else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
            raw.execute(f"PRAGMA cache_size=-{SQLITE_IMPORT_CACHE_KIB}")
        try:
            with connection.begin():
                if not sqlite:
                    connection.execute(text(f"SET LOCAL {BULK_SETTING} = 'on'"))
                yield connection
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")
                raw.execute("PRAGMA cache_size=-2000")


def next_id(connection: Connection, table: Table) -> int:
    """The first free integer id (ids are given explicitly so references need no round
    trip), above any id deleted before (``retired_ids``)."""
    return first_free_id(connection, table.name, table.c.id)


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


class DeferredTriggers:
    """SQLite: drops the triggers on a bulk load's tables inside its transaction and creates
    them again, exactly as they were, before it commits.

    The triggers (the raw-action tally, plugins' own) would otherwise run for every loaded
    row; the bulk writer does their work once, set-based or in memory (the tally, the
    rollups, ``salesplan_data_imported``). DDL is transactional on SQLite: a failed load
    leaves them untouched. On PostgreSQL they stay, and honour ``salesplan.bulk_load``.
    """

    def __init__(self, connection: Connection, tables: Sequence[str]) -> None:
        self.connection = connection
        self.tables = tuple(tables)
        self.definitions: list[str] = []

    def drop(self) -> None:
        if not is_sqlite(self.connection) or self.definitions:
            return
        marks = ", ".join("?" * len(self.tables))
        rows = self.connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            f"AND tbl_name IN ({marks}) ORDER BY name", self.tables).all()
        for name, _sql in rows:
            self.connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
        self.definitions = [sql for _name, sql in rows]

    def restore(self) -> None:
        for sql in self.definitions:
            self.connection.exec_driver_sql(sql)
        self.definitions = []
