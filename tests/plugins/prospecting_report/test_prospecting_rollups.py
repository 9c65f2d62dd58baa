"""The prospecting report reads the same numbers from its plugin's rollups as from the raw
tables: whole months, edge days, actions logged after the build (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

from salesplan.core.context import AppContext
from salesplan.core.reporting import ReportRequest, ReportResult
from salesplan.core.reports.rollups import rebuild_all, rollup_view, verify
from salesplan.core.services import add_prospect, record_action
from tests.reports.activity_fixtures import (
    build_week,
    expected_week_prospecting,
    utc,
)

RANGES = (
    ("2026-03-02", "2026-03-08"),  # inside one month
    ("2026-02-01", "2026-03-31"),  # two whole months
    ("2026-02-15", "2026-04-10"),  # edge days, a whole month, edge days
    ("2026-01-01", "2026-12-31"),
)


def run_prospecting(app: AppContext, start: str, end: str) -> ReportResult:
    spec = app.registry.reports["prospecting"]
    with app.read_connection() as connection:
        return spec.run(ReportRequest(connection=connection, app=app,
                                      start=date.fromisoformat(start), end=date.fromisoformat(end)))


def rows_by_list(app: AppContext, start: str, end: str) -> dict[str, dict[str, object]]:
    return {row["list"]: row for row in run_prospecting(app, start, end).rows}


def test_rollup_and_raw_agree(app: AppContext) -> None:
    build_week(app)
    raw = {r: run_prospecting(app, *r).rows for r in RANGES}
    rebuild_all(app)
    for span in RANGES:
        assert run_prospecting(app, *span).rows == raw[span], span
    assert raw[RANGES[0]] == expected_week_prospecting()


def test_two_whole_months_by_hand(app: AppContext) -> None:
    """February + March: b6 (02-27) and c1 (03-10) join the week; L2 (02-20) converts."""
    build_week(app)
    rebuild_all(app)
    for span in RANGES[1:3]:
        rows = rows_by_list(app, *span)
        cold_a, cold_b = rows["Cold A"], rows["Cold B"]
        assert cold_a["actions"] == {"call": 5}
        assert (cold_a["worked"], cold_a["converted"], cold_a["lead_actions"]) == (3, 2, 6)
        assert cold_a["members"] == [
            {"member": "alice", "actions": 1, "worked": 1, "converted": 0, "lead_actions": 5},
            {"member": "bob", "actions": 4, "worked": 3, "converted": 2, "lead_actions": 1},
        ]
        assert cold_b["actions"] == {"email": 2}
        assert (cold_b["worked"], cold_b["converted"], cold_b["lead_actions"]) == (2, 1, 3)
        carol = next(m for m in cold_b["members"] if m["member"] == "carol")
        assert carol == {"member": "carol", "actions": 1, "worked": 1, "converted": 1,
                         "lead_actions": 0}


def test_actions_logged_after_the_build(app: AppContext) -> None:
    build_week(app)
    rebuild_all(app)
    with app.write_session() as session:
        prospect = add_prospect(session, app, list_name="Fresh", name="F1", owner="carol")
        session.commit()
        key = prospect.key
    record_action(app, action_type="call", member="carol", prospect=key, outcome="reached",
                  at=utc("2026-03-12 10:00"))
    record_action(app, action_type="email", member="dave", prospect=key,
                  at=utc("2026-03-13 10:00"))
    with app.read_connection() as connection:
        assert rollup_view(connection, app, ["prospecting"], date(2026, 3, 1),
                           date(2026, 3, 31))
    rows = rows_by_list(app, "2026-03-01", "2026-03-31")
    fresh_row = rows["Fresh"]
    assert (fresh_row["worked"], fresh_row["actions"]) == (1, {"call": 1, "email": 1})
    assert [m["member"] for m in fresh_row["members"]] == ["carol", "dave"]
    assert verify(app) == []
