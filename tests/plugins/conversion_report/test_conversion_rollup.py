"""The conversion cohorts rollup stays exact across every kind of write, both databases.

Leads created, moved (forward, back, by a rule), closed and reopened through the services;
step changes and statuses edited behind their back; a day's rollup rows deleted; the team's
time zone or a pipeline's steps changed. After each, the report (through the runner, which
refreshes what the triggers recorded) must equal the same report counted from the raw
history, and a second run must write nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select, text

from salesplan.core.context import AppContext
from salesplan.core.reporting import ReportRequest
from salesplan.core.reports.runner import run_report
from salesplan.core.services import create_lead, get_lead, move_lead, record_action, set_status
from salesplan.plugins.conversion_report.query import _step_counts
from salesplan.plugins.conversion_report.rollup import usable
from salesplan.plugins.conversion_report.tables import conversion_daily, conversion_dirty
from tests.conftest import base_config_text
from tests.reports.cohort_fixtures import build_history, utc

RANGES = [(date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 1, 1), date(2026, 6, 30)),
          (date(2026, 3, 2), date(2026, 3, 2))]
KEYS = ("entered", "advanced", "back", "active", "won", "lost", "cancelled")


def raw(app: AppContext, pipeline: str, start: date, end: date) -> list[tuple[Any, ...]]:
    """The report's rows counted from the raw history (the rollup not consulted)."""
    steps = next(p.steps for p in app.config.pipelines if p.id == pipeline)
    with app.read_connection() as connection:
        request = ReportRequest(connection=connection, app=app, start=start, end=end,
                                options={"pipeline": pipeline})
        counts = _step_counts(request, list(steps))
    zero = dict.fromkeys(KEYS, 0)
    return [(step, *(counts.get(step, zero)[k] for k in KEYS)) for step in steps]


def reported(app: AppContext, pipeline: str, start: date, end: date) -> list[tuple[Any, ...]]:
    rows = run_report(app, "conversion", start, end, {"pipeline": pipeline}).rows
    return [(row["step"], *(row[k] for k in KEYS)) for row in rows]


def writes(app: AppContext, work: Callable[[], object]) -> int:
    seen: list[str] = []

    def record(*args: object) -> None:
        if str(args[2]).lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            seen.append(str(args[2]))

    event.listen(app.engine, "before_cursor_execute", record)
    try:
        work()
    finally:
        event.remove(app.engine, "before_cursor_execute", record)
    return len(seen)


def assert_exact(app: AppContext) -> None:
    for pipeline in ("acquisition", "renewal"):
        for start, end in RANGES:
            assert reported(app, pipeline, start, end) == raw(app, pipeline, start, end), (
                pipeline, start, end)
    with app.read_connection() as connection:
        assert connection.execute(select(func.count()).select_from(conversion_dirty)).scalar() \
            == 0
        assert connection.execute(select(func.count()).select_from(conversion_daily)).scalar()
        assert usable(connection, app, "acquisition", *RANGES[1])  # the rollup served them
    assert writes(app, lambda: reported(app, "acquisition", *RANGES[1])) == 0


def test_moves_closes_reopenings_and_new_leads_through_the_services(app: AppContext) -> None:
    build_history(app)
    assert_exact(app)  # the first report counts the whole history
    with app.write_session() as session:
        create_lead(session, app, title="New", pipeline="acquisition", owner="alice",
                    at=utc(3, 12, 10))
        lead = get_lead(session, "L1")
        move_lead(session, app, lead=lead, step="Negotiation", at=utc(4, 2))
        set_status(session, app, lead=get_lead(session, "L9"), status="won", at=utc(4, 3))
        session.commit()
    assert_exact(app)
    with app.write_session() as session:  # reopened: no write event, the triggers see it
        set_status(session, app, lead=get_lead(session, "L9"), status="todo")
        move_lead(session, app, lead=get_lead(session, "L6"), step="Incoming", at=utc(4, 5))
        session.commit()
    # A rule moves a lead too (discovery_call good → Qualified in the test config).
    record_action(app, action_type="discovery_call", member="alice", lead="L4",
                  outcome="good", at=utc(4, 6))
    assert_exact(app)


def test_writes_behind_the_services_back_and_lost_rollup_rows(app: AppContext) -> None:
    build_history(app)
    assert_exact(app)
    with app.write_connection() as connection:
        connection.execute(text("UPDATE leads SET status = 'lost' WHERE key = 'L1'"))
        connection.execute(text(
            "DELETE FROM step_changes WHERE id = (SELECT max(id) FROM step_changes)"))
    assert_exact(app)
    with app.write_connection() as connection:  # a "crash": the cohorts' rows are gone
        connection.execute(text("DELETE FROM conversion_daily WHERE day >= '2026-03-01'"))
        connection.execute(text(
            "INSERT INTO salesplan_meta (key, value) VALUES ('conversion_cohorts', 'lost') "
            "ON CONFLICT (key) DO UPDATE SET value = 'lost'"))
    assert_exact(app)  # a fingerprint that does not match: the whole history again


def test_other_steps_or_another_time_zone_count_everything_again(
    app: AppContext, make_app: Callable[..., AppContext], write_config: Callable[..., Path],
) -> None:
    build_history(app)
    assert_exact(app)
    other = make_app(write_config(
        base_config_text().replace('timezone = "Europe/Paris"', 'timezone = "America/New_York"')
        .replace('steps = ["Due", "Contacted", "Signed"]',
                 'steps = ["Due", "Signed", "Contacted"]'),
        name="other.toml"))
    assert_exact(other)
