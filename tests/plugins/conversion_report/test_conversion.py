"""Conversion report on hand-computed histories (tests/reports/cohort_fixtures.py), both DBs.

March 2026, acquisition cohort = L1, L2, L3, L4, L6, L9, L10 (L5 and L7 fall on the other
side of the range boundaries in Paris time; L8 is renewal; L11, L14, L15 are older).

- Incoming: L1 (back then forward; last stay → Qualified: advanced), L3 (repeat row then
  Qualified: advanced), L4 (cancelled there), L6, L9 (advanced), L10 (→ removed step Legacy is
  ignored, next configured step Proposal: advanced). L2 has no history and sits at Qualified,
  so it never entered Incoming. → entered 6, advanced 5, cancelled 1.
- Qualified: L1 (last stay → Proposal: advanced; its first stay went back), L2 (no history:
  entered at creation, lost), L3 (won there), L6 (advanced), L9 (lost there). → 5 = 2 + 1 + 2.
- Proposal: L1 active, L6 advanced, L9 back (→ Qualified), L10 active. → 4.
- Negotiation: L6 (standby, so active). → 1.
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
from tests.reports.cohort_fixtures import add_lead, build_history, utc

KEYS = ("step", "entered", "advanced", "back", "active", "won", "lost", "cancelled")


def run(app: AppContext, start: date, end: date, **options: Any) -> ReportResult:
    with app.session() as s:
        return app.registry.reports["conversion"].run(
            ReportRequest(connection=s.connection(), app=app, start=start, end=end, options=options)
        )


def counts(result: ReportResult) -> list[tuple[Any, ...]]:
    return [tuple(row[k] for k in KEYS) for row in result.rows]


def test_march_cohort_by_step(app: AppContext) -> None:
    build_history(app)
    result = run(app, date(2026, 3, 1), date(2026, 3, 31), pipeline="acquisition")
    assert counts(result) == [
        ("Incoming", 6, 5, 0, 0, 0, 0, 1),
        ("Qualified", 5, 2, 0, 0, 1, 2, 0),
        ("Proposal", 4, 1, 1, 2, 0, 0, 0),
        ("Negotiation", 1, 0, 0, 1, 0, 0, 0),
    ]
    assert result.totals == {"step": "cohort: 7 leads", "leads": 7}
    assert result.options == {"pipeline": "acquisition"}
    proposal = result.rows[2]
    assert proposal["advanced_rate"] == 0.25
    assert proposal["back_rate"] == 0.25
    assert proposal["active_rate"] == 0.5
    assert proposal["won_rate"] == 0.0
    assert result.rows[0]["advanced_rate"] == 5 / 6
    assert result.rows[1]["lost_rate"] == 0.4


def test_paris_day_boundaries(app: AppContext) -> None:
    """L4 (03-31 21:30 UTC = 23:30 Paris) is in March; L5 (22:30 UTC) is April 1st;
    L6 (02-28 23:30 UTC) is March 1st; L7 (02-28 22:30 UTC) is February."""
    build_history(app)
    last_day = run(app, date(2026, 3, 31), date(2026, 3, 31), pipeline="acquisition")
    assert counts(last_day)[0] == ("Incoming", 1, 0, 0, 0, 0, 0, 1)  # L4 only
    april_first = run(app, date(2026, 4, 1), date(2026, 4, 1), pipeline="acquisition")
    assert counts(april_first)[0] == ("Incoming", 1, 0, 0, 1, 0, 0, 0)  # L5 only
    first_day = run(app, date(2026, 3, 1), date(2026, 3, 1), pipeline="acquisition")
    assert [r["entered"] for r in first_day.rows] == [1, 1, 1, 1]  # L6 went all the way
    february = run(app, date(2026, 2, 1), date(2026, 2, 28), pipeline="acquisition")
    assert counts(february) == [  # L7 and L14, both still at Incoming
        ("Incoming", 2, 0, 0, 2, 0, 0, 0),
        ("Qualified", 0, 0, 0, 0, 0, 0, 0),
        ("Proposal", 0, 0, 0, 0, 0, 0, 0),
        ("Negotiation", 0, 0, 0, 0, 0, 0, 0),
    ]


def test_renewal_pipeline_filter(app: AppContext) -> None:
    """L8 (Due → Signed, won), L12 and L13 (at Due, open); Contacted never entered."""
    build_history(app)
    result = run(app, date(2026, 3, 1), date(2026, 3, 31), pipeline="renewal")
    assert counts(result) == [
        ("Due", 3, 1, 0, 2, 0, 0, 0),
        ("Contacted", 0, 0, 0, 0, 0, 0, 0),
        ("Signed", 1, 0, 0, 0, 1, 0, 0),
    ]
    assert result.totals == {"step": "cohort: 3 leads", "leads": 3}


def test_empty_range_gives_zero_rows_and_null_rates(app: AppContext) -> None:
    build_history(app)
    result = run(app, date(2025, 6, 1), date(2025, 6, 30), pipeline="acquisition")
    assert counts(result) == [(step, 0, 0, 0, 0, 0, 0, 0) for step in
                              ("Incoming", "Qualified", "Proposal", "Negotiation")]
    assert all(row["advanced_rate"] is None for row in result.rows)
    assert result.totals == {"step": "cohort: 0 leads", "leads": 0}


def test_go_back_then_forward_counts_last_stay(app: AppContext) -> None:
    """Incoming → Qualified → Incoming → Qualified, now lost at Qualified: the first
    Qualified stay went back but the last one ended lost; Incoming's last stay advanced."""
    with app.write_session() as s:
        add_lead(s, "B1", owner="alice", created=utc(5, 4), status="lost", closed=utc(5, 9),
                 history=[(utc(5, 4), "Incoming"), (utc(5, 5), "Qualified"),
                          (utc(5, 6), "Incoming"), (utc(5, 7), "Qualified")])
        add_lead(s, "B2", owner="alice", created=utc(5, 4), history=[
            (utc(5, 4), "Incoming"), (utc(5, 5), "Qualified"), (utc(5, 6), "Incoming"),
        ])
        s.commit()
    result = run(app, date(2026, 5, 1), date(2026, 5, 31), pipeline="acquisition")
    assert counts(result)[:2] == [
        ("Incoming", 2, 1, 0, 1, 0, 0, 0),
        ("Qualified", 2, 0, 1, 0, 0, 1, 0),
    ]


