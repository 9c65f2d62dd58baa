"""Per-call latency of ``salesplan log`` as a whole process, on SQLite and PostgreSQL, with 1
and with 8 writers at once (issue 19).

    python benchmarks/log_latency_bench.py [--calls N] [--postgres URL] [--work DIR]

Each writer is a loop of ``salesplan log call …`` processes on one lead of its own member, so
the writers contend for the base exactly as reps logging at the same moment do. Prints p50 and
p95 per call for each (database, writers) and the PostgreSQL / SQLite ratio of the medians
measured in the same run (target ≤ 1.5), plus ``salesplan --version`` as the floor of a
process (interpreter and click, no database).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from api_bench import empty_postgres  # this folder's: creates or empties a database

MEMBERS = ("alice", "bob", "carol", "dave")
CONFIG = """[team]
name = "Bench"
currency = "EUR"
timezone = "Europe/Paris"

[plugins]
enabled = ["calls", "emails", "meetings"]

[[segments]]
id = "sales"

[[members]]
id = "alice"
name = "Alice"
segment = "sales"
[[members]]
id = "bob"
name = "Bob"
segment = "sales"
[[members]]
id = "carol"
name = "Carol"
segment = "sales"
[[members]]
id = "dave"
name = "Dave"
segment = "sales"
role = "manager"

[[pipelines]]
id = "acquisition"
steps = ["Incoming", "Qualified", "Proposal"]

[[rules]]
when = { action = "call", outcome = "not_reached" }
then = { schedule = "call", after_days = 2 }
"""


def salesplan(config: Path, url: str, *args: str) -> float:
    """Run one ``salesplan`` process; its wall-clock seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "salesplan.core.cli.main", "--config", str(config),
                    *args], env={**os.environ, "SALESPLAN_DATABASE_URL": url}, check=True,
                   capture_output=True)
    return time.perf_counter() - started


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[max(0, round(0.95 * len(ordered)) - 1)]


def measure(config: Path, url: str, writers: int, calls: int) -> list[float]:
    leads = []
    for index in range(writers):
        member = MEMBERS[index % 3]
        salesplan(config, url, "lead", "add", f"Bench {index}", "--pipeline", "acquisition",
                  "--owner", member)
        leads.append((f"L{index + 1}", member))

    def writer(lead: tuple[str, str]) -> list[float]:
        key, member = lead
        return [salesplan(config, url, "log", "call", "--lead", key, "--outcome",
                          "not_reached", "--member", member) for _ in range(calls)]

    with ThreadPoolExecutor(writers) as pool:
        return [t for times in pool.map(writer, leads) for t in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=15, help="calls per writer")
    parser.add_argument("--postgres", help="an empty database it may wipe (default: creates "
                        "latbench on the local server)",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/latbench")
    parser.add_argument("--work", type=Path, default=None)
    options = parser.parse_args()
    work = options.work or Path(tempfile.mkdtemp(prefix="salesplan-log-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    config = work / "salesplan.toml"
    config.write_text(CONFIG, encoding="utf-8")
    floor = min(salesplan(config, "sqlite://", "--version") for _ in range(5))
    print(f"process floor (salesplan --version): {floor:.3f} s")
    medians: dict[tuple[str, int], float] = {}
    for writers in (1, 8):
        for name in ("sqlite", "postgres"):
            if name == "sqlite":
                base = work / f"bench-{writers}.db"
                base.unlink(missing_ok=True)
                url = f"sqlite:///{base}"
            else:
                url = options.postgres
                empty_postgres(url)
            times = measure(config, url, writers, options.calls)
            p50, p95 = percentiles(times)
            medians[(name, writers)] = p50
            print(f"{name:8} {writers} writer(s) × {options.calls}: p50 {p50:.3f} s, "
                  f"p95 {p95:.3f} s, slowest {max(times):.3f} s")
        ratio = medians[("postgres", writers)] / medians[("sqlite", writers)]
        print(f"  PostgreSQL / SQLite (p50), {writers} writer(s): {ratio:.2f} (target ≤ 1.5)")
    if options.work is None:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
