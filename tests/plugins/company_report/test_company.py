"""Company report on hand-computed histories (tests/reports/cohort_fixtures.py), both DBs.

Created (Paris days): L14 02-10, L7 02-28, L6 03-01, L1 03-02, L2 03-03, L3 03-04, L8 03-05,
L9 03-06, L10 03-07, L12 03-29 (Sun), L13 03-30 (Mon), L4 03-31, L5 04-01; L11 and L15 in
January. Won (closed_at, Paris): L3 03-25 30000, L8 03-31 23:45 5000, L11 04-01 00:15 7000,
L15 04-20 9000.

Target: base.toml has one team revenue objective, 270000 per quarter (acquisition). Working
days (Mon–Fri): Q1 2026 = 22 + 20 + 22 = 64, Q2 2026 = 22 + 21 + 22 = 65.
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
from tests.conftest import base_config_text
from tests.reports.cohort_fixtures import build_history

KEYS = ("period", "created", "won", "amount_won", "target")


def run(app: AppContext, start: date, end: date, **options: Any) -> ReportResult:
    with app.session() as s:
        return app.registry.reports["company"].run(
            ReportRequest(connection=s.connection(), app=app, start=start, end=end, options=options)
        )


def table(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [tuple(row[k] for k in KEYS) for row in rows]


def test_by_month_default_with_clipping_and_target(app: AppContext) -> None:
    """Feb clipped to 15–28 (10 working days), March whole (22), April clipped to 1–10 (8)."""
    build_history(app)
    result = run(app, date(2026, 2, 15), date(2026, 4, 10))
    assert table(result.rows) == [
        ("2026-02", 1, 0, 0.0, 42187.5),  # L7 only (L14 is 02-10); 270000 × 10/64
        ("2026-03", 10, 2, 35000.0, 92812.5),  # 270000 × 22/64
        ("2026-04", 1, 1, 7000.0, 33230.77),  # L5; L11 won 04-01 00:15; 270000 × 8/65
    ]
    assert [(r["start"], r["end"]) for r in result.rows] == [
        ("2026-02-15", "2026-02-28"), ("2026-03-01", "2026-03-31"),
        ("2026-04-01", "2026-04-10")]
    assert result.totals == {"created": 12, "won": 3, "amount_won": 42000.0,
                             "target": 168230.77}
    assert result.options == {"by": "month"}
    assert [(s.name, s.x, s.y) for s in result.series] == [
        ("created", ["2026-02", "2026-03", "2026-04"], [1.0, 10.0, 1.0]),
        ("won", ["2026-02", "2026-03", "2026-04"], [0.0, 2.0, 1.0]),
    ]


def test_by_week_across_dst_and_quarter(app: AppContext) -> None:
    """W13 (Mar 23–29) holds the DST change; W14 (Mar 30–Apr 5) straddles Q1/Q2."""
    build_history(app)
    result = run(app, date(2026, 3, 23), date(2026, 4, 5), by="week")
    assert table(result.rows) == [
        ("2026-W13", 1, 1, 30000.0, 21093.75),  # L12 Sunday 23:30 CEST; L3 won; 5/64
        # L13, L4, L5 created; L8 (03-31) and L11 (04-01) won; 2/64 + 3/65 of 270000
        ("2026-W14", 3, 2, 12000.0, 20899.04),
    ]


def test_by_quarter_clipped(app: AppContext) -> None:
    build_history(app)
    result = run(app, date(2026, 2, 15), date(2026, 4, 10), by="quarter")
    assert table(result.rows) == [
        ("2026-Q1", 11, 2, 35000.0, 135000.0),  # 32 of 64 working days
        ("2026-Q2", 1, 1, 7000.0, 33230.77),
    ]


def test_week_label_iso_and_clipped_week(app: AppContext) -> None:
    """2026-03-01 is a Sunday: its week is 2026-W09 (Feb 23–Mar 1), clipped to one day."""
    build_history(app)
    result = run(app, date(2026, 3, 1), date(2026, 3, 3), by="week")
    assert table(result.rows) == [
        ("2026-W09", 1, 0, 0.0, 0.0),  # L6 (02-28 23:30 UTC); a Sunday has no working day
        ("2026-W10", 2, 0, 0.0, 8437.5),  # L1, L2; Mon+Tue = 2/64 of 270000
    ]
    assert [(r["start"], r["end"]) for r in result.rows] == [
        ("2026-03-01", "2026-03-01"), ("2026-03-02", "2026-03-03")]


def test_pipeline_filter(app: AppContext) -> None:
    build_history(app)
    renewal = run(app, date(2026, 3, 1), date(2026, 3, 31), pipeline="renewal")
    assert table(renewal.rows) == [("2026-03", 3, 1, 5000.0, None)]  # no renewal objective
    acquisition = run(app, date(2026, 3, 1), date(2026, 3, 31), pipeline="acquisition")
    assert table(acquisition.rows) == [("2026-03", 7, 1, 30000.0, 92812.5)]


def test_empty_range_and_no_objective(
    make_app: Callable[..., AppContext], write_config: Callable[..., Path]
) -> None:
    text = base_config_text().split("[[objectives]]")[0]
    app = make_app(write_config(text))
    result = run(app, date(2026, 3, 1), date(2026, 5, 31))
    assert table(result.rows) == [
        ("2026-03", 0, 0, 0.0, None), ("2026-04", 0, 0, 0.0, None), ("2026-05", 0, 0, 0.0, None),
    ]
    assert result.totals == {"created": 0, "won": 0, "amount_won": 0.0, "target": None}


def test_company_wide_objective_wins_over_pipeline_ones(
    make_app: Callable[..., AppContext], write_config: Callable[..., Path]
) -> None:
    """A month objective of 100000 without pipeline is the whole month's target; the
    per-pipeline quarter one is then ignored."""
    text = base_config_text() + (
        '\n[[objectives]]\nwho = "team"\nmetric = "revenue"\nper = "month"\ntarget = 100000\n'
    )
    app = make_app(write_config(text))
    result = run(app, date(2026, 3, 1), date(2026, 3, 31))
    assert result.rows[0]["target"] == 100000.0
    week = run(app, date(2026, 3, 30), date(2026, 4, 5), by="week")
    # Mar 30–31: 2 of March's 22 working days; Apr 1–3: 3 of April's 22.
    assert week.rows[0]["target"] == round(100000 * 2 / 22 + 100000 * 3 / 22, 2)


def test_per_pipeline_objectives_add_up(
    make_app: Callable[..., AppContext], write_config: Callable[..., Path]
) -> None:
    text = base_config_text() + (
        '\n[[objectives]]\nwho = "team"\nmetric = "revenue"\nper = "month"\ntarget = 22000\n'
        'pipeline = "renewal"\n'
    )
    app = make_app(write_config(text))
    result = run(app, date(2026, 3, 1), date(2026, 3, 31))
    assert result.rows[0]["target"] == 92812.5 + 22000.0
    renewal = run(app, date(2026, 3, 2), date(2026, 3, 2), pipeline="renewal")
    assert renewal.rows[0]["target"] == 1000.0  # one of March's 22 working days


def test_bad_grouping(app: AppContext) -> None:
    with pytest.raises(DataError, match="unknown --by 'year'"):
        run(app, date(2026, 3, 1), date(2026, 3, 31), by="year")


def test_cli_json_by_quarter(
    app: AppContext, config_path: Path, run_cli: Callable[..., Any]
) -> None:
    build_history(app)
    result = run_cli("--config", str(config_path), "report", "company", "--from",
                     "2026-02-15", "--to", "2026-04-10", "--by", "quarter", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["report"] == "company"
    assert table(data["rows"]) == [
        ("2026-Q1", 11, 2, 35000.0, 135000.0),
        ("2026-Q2", 1, 1, 7000.0, 33230.77),
    ]


def test_cli_csv_and_table(
    app: AppContext, config_path: Path, run_cli: Callable[..., Any]
) -> None:
    build_history(app)
    args = ("--config", str(config_path), "report", "company", "--from", "2026-02-15", "--to",
            "2026-04-10")
    csv_result = run_cli(*args, "--format", "csv")
    assert csv_result.exit_code == 0, csv_result.output
    assert csv_result.stdout.splitlines() == [
        "period,created,won,amount_won,target,start,end",
        "2026-02,1,0,0.0,42187.5,2026-02-15,2026-02-28",
        "2026-03,10,2,35000.0,92812.5,2026-03-01,2026-03-31",
        "2026-04,1,1,7000.0,33230.77,2026-04-01,2026-04-10",
    ]
    table_result = run_cli(*args)
    assert table_result.exit_code == 0, table_result.output
    assert "92,812.50" in table_result.stdout and "168,230.77" in table_result.stdout
