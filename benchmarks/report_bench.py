"""Scale benchmark for the activity and prospecting reports (issue 4, "Speed").

Usage::

    pip install -e '.[bench]'
    python benchmarks/report_bench.py [--dir DIR] [--runs 5] [--from 2026-01-01 --to 2026-06-30]

It builds (once, cached in DIR) a team-year of history — about 1.3M actions, 100k leads and
200k prospects for the eight-person demo team — then times whole processes:

1. ``salesplan report activity --from … --to … --format json`` (the product, SQLite base; the
   ``salesplan`` script beside the interpreter, as a user runs it);
2. DuckDB computing the same numbers over the same actions (a DuckDB file exported from the
   base; ``duckdb`` is the benchmark-only ``bench`` extra);
3. hand-written SQL on a plain indexed SQLite table holding the same actions;
4. ``salesplan report prospecting`` over the same range (target: under 1 s);
5. every other report (conversion per pipeline, performance, company, prospecting) over the
   same range and over the whole year, and objectives on the range's last day (target:
   under 1 s each).

It first checks that the product and DuckDB agree (actions and leads managed per member),
then prints the best-of-N wall times (the commands take turns, and reuse compiled bytecode
from ``DIR/pycache`` as an installed product does: see ``process_env``), the ratios the issue
asks for — product / DuckDB (target ≤ 2) and product / plain SQLite (target < 1) — and the
database work alone, in process, which separates query cost from interpreter start-up and
imports.

The data: when ``salesplan demo --size large --no-tui --dir DIR`` works it is used; otherwise
(``--synthetic``, or when the demo command is unavailable) a deterministic synthetic year is
inserted in bulk through the models' tables (documented in ``build_synthetic``).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SIZE_ACTIONS = 1_300_000
SIZE_LEADS = 100_000
SIZE_PROSPECTS = 200_000
YEAR = 2026
CHUNK = 20_000


def _config_text() -> str:
    """The demo team config, with its own SQLite file next to it."""
    text = (ROOT / "configs" / "demo.toml").read_text(encoding="utf-8")
    return text.replace('url = "sqlite:///demo.db"', 'url = "sqlite:///bench.db"')


def _local_work_moment(rng: random.Random, day: date) -> datetime:
    """A moment during the Paris working day (08:00–19:59 local), as naive local time."""
    return datetime(day.year, day.month, day.day, rng.randint(8, 19), rng.randint(0, 59),
                    rng.randint(0, 59))


def build_synthetic(directory: Path) -> Path:
    """Insert a deterministic synthetic team-year through the models' tables (Core bulk
    inserts, 20k rows a statement), then bring the report rollups up to date.

    Shape: 10 prospecting lists of 20k prospects owned by the prospecting/marketing members;
    100k leads (half converted from prospects) owned by the sales members, created over the
    year, 30% won / 20% lost / rest open; 1.3M actions on working days — 60% on prospects by
    the prospecting members (calls and e-mails), 40% on leads by the sales members (calls,
    e-mails, meetings, discovery calls, proposals) — at local working hours, Europe/Paris.
    """
    from sqlalchemy import insert

    from salesplan.core.calendar import to_utc
    from salesplan.core.context import load_app
    from salesplan.core.db.models import Action, Lead, Prospect, ProspectingList, StepChange

    config = directory / "salesplan.toml"
    config.write_text(_config_text(), encoding="utf-8")
    app = load_app(config, env={k: v for k, v in os.environ.items()
                                if k != "SALESPLAN_DATABASE_URL"})
    tz = app.tz
    rng = random.Random(20260101)
    members = app.config.members
    prospectors = [m.id for m in members if m.segment in ("prospecting", "marketing")]
    sellers = [m.id for m in members if m.segment == "sales"]
    days = [date(YEAR, 1, 1) + timedelta(days=i) for i in range(365)]
    work_days = [d for d in days if d.weekday() < 5]
    types = app.registry.action_types
    pipelines = {p.id: p.steps for p in app.config.pipelines}

    def outcome_of(type_id: str) -> str | None:
        spec = types[type_id]
        if not spec.outcomes or rng.random() < 0.1:
            return None
        return rng.choice(spec.outcomes).id

    started = time.perf_counter()
    with app.write_session() as session:
        lists = [{"id": i + 1, "name": f"List {i + 1:02d}",
                  "created_at": to_utc(datetime(YEAR, 1, 1), tz)} for i in range(10)]
        session.execute(insert(ProspectingList.__table__), lists)
        prospects = []
        for i in range(SIZE_PROSPECTS):
            prospects.append({
                "id": i + 1, "key": f"p{i + 1}", "list_id": i % 10 + 1, "name": f"Prospect {i}",
                "company": f"Company {i // 3}", "email": "", "phone": "",
                "owner": rng.choice(prospectors),
                "created_at": to_utc(_local_work_moment(rng, rng.choice(days[:200])), tz),
            })
        for start in range(0, len(prospects), CHUNK):
            session.execute(insert(Prospect.__table__), prospects[start:start + CHUNK])
        leads, changes = [], []
        lead_days: list[date] = []
        for i in range(SIZE_LEADS):
            created_day = rng.choice(work_days)
            created = to_utc(_local_work_moment(rng, created_day), tz)
            pipeline = "acquisition" if rng.random() < 0.8 else "renewal"
            steps = pipelines[pipeline]
            reached = rng.randrange(len(steps))
            roll = rng.random()
            status = "won" if roll < 0.3 else "lost" if roll < 0.5 else "todo"
            closed = created + timedelta(days=rng.randint(1, 60)) if status != "todo" else None
            leads.append({
                "id": i + 1, "key": f"l{i + 1}", "title": f"Deal {i}", "pipeline": pipeline,
                "step": steps[reached], "owner": rng.choice(sellers),
                "amount": float(rng.randint(1, 60) * 1000), "status": status,
                "created_at": created, "closed_at": closed,
                "prospect_id": 2 * i + 1 if i % 2 == 0 else None,
            })
            lead_days.append(created_day)
            for s in range(reached + 1):
                changes.append({"lead_id": i + 1, "step": steps[s],
                                "at": created + timedelta(days=3 * s)})
        for start in range(0, len(leads), CHUNK):
            session.execute(insert(Lead.__table__), leads[start:start + CHUNK])
        for start in range(0, len(changes), CHUNK):
            session.execute(insert(StepChange.__table__), changes[start:start + CHUNK])
        batch: list[dict[str, Any]] = []
        for i in range(SIZE_ACTIONS):
            on_prospect = rng.random() < 0.6
            if on_prospect:
                member = rng.choice(prospectors)
                type_id = "call" if rng.random() < 0.75 else "email"
                target = {"prospect_id": rng.randint(1, SIZE_PROSPECTS), "lead_id": None}
                day = rng.choice(work_days)
            else:
                member = rng.choice(sellers)
                type_id = rng.choice(("call", "call", "email", "meeting", "discovery_call",
                                      "proposal"))
                lead = rng.randint(1, SIZE_LEADS)
                target = {"prospect_id": None, "lead_id": lead}
                day = min(lead_days[lead - 1] + timedelta(days=rng.randint(0, 40)), days[-1])
            batch.append({
                "id": i + 1, "key": f"a{i + 1}", "member": member, "action_type": type_id,
                "outcome": outcome_of(type_id), "note": "",
                "at": to_utc(_local_work_moment(rng, day), tz), **target,
            })
            if len(batch) == CHUNK:
                session.execute(insert(Action.__table__), batch)
                batch = []
        if batch:
            session.execute(insert(Action.__table__), batch)
        session.commit()
    print(f"  inserted in {time.perf_counter() - started:.1f} s", flush=True)
    app.dispose()
    return config


def _refresh_rollups(app: Any) -> None:
    """Bring the activity rollups up to date (what import and demo do after a bulk write)."""
    from salesplan.core.reports.rollups import repair_all

    started = time.perf_counter()
    repair_all(app)
    print(f"  rollups refreshed in {time.perf_counter() - started:.1f} s", flush=True)


def build_demo(directory: Path) -> Path | None:
    """``salesplan demo --size large --no-tui --dir DIR`` when that command works."""
    result = subprocess.run(
        [PYTHON, "-m", "salesplan.core.cli.main", "demo", "--size", "large", "--no-tui",
         "--dir", str(directory)], capture_output=True, text=True, check=False,
    )
    config = directory / "salesplan.toml"
    if result.returncode != 0 or not config.is_file():
        print(f"  demo unavailable ({result.stderr.strip()[:200]}); using synthetic data")
        return None
    return config


def export_copies(db_path: Path, directory: Path) -> tuple[Path, Path]:
    """The same actions and leads as a DuckDB file and as a plain indexed SQLite file."""
    import duckdb

    duck_path = directory / "bench.duckdb"
    plain_path = directory / "plain.sqlite"
    if duck_path.exists() and plain_path.exists():
        return duck_path, plain_path
    source = sqlite3.connect(db_path)
    csv_dir = directory / "csv"
    csv_dir.mkdir(exist_ok=True)
    queries = {
        "actions": "SELECT id, at, member, action_type, outcome, lead_id, prospect_id "
                   "FROM actions",
        "leads": "SELECT id, owner, amount, status, created_at, closed_at FROM leads",
    }
    for name, sql in queries.items():
        with (csv_dir / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            cursor = source.execute(sql)
            writer.writerow([d[0] for d in cursor.description])
            writer.writerows(cursor)
    duck = duckdb.connect(str(duck_path))
    duck.execute(
        'CREATE TABLE actions AS SELECT id, CAST("at" AS TIMESTAMP) AS "at", member, '
        "action_type, outcome, lead_id, prospect_id "
        f"FROM read_csv_auto('{csv_dir / 'actions.csv'}')")
    duck.execute(
        "CREATE TABLE leads AS SELECT id, owner, amount, status, "
        "CAST(created_at AS TIMESTAMP) AS created_at, CAST(closed_at AS TIMESTAMP) AS closed_at"
        f" FROM read_csv_auto('{csv_dir / 'leads.csv'}')")
    duck.close()
    plain = sqlite3.connect(plain_path)
    plain.executescript(
        "CREATE TABLE actions (id INTEGER PRIMARY KEY, at TEXT, member TEXT, action_type TEXT,"
        " outcome TEXT, lead_id INTEGER, prospect_id INTEGER);"
        "CREATE TABLE leads (id INTEGER PRIMARY KEY, owner TEXT, amount REAL, status TEXT,"
        " created_at TEXT, closed_at TEXT);")
    plain.executemany("INSERT INTO actions VALUES (?,?,?,?,?,?,?)",
                      source.execute(queries["actions"]))
    plain.executemany("INSERT INTO leads VALUES (?,?,?,?,?,?)", source.execute(queries["leads"]))
    plain.executescript(
        "CREATE INDEX ix_a_at ON actions (at, member, action_type, outcome);"
        "CREATE INDEX ix_a_member ON actions (member, at, lead_id);"
        "CREATE INDEX ix_l_created ON leads (created_at, owner);"
        "CREATE INDEX ix_l_closed ON leads (closed_at, status, owner);"
        "ANALYZE;")
    plain.commit()
    plain.close()
    source.close()
    shutil.rmtree(csv_dir)
    return duck_path, plain_path


# The same numbers as the activity report, by hand, for both reference engines. ``{lo}`` and
# ``{hi}`` are the half-open UTC bounds of the local-day range as 'YYYY-MM-DD HH:MM:SS'.
REFERENCE_QUERIES = (
    "SELECT member, action_type, outcome, count(*) FROM actions "
    'WHERE "at" >= {lo} AND "at" < {hi} GROUP BY member, action_type, outcome',
    "SELECT member, count(DISTINCT lead_id) FROM actions "
    'WHERE "at" >= {lo} AND "at" < {hi} AND lead_id IS NOT NULL GROUP BY member',
    "SELECT owner, count(*) FROM leads WHERE created_at >= {lo} AND created_at < {hi} "
    "GROUP BY owner",
    "SELECT owner, count(*), sum(amount) FROM leads WHERE status = 'won' "
    "AND closed_at >= {lo} AND closed_at < {hi} GROUP BY owner",
)

DUCKDB_SCRIPT = """
import duckdb, json, sys
con = duckdb.connect(sys.argv[1], read_only=True)
lo, hi = "TIMESTAMP '" + sys.argv[2] + "'", "TIMESTAMP '" + sys.argv[3] + "'"
out = [con.execute(q.format(lo=lo, hi=hi)).fetchall() for q in QUERIES]
print(json.dumps(out, default=str))
"""

SQLITE_SCRIPT = """
import sqlite3, json, sys
con = sqlite3.connect(sys.argv[1])
lo, hi = "'" + sys.argv[2] + "'", "'" + sys.argv[3] + "'"
out = [con.execute(q.format(lo=lo, hi=hi)).fetchall() for q in QUERIES]
print(json.dumps(out, default=str))
"""


def _script(body: str) -> str:
    return f"QUERIES = {REFERENCE_QUERIES!r}\n{body}"


def _run_checked(command: list[str], env: dict[str, str] | None) -> float:
    """Wall time of one whole-process run; a failure stops the benchmark."""
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{result.stderr}")
    return elapsed


def best_times(commands: dict[str, list[str]], runs: int,
               env: dict[str, str] | None = None) -> dict[str, float]:
    """Best wall time of ``runs`` whole-process runs of each command, after one untimed
    warm-up run each (page cache, bytecode cache). The commands take turns in every round,
    so a burst of load on a shared machine hits them alike and the ratios stay fair."""
    for command in commands.values():
        _run_checked(command, env)
    best = dict.fromkeys(commands, float("inf"))
    for _ in range(runs):
        for name, command in commands.items():
            best[name] = min(best[name], _run_checked(command, env))
    return best


def check_same_numbers(salesplan_cmd: list[str], duck_cmd: list[str],
                       env: dict[str, str]) -> None:
    """Fail loudly unless the product and DuckDB agree (actions per member and type, leads
    managed per member), so the timings compare equal work."""
    import json

    product = json.loads(subprocess.run(salesplan_cmd, capture_output=True, text=True,
                                        env=env, check=True).stdout)
    counts, managed, _created, _won = json.loads(subprocess.run(
        duck_cmd, capture_output=True, text=True, env=env, check=True).stdout)
    expected: dict[tuple[str, str], int] = {}
    for member, type_id, _outcome, count in counts:
        expected[(member, type_id)] = expected.get((member, type_id), 0) + int(count)
    got = {(row["member"], t): n for row in product["rows"]
           for t, n in row["actions"].items() if n}
    members = {row["member"] for row in product["rows"]}
    expected = {k: v for k, v in expected.items() if k[0] in members}
    if got != expected:
        raise SystemExit(f"activity counts differ from DuckDB: {got} != {expected}")
    duck_managed = {m: int(n) for m, n in managed if m in members}
    got_managed = {row["member"]: row["leads_managed"] for row in product["rows"]
                   if row["leads_managed"]}
    if got_managed != duck_managed:
        raise SystemExit(f"leads_managed differs from DuckDB: {got_managed} != {duck_managed}")
    print("check: salesplan and DuckDB agree on actions and leads managed per member")


def query_only_times(app: Any, start: date, end: date, duck_path: Path, plain_path: Path,
                     bounds: list[str], runs: int) -> dict[str, float]:
    """Best in-process times of the database work alone (no interpreter start, no imports):
    what the report's ``run`` costs next to the same SQL in DuckDB and in plain SQLite."""
    import duckdb

    from salesplan.core.reporting import ReportRequest

    def best(work: Any) -> float:
        fastest = float("inf")
        for _ in range(runs):
            started = time.perf_counter()
            work()
            fastest = min(fastest, time.perf_counter() - started)
        return fastest

    def report(name: str) -> Any:
        def work() -> None:
            with app.session() as session:
                app.registry.reports[name].run(ReportRequest(session.connection(), app, start, end))
        return work

    duck = duckdb.connect(str(duck_path), read_only=True)
    plain = sqlite3.connect(plain_path)
    duck_lo, duck_hi = (f"TIMESTAMP '{b}'" for b in bounds)
    plain_lo, plain_hi = (f"'{b}'" for b in bounds)
    times = {
        "activity run()": best(report("activity")),
        "prospecting run()": best(report("prospecting")),
        "duckdb queries": best(lambda: [duck.execute(q.format(lo=duck_lo, hi=duck_hi))
                                        .fetchall() for q in REFERENCE_QUERIES]),
        "plain sqlite queries": best(lambda: [plain.execute(q.format(lo=plain_lo, hi=plain_hi))
                                              .fetchall() for q in REFERENCE_QUERIES]),
    }
    duck.close()
    plain.close()
    return times


