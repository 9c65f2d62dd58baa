"""The prospecting report on the hand-built week, on SQLite and PostgreSQL (SPEC §6)."""

from __future__ import annotations

from datetime import date

import pytest

from salesplan.core.context import AppContext
from salesplan.core.reporting import ReportRequest, ReportResult
from tests.reports.activity_fixtures import (
    HistoryBuilder,
    build_week,
    expected_week_prospecting,
)


def run_prospecting(app: AppContext, start: str, end: str) -> ReportResult:
    spec = app.registry.reports["prospecting"]
    with app.read_connection() as connection:
        return spec.run(ReportRequest(connection=connection, app=app,
                                      start=date.fromisoformat(start), end=date.fromisoformat(end)))


def test_week_every_metric(app: AppContext) -> None:
    build_week(app)
    result = run_prospecting(app, "2026-03-02", "2026-03-08")
    assert result.report == "prospecting"
    assert result.rows == expected_week_prospecting()


def test_week_totals(app: AppContext) -> None:
    build_week(app)
    assert run_prospecting(app, "2026-03-02", "2026-03-08").totals == {
        "list": "Total", "prospects": 5, "worked": 4, "converted": 2, "lead_actions": 7,
        "conversion_rate": 0.5,
    }


def test_prospect_converted_outside_the_range_counts_only_its_actions(app: AppContext) -> None:
    """pA2 became L2 on 02-20: its lead's actions count in March, its conversion does not."""
    build_week(app)
    february = {r["list"]: r for r in run_prospecting(app, "2026-02-01", "2026-02-28").rows}
    cold_a = february["Cold A"]
    assert cold_a["converted"] == 1  # pA2 → L2, created 02-20
    assert cold_a["worked"] == 1  # pA3 (b6 on 02-27)
    assert cold_a["conversion_rate"] == pytest.approx(1.0)
    assert cold_a["members"] == [
        {"member": "bob", "actions": 1, "worked": 1, "converted": 1, "lead_actions": 0},
    ]


def test_converted_without_work_in_range_has_no_rate(app: AppContext) -> None:
    """A list converted in range but not worked: rate is null, not a division by zero."""
    with app.write_session() as session:
        h = HistoryBuilder(session)
        h.add_list("Quiet")
        h.prospect("q1", "Quiet", "bob")
        h.lead("Q1", "alice", "2026-05-04 09:00", prospect="q1")
        session.commit()
    row = run_prospecting(app, "2026-05-04", "2026-05-04").rows[0]
    assert (row["worked"], row["converted"], row["conversion_rate"]) == (0, 1, None)
    assert row["members"] == [
        {"member": "bob", "actions": 0, "worked": 0, "converted": 1, "lead_actions": 0},
    ]


def test_empty_range_keeps_every_list(app: AppContext) -> None:
    build_week(app)
    rows = run_prospecting(app, "2025-06-01", "2025-06-30").rows
    assert [r["list"] for r in rows] == ["Cold A", "Cold B", "Empty list"]
    assert [r["prospects"] for r in rows] == [3, 2, 0]
    for row in rows:
        assert (row["worked"], row["converted"], row["lead_actions"]) == (0, 0, 0)
        assert row["actions"] == {} and row["members"] == []
        assert row["conversion_rate"] is None


def test_no_lists(app: AppContext) -> None:
    result = run_prospecting(app, "2026-01-01", "2026-01-31")
    assert result.rows == []
    assert result.totals is not None and result.totals["conversion_rate"] is None
