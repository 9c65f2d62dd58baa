"""Import benchmark: salesplan's importer against a plain ``sqlite3`` executemany loader.

Steps (issue 3): build the large demo (``salesplan demo --size large``, reused if present),
export it to a data folder, then in the same run and on the same files:

* **baseline**: a plain ``sqlite3`` script reads the four CSV files with the ``csv`` module and
  loads them with ``executemany`` into plain tables (text columns, no indexes, no checks),
  one transaction;
* **schema baseline**: the same plain ``sqlite3`` loader, but into a copy of an empty
  salesplan base (same tables, constraints, the indexes the migrations create — dropped for
  the load and rebuilt, as the importer does — and WAL), rows inserted as read;
* **salesplan**: ``salesplan import`` into an empty SQLite base (every cell validated,
  references resolved, timestamps converted to UTC, the schema's indexes built).

Each load runs in its own subprocess so its peak memory (``ru_maxrss``) is its own. Prints
both times, the ratio (target ≤ 1.5) and peak memory.

    python benchmarks/import_bench.py [--work DIR] [--repeat N] [--seed N]
                                      [--size large|history] [--demo DIR] [--postgres URL]

``--size history`` uses the history demo (6.5M actions) instead; ``--demo DIR`` reuses a demo
already built there; ``--postgres URL`` also times ``salesplan import`` into that PostgreSQL
database (emptied first: every table of the public schema is dropped), through COPY.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

BASELINE = r'''
import csv, sqlite3, sys
folder, db = sys.argv[1], sys.argv[2]
tables = {
    "prospects": "key, list, name, company, email, phone, owner, created_at, lead_key",
    "leads": "key, title, pipeline, step, owner, amount, status, created_at, closed_at, "
             "prospect_key",
    "step_changes": "lead_key, at, step",
    "actions": "key, at, member, action_type, outcome, lead_key, prospect_key, note",
}
connection = sqlite3.connect(db, isolation_level=None)
connection.execute("BEGIN")
for name, columns in tables.items():
    connection.execute(f"CREATE TABLE {name} ({columns})")
    marks = ", ".join("?" * len(columns.split(",")))
    with open(f"{folder}/{name}.csv", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        sql = f"INSERT INTO {name} VALUES ({marks})"
        chunk = []
        for row in reader:
            chunk.append(row)
            if len(chunk) >= 20000:
                connection.executemany(sql, chunk)
                chunk.clear()
        connection.executemany(sql, chunk)
connection.execute("COMMIT")
connection.close()
'''

# The same CSV rows, as read (keys as text, timestamps unconverted), executemany'd into a copy
# of an empty salesplan base: same tables, constraints and indexes (dropped during the load
# and rebuilt after, like the importer does), same WAL journal. No checks, no conversions.
SCHEMA_BASELINE = r'''
import csv, sqlite3, sys
folder, db = sys.argv[1], sys.argv[2]
tables = {
    "prospects": ("key, list_id, name, company, email, phone, owner, created_at",
                  lambda r: r[:8]),
    "leads": ("key, title, pipeline, step, owner, amount, status, created_at, closed_at, "
              "prospect_id", lambda r: r[:8] + [r[8] or None, r[9] or None]),
    "step_changes": ("lead_id, at, step", lambda r: r),
    "actions": ("key, at, member, action_type, outcome, lead_id, prospect_id, note",
                lambda r: r[:5] + [r[5] or None, r[6] or None, r[7]]),
}
connection = sqlite3.connect(db, isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
for name, (columns, shape) in tables.items():
    indexes = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL", (name,)).fetchall()
    for index, _sql in indexes:
        connection.execute(f'DROP INDEX "{index}"')
    marks = ", ".join("?" * len(columns.split(",")))
    with open(f"{folder}/{name}.csv", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        sql = f"INSERT INTO {name} ({columns}) VALUES ({marks})"
        chunk = []
        for row in reader:
            chunk.append(shape(row))
            if len(chunk) >= 20000:
                connection.executemany(sql, chunk)
                chunk.clear()
        connection.executemany(sql, chunk)
    for _index, sql in indexes:
        connection.execute(sql)
connection.execute("COMMIT")
connection.close()
'''


EMPTY_BASE = r'''
import sys
from salesplan.core.context import load_app
app = load_app(sys.argv[1])
app.engine
app.dispose()
'''

LABELS = {
    "plain": "plain sqlite3 executemany, plain tables",
    "schema": "plain sqlite3 executemany, salesplan schema",
    "salesplan": "salesplan import",
}


def run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Run a subprocess; its wall time in seconds and peak RSS in MiB."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with status {process.returncode}")
    return elapsed, usage.ru_maxrss // 1024  # Linux: KiB


def salesplan(*args: str) -> list[str]:
    return [sys.executable, "-m", "salesplan.core.cli.main", *args]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("bench-work"),
                        help="work folder (the large demo is kept there between runs)")
    parser.add_argument("--repeat", type=int, default=1, help="measure each loader N times")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size", choices=["large", "history"], default="large")
    parser.add_argument("--demo", type=Path, help="a demo folder already built (reused)")
    parser.add_argument("--postgres", help="also import into this PostgreSQL database")
    options = parser.parse_args()
    work: Path = options.work
    work.mkdir(parents=True, exist_ok=True)
    demo, folder = options.demo or work / "demo", work / "data"

    if not (demo / "demo.db").is_file():
        print(f"Building the {options.size} demo …", flush=True)
        took, memory = run(salesplan("demo", "--dir", str(demo), "--size", options.size,
                                     "--seed", str(options.seed), "--no-tui"))
        print(f"  built in {took:.1f} s, peak memory {memory} MiB")
    if not (folder / "actions.csv").is_file():
        took, memory = run(salesplan("--config", str(demo / "salesplan.toml"), "export",
                                     str(folder)))
        print(f"Exported in {took:.1f} s, peak memory {memory} MiB")
    with (folder / "actions.csv").open("rb") as handle:
        actions = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b"")) - 1
    print(f"Data folder {folder}: {actions} actions")

    target = work / "target"
    times: dict[str, list[float]] = {name: [] for name in LABELS}
    memory_of: dict[str, int] = dict.fromkeys(LABELS, 0)
    if options.postgres:
        LABELS["postgres"] = "salesplan import, PostgreSQL (COPY)"
        times["postgres"], memory_of["postgres"] = [], 0
    text = (demo / "salesplan.toml").read_text(encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "SALESPLAN_DATABASE_URL"}
    for round_ in range(options.repeat):
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        config = target / "salesplan.toml"
        config.write_text(text.replace("sqlite:///demo.db", "sqlite:///imported.db"), "utf-8")
        empty = target / "empty.db"
        empty_config = target / "empty.toml"
        empty_config.write_text(text.replace("sqlite:///demo.db", "sqlite:///empty.db"), "utf-8")
        subprocess.run([sys.executable, "-c", EMPTY_BASE, str(empty_config)], env=env,
                       check=True)
        shutil.copy(empty, target / "schema.db")
        runs = {
            "plain": [sys.executable, "-c", BASELINE, str(folder), str(target / "plain.db")],
            "schema": [sys.executable, "-c", SCHEMA_BASELINE, str(folder),
                       str(target / "schema.db")],
            "salesplan": salesplan("--config", str(config), "import", str(folder)),
        }
        if options.postgres:
            empty_postgres(options.postgres)
            runs["postgres"] = salesplan("--config", str(config), "import", str(folder))
        for name, command in runs.items():
            run_env = env if name != "postgres" else {
                **env, "SALESPLAN_DATABASE_URL": options.postgres}
            took, memory = run(command, env=run_env)
            times[name].append(took)
            memory_of[name] = max(memory_of[name], memory)
            print(f"[{round_ + 1}] {LABELS[name]:44} {took:6.1f} s, peak {memory} MiB",
                  flush=True)

    best = {name: min(values) for name, values in times.items()}
    print()
    for name in runs:
        print(f"{LABELS[name]:44} {best[name]:6.1f} s (peak {memory_of[name]} MiB)")
    for name in ("plain", "schema"):
        ratio = best["salesplan"] / best[name]
        verdict = "OK" if ratio <= 1.5 else "over target"
        print(f"ratio salesplan / {name:7} {ratio:5.2f} (target ≤ 1.5: {verdict})")
    if options.postgres:
        print(f"ratio PostgreSQL import / plain {best['postgres'] / best['plain']:5.2f}")


def empty_postgres(url: str) -> None:
    """Drop every table (and salesplan's functions) of the database's public schema."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


if __name__ == "__main__":
    main()
