"""The activity report on hand-built histories, on SQLite and PostgreSQL (SPEC §6)."""

from __future__ import annotations

from datetime import date

from salesplan.core.context import AppContext
from salesplan.core.reporting import ReportRequest, ReportResult
from tests.reports.activity_fixtures import (
    build_dst,
    build_week,
    expected_week_activity,
    zero_actions,
)


def run_activity(app: AppContext, start: str, end: str) -> ReportResult:
    spec = app.registry.reports["activity"]
    with app.read_connection() as connection:
        return spec.run(ReportRequest(connection=connection, app=app,
                                      start=date.fromisoformat(start), end=date.fromisoformat(end)))


def by_member(result: ReportResult) -> dict[str, dict[str, object]]:
    return {row["member"]: row for row in result.rows}


def test_week_every_metric(app: AppContext) -> None:
    build_week(app)
    result = run_activity(app, "2026-03-02", "2026-03-08")
    assert result.report == "activity"
    assert result.rows == expected_week_activity(app)
    assert [row["member"] for row in result.rows] == ["alice", "bob", "carol", "dave"]
    assert list(result.rows[0]["actions"]) == list(app.registry.action_types)


def test_week_totals(app: AppContext) -> None:
    build_week(app)
    totals = run_activity(app, "2026-03-02", "2026-03-08").totals
    assert totals == {
        "member": "Total",
        "actions": {**zero_actions(app), "call": 8, "email": 2, "meeting": 1,
                    "discovery_call": 1, "proposal": 1},
        "outcomes": {"call": {"reached": 5, "not_reached": 3}, "meeting": {"held": 1},
                     "discovery_call": {"good": 1}},
        "leads_created": 3, "leads_managed": None, "leads_won": 2, "amount_won": 3500.5,
    }


def test_late_utc_evening_is_next_paris_day(app: AppContext) -> None:
    """a6 at 03-01 23:30 UTC is 03-02 in Paris; a7 at 03-08 23:30 UTC is 03-09."""
    build_week(app)
    first_day = by_member(run_activity(app, "2026-03-02", "2026-03-02"))["alice"]
    assert first_day["actions"]["call"] == 2  # a1 and a6
    assert first_day["outcomes"] == {"call": {"reached": 1, "not_reached": 1}}
    assert first_day["leads_created"] == 2  # L1 and L4 (created 23:30 UTC the day before)
    day_before = by_member(run_activity(app, "2026-03-01", "2026-03-01"))["alice"]
    assert day_before["actions"]["call"] == 1  # a8 only
    monday_after = by_member(run_activity(app, "2026-03-09", "2026-03-09"))["alice"]
    assert monday_after["actions"]["call"] == 1  # a7
    assert (monday_after["leads_won"], monday_after["amount_won"]) == (1, 999.0)  # L5


def test_members_without_activity_and_empty_range(app: AppContext) -> None:
    build_week(app)
    result = run_activity(app, "2025-01-01", "2025-01-31")
    assert [row["member"] for row in result.rows] == ["alice", "bob", "carol", "dave"]
    for row in result.rows:
        assert row["actions"] == zero_actions(app)
        assert row["outcomes"] == {}
        assert (row["leads_created"], row["leads_managed"], row["leads_won"],
                row["amount_won"]) == (0, 0, 0, 0.0)


def test_empty_base(app: AppContext) -> None:
    result = run_activity(app, "2026-01-01", "2026-12-31")
    assert len(result.rows) == 4
    assert result.totals is not None and result.totals["leads_created"] == 0


def test_dst_days(app: AppContext) -> None:
    build_dst(app)
    spring = by_member(run_activity(app, "2026-03-29", "2026-03-29"))
    assert spring["alice"]["actions"]["call"] == 2
    assert spring["bob"]["actions"]["email"] == 2
    assert spring["alice"]["leads_created"] == 1
    assert spring["alice"]["leads_managed"] == 1
    autumn = by_member(run_activity(app, "2026-10-25", "2026-10-25"))
    assert autumn["alice"]["actions"]["call"] == 2
    assert autumn["bob"]["actions"]["email"] == 2
    assert (autumn["alice"]["leads_won"], autumn["alice"]["amount_won"]) == (1, 10.0)
    assert autumn["alice"]["leads_created"] == 1


def test_dst_weeks(app: AppContext) -> None:
    build_dst(app)
    spring_week = by_member(run_activity(app, "2026-03-23", "2026-03-29"))
    assert spring_week["alice"]["actions"]["call"] == 3  # s_out1 is 03-28 23:59 Paris
    autumn_week = by_member(run_activity(app, "2026-10-19", "2026-10-25"))
    assert autumn_week["bob"]["actions"]["email"] == 3  # f_out1 is 10-24 23:59 Paris
    next_monday = by_member(run_activity(app, "2026-10-26", "2026-10-26"))
    assert next_monday["bob"]["actions"]["email"] == 1  # f_out2 at 00:00 CET


def test_chart_series_per_type(app: AppContext) -> None:
    build_week(app)
    result = run_activity(app, "2026-03-02", "2026-03-08")
    calls = next(s for s in result.series if s.name == "Call")
    assert calls.x == ["alice", "bob", "carol", "dave"]
    assert calls.y == [4.0, 3.0, 0.0, 1.0]
