"""HTTP API load benchmark (team access, SPEC §11): N clients log actions at once.

Usage::

    python benchmarks/api_bench.py [--clients 8] [--actions 200] [--dir DIR]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/bench_api]

It writes the test suite's standard team (tests/data/base.toml: rule ``call not_reached →
schedule call``) to DIR (a temporary folder by default) on a fresh base — a SQLite file
there, or the given PostgreSQL database, created or emptied first —, gives the team accounts
and tokens, creates one lead per client and starts a real ``salesplan serve``. Then every
client logs its actions on its own lead, one after the other, all clients at once, through
``POST /api/v1/actions``: each ``call not_reached`` closes the reminder the previous one
scheduled and schedules a new one. It prints the throughput (actions/s) and the latency
percentiles, then checks that exactly clients × actions actions and reminders were written.
The same measurement runs in ``tests/api/test_api_concurrency.py`` (``pytest -s`` shows it).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.api.harness import run_load, start_team  # noqa: E402

MEMBERS = ("alice", "bob", "carol", "dave")


def empty_postgres(url: str) -> None:
    """Empty the database (created first when it does not exist)."""
    maintenance = create_engine(make_url(url).set(database="postgres"),
                                isolation_level="AUTOCOMMIT")
    name = make_url(url).database
    with maintenance.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                    {"name": name}).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    maintenance.dispose()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--actions", type=int, default=200, help="Actions per client.")
    parser.add_argument("--dir", type=Path, help="Folder for the config and SQLite base.")
    parser.add_argument("--postgres", metavar="URL", help="Use this PostgreSQL database "
                        "(emptied first) instead of SQLite.")
    options = parser.parse_args()
    folder = options.dir or Path(tempfile.mkdtemp(prefix="salesplan-api-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    if options.postgres:
        empty_postgres(options.postgres)
        backend, url = "postgres", options.postgres
    else:
        (folder / "api.db").unlink(missing_ok=True)
        backend, url = "sqlite", f"sqlite:///{folder / 'api.db'}"
    team = start_team(backend, folder, url)
    try:
        targets = [(team.lead(f"bench {index}", MEMBERS[index % 4]), MEMBERS[index % 4])
                   for index in range(options.clients)]
        result = run_load(team.server.url, team.tokens["dave"], targets, options.actions)
        expected = options.clients * options.actions
        actions = team.count("SELECT count(*) FROM actions")
        reminders = team.count("SELECT count(*) FROM reminders")
    finally:
        team.server.stop()
        team.app.dispose()
    shown = make_url(url).render_as_string(hide_password=True)
    print(result.summary(f"{backend} ({shown}), {options.clients} clients × {options.actions}"))
    print(f"written: {actions} actions, {reminders} reminders (expected {expected} each)")
    for error in result.errors[:5]:
        print(f"error: {error}")
    return 0 if (actions, reminders, result.errors) == (expected, expected, []) else 1


if __name__ == "__main__":
    raise SystemExit(main())
