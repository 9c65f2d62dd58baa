"""Build (or reuse) the demo team folder: a copy of the demo config next to its SQLite base.

The base is written to a temporary file and renamed into place only when complete, so an
interrupted build is never mistaken for a finished demo. Rows are written with the import
machinery's bulk writers (no services, no rules: this is history; see ``write``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from salesplan.core.calendar import today as local_today
from salesplan.core.calendar import utc_now
from salesplan.core.context import load_app
from salesplan.core.db.engine import DATABASE_URL_ENV, exclusive_file_lock
from salesplan.core.demo.generator import SIZES, generate
from salesplan.core.demo.team import demo_config_text
from salesplan.core.demo.write import META_KEY, write_demo
from salesplan.core.errors import DataError
from salesplan.core.i18n import _
from salesplan.core.progress import ProgressCallback, quiet

DEFAULT_DIR = "salesplan-demo"
CONFIG_NAME = "salesplan.toml"
DATABASE_NAME = "demo.db"
LOCK_NAME = ".demo.lock"
__all__ = ["META_KEY", "DemoResult", "build_demo", "demo_config_text"]


@dataclass
class DemoResult:
    """Where the demo is and whether this run built it."""

    folder: Path
    config_path: Path
    database_path: Path
    built: bool
    counts: dict[str, int]


def _sqlite_files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def build_demo(folder: Path, *, size: str = "small", seed: int = 1, today: date | None = None,
               reset: bool = False, progress: ProgressCallback = quiet) -> DemoResult:
    """Build the demo in ``folder`` unless one is already there (``reset`` rebuilds it)."""
    if size not in SIZES:
        raise DataError(_("unknown demo size {size!r} (use {sizes})").format(
            size=size, sizes=', '.join(SIZES)))
    if folder.exists() and not folder.is_dir():
        raise DataError(_("{folder}: exists and is not a folder").format(folder=folder))
    config_path = folder / CONFIG_NAME
    database = folder / DATABASE_NAME
    if not reset and config_path.is_file() and database.is_file():
        return DemoResult(folder, config_path, database, False, {})
    folder.mkdir(parents=True, exist_ok=True)
    # One build at a time per folder: two builds would share the same temporary base.
    with exclusive_file_lock(folder / LOCK_NAME):
        # A build that ran while this one waited for the lock has left a finished demo.
        if not reset and config_path.is_file() and database.is_file():
            return DemoResult(folder, config_path, database, False, {})
        counts = _build(folder, config_path, database, size, seed, today, progress)
    return DemoResult(folder, config_path, database, True, counts)


def _build(folder: Path, config_path: Path, database: Path, size: str, seed: int,
           today: date | None, progress: ProgressCallback) -> dict[str, int]:
    config_path.write_text(demo_config_text(size), encoding="utf-8")
    for path in _sqlite_files(database):
        path.unlink(missing_ok=True)
    building = folder / f".{DATABASE_NAME}.building"
    for path in _sqlite_files(building):
        path.unlink(missing_ok=True)
    env = {**os.environ, DATABASE_URL_ENV: f"sqlite:///{building.resolve()}"}
    app = load_app(config_path, env=env)
    try:
        day = today or local_today(app.tz)
        # Built for real today: the history ends now, not later today.
        now = utc_now() if today is None else None
        data = generate(app.config, app.tz, set(app.registry.action_types), size=size,
                        seed=seed, today=day, now=now)
        # The rows go in without the services; the rollups are folded as they go in, so the
        # first report on the demo is fast.
        counts = write_demo(app, data, {"size": size, "seed": seed, "today": day.isoformat()},
                            progress)
    finally:
        app.dispose()
    for path in _sqlite_files(building)[1:]:
        path.unlink(missing_ok=True)
    building.with_name(building.name + ".migrate-lock").unlink(missing_ok=True)
    os.replace(building, database)
    return counts