def test_same_timestamp_ties_follow_insertion_order(app: AppContext) -> None:
    with app.write_session() as s:
        add_lead(s, "T1", owner="bob", created=utc(5, 4), history=[
            (utc(5, 4), "Incoming"), (utc(5, 4), "Proposal"),
        ])
        s.commit()
    result = run(app, date(2026, 5, 4), date(2026, 5, 4), pipeline="acquisition")
    assert counts(result)[0] == ("Incoming", 1, 1, 0, 0, 0, 0, 0)
    assert counts(result)[2] == ("Proposal", 1, 0, 0, 1, 0, 0, 0)


def test_lead_sitting_at_a_removed_step_counts_at_its_last_configured_step(
    app: AppContext,
) -> None:
    with app.write_session() as s:
        add_lead(s, "R1", owner="bob", created=utc(5, 4), status="lost", closed=utc(5, 8),
                 history=[(utc(5, 4), "Incoming"), (utc(5, 6), "Legacy")])
        add_lead(s, "R2", owner="bob", created=utc(5, 4), step="Legacy")  # no history
        s.commit()
    result = run(app, date(2026, 5, 1), date(2026, 5, 31), pipeline="acquisition")
    assert counts(result)[0] == ("Incoming", 1, 0, 0, 0, 0, 1, 0)
    assert sum(row["entered"] for row in result.rows) == 1
    assert result.totals == {"step": "cohort: 2 leads", "leads": 2}


def test_pipeline_option_is_required_and_checked(app: AppContext) -> None:
    with pytest.raises(DataError, match="needs --pipeline"):
        run(app, date(2026, 3, 1), date(2026, 3, 31))
    with pytest.raises(DataError, match=r"unknown pipeline 'nope'.*acquisition, renewal"):
        run(app, date(2026, 3, 1), date(2026, 3, 31), pipeline="nope")


def test_cli_json(
    app: AppContext, config_path: Path, run_cli: Callable[..., Any]
) -> None:
    build_history(app)
    result = run_cli("--config", str(config_path), "report", "conversion", "--from",
                     "2026-03-01", "--to", "2026-03-31", "--pipeline", "acquisition",
                     "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["report"] == "conversion"
    assert (data["from"], data["to"]) == ("2026-03-01", "2026-03-31")
    assert [tuple(row[k] for k in KEYS) for row in data["rows"]] == [
        ("Incoming", 6, 5, 0, 0, 0, 0, 1),
        ("Qualified", 5, 2, 0, 0, 1, 2, 0),
        ("Proposal", 4, 1, 1, 2, 0, 0, 0),
        ("Negotiation", 1, 0, 0, 1, 0, 0, 0),
    ]
    assert data["rows"][2]["active_rate"] == 0.5
    assert data["totals"]["leads"] == 7
    assert data["options"] == {"pipeline": "acquisition"}


def test_cli_requires_pipeline(
    app: AppContext, config_path: Path, run_cli: Callable[..., Any]
) -> None:
    result = run_cli("--config", str(config_path), "report", "conversion", "--from",
                     "2026-03-01", "--to", "2026-03-31", "--format", "json")
    assert result.exit_code == 2
    assert "--pipeline" in result.output and "Traceback" not in result.output