def process_env(directory: Path, bytecode_cache: bool) -> dict[str, str]:
    """The environment of every timed process.

    With ``bytecode_cache`` (the default) the processes may write and reuse compiled bytecode,
    in ``DIR/pycache``, as an installed product does (pip compiles ``.pyc`` files at install
    time). Why: a shell with ``PYTHONDONTWRITEBYTECODE=1`` (as some dev and CI sandboxes set)
    makes every salesplan run recompile its own ~70 modules from source, a cost the reference
    scripts (``duckdb`` and ``sqlite3`` are compiled or shipped with bytecode) never pay. The
    first, untimed run of each command fills the cache. ``--no-bytecode-cache`` times the
    inherited environment as is.
    """
    env = {k: v for k, v in os.environ.items() if k != "SALESPLAN_DATABASE_URL"}
    if bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(directory / "pycache")
    return env


OTHER_REPORTS: dict[str, list[str]] = {
    "conversion --pipeline acquisition": ["conversion", "--pipeline", "acquisition"],
    "conversion --pipeline renewal": ["conversion", "--pipeline", "renewal"],
    "performance": ["performance"],
    "company --by month": ["company", "--by", "month"],
    "prospecting": ["prospecting"],
}
"""The reports besides activity, each over the benchmark's range and over the whole year."""


