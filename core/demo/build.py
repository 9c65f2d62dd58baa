"""Build (or reuse) the demo team folder: a copy of the demo config next to its SQLite base.

The base is written to a temporary file and renamed into place only when complete, so an
interrupted build is never mistaken for a finished demo. Rows are written with the import
machinery's bulk writers (no services, no rules: this is history).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from salesplan.core.calendar import today as local_today
from salesplan.core.calendar import utc_now
from salesplan.core.context import AppContext, load_app
from salesplan.core.dataio.bulk import DeferredIndexes, TableWriter, bulk_transaction, is_sqlite
from salesplan.core.db.engine import DATABASE_URL_ENV
from salesplan.core.db.models import (
    Action,
    Lead,
    Meta,
    Prospect,
    ProspectingList,
    Reminder,
    StepChange,
    table_of,
)
from salesplan.core.demo.generator import SIZES, DemoData, generate
from salesplan.core.errors import DataError
from salesplan.core.progress import ProgressCallback, quiet
from salesplan.core.reports.rollups import active_rollups, rebuild

DEFAULT_DIR = "salesplan-demo"
CONFIG_NAME = "salesplan.toml"
DATABASE_NAME = "demo.db"
META_KEY = "demo"


@dataclass
class DemoResult:
    """Where the demo is and whether this run built it."""

    folder: Path
    config_path: Path
    database_path: Path
    built: bool
    counts: dict[str, int]


def demo_config_text() -> str:
    """The packaged copy of ``configs/demo.toml``."""
    return resources.files("salesplan.core").joinpath("templates/demo.toml").read_text("utf-8")


def _sqlite_files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def build_demo(folder: Path, *, size: str = "small", seed: int = 1, today: date | None = None,
               reset: bool = False, progress: ProgressCallback = quiet) -> DemoResult:
    """Build the demo in ``folder`` unless one is already there (``reset`` rebuilds it)."""
    if size not in SIZES:
        raise DataError(f"unknown demo size {size!r} (use {', '.join(SIZES)})")
    if folder.exists() and not folder.is_dir():
        raise DataError(f"{folder}: exists and is not a folder")
    config_path = folder / CONFIG_NAME
    database = folder / DATABASE_NAME
    if not reset and config_path.is_file() and database.is_file():
        return DemoResult(folder, config_path, database, False, {})
    folder.mkdir(parents=True, exist_ok=True)
    config_path.write_text(demo_config_text(), encoding="utf-8")
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
        counts = write_demo(app, data, {"size": size, "seed": seed, "today": day.isoformat()})
        # The rows went in without the services: build the rollups now, so the first report
        # on the demo is fast.
        rebuild(app, active_rollups(app), None, progress)
    finally:
        app.dispose()
    for path in _sqlite_files(building)[1:]:
        path.unlink(missing_ok=True)
    building.with_name(building.name + ".migrate-lock").unlink(missing_ok=True)
    os.replace(building, database)
    return DemoResult(folder, config_path, database, True, counts)


def write_demo(app: AppContext, data: DemoData, meta: dict[str, Any]) -> dict[str, int]:
    """Write the simulated rows into the (empty) base in one transaction."""
    with bulk_transaction(app.engine) as conn:
        sqlite = is_sqlite(conn)

        def stamp(moment: int | None) -> Any:
            if moment is None:
                return None
            utc = data.to_utc(moment)
            return utc.replace(tzinfo=None).isoformat(" ", "microseconds") if sqlite else utc

        def as_json(value: Any) -> Any:
            return json.dumps(value) if sqlite and value is not None else value

        deferred = DeferredIndexes(conn, table_of(Action))
        deferred.drop()
        lists = TableWriter(conn, table_of(ProspectingList), ("id", "name", "created_at"))
        for index, name in enumerate(data.lists):
            created = min((p["created_at"] for p in data.prospects if p["list"] == index),
                          default=0)
            lists.add((index + 1, name, stamp(created)))
        lists.flush()

        prospects = TableWriter(conn, table_of(Prospect), (
            "id", "key", "list_id", "name", "company", "email", "phone", "owner", "created_at",
        ))
        for index, p in enumerate(data.prospects):
            prospects.add((index + 1, f"P{index + 1:07d}", p["list"] + 1, p["name"], p["company"],
                           p["email"], p["phone"], p["owner"], stamp(p["created_at"])))
        prospects.flush()

        # Leads get keys in creation order.
        order = sorted(range(len(data.leads)), key=lambda i: (data.leads[i]["created_at"], i))
        lead_id = [0] * len(data.leads)
        for new, old in enumerate(order):
            lead_id[old] = new + 1
        leads = TableWriter(conn, table_of(Lead), (
            "id", "key", "title", "pipeline", "step", "owner", "amount", "status", "created_at",
            "closed_at", "remind_at", "prospect_id", "fields",
        ))
        for new, old in enumerate(order):
            lead = data.leads[old]
            leads.add((new + 1, f"L{new + 1:06d}", lead["title"], lead["pipeline"],
                       lead["step"], lead["owner"], lead["amount"], lead["status"],
                       stamp(lead["created_at"]), stamp(lead["closed_at"]),
                       stamp(lead["remind_at"]),
                       lead["prospect"] + 1 if lead["prospect"] >= 0 else None,
                       as_json(lead["fields"])))
        leads.flush()

        steps = TableWriter(conn, table_of(StepChange), ("lead_id", "at", "step"))
        for lead_index, moment, step in sorted(
            data.step_changes, key=lambda s: (lead_id[s[0]], s[1])
        ):
            steps.add((lead_id[lead_index], stamp(moment), step))
        steps.flush()

        actions = TableWriter(conn, table_of(Action), (
            "id", "key", "at", "member", "action_type", "outcome", "lead_id", "prospect_id",
            "note", "answers",
        ))
        data.actions.sort(key=lambda a: a[0])  # stable: same-minute actions keep their order
        for index, (moment, member, action, outcome, lead, prospect, note, answers) in (
            enumerate(data.actions)
        ):
            actions.add((index + 1, f"A{index + 1:07d}", stamp(moment), member, action, outcome,
                         lead_id[lead] if lead >= 0 else None,
                         prospect + 1 if prospect >= 0 else None, note, as_json(answers)))
        actions.flush()
        deferred.restore()

        reminders = TableWriter(conn, table_of(Reminder), (
            "action_type", "member", "lead_id", "prospect_id", "due_at", "note", "source",
            "created_at", "done",
        ))
        for due, created, member, action, lead, prospect, source in sorted(
            data.reminders, key=lambda r: (r[0], r[1])
        ):
            reminders.add((action, member, lead_id[lead] if lead >= 0 else None,
                           prospect + 1 if prospect >= 0 else None, stamp(due), "", source,
                           stamp(created), False))
        reminders.flush()

        conn.execute(table_of(Meta).insert().values(key=META_KEY, value=json.dumps(meta)))
    return {
        "prospects": prospects.written, "leads": leads.written, "step_changes": steps.written,
        "actions": actions.written, "reminders": reminders.written,
    }
