"""The kernel's action-count rollup stays exact on every write path and never changes a
report: actions logged through the services, rows written behind its back (found by the
per-month count check and repaired month by month), a failing fold, a change of team time
zone, whole and partial months (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlmodel import Session

from salesplan.core.context import AppContext
from salesplan.core.db.models import Lead
from salesplan.core.reporting import ReportResult
from salesplan.core.reports.rollups import (
    miscounted_months,
    rebuild_all,
    repair,
    rollup_state,
    rollup_view,
    verify,
)
from salesplan.core.reports.runner import run_report
from salesplan.core.reports.tables import activity_rollup, lead_touch_month, rollup_stale
from salesplan.core.services import create_lead, record_action
from tests.conftest import base_config_text
from tests.reports.activity_fixtures import (
    HistoryBuilder,
    build_week,
    expected_week_activity,
    utc,
)

WEEK = (date(2026, 3, 2), date(2026, 3, 8))


def run_activity(app: AppContext, start: str, end: str) -> ReportResult:
    return run_report(app, "activity", date.fromisoformat(start), date.fromisoformat(end))


def rollup_rows(app: AppContext) -> int:
    with app.read_connection() as connection:
        return int(connection.execute(select(func.count()).select_from(activity_rollup))
                   .scalar() or 0)


def usable(app: AppContext, start: date, end: date) -> bool:
    with app.read_connection() as connection:
        return rollup_view(connection, app, [], start, end)


def test_a_new_base_is_built_and_empty(app: AppContext) -> None:
    with app.read_connection() as connection:
        state = rollup_state(connection)
    assert state.tz == "Europe/Paris"
    assert {"activity", "prospecting"} <= state.built
    assert rollup_rows(app) == 0
    assert usable(app, *WEEK)


def test_rows_written_behind_the_services_are_found_and_repaired(app: AppContext) -> None:
    build_week(app)  # straight into the tables: the rollup knows nothing of it
    with app.read_connection() as connection:
        assert miscounted_months(connection, app, *WEEK) == {date(2026, 3, 1)}
    assert not usable(app, *WEEK)
    # Exact anyway (the reader counts raw actions), and the runner repaired March first.
    assert run_activity(app, "2026-03-02", "2026-03-08").rows == expected_week_activity(app)
    assert usable(app, *WEEK)
    # a6 (03-01 23:30 UTC) is rolled up under Paris day 03-02 with a1: one row, 2 calls.
    with app.read_connection() as connection:
        rows = connection.execute(
            select(activity_rollup.c.outcome, activity_rollup.c.actions).where(
                activity_rollup.c.day == date(2026, 3, 2), activity_rollup.c.member == "alice",
                activity_rollup.c.action_type == "call")
        ).all()
    assert sorted(rows) == [("not_reached", 1), ("reached", 1)]
    assert repair(app, [], *WEEK) == 0  # current: nothing rebuilt
    # February was not in the report's range: it is repaired only when a report asks.
    assert not usable(app, date(2026, 2, 1), date(2026, 2, 28))
    assert repair(app, [], date(2026, 2, 1), date(2026, 2, 28)) == 1


def test_actions_logged_through_the_services_are_counted_at_once(app: AppContext) -> None:
    with app.write_session() as session:
        create_lead(session, app, title="Acme", pipeline="acquisition", owner="alice",
                    at=date_time("2026-03-02 08:00"))
        session.commit()
    for at, outcome in (("2026-03-02 09:00", "reached"), ("2026-03-03 09:00", "not_reached")):
        record_action(app, action_type="call", member="alice", lead="L1", outcome=outcome,
                      at=date_time(at))
    assert usable(app, *WEEK)
    assert verify(app) == []
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(app.engine, "before_cursor_execute", record)
    try:
        rows = {r["member"]: r for r in run_activity(app, "2026-03-02", "2026-03-08").rows}
    finally:
        event.remove(app.engine, "before_cursor_execute", record)
    assert rows["alice"]["actions"]["call"] == 2
    assert rows["alice"]["outcomes"]["call"] == {"reached": 1, "not_reached": 1}
    assert rows["alice"]["leads_managed"] == 1
    assert not any("DELETE" in s or "INSERT" in s for s in statements), "report rebuilt"


def date_time(text: str) -> datetime:
    return utc(text)


def test_time_zone_change_rebuilds_when_the_base_is_opened(
    app: AppContext, make_app: Callable[..., AppContext], write_config: Callable[..., Path]
) -> None:
    build_week(app)
    rebuild_all(app)
    utc_config = write_config(
        base_config_text().replace('timezone = "Europe/Paris"', 'timezone = "UTC"'),
        name="utc.toml",
    )
    utc_app = make_app(utc_config)
    # In UTC the week is 03-02 00:00 → 03-09 00:00 UTC: a6 (03-01 23:30) is out, a7 in.
    rows = {r["member"]: r for r in run_activity(utc_app, "2026-03-02", "2026-03-08").rows}
    assert rows["alice"]["actions"]["call"] == 4
    assert rows["alice"]["outcomes"]["call"] == {"reached": 3, "not_reached": 1}
    assert rows["alice"]["leads_created"] == 1  # L4 was created 03-01 in UTC
    with utc_app.read_connection() as connection:
        assert rollup_state(connection).tz == "UTC"
    assert usable(utc_app, *WEEK)
    # Back in Paris: the base is rebuilt in Paris days when the Paris config opens it.
    app.dispose()
    paris = make_app(app.config_path)
    assert run_activity(paris, "2026-03-02", "2026-03-08").rows == expected_week_activity(paris)
    assert usable(paris, *WEEK)


def test_a_failing_fold_marks_its_month_stale_and_keeps_the_action(
    app: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    import salesplan.core.reports.rollup_state as state
    from salesplan.core.reports.rollup_kit import RollupSpec

    def broken(_db: object, _scope: object) -> None:
        raise RuntimeError("disk on fire")

    spec = state.ACTIVITY_ROLLUP
    monkeypatch.setattr(state, "ACTIVITY_ROLLUP",
                        RollupSpec(spec.name, broken, spec.day_tables, spec.touch_sets,
                                   spec.bulk))
    with app.write_session() as session:
        create_lead(session, app, title="Acme", pipeline="acquisition", owner="alice",
                    at=date_time("2026-03-02 08:00"))
        session.commit()
    logged = record_action(app, action_type="call", member="alice", lead="L1",
                           outcome="reached", at=date_time("2026-03-02 09:00"))
    assert logged.action.id is not None
    assert any("disk on fire" in w and "2026-03" in w for w in logged.warnings)
    with app.read_connection() as connection:
        assert connection.execute(select(rollup_stale.c.rollup, rollup_stale.c.month)).all() \
            == [("activity", date(2026, 3, 1))]
    monkeypatch.undo()
    assert not usable(app, *WEEK)
    rows = {r["member"]: r for r in run_activity(app, "2026-03-02", "2026-03-08").rows}
    assert rows["alice"]["actions"]["call"] == 1
    assert usable(app, *WEEK)
    assert verify(app) == []


def build_months(app: AppContext) -> None:
    """Lead actions across months; two sit at 23:30 UTC on a month's last day (next month in
    Paris)."""
    with app.write_session() as session:
        h = HistoryBuilder(session)
        h.lead("M1", "alice", "2026-01-10 09:00")
        h.lead("M2", "alice", "2026-01-10 09:00")
        h.action("m1", "alice", "call", "2026-01-20 10:00", lead="M1")
        h.action("m2", "alice", "call", "2026-02-10 10:00", lead="M1")
        h.action("m3", "alice", "email", "2026-03-05 10:00", lead="M1")
        h.action("m4", "alice", "call", "2026-02-28 23:30", lead="M2")  # 03-01 in Paris
        h.action("m5", "bob", "call", "2026-01-31 23:30", lead="M1")  # 02-01 in Paris
        h.action("m6", "dave", "call", "2026-04-01 10:00", lead="M2")
        session.commit()


MONTH_CASES = {
    ("2026-02-01", "2026-02-28"): (1, 1, 0),  # whole February
    ("2026-01-15", "2026-03-10"): (2, 1, 0),  # edge days + February + edge days
    ("2026-03-01", "2026-03-31"): (2, 0, 0),
    ("2026-01-01", "2026-01-31"): (1, 0, 0),
    ("2026-01-01", "2026-12-31"): (2, 1, 1),
    ("2026-02-02", "2026-02-27"): (1, 0, 0),  # inside one month: raw only
}


def managed(app: AppContext, start: str, end: str) -> tuple[object, ...]:
    rows = {r["member"]: r for r in run_activity(app, start, end).rows}
    return tuple(rows[m]["leads_managed"] for m in ("alice", "bob", "dave"))


def test_leads_managed_over_whole_months_and_edges(app: AppContext) -> None:
    build_months(app)
    rebuild_all(app)
    with app.read_connection() as connection:
        months = sorted(connection.execute(
            select(lead_touch_month.c.member, lead_touch_month.c.month)).all())
    assert months == [("alice", date(2026, 1, 1)), ("alice", date(2026, 2, 1)),
                      ("alice", date(2026, 3, 1)), ("alice", date(2026, 3, 1)),
                      ("bob", date(2026, 2, 1)), ("dave", date(2026, 4, 1))]
    for (start, end), expected in MONTH_CASES.items():
        assert managed(app, start, end) == expected, (start, end)
    record_action(app, action_type="call", member="alice", lead="M2",
                  at=date_time("2026-02-15 10:00"))
    assert managed(app, "2026-02-01", "2026-02-28") == (2, 1, 0)
    assert managed(app, "2026-01-15", "2026-03-10") == (2, 1, 0)
    assert verify(app) == []


def touch_links(app: AppContext) -> list[tuple[str, str, date, date | None]]:
    """(member, lead key, month, prev_month) of every lead touch-month row."""
    touches = lead_touch_month.c
    with app.session() as session:
        return sorted(session.execute(
            select(touches.member, Lead.key, touches.month, touches.prev_month)
            .join(Lead, Lead.id == touches.lead_id)).all())  # type: ignore[arg-type]


def test_touch_months_link_to_the_previous_month_also_when_logged_late(
    app: AppContext,
) -> None:
    build_months(app)
    rebuild_all(app)
    jan, feb, mar, apr = (date(2026, m, 1) for m in (1, 2, 3, 4))
    assert touch_links(app) == [
        ("alice", "M1", jan, None), ("alice", "M1", feb, jan), ("alice", "M1", mar, feb),
        ("alice", "M2", mar, None), ("bob", "M1", feb, None), ("dave", "M2", apr, None),
    ]
    # Actions dated before months already rolled up, logged through the services.
    record_action(app, action_type="call", member="alice", lead="M2",
                  at=date_time("2026-01-25 10:00"))
    record_action(app, action_type="call", member="dave", lead="M2",
                  at=date_time("2026-02-03 10:00"))
    assert touch_links(app) == [
        ("alice", "M1", jan, None), ("alice", "M1", feb, jan), ("alice", "M1", mar, feb),
        ("alice", "M2", jan, None), ("alice", "M2", mar, jan), ("bob", "M1", feb, None),
        ("dave", "M2", feb, None), ("dave", "M2", apr, feb),
    ]
    # Whole months Feb-Mar plus the raw edges Jan 15-31 and Mar 1-10: alice's M1 and M2 are
    # in both the edges and the whole months, and count once each.
    assert managed(app, "2026-01-15", "2026-03-10") == (2, 1, 1)
    assert managed(app, "2026-02-01", "2026-04-30") == (2, 1, 1)
    assert managed(app, "2026-03-01", "2026-04-30") == (2, 0, 1)
    assert verify(app) == []


def _lead(session: Session, key: str) -> Lead:
    return session.execute(select(Lead).where(Lead.key == key)).scalar_one()


def test_verify_names_a_hand_edited_rollup(app: AppContext) -> None:
    build_week(app)
    rebuild_all(app)
    assert verify(app) == []
    with app.write_connection() as connection:
        connection.execute(activity_rollup.update().values(actions=activity_rollup.c.actions + 1)
                           .where(activity_rollup.c.member == "bob"))
    problems = verify(app)
    # The daily rows, and the monthly sums the triggers keep from them.
    assert [p.split(":")[0] for p in problems] == [
        "rollup 'activity', table activity_rollup", "rollup 'activity', table activity_month"]
    assert verify(app) == problems  # read-only: nothing was repaired
    rebuild_all(app)
    assert verify(app) == []
