"""Rollups stay exact at history scale's every entry point, on SQLite and PostgreSQL.

An import folds its actions into every rollup (bulk folds, checked against each rollup's own
``fold`` by ``verify``); the raw-action tally (database triggers) catches actions written,
deleted or moved behind the services' back, and the rollup-side sums catch deleted rollup
rows: only the months concerned are rebuilt; a month marked stale is rebuilt alone; a
report over current rollups writes nothing; ``salesplan check --rollups`` exits 2 on a
difference and ``--repair`` fixes it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event, text

from salesplan.core.context import AppContext
from salesplan.core.dataio import import_folder
from salesplan.core.reports.rollups import (
    mark_stale,
    miscounted_months,
    repair,
    rollup_view,
    verify,
)
from salesplan.core.reports.runner import run_report
from tests.reports.history_fixtures import history_folder

HALF = (date(2026, 1, 1), date(2026, 6, 30))
MARCH = date(2026, 3, 1)
REPORTS = [("activity", {}), ("prospecting", {}), ("conversion", {"pipeline": "acquisition"}),
           ("conversion", {"pipeline": "renewal"}), ("performance", {}),
           ("company", {"by": "month"})]


def writes_during(app: AppContext, work: Callable[[], object]) -> list[str]:
    """The INSERT, UPDATE and DELETE statements ``work`` sends to the base."""
    statements: list[str] = []

    def record(*args: object) -> None:
        sql = str(args[2]).lstrip().upper()
        if sql.startswith(("INSERT", "UPDATE", "DELETE")):
            statements.append(sql[:80])

    event.listen(app.engine, "before_cursor_execute", record)
    try:
        work()
    finally:
        event.remove(app.engine, "before_cursor_execute", record)
    return statements


def all_reports(app: AppContext) -> list[object]:
    return [run_report(app, name, *HALF, options).rows for name, options in REPORTS]


@pytest.fixture
def imported(app: AppContext, tmp_path: Path) -> AppContext:
    import_folder(app, history_folder(tmp_path / "history"))
    return app


def test_an_import_leaves_every_rollup_exact_and_reports_write_nothing(
    imported: AppContext,
) -> None:
    app = imported
    assert verify(app) == []
    with app.read_connection() as connection:
        assert rollup_view(connection, app, ["prospecting"], *HALF)
    # The conversion cohorts were counted by the import too: no report rebuilds anything.
    assert writes_during(app, lambda: all_reports(app)) == []


def test_raw_writes_behind_the_services_back_are_found_then_repaired_month_by_month(
    imported: AppContext,
) -> None:
    app = imported

    def march_total() -> int:
        rows = run_report(app, "activity", MARCH, date(2026, 3, 31)).rows
        return sum(sum(row["actions"].values()) for row in rows)

    before = march_total()
    with app.write_connection() as connection:  # one action of March moves to April
        connection.execute(text(
            "UPDATE actions SET at = (SELECT max(at) FROM actions) WHERE id = "
            "(SELECT min(id) FROM actions WHERE at >= '2026-03-10' AND at < '2026-03-20')"))
    with app.read_connection() as connection:
        found = miscounted_months(connection, app, *HALF)
    assert MARCH in found and len(found) == 2
    assert repair(app, ["prospecting"], *HALF) == 2
    assert verify(app) == []
    assert march_total() == before - 1  # the reports see the moved action
    with app.write_connection() as connection:  # deleted and inserted by hand
        connection.execute(text("DELETE FROM actions WHERE id = (SELECT max(id) FROM actions)"))
        connection.execute(text(
            "INSERT INTO actions (key, at, member, action_type, outcome, lead_id, prospect_id, "
            "note) SELECT 'hand', at, member, action_type, outcome, lead_id, prospect_id, '' "
            "FROM actions WHERE id = (SELECT min(id) FROM actions)"))
    with app.read_connection() as connection:
        assert miscounted_months(connection, app, *HALF)
    run_report(app, "activity", *HALF)  # the runner repairs what the report reads
    assert verify(app) == []


def test_deleted_rollup_rows_are_found_and_only_their_month_rebuilt(
    imported: AppContext,
) -> None:
    app = imported
    expected = all_reports(app)
    with app.write_connection() as connection:  # a crash's worth of lost rollup rows
        connection.execute(text(
            "DELETE FROM activity_rollup WHERE day >= '2026-03-01' AND day < '2026-04-01'"))
    with app.read_connection() as connection:
        assert miscounted_months(connection, app, *HALF) == {MARCH}
    assert all_reports(app) == expected  # exact all along, and March rebuilt first
    assert writes_during(app, lambda: all_reports(app)) == []
    assert verify(app) == []


def test_a_month_marked_stale_is_rebuilt_alone(imported: AppContext) -> None:
    app = imported
    expected = all_reports(app)
    with app.write_connection() as connection:
        mark_stale(connection, "prospecting", MARCH)
    with app.read_connection() as connection:
        assert not rollup_view(connection, app, ["prospecting"], *HALF)
    assert repair(app, ["prospecting"], *HALF) == 1
    assert all_reports(app) == expected
    assert verify(app) == []


def test_check_rollups_exits_2_on_a_difference_and_repair_fixes_it(
    imported: AppContext, config_path: Path, run_cli: Callable[..., object],
) -> None:
    app = imported
    check = ["--config", str(config_path), "check", "--rollups"]
    result = run_cli(*check)
    assert result.exit_code == 0 and "match a full recount" in result.stdout  # type: ignore[attr-defined]
    with app.write_connection() as connection:
        connection.execute(text("UPDATE prospecting_rollup SET actions = actions + 1"))
        connection.execute(text("UPDATE action_tally SET actions = actions + 1"))
    result = run_cli(*check)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "prospecting_rollup" in result.stdout and "action_tally" in result.stdout  # type: ignore[attr-defined]
    result = run_cli(*check, "--repair")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert verify(app) == []
