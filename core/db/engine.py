"""Database URLs and engines: SQLite (embedded default) and PostgreSQL (shared team base)."""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from salesplan.core.errors import DatabaseError
from salesplan.core.i18n import _

DATABASE_URL_ENV = "SALESPLAN_DATABASE_URL"
BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite writer waits for another one (an import, a rollup rebuild) to finish."""
WRITE_OPTION = "salesplan_write"


def resolve_database_url(
    configured: str, config_dir: Path, env: Mapping[str, str] | None = None
) -> str:
    """The URL to use: the environment wins; a relative SQLite path is relative to the config."""
    env = os.environ if env is None else env
    url_text = env.get(DATABASE_URL_ENV) or configured
    try:
        url = make_url(url_text)
    except ArgumentError:
        source = DATABASE_URL_ENV if env.get(DATABASE_URL_ENV) else "database.url"
        raise DatabaseError(_("{source}: not a database URL: {url_text!r}").format(
            source=source, url_text=url_text)) from None
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database and database != ":memory:" and not Path(database).is_absolute():
            url = url.set(database=str((config_dir / database).resolve()))
    return url.render_as_string(hide_password=False)


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_db_engine(url: str) -> Engine:
    """An engine configured for salesplan's use of each backend.

    SQLite: WAL, foreign keys, a busy timeout, and ``BEGIN IMMEDIATE`` for write sessions so
    two writers queue on the busy timeout instead of failing on a lock upgrade.
    """
    try:
        if is_sqlite(url):
            return _sqlite_engine(url)
        return create_engine(url, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise DatabaseError(_("cannot use database {url}: {error}").format(
            url=safe_url(url), error=exc)) from None
    except ModuleNotFoundError as exc:
        raise DatabaseError(
            _("cannot use database {url}: driver {error!r} is not installed "
            "(for PostgreSQL: pip install 'salesplan[postgres]')").format(
                url=safe_url(url), error=exc.name)
        ) from None


def create_private_file(path: Path) -> None:
    """Create ``path`` empty, readable and writable by its owner only (0600), unless it
    exists. The base holds password hashes and tokens; SQLite gives its ``-wal`` and ``-shm``
    files the permissions of the base."""
    try:
        handle = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(handle)


@contextmanager
def exclusive_file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (created private if missing) while inside:
    other processes, or threads opening the file themselves, wait for it."""
    create_private_file(path)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database or ""
    if database and database != ":memory:" and not Path(database).parent.is_dir():
        raise DatabaseError(
            _("cannot open database {url}: folder {parent} does not exist").format(
                url=url, parent=Path(database).parent)
        )
    if database and database != ":memory:":
        create_private_file(Path(database))
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    @event.listens_for(engine, "handle_error")
    def _on_error(context: Any) -> None:
        # SQLAlchemy raises what this hook raises in place of the driver's error.
        error = context.original_exception
        if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
            raise DatabaseError(_(
                "the database is busy: another process has held its write lock for "
                "{seconds} s (an import, a rollup rebuild or a long command); nothing was "
                "written, try again when it has finished").format(
                    seconds=f"{BUSY_TIMEOUT_MS / 1000:g}")) from error

    return engine
