"""The daily activity rollup never changes a report: before, after and between refreshes,
and across a change of team time zone (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from salesplan.core.context import AppContext
from salesplan.core.db.models import Lead
from salesplan.core.reporting import ReportRequest, ReportResult
from salesplan.core.reports.rollups import (
    activity_rollup,
    invalidate_activity_rollup,
    lead_touch_month,
    pending_actions,
    refresh_activity_rollup_now,
    refresh_if_behind,
    rollup_state,
)
from tests.conftest import base_config_text
from tests.reports.activity_fixtures import (
    HistoryBuilder,
    build_week,
    expected_week_activity,
)


def run_activity(app: AppContext, start: str, end: str) -> ReportResult:
    spec = app.registry.reports["activity"]
    with app.read_connection() as connection:
        return spec.run(ReportRequest(connection=connection, app=app,
                                      start=date.fromisoformat(start), end=date.fromisoformat(end)))


def rollup_rows(app: AppContext) -> int:
    with app.session() as session:
        return int(session.execute(select(func.count()).select_from(activity_rollup)).scalar())


def test_new_base_starts_with_an_empty_rollup(app: AppContext) -> None:
    with app.session() as session:
        state = rollup_state(session)
    assert (state.tz, state.upto) == ("", 0)
    assert rollup_rows(app) == 0


def test_refresh_folds_every_action_and_keeps_results(app: AppContext) -> None:
    build_week(app)
    assert refresh_activity_rollup_now(app) == 17  # every action of the week history
    with app.session() as session:
        state = rollup_state(session)
        assert pending_actions(session, app) == 0
    assert state.tz == "Europe/Paris" and state.upto > 0
    # a6 (03-01 23:30 UTC) is rolled up under Paris day 03-02 with a1: one row, 2 calls.
    with app.session() as session:
        rows = session.execute(
            select(activity_rollup.c.outcome, activity_rollup.c.actions).where(
                activity_rollup.c.day == date(2026, 3, 2), activity_rollup.c.member == "alice",
                activity_rollup.c.action_type == "call")
        ).all()
    assert sorted(rows) == [("not_reached", 1), ("reached", 1)]
    assert run_activity(app, "2026-03-02", "2026-03-08").rows == expected_week_activity(app)
    assert refresh_activity_rollup_now(app) == 0  # nothing new


def test_actions_after_the_watermark_are_added_from_the_raw_table(app: AppContext) -> None:
    build_week(app)
    refresh_activity_rollup_now(app)
    with app.write_session() as session:
        h = HistoryBuilder(session)
        h.add_list("Late")
        h.prospect("late", "Late", "carol")
        h.action("n1", "carol", "call", "2026-03-04 10:00", outcome="reached", prospect="late")
        h.action("n2", "alice", "call", "2026-03-04 11:00", outcome="reached", prospect="late")
        session.commit()
    rows = {r["member"]: r for r in run_activity(app, "2026-03-02", "2026-03-08").rows}
    assert rows["carol"]["actions"]["call"] == 1
    assert rows["alice"]["actions"]["call"] == 5
    assert rows["alice"]["outcomes"]["call"] == {"reached": 3, "not_reached": 2}
    assert refresh_activity_rollup_now(app) == 2
    again = {r["member"]: r for r in run_activity(app, "2026-03-02", "2026-03-08").rows}
    assert again == rows


def test_time_zone_change_ignores_then_rebuilds_the_rollup(
    app: AppContext, make_app: Callable[..., AppContext], write_config: Callable[..., Path]
) -> None:
    build_week(app)
    refresh_activity_rollup_now(app)
    utc_config = write_config(
        base_config_text().replace('timezone = "Europe/Paris"', 'timezone = "UTC"'),
        name="utc.toml",
    )
    utc_app = make_app(utc_config)
    # In UTC the week is 03-02 00:00 → 03-09 00:00 UTC: a6 (03-01 23:30) is out, a7 in.
    expected_alice_calls = {"reached": 3, "not_reached": 1}  # a1, a5, a7 / a2
    before = {r["member"]: r for r in run_activity(utc_app, "2026-03-02", "2026-03-08").rows}
    assert before["alice"]["actions"]["call"] == 4
    assert before["alice"]["outcomes"]["call"] == expected_alice_calls
    assert before["alice"]["leads_created"] == 1  # L4 was created 03-01 in UTC
    assert refresh_activity_rollup_now(utc_app) == 17  # rebuilt from scratch
    with utc_app.session() as session:
        assert rollup_state(session).tz == "UTC"
    after = {r["member"]: r for r in run_activity(utc_app, "2026-03-02", "2026-03-08").rows}
    assert after == before
    # Back in Paris the UTC rollup is ignored: the Paris numbers are unchanged.
    assert run_activity(app, "2026-03-02", "2026-03-08").rows == expected_week_activity(app)


def test_refresh_if_behind_and_invalidate(app: AppContext) -> None:
    build_week(app)
    assert refresh_if_behind(app) == 0  # 17 pending: under the threshold
    assert refresh_if_behind(app, threshold=10) == 17
    assert rollup_rows(app) > 0
    with app.write_session() as session:
        invalidate_activity_rollup(session)
        session.commit()
    assert rollup_rows(app) == 0
    with app.session() as session:
        assert rollup_state(session).upto == 0
    assert run_activity(app, "2026-03-02", "2026-03-08").rows == expected_week_activity(app)


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
    for (start, end), expected in MONTH_CASES.items():
        assert managed(app, start, end) == expected, (start, end, "raw")
    refresh_activity_rollup_now(app)
    with app.session() as session:
        months = sorted(session.execute(
            select(lead_touch_month.c.member, lead_touch_month.c.month)).all())
    assert months == [("alice", date(2026, 1, 1)), ("alice", date(2026, 2, 1)),
                      ("alice", date(2026, 3, 1)), ("alice", date(2026, 3, 1)),
                      ("bob", date(2026, 2, 1)), ("dave", date(2026, 4, 1))]
    for (start, end), expected in MONTH_CASES.items():
        assert managed(app, start, end) == expected, (start, end, "rollup")
    with app.write_session() as session:
        h = HistoryBuilder(session)
        h.leads["M2"] = _lead(session, "M2")
        h.action("m7", "alice", "call", "2026-02-15 10:00", lead="M2")  # above the watermark
        session.commit()
    assert managed(app, "2026-02-01", "2026-02-28") == (2, 1, 0)
    assert managed(app, "2026-01-15", "2026-03-10") == (2, 1, 0)


def touch_links(app: AppContext) -> list[tuple[str, str, date, date | None]]:
    """(member, lead key, month, prev_month) of every lead touch-month row."""
    touches = lead_touch_month.c
    with app.session() as session:
        return sorted(session.execute(
            select(touches.member, Lead.key, touches.month, touches.prev_month)
            .join(Lead, Lead.id == touches.lead_id)).all())  # type: ignore[arg-type]


def test_touch_months_link_to_the_previous_month_also_when_folded_late(
    app: AppContext,
) -> None:
    build_months(app)
    refresh_activity_rollup_now(app)
    jan, feb, mar, apr = (date(2026, m, 1) for m in (1, 2, 3, 4))
    assert touch_links(app) == [
        ("alice", "M1", jan, None), ("alice", "M1", feb, jan), ("alice", "M1", mar, feb),
        ("alice", "M2", mar, None), ("bob", "M1", feb, None), ("dave", "M2", apr, None),
    ]
    with app.write_session() as session:  # actions dated before months already rolled up
        h = HistoryBuilder(session)
        h.leads["M2"] = _lead(session, "M2")
        h.action("late1", "alice", "call", "2026-01-25 10:00", lead="M2")
        h.action("late2", "dave", "call", "2026-02-03 10:00", lead="M2")
        session.commit()
    assert refresh_activity_rollup_now(app) == 2
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


def _lead(session: Session, key: str) -> Lead:
    return session.execute(select(Lead).where(Lead.key == key)).scalar_one()


def test_migration_0002_downgrades_and_upgrades(app: AppContext) -> None:
    """The rollup migration is reversible and leaves a working, empty rollup behind."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    from salesplan.core.db.migrate import current_revision
    from salesplan.core.db.migrations import HEAD_REVISION, MIGRATIONS_DIR

    build_week(app)
    refresh_activity_rollup_now(app)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    for target, present in (("0001_initial", False), ("head", True)):
        with app.engine.begin() as connection:
            config.attributes["connection"] = connection
            if target == "head":
                command.upgrade(config, target)
            else:
                command.downgrade(config, target)
        tables = set(inspect(app.engine).get_table_names())
        assert ("activity_rollup" in tables) is present
        assert ("prospect_touch_month_any" in tables) is present
    assert current_revision(app.engine) == HEAD_REVISION
    with app.session() as session:
        assert rollup_state(session).upto == 0
    assert run_activity(app, "2026-03-02", "2026-03-08").rows == expected_week_activity(app)


def test_refresh_that_cannot_write_is_skipped(app: AppContext,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A locked or read-only base does not fail the report: the rollup is only a cache."""
    from sqlalchemy.exc import OperationalError

    import salesplan.core.reports.rollups as rollups

    def locked(_app: AppContext) -> int:
        raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))

    build_week(app)
    monkeypatch.setattr(rollups, "refresh_activity_rollup_now", locked)
    assert refresh_if_behind(app, threshold=0) == 0
    with app.session() as session:
        assert rollup_state(session).upto == 0
    assert run_activity(app, "2026-03-02", "2026-03-08").rows == expected_week_activity(app)
