"""``backup`` and ``restore`` of a whole base: every table, the kernel's and the plugins'
(answers, reminders, standby dates, accounts, tokens, delivery log, rollups), not only what
the data folder holds.

- SQLite: SQLite's online backup API (``sqlite3.Connection.backup``), page by page, while
  others keep working; the copy is written to a new file beside the target (created
  exclusively, readable by its owner only: the base holds password hashes) and renamed over
  it when complete, so an interrupted backup never leaves a half file under the target's name.
  A restore copies the backup into the base the same way, under the base's write lock, then
  brings its schema up to this salesplan's.
- PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean`` (the PostgreSQL client
  programs), since only they copy a live PostgreSQL base consistently.

A backup file is refused as a restore source unless it is a salesplan base (or dump) whose
schema this salesplan knows; a base that holds data is replaced only when asked.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import make_url

from salesplan.core.app import AppContext
from salesplan.core.db.migrate import KERNEL_VERSION_TABLE
from salesplan.core.db.migrations import KNOWN_REVISIONS
from salesplan.core.errors import DataError
from salesplan.core.i18n import _

PAGES_PER_STEP = 4096
"""SQLite pages copied per step of the backup API (16 MiB with 4 KiB pages): writers get the
lock between steps."""

Progress = Callable[[int, int], None]
"""``(pages done, pages in all)``."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    size: int
    tables: int


def _quiet(_done: int, _total: int) -> None:
    return None


def _sqlite_path(app: AppContext) -> Path | None:
    url = make_url(app.database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise DataError(_("an in-memory base cannot be backed up"))
    return Path(url.database)


def _libpq_url(app: AppContext) -> str:
    """The base's URL as the PostgreSQL client programs read it (no ``+driver``)."""
    url = make_url(app.database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise DataError(_("{name} not found: a PostgreSQL base is backed up and restored with "
                          "the PostgreSQL client programs (Debian: apt install "
                          "postgresql-client)").format(name=name))
    return found


def _new_file_beside(target: Path) -> Path:
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                        dir=target.parent)
    os.close(descriptor)  # created exclusively, 0600
    return Path(name)


def backup_base(app: AppContext, target: Path, *, overwrite: bool = False,
                progress: Progress = _quiet) -> BackupSummary:
    """Copy the whole base into the file ``target``."""
    if target.is_dir():
        raise DataError(_("{target}: is a folder; give the backup file's name").format(
            target=target))
    if target.exists() and not overwrite:
        raise DataError(_("{target}: exists already (use --overwrite to replace it)").format(
            target=target))
    if not target.parent.is_dir():
        raise DataError(_("{folder}: no such folder").format(folder=target.parent))
    app.engine  # noqa: B018 - opens (and if need be creates and migrates) the base first
    temporary = _new_file_beside(target)
    try:
        source_path = _sqlite_path(app)
        if source_path is not None:
            tables = _sqlite_copy(source_path, temporary, progress)
        else:
            tables = _pg_dump(app, temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return BackupSummary(path=target, size=target.stat().st_size, tables=tables)


def _sqlite_copy(source: Path, target: Path, progress: Progress) -> int:
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as copy:
        origin.backup(copy, pages=PAGES_PER_STEP,
                      progress=lambda _status, remaining, total: progress(total - remaining,
                                                                          total))
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside
        return int(copy.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0])


def _pg_dump(app: AppContext, target: Path) -> int:
    done = subprocess.run(
        [_program("pg_dump"), "--format=custom", "--no-owner", "--file", str(target),
         "--dbname", _libpq_url(app)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise DataError(_("pg_dump failed: {reason}").format(reason=done.stderr.strip()))
    listed = subprocess.run([_program("pg_restore"), "--list", str(target)],
                            capture_output=True, text=True, check=False)
    return sum(1 for line in listed.stdout.splitlines() if " TABLE " in line
               and " TABLE DATA " not in line)


def _sqlite_revision(path: Path) -> str | None:
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as base:
            row = base.execute(f"SELECT version_num FROM {KERNEL_VERSION_TABLE}").fetchone()
    except sqlite3.DatabaseError:
        return None
    return None if row is None else str(row[0])


def _holds_data(app: AppContext) -> bool:
    from sqlalchemy import inspect, text

    with app.engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        return any(connection.execute(text(f"SELECT 1 FROM {name} LIMIT 1")).first()
                   for name in ("leads", "prospects", "actions") if name in tables)


def restore_base(app: AppContext, source: Path, *, replace: bool = False,
                 progress: Progress = _quiet) -> None:
    """Replace the base's content with the backup ``source``, then migrate it to this
    salesplan's schema."""
    if not source.is_file():
        raise DataError(_("{source}: no such backup file").format(source=source))
    base_path = _sqlite_path(app)
    if base_path is not None:
        revision = _sqlite_revision(source)
        if revision is None:
            raise DataError(_("{source}: not a salesplan SQLite backup").format(source=source))
        if revision not in KNOWN_REVISIONS:
            raise DataError(_("{source}: its schema {revision} is newer than this salesplan: "
                              "upgrade salesplan to restore it").format(
                                  source=source, revision=revision))
    if _holds_data(app) and not replace:
        raise DataError(_("the base holds data already: use --replace to replace it with "
                          "{source}").format(source=source))
    app.dispose()
    if base_path is not None:
        with closing(sqlite3.connect(source)) as origin, \
                closing(sqlite3.connect(base_path, timeout=30)) as base:
            origin.backup(base, pages=PAGES_PER_STEP,
                          progress=lambda _s, remaining, total: progress(total - remaining,
                                                                         total))
    else:
        done = subprocess.run(
            [_program("pg_restore"), "--clean", "--if-exists", "--no-owner",
             "--single-transaction", "--exit-on-error", "--dbname", _libpq_url(app),
             str(source)], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise DataError(_("{source}: pg_restore failed (the base is unchanged): "
                              "{reason}").format(source=source, reason=done.stderr.strip()))
    app.engine  # noqa: B018 - reopens the base: migrates an older backup's schema
