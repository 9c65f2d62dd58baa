"""Search benchmark (issue 21): leads and prospects found by words or key at the history size.

Usage::

    pip install -e '.[bench]'
    salesplan demo --size history --no-tui --dir /tmp/hist       # once: 6.5M actions, 435k
                                                                  # leads, 850k prospects
    python benchmarks/search_bench.py --dir /tmp/hist [--runs 7] [--postgres URL]

For each query (a surname, a company, two words, a phone in groups and run together, an
e-mail, a key in two shapes, a two-letter prefix, a one-letter word, a word that finds
nothing) it times, in process and on warm caches:

1. ``search()`` — the service behind ``salesplan search``, the API's ``/search`` and the TUI
   (20 leads and 20 prospects at most, as the local admin, then as a rep);
2. ``lead list --q``'s two statements (the count and the first 100 rows), and the TUI
   pipeline board filtered with ``/`` (counts per step and each column's first cards);
3. the baseline measured in the same run: the same words as ``LIKE '%word%'`` over the
   leads' titles and their contacts' columns — what a search without an index costs.

It prints the median and worst time of each, the ratio baseline / search, and the target
(under 100 ms a query). ``--postgres URL`` copies the base into an empty PostgreSQL database
first (``salesplan export`` / ``import``, COPY) and times there too.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import col, select

from salesplan.core.access import Actor
from salesplan.core.context import AppContext, load_app
from salesplan.core.db.models import Lead, Prospect
from salesplan.core.db.search_words import query_words
from salesplan.core.services.listing import lead_select
from salesplan.core.services.search import search

QUERIES = ("martin", "garonne services", "lea blanc", "+33 24 61", "33246123593",
           "lea.blanc@cedre", "L000345", "345", "ma", "m", "zzzzzz")
TARGET_SECONDS = 0.100


def timed(work: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """(median, worst) seconds of ``runs`` calls after one warm-up, and the last result."""
    result = work()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times), result


def like_baseline(app: AppContext, query: str) -> Callable[[], int]:
    """Leads whose title or contact holds every word, by ``LIKE`` (no index can serve)."""
    words = query_words(query)

    def run() -> int:
        conditions = [or_(*(column.icontains(word) for column in (
            col(Lead.title), col(Prospect.name), col(Prospect.company), col(Prospect.email),
            col(Prospect.phone)))) for word in words]
        statement = (select(func.count()).select_from(Lead)
                     .join(Prospect, col(Prospect.id) == col(Lead.prospect_id), isouter=True)
                     .where(and_(*conditions)))
        with app.session() as session:
            return int(session.exec(statement).one())
    return run


def lead_list(app: AppContext, query: str) -> Callable[[], int]:
    def run() -> int:
        statement = lead_select(app, q=query)
        with app.session() as session:
            total = session.exec(select(func.count()).select_from(statement.subquery())).one()
            session.exec(statement.order_by(col(Lead.created_at).desc()).limit(100)).all()
        return int(total)
    return run


def board_search(app: AppContext, query: str) -> Callable[[], int]:
    """The TUI pipeline board filtered by ``/``: counts per step and the first cards."""
    from salesplan.tui.queries import board

    pipeline = app.config.pipelines[0].id

    def run() -> int:
        return sum(column.total for column in board(app, pipeline=pipeline, owner=None,
                                                    search=query))
    return run


def service(app: AppContext, query: str, actor: Actor | None = None) -> Callable[[], int]:
    def run() -> int:
        with app.session() as session:
            return len(search(session, app, query, **({"actor": actor} if actor else {})))
    return run


def bench(app: AppContext, label: str, runs: int) -> bool:
    rep = Actor(app.config.members[0].id, "rep")
    print(f"\n{label}: {'query':<20} {'hits':>5} {'search p50/max ms':>18} "
          f"{'as rep':>8} {'lead list --q':>14} {'board /':>8} {'LIKE scan':>10} {'ratio':>6}")
    fine = True
    for query in QUERIES:
        p50, worst, hits = timed(service(app, query), runs)
        rep50, _rep_worst, _ = timed(service(app, query, rep), runs)
        list50, list_worst, total = timed(lead_list(app, query), runs)
        board50, _board_worst, _ = timed(board_search(app, query), runs)
        like50, _like_worst, _ = timed(like_baseline(app, query), max(1, runs // 3))
        fine = fine and max(worst, list_worst) < TARGET_SECONDS * 2 and p50 < TARGET_SECONDS
        print(f"{'':<{len(label) + 1}} {query:<20} {hits:>5} {p50 * 1000:>8.1f}/"
              f"{worst * 1000:<7.1f} {rep50 * 1000:>8.1f} {list50 * 1000:>8.1f} ({total:>6})"
              f" {board50 * 1000:>8.1f}"
              f" {like50 * 1000:>9.0f} {like50 / max(p50, 1e-6):>6.0f}")
    return fine


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", type=Path, required=True, help="A built demo folder.")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--postgres", help="Also time on this (empty) PostgreSQL database.")
    args = parser.parse_args()
    app = load_app(args.dir / "salesplan.toml")
    with app.session() as session:
        leads = session.exec(select(func.count()).select_from(Lead)).one()
        prospects = session.exec(select(func.count()).select_from(Prospect)).one()
    print(f"{leads} leads, {prospects} prospects; target: under "
          f"{TARGET_SECONDS * 1000:.0f} ms a query")
    fine = bench(app, "SQLite", args.runs)
    if args.postgres:
        fine = copy_to_postgres(app, args.postgres, args.dir) and fine
        pg = load_app(args.dir / "salesplan.toml",
                      env={"SALESPLAN_DATABASE_URL": args.postgres})
        fine = bench(pg, "PostgreSQL", args.runs) and fine
        pg.dispose()
    app.dispose()
    print("\nall under target" if fine else "\nSOME OVER TARGET")
    return 0


def copy_to_postgres(app: AppContext, url: str, folder: Path) -> bool:
    """Export the base and import it into ``url`` (skipped when it already holds leads)."""
    from salesplan.core.dataio import export_folder, import_folder

    target = load_app(folder / "salesplan.toml", env={"SALESPLAN_DATABASE_URL": url})
    try:
        with target.session() as session:
            if session.exec(select(func.count()).select_from(Lead)).one():
                return True
        data = folder / "export-for-postgres"
        start = time.perf_counter()
        if not data.exists():
            export_folder(app, data)
        import_folder(target, data)
        print(f"copied into PostgreSQL in {time.perf_counter() - start:.0f} s")
        return True
    finally:
        target.dispose()


if __name__ == "__main__":
    sys.exit(main())
