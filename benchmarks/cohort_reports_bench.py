"""Scale benchmark for the cohort reports: conversion, performance and company (issue 4).

Usage::

    python benchmarks/cohort_reports_bench.py [--dir DIR] [--runs 3]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/bench_cohorts]

It fills a base (SQLite in DIR, cached between runs; or the given PostgreSQL database, which
is emptied first) with a team-year of leads for the demo team (configs/demo.toml): 100k leads
created through 2026, each with a random walk of step changes (≈ 300k rows, moves forward
and sometimes back), random owners, statuses and amounts. Then it times each report's ``run``
in process (best of N, session open) over the whole year (the worst case: every lead is in the
cohort) and over a half-year. Target from the issue: every report under 1 s.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

from salesplan.core.context import AppContext, load_app
from salesplan.core.db.models import Lead, StepChange
from salesplan.core.reporting import ReportRequest

ROOT = Path(__file__).resolve().parent.parent
LEADS = 100_000
YEAR = 2026
CHUNK = 10_000


Row = dict[str, Any]


def synthetic_rows(app: AppContext, seed: int = 7) -> tuple[list[Row], list[Row]]:
    """Deterministic leads and step changes, ids in chronological order as a live base would
    have them (leads by creation, step changes by time, interleaved across leads)."""
    rng = random.Random(seed)
    owners = [m.id for m in app.config.members]
    pipelines = app.config.pipelines
    start = datetime(YEAR, 1, 1, tzinfo=UTC)
    created_times = sorted(start + timedelta(seconds=rng.randrange(365 * 86400))
                           for _ in range(LEADS))
    leads: list[Row] = []
    changes: list[Row] = []
    for lead_id, created in enumerate(created_times, start=1):
        pipeline = pipelines[0] if rng.random() < 0.8 or len(pipelines) == 1 else pipelines[1]
        steps = pipeline.steps
        position = 0
        at = created
        last_step = steps[0]
        for _ in range(rng.choice((1, 2, 3, 3, 4, 5))):
            changes.append({"lead_id": lead_id, "at": at, "step": steps[position]})
            last_step = steps[position]
            at += timedelta(hours=rng.randint(1, 240))
            move = 1 if rng.random() < 0.8 else -1
            position = min(max(position + move, 0), len(steps) - 1)
        status = rng.choices(("todo", "standby", "won", "lost", "cancelled"),
                             (40, 10, 20, 25, 5))[0]
        leads.append({
            "id": lead_id, "key": f"B{lead_id}", "title": f"Deal {lead_id}",
            "pipeline": pipeline.id, "step": last_step,
            "owner": rng.choice(owners), "amount": float(rng.randrange(1000, 90000, 500)),
            "status": status, "created_at": created,
            "closed_at": at if status in ("won", "lost", "cancelled") else None,
        })
    changes.sort(key=lambda row: (row["at"], row["lead_id"]))
    for change_id, row in enumerate(changes, start=1):
        row["id"] = change_id
    return leads, changes


def fill(app: AppContext) -> None:
    """Insert the synthetic year unless the base already holds it."""
    with app.session() as s:
        if s.execute(select(func.count()).select_from(Lead)).scalar_one() == LEADS:
            return
    began = time.perf_counter()
    leads, changes = synthetic_rows(app)
    with app.write_session() as s:
        s.execute(StepChange.__table__.delete())
        s.execute(Lead.__table__.delete())
        for first in range(0, len(leads), CHUNK):
            s.execute(insert(Lead), leads[first:first + CHUNK])
        for first in range(0, len(changes), CHUNK):
            s.execute(insert(StepChange), changes[first:first + CHUNK])
        if s.get_bind().dialect.name == "postgresql":
            s.execute(text("SELECT setval('leads_id_seq', (SELECT max(id) FROM leads))"))
            s.execute(text("SELECT setval('step_changes_id_seq', "
                           "(SELECT max(id) FROM step_changes))"))
        s.commit()
    with app.engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    print(f"filled {len(leads)} leads and {len(changes)} step changes in "
          f"{time.perf_counter() - began:.1f} s", file=sys.stderr)


def best_time(app: AppContext, name: str, start: date, end: date, options: dict[str, Any],
              runs: int) -> tuple[float, int]:
    best = float("inf")
    rows = 0
    for _ in range(runs):
        with app.session() as s:
            began = time.perf_counter()
            result = app.registry.reports[name].run(
                ReportRequest(connection=s.connection(), app=app, start=start, end=end,
                              options=options))
            best = min(best, time.perf_counter() - began)
            rows = len(result.rows)
    return best, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/salesplan-cohort-bench"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", help="a PostgreSQL URL to use instead of SQLite")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    url = args.postgres or f"sqlite:///{args.dir / 'cohorts.db'}"
    if args.postgres:
        admin = create_engine(make_url(url).set(database="postgres"),
                              isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            name = make_url(url).database
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    app = load_app(ROOT / "configs" / "demo.toml",
                   env={**os.environ, "SALESPLAN_DATABASE_URL": url})
    try:
        fill(app)
        if not args.postgres:  # fold the WAL into the base, as a long-lived base would be
            with sqlite3.connect(args.dir / "cohorts.db") as raw:
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pipeline = app.config.pipelines[0].id
        cases = [
            ("conversion", {"pipeline": pipeline}),
            ("performance", {}),
            ("performance", {"pipeline": pipeline}),
            ("company", {"by": "month"}),
            ("company", {"by": "week"}),
            ("company", {"by": "quarter"}),
        ]
        ranges = [(date(YEAR, 1, 1), date(YEAR, 12, 31)), (date(YEAR, 1, 1), date(YEAR, 6, 30))]
        backend = make_url(url).get_backend_name()
        print(f"{backend}: {LEADS} leads; best of {args.runs}")
        worst = 0.0
        for start, end in ranges:
            for name, options in cases:
                seconds, rows = best_time(app, name, start, end, options, args.runs)
                worst = max(worst, seconds)
                print(f"  {name:<12} {options!s:<28} {start}..{end}  {seconds * 1000:7.1f} ms"
                      f"  ({rows} rows)")
        print(f"slowest: {worst * 1000:.1f} ms (target < 1000 ms): "
              f"{'OK' if worst < 1 else 'TOO SLOW'}")
    finally:
        app.dispose()


if __name__ == "__main__":
    main()