def other_report_times(salesplan: list[str], args: argparse.Namespace,
                       env: dict[str, str]) -> dict[str, float]:
    """Whole-process best times of every other report (``--format json``), plus the
    objectives report on the range's last day."""
    commands: dict[str, list[str]] = {}
    year = (f"{YEAR}-01-01", f"{YEAR}-12-31")
    for start, end in ((args.start, args.end), year):
        for label, report in OTHER_REPORTS.items():
            commands[f"{label} {start}..{end}"] = [
                *salesplan, report[0], "--from", start, "--to", end, *report[1:],
                "--format", "json"]
    commands[f"objectives on {args.end}"] = [
        *salesplan, "objectives", "--from", args.end, "--format", "json"]
    return best_times(commands, args.runs, env)


def salesplan_command() -> list[str]:
    """The installed ``salesplan`` script beside this interpreter (what a user runs), else
    ``python -m`` on the CLI module."""
    script = Path(PYTHON).parent / "salesplan"
    if script.is_file():
        return [str(script)]
    return [PYTHON, "-m", "salesplan.core.cli.main"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=str(Path(tempfile.gettempdir()) / "salesplan-bench"),
                        help="cache folder for the dataset and its DuckDB/SQLite copies")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--from", dest="start", default=f"{YEAR}-01-01")
    parser.add_argument("--to", dest="end", default=f"{YEAR}-06-30")
    parser.add_argument("--synthetic", action="store_true", help="skip salesplan demo")
    parser.add_argument("--postgres", metavar="URL",
                        help="also time every report on this PostgreSQL database, which must "
                             "hold the same data (e.g. imported by import_bench.py --postgres)")
    parser.add_argument("--no-bytecode-cache", dest="bytecode_cache", action="store_false",
                        help="time with the inherited environment as is (see process_env)")
    args = parser.parse_args(argv)
    directory = Path(args.dir)
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "salesplan.toml"
    synthetic = False
    if not config.is_file():
        print("building the dataset…", flush=True)
        built = None if args.synthetic else build_demo(directory)
        synthetic = built is None
        config = built or build_synthetic(directory)
    from salesplan.core.context import load_app

    env = process_env(directory, args.bytecode_cache)
    app = load_app(config, env=env)
    if synthetic:  # the demo (like an import) leaves every rollup current
        _refresh_rollups(app)
    db_path = Path(app.database_url.removeprefix("sqlite:///"))
    from salesplan.core.calendar import day_range_utc

    lo, hi = day_range_utc(date.fromisoformat(args.start), date.fromisoformat(args.end), app.tz)
    bounds = [lo.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
              hi.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")]
    with sqlite3.connect(db_path) as con:
        total = con.execute("SELECT count(*) FROM actions").fetchone()[0]
        in_range = con.execute("SELECT count(*) FROM actions WHERE at >= ? AND at < ?",
                               bounds).fetchone()[0]
    print(f"dataset: {total:,} actions, {in_range:,} in {args.start} → {args.end}")
    duck_path, plain_path = export_copies(db_path, directory)
    salesplan = [*salesplan_command(), "--config", str(config), "report"]
    check_same_numbers(
        [*salesplan, "activity", "--from", args.start, "--to", args.end, "--format", "json"],
        [PYTHON, "-c", _script(DUCKDB_SCRIPT), str(duck_path), *bounds], env)
    times = best_times({
        "salesplan activity (json)":
            [*salesplan, "activity", "--from", args.start, "--to", args.end, "--format", "json"],
        "duckdb": [PYTHON, "-c", _script(DUCKDB_SCRIPT), str(duck_path), *bounds],
        "plain indexed sqlite": [PYTHON, "-c", _script(SQLITE_SCRIPT), str(plain_path), *bounds],
        "salesplan prospecting (json)":
            [*salesplan, "prospecting", "--from", args.start, "--to", args.end,
             "--format", "json"],
        "python -c pass": [PYTHON, "-c", "pass"],
    }, args.runs, env)
    cache = "bytecode cached in DIR/pycache" if args.bytecode_cache else "inherited environment"
    print(f"whole processes, best of {args.runs} ({cache}; load average "
          f"{os.getloadavg()[0]:.2f}):")
    for name, seconds in times.items():
        print(f"{name:32s} {seconds:6.3f} s")
    product = times["salesplan activity (json)"]
    print(f"activity / duckdb       = {product / times['duckdb']:.2f}  (target ≤ 2)")
    print(f"activity / plain sqlite = {product / times['plain indexed sqlite']:.2f}  "
          "(target < 1)")
    print(f"prospecting             = {times['salesplan prospecting (json)']:.3f} s "
          "(target < 1 s)")
    print(f"every other report, whole process, best of {args.runs} (target < 1 s each):")
    for label, seconds in other_report_times(salesplan, args, env).items():
        print(f"  {label:44s} {seconds:6.3f} s{'' if seconds < 1 else '  (over 1 s)'}")
    print("database work alone (in process, best of runs):")
    query_times = query_only_times(app, date.fromisoformat(args.start),
                                   date.fromisoformat(args.end), duck_path, plain_path, bounds,
                                   args.runs)
    for name, seconds in query_times.items():
        print(f"  {name:30s} {seconds:6.3f} s")
    if args.postgres:
        postgres_times(salesplan, args, env, times["duckdb"], duck_path, bounds)


def postgres_times(salesplan: list[str], args: argparse.Namespace, env: dict[str, str],
                   duckdb_seconds: float, duck_path: Path, bounds: list[str]) -> None:
    """The same reports on PostgreSQL (same data), against DuckDB's time of this run."""
    pg_env = {**env, "SALESPLAN_DATABASE_URL": args.postgres}
    activity = [*salesplan, "activity", "--from", args.start, "--to", args.end,
                "--format", "json"]
    check_same_numbers(activity, [PYTHON, "-c", _script(DUCKDB_SCRIPT), str(duck_path),
                                  *bounds], pg_env)
    seconds = best_times({"activity": activity}, args.runs, pg_env)["activity"]
    print(f"PostgreSQL, whole processes, best of {args.runs}:")
    print(f"  salesplan activity (json)   {seconds:6.3f} s, / duckdb = "
          f"{seconds / duckdb_seconds:.2f}")
    for label, other in other_report_times(salesplan, args, pg_env).items():
        print(f"  {label:44s} {other:6.3f} s, / duckdb activity = "
              f"{other / duckdb_seconds:.2f}")


if __name__ == "__main__":
    main()
