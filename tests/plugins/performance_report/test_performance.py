"""Performance report on hand-computed histories (tests/reports/cohort_fixtures.py), both DBs.

March 2026 (Paris days), all pipelines: alice L1 (todo, amount 1000 not won), L2 (lost),
L8 (renewal, won 5000); bob L4 (cancelled), L10, L12, L13 (todo); carol nothing; dave L3 (won
30000), L6 (standby), L9 (lost). L5, L7, L11, L14, L15 are created outside March.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from salesplan.core.context import AppContext
from salesplan.core.errors import DataError
from salesplan.core.reporting import ReportRequest, ReportResult
from tests.reports.cohort_fixtures import build_history

KEYS = ("member", "created", "open", "won", "lost", "cancelled", "conversion_rate",
        "amount_won")


def run(app: AppContext, start: date, end: date, **options: Any) -> ReportResult:
    with app.session() as s:
        return app.registry.reports["performance"].run(
            ReportRequest(connection=s.connection(), app=app, start=start, end=end, options=options)
        )


def table(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [tuple(row[k] for k in KEYS) for row in rows]


def test_march_all_pipelines(app: AppContext) -> None:
    build_history(app)
    result = run(app, date(2026, 3, 1), date(2026, 3, 31))
    assert table(result.rows) == [
        ("alice", 3, 1, 1, 1, 0, 1 / 3, 5000.0),
        ("bob", 4, 3, 0, 0, 1, 0.0, 0.0),
        ("carol", 0, 0, 0, 0, 0, None, 0.0),
        ("dave", 3, 1, 1, 1, 0, 1 / 3, 30000.0),
    ]
    assert result.totals == {"created": 10, "open": 5, "won": 2, "lost": 2, "cancelled": 1,
                             "conversion_rate": 0.2, "amount_won": 35000.0}
    assert list(result.rows[0]) == list(KEYS)


def test_pipeline_filter(app: AppContext) -> None:
    build_history(app)
    result = run(app, date(2026, 3, 1), date(2026, 3, 31), pipeline="acquisition")
    assert table(result.rows) == [
        ("alice", 2, 1, 0, 1, 0, 0.0, 0.0),
        ("bob", 2, 1, 0, 0, 1, 0.0, 0.0),
        ("carol", 0, 0, 0, 0, 0, None, 0.0),
        ("dave", 3, 1, 1, 1, 0, 1 / 3, 30000.0),
    ]
    assert result.options == {"pipeline": "acquisition"}
    renewal = run(app, date(2026, 3, 1), date(2026, 3, 31), pipeline="renewal")
    assert table(renewal.rows)[:2] == [
        ("alice", 1, 0, 1, 0, 0, 1.0, 5000.0),
        ("bob", 2, 2, 0, 0, 0, 0.0, 0.0),
    ]


def test_paris_day_boundaries(app: AppContext) -> None:
    """03-31 local day: L4 (21:30 UTC) only; 04-01: L5 (22:30 UTC on 03-31)."""
    build_history(app)
    last = run(app, date(2026, 3, 31), date(2026, 3, 31))
    assert [(r["member"], r["created"], r["cancelled"]) for r in last.rows] == [
        ("alice", 0, 0), ("bob", 1, 1), ("carol", 0, 0), ("dave", 0, 0)]
    first = run(app, date(2026, 4, 1), date(2026, 4, 1))
    assert [(r["member"], r["created"], r["open"]) for r in first.rows] == [
        ("alice", 1, 1), ("bob", 0, 0), ("carol", 0, 0), ("dave", 0, 0)]
    # DST night: L12 is Sunday 03-29 (23:30 CEST), L13 Monday 03-30 (00:30 CEST).
    sunday = run(app, date(2026, 3, 29), date(2026, 3, 29))
    assert sunday.rows[1]["created"] == 1
    monday = run(app, date(2026, 3, 30), date(2026, 3, 30))
    assert monday.rows[1]["created"] == 1


def test_status_is_as_now_even_when_closed_after_range(app: AppContext) -> None:
    """L15 (created January, won in April) counts as won for a January cohort."""
    build_history(app)
    result = run(app, date(2026, 1, 1), date(2026, 1, 31))
    assert table(result.rows) == [
        ("alice", 1, 0, 1, 0, 0, 1.0, 7000.0),
        ("bob", 0, 0, 0, 0, 0, None, 0.0),
        ("carol", 0, 0, 0, 0, 0, None, 0.0),
        ("dave", 1, 0, 1, 0, 0, 1.0, 9000.0),
    ]


def test_empty_range(app: AppContext) -> None:
    result = run(app, date(2026, 3, 1), date(2026, 3, 31))
    assert table(result.rows) == [
        (m, 0, 0, 0, 0, 0, None, 0.0) for m in ("alice", "bob", "carol", "dave")
    ]
    assert result.totals is not None and result.totals["conversion_rate"] is None


def test_unknown_pipeline(app: AppContext) -> None:
    with pytest.raises(DataError, match="unknown pipeline 'x'"):
        run(app, date(2026, 3, 1), date(2026, 3, 31), pipeline="x")


def test_cli_json(
    app: AppContext, config_path: Path, run_cli: Callable[..., Any]
) -> None:
    build_history(app)
    result = run_cli("--config", str(config_path), "report", "performance", "--from",
                     "2026-03-01", "--to", "2026-03-31", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["report"] == "performance"
    assert table(data["rows"]) == [
        ("alice", 3, 1, 1, 1, 0, 1 / 3, 5000.0),
        ("bob", 4, 3, 0, 0, 1, 0.0, 0.0),
        ("carol", 0, 0, 0, 0, 0, None, 0.0),
        ("dave", 3, 1, 1, 1, 0, 1 / 3, 30000.0),
    ]
