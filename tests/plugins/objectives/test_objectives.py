"""Objectives progress and pacing against hand-computed fixtures, on both backends.

Working days in 2026 (mon-fri): Jan 22, Feb 20, Mar 22, Apr 22, May 21, Jun 22, so Q1 = 64 and
H1 = 129. Paris switches to summer time on Sunday 2026-03-29 and back on Sunday 2026-10-25.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesplan.core.calendar import count_working_days, period_containing
from salesplan.core.context import AppContext
from salesplan.core.db.models import Action, Lead, Prospect, ProspectingList
from salesplan.core.errors import NotFoundError
from salesplan.core.reporting import ReportRequest
from salesplan.plugins.objectives import OBJECTIVES_REPORT
from salesplan.plugins.objectives.progress import (
    ObjectiveProgress,
    compute_objectives,
    measure,
    measure_by_member,
    pace,
    pace_status,
)
from tests.conftest import base_config_text

PARIS = ZoneInfo("Europe/Paris")

EXTRA_OBJECTIVES = """
[[objectives]]
who = "segment:sales"
metric = "call"
per = "week"
target = 20
[[objectives]]
who = "alice"
metric = "call:reached"
per = "month"
target = 10
[[objectives]]
who = "alice"
metric = "leads_created"
per = "month"
target = 4
[[objectives]]
who = "alice"
metric = "leads_won"
per = "year"
target = 2
[[objectives]]
who = "bob"
metric = "prospects_converted"
per = "half_year"
target = 3
[[objectives]]
who = "team"
metric = "meeting"
per = "month"
target = 6
pipeline = "acquisition"
"""


def local(*parts: int) -> datetime:
    """A Paris wall-clock time as aware UTC (how the database stores it)."""
    return datetime(*parts, tzinfo=PARIS).astimezone(UTC)  # type: ignore[misc]


class Builder:
    """Inserts rows through the models, with readable keys."""

    def __init__(self, app: AppContext) -> None:
        self.app = app
        self.count = 0
        self.leads: dict[str, int] = {}
        self.prospects: dict[str, int] = {}

    def _key(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def prospect(self, key: str, owner: str) -> None:
        with self.app.write_session() as s:
            plist = s.get(ProspectingList, 1)
            if plist is None:
                plist = ProspectingList(id=1, name="cold", created_at=local(2025, 1, 1))
                s.add(plist)
                s.flush()
            row = Prospect(key=key, list_id=1, name=key, owner=owner,
                           created_at=local(2025, 6, 1))
            s.add(row)
            s.commit()
            self.prospects[key] = row.id  # type: ignore[assignment]

    def lead(self, key: str, *, owner: str, pipeline: str, created: datetime,
             status: str = "todo", amount: float = 0.0, closed: datetime | None = None,
             prospect: str | None = None) -> None:
        steps = self.app.config.pipeline(pipeline).steps  # type: ignore[union-attr]
        with self.app.write_session() as s:
            row = Lead(key=key, title=key, pipeline=pipeline, step=steps[0], owner=owner,
                       amount=amount, status=status, created_at=created, closed_at=closed,
                       prospect_id=self.prospects[prospect] if prospect else None)
            s.add(row)
            s.commit()
            self.leads[key] = row.id  # type: ignore[assignment]

    def action(self, member: str, action_type: str, at: datetime, *, lead: str | None = None,
               prospect: str | None = None, outcome: str | None = None) -> None:
        with self.app.write_session() as s:
            s.add(Action(
                key=self._key("a"), at=at, member=member, action_type=action_type,
                outcome=outcome, lead_id=self.leads[lead] if lead else None,
                prospect_id=self.prospects[prospect] if prospect else None,
            ))
            s.commit()


@pytest.fixture
def team(make_app: Callable[..., AppContext], write_config: Callable[..., Path]) -> AppContext:
    app = make_app(write_config(base_config_text() + EXTRA_OBJECTIVES))
    b = Builder(app)
    for key, owner in (("P1", "bob"), ("P2", "bob"), ("P3", "carol"), ("P4", "bob")):
        b.prospect(key, owner)
    # Leads: L1/L2/L4/L5 acquisition, L3/L6/L7 renewal.
    b.lead("L1", owner="alice", pipeline="acquisition", created=local(2026, 3, 1, 0, 30),
           status="won", amount=50000, closed=local(2026, 3, 31, 23, 59))
    b.lead("L2", owner="dave", pipeline="acquisition", created=local(2026, 1, 5, 9),
           status="won", amount=30000, closed=local(2026, 2, 10, 12))
    b.lead("L3", owner="alice", pipeline="renewal", created=local(2026, 3, 20, 9),
           status="won", amount=20000, closed=local(2026, 3, 25, 9))
    b.lead("L4", owner="alice", pipeline="acquisition", created=local(2026, 3, 15, 9),
           status="won", amount=40000, closed=local(2026, 4, 1, 0, 0))
    b.lead("L5", owner="alice", pipeline="acquisition", created=local(2026, 2, 10, 9),
           prospect="P1")
    b.lead("L6", owner="alice", pipeline="renewal", created=local(2026, 3, 31, 10),
           prospect="P2")
    b.lead("L7", owner="alice", pipeline="renewal", created=local(2025, 12, 31, 23, 30),
           prospect="P3")
    # bob's calls around Tuesday 2026-03-31.
    b.action("bob", "call", local(2026, 3, 31, 9), prospect="P4", outcome="reached")
    b.action("bob", "call", local(2026, 3, 31, 10), prospect="P4", outcome="not_reached")
    b.action("bob", "call", local(2026, 3, 31, 23, 30), prospect="P4")
    b.action("bob", "call", local(2026, 3, 30, 23, 59), prospect="P4")
    b.action("bob", "call", local(2026, 4, 1, 0, 0, 30), prospect="P4")
    # Sales calls.
    b.action("alice", "call", local(2026, 3, 2, 10), lead="L1", outcome="reached")
    b.action("alice", "call", local(2026, 3, 29, 1, 30), lead="L3", outcome="reached")  # DST
    b.action("alice", "call", local(2026, 3, 31, 23, 30), lead="L1", outcome="not_reached")
    b.action("alice", "call", local(2026, 2, 28, 23, 30), lead="L1", outcome="reached")
    b.action("alice", "call", local(2026, 4, 1, 0, 10), lead="L1", outcome="reached")
    b.action("dave", "call", local(2026, 3, 30, 9), lead="L2")
    b.action("dave", "call", local(2026, 3, 29, 23, 59), lead="L2")  # Sunday, week before
    # Meetings: only those on acquisition leads count for objective 7.
    b.action("alice", "meeting", local(2026, 3, 10, 9), lead="L1")
    b.action("dave", "meeting", local(2026, 3, 11, 9), lead="L3")
    b.action("bob", "meeting", local(2026, 3, 12, 9), prospect="P4")
    return app


def _progress(app: AppContext, day: date, member: str | None = None) -> list[ObjectiveProgress]:
    with app.session() as session:
        return compute_objectives(session, app, day=day, member=member)


def _summary(rows: list[ObjectiveProgress]) -> list[tuple[object, ...]]:
    return [
        (r.objective_index, r.who, r.period.label, r.target, r.actual, round(r.expected, 4),
         r.status, r.remaining,
         None if r.needed_per_day is None else round(r.needed_per_day, 4))
        for r in rows
    ]


def test_objectives_on_the_last_day_of_the_quarter(team: AppContext) -> None:
    rows = _progress(team, date(2026, 3, 31))
    assert _summary(rows) == [
        # bob: 3 calls on the 31st (23:30 counts; 23:59 the day before and 00:00:30 after do
        # not); a day period: all of it elapsed, no working day left.
        (0, "bob", "2026-03-31", 10.0, 3.0, 10.0, "behind", 7.0, None),
        # Q1 acquisition revenue: L1 50 000 + L2 30 000 (L3 is renewal, L4 closed in Q2).
        (1, "team", "2026-Q1", 270000.0, 80000.0, 270000.0, "behind", 190000.0, None),
        # Week Mon 30 Mar..Sun 5 Apr: 2 of 5 working days elapsed → 20 × 2/5 = 8;
        # 3 working days left.
        (2, "alice", "2026-W14", 20.0, 1.0, 8.0, "behind", 19.0, round(19 / 3, 4)),
        (2, "dave", "2026-W14", 20.0, 1.0, 8.0, "behind", 19.0, round(19 / 3, 4)),
        # March reached calls: 2 Mar and 29 Mar 01:30 (DST day); not 28 Feb 23:30 nor 1 Apr.
        (3, "alice", "2026-03", 10.0, 2.0, 10.0, "behind", 8.0, None),
        # Created in March local time: L1 (1 Mar 00:30 = 28 Feb UTC), L3, L4, L6.
        (4, "alice", "2026-03", 4.0, 4.0, 4.0, "met", 0.0, None),
        # Won in 2026 up to 31 Mar: L1, L3 (L4 closed 1 Apr 00:00 local).
        (5, "alice", "2026", 2.0, 2.0, round(2 * 64 / 261, 4), "met", 0.0, 0.0),
        # H1: P1 → L5 (Feb), P2 → L6 (31 Mar); 3 × 64/129 expected; 65 working days left.
        (6, "bob", "2026-H1", 3.0, 2.0, round(3 * 64 / 129, 4), "ahead", 1.0,
         round(1 / 65, 4)),
        # Meetings on acquisition leads in March: alice's only.
        (7, "team", "2026-03", 6.0, 1.0, 6.0, "behind", 5.0, None),
    ]
    assert rows[0].period.start == rows[0].period.end == date(2026, 3, 31)
    assert rows[1].pipeline == "acquisition"


def test_mid_month_pacing_and_a_weekend_day(team: AppContext) -> None:
    # Saturday 28 March: the day objective's period has no working day, so nothing is
    # expected; the week (23..29 Mar) is fully elapsed in working days.
    rows = {(r.objective_index, r.who): r for r in _progress(team, date(2026, 3, 28))}
    bob_day = rows[(0, "bob")]
    assert (bob_day.actual, bob_day.expected, bob_day.status, bob_day.needed_per_day) == (
        0.0, 0.0, "on_track", None)
    alice_week = rows[(2, "alice")]
    assert (alice_week.period.label, alice_week.actual, alice_week.expected) == (
        "2026-W13", 0.0, 20.0)
    assert alice_week.needed_per_day is None
    # March up to the 28th: 20 of 22 working days elapsed.
    reached = rows[(3, "alice")]
    assert reached.actual == 1.0  # only 2 March; 29 March is tomorrow
    assert reached.expected == pytest.approx(10 * 20 / 22)
    assert reached.needed_per_day == pytest.approx(9 / 2)
    assert reached.status == "behind"


def test_sunday_of_the_dst_change_counts_its_23_hours(team: AppContext) -> None:
    rows = {(r.objective_index, r.who): r for r in _progress(team, date(2026, 3, 29))}
    # alice's 01:30 call on the 29th counts; dave's 23:59 call is in week W13 too.
    assert rows[(3, "alice")].actual == 2.0
    assert rows[(2, "dave")].actual == 1.0
    assert rows[(2, "dave")].period.label == "2026-W13"


def test_member_filter(team: AppContext) -> None:
    rows = _progress(team, date(2026, 3, 31), member="alice")
    assert [(r.objective_index, r.who) for r in rows] == [(2, "alice"), (3, "alice"),
                                                          (4, "alice"), (5, "alice")]
    with pytest.raises(NotFoundError, match="unknown member 'zed'"):
        _progress(team, date(2026, 3, 31), member="zed")


@pytest.mark.parametrize("pipeline", [None, "acquisition", "renewal"])
@pytest.mark.parametrize(
    "metric",
    ["call", "call:reached", "meeting", "leads_created", "leads_won", "revenue",
     "prospects_converted"],
)
def test_grouped_measure_matches_one_member_at_a_time(
    team: AppContext, metric: str, pipeline: str | None
) -> None:
    """The one grouped query a segment objective runs gives each member what a query for
    that member alone gives (members with nothing get 0)."""
    start, end = local(2026, 1, 1), local(2026, 4, 2)
    members = ["alice", "bob", "carol", "dave"]
    with team.session() as session:
        grouped = measure_by_member(session, metric, start=start, end=end, members=members,
                                    pipeline=pipeline)
        one_by_one = {
            m: measure(session, metric, start=start, end=end, members=[m], pipeline=pipeline)
            for m in members
        }
    assert grouped == one_by_one
    assert list(grouped) == members


def test_grouped_measure_hand_counts(team: AppContext) -> None:
    start, end = local(2026, 3, 1), local(2026, 4, 1)
    with team.session() as session:
        calls = measure_by_member(session, "call", start=start, end=end,
                                  members=["alice", "bob", "dave", "carol"])
        revenue = measure_by_member(session, "revenue", start=start, end=end,
                                    members=["alice", "dave"])
    # March (Paris): alice 2 Mar, 29 Mar, 31 Mar 23:30; bob 31 Mar ×3 and 30 Mar 23:59;
    # dave 30 Mar and 29 Mar 23:59.
    assert calls == {"alice": 3.0, "bob": 4.0, "dave": 2.0, "carol": 0.0}
    # Won in March: L1 50 000 and L3 20 000 (alice); L4 closed on 1 April.
    assert revenue == {"alice": 70000.0, "dave": 0.0}


def test_year_and_quarter_boundary(make_app: Callable[..., AppContext],
                                   write_config: Callable[..., Path]) -> None:
    text = base_config_text() + """
[[objectives]]
who = "alice"
metric = "call"
per = "year"
target = 100
[[objectives]]
who = "alice"
metric = "call"
per = "quarter"
target = 30
[[objectives]]
who = "alice"
metric = "call"
per = "week"
target = 5
"""
    app = make_app(write_config(text))
    b = Builder(app)
    b.prospect("P1", "alice")
    b.action("alice", "call", local(2026, 12, 31, 23, 30), prospect="P1")  # 22:30 UTC
    b.action("alice", "call", local(2027, 1, 1, 0, 0), prospect="P1")  # 23:00 UTC on 31 Dec
    b.action("alice", "call", local(2026, 12, 28, 8), prospect="P1")
    on_31 = {r.objective_index: r for r in _progress(app, date(2026, 12, 31), "alice")}
    on_1 = {r.objective_index: r for r in _progress(app, date(2027, 1, 1), "alice")}
    assert (on_31[2].period.label, on_31[2].actual) == ("2026", 2.0)
    assert (on_31[3].period.label, on_31[3].actual) == ("2026-Q4", 2.0)
    # Year 2026: every one of its 261 working days elapsed.
    assert on_31[2].expected == 100.0
    assert (on_1[2].period.label, on_1[2].actual) == ("2027", 1.0)
    assert (on_1[3].period.label, on_1[3].actual) == ("2027-Q1", 1.0)
    # 2027 starts on a Friday: 1 of 261 working days elapsed.
    assert on_1[2].expected == pytest.approx(100 / 261)
    assert on_1[2].status == "ahead"
    # ISO week 2026-W53 runs Mon 28 Dec .. Sun 3 Jan across both years: 3 calls.
    assert (on_1[4].period.label, on_1[4].actual) == ("2026-W53", 3.0)
    assert on_1[4].expected == 5.0  # all 5 working days (28 Dec..1 Jan) elapsed
    assert on_1[4].status == "behind"  # 3 < 5 with 2 weekend days left, none working
    assert on_1[4].needed_per_day is None


def test_dst_autumn_day_with_seven_working_days(make_app: Callable[..., AppContext],
                                                write_config: Callable[..., Path]) -> None:
    text = base_config_text().replace(
        'working_days = ["mon", "tue", "wed", "thu", "fri"]',
        'working_days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]',
    )
    app = make_app(write_config(text))
    b = Builder(app)
    b.prospect("P1", "bob")
    for moment in (datetime(2026, 10, 24, 21, 59, tzinfo=UTC),  # 23:59 CEST on the 24th
                   datetime(2026, 10, 24, 22, 0, tzinfo=UTC),  # 00:00 on the 25th
                   datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # 02:30 CEST (first pass)
                   datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # 02:30 CET (second pass)
                   datetime(2026, 10, 25, 22, 59, tzinfo=UTC),  # 23:59 CET on the 25th
                   datetime(2026, 10, 25, 23, 0, tzinfo=UTC)):  # 00:00 on the 26th
        b.action("bob", "call", moment, prospect="P1")
    rows = _progress(app, date(2026, 10, 25), "bob")
    assert [(r.period.label, r.actual, r.expected, r.status) for r in rows] == [
        ("2026-10-25", 4.0, 10.0, "behind")
    ]


def test_pace_status_rules() -> None:
    assert pace_status(10, 10, 5) == "met"
    assert pace_status(6, 10, 5) == "ahead"
    assert pace_status(5, 10, 5.0000000001) == "on_track"
    assert pace_status(4, 10, 5) == "behind"
    assert pace_status(0, 0, 0) == "met"


def test_report_and_cli(team: AppContext, run_cli: Callable[..., object]) -> None:
    with team.session() as session:
        result = OBJECTIVES_REPORT.run(ReportRequest(
            connection=session.connection(), app=team,
            start=date(2026, 3, 31), end=date(2026, 3, 31),
            options={"date": "2026-03-31", "member": "bob"},
        ))
    assert [(r["who"], r["metric"], r["period"], r["actual"], r["status"]) for r in result.rows] \
        == [("bob", "call", "2026-03-31", 3, "behind"),
            ("bob", "prospects_converted", "2026-H1", 2, "ahead")]
    assert list(result.rows[0])[:8] == ["who", "metric", "per", "period", "target", "actual",
                                        "expected", "status"]
    config = str(team.config_path)
    out = run_cli("--config", config, "objectives", "--date", "2026-03-31", "--format", "json")
    assert out.exit_code == 0, out.output  # type: ignore[attr-defined]
    data = json.loads(out.stdout)  # type: ignore[attr-defined]
    assert data["report"] == "objectives"
    assert data["rows"][1] == {
        "who": "team", "metric": "revenue", "per": "quarter", "period": "2026-Q1",
        "target": 270000, "actual": 80000, "expected": 270000, "status": "behind",
        "remaining": 190000, "needed_per_day": None, "pipeline": "acquisition",
        "period_start": "2026-01-01", "period_end": "2026-03-31",
    }
    table = run_cli("--config", config, "objectives", "--date", "2026-03-30", "--member",
                    "alice")
    assert table.exit_code == 0  # type: ignore[attr-defined]
    # Week W14 on Monday: 1 of 5 days → 4 expected, 0 done; 20 left over 4 days = 5/day.
    assert "behind by 4: 5/day needed" in table.stdout  # type: ignore[attr-defined]
    csv_out = run_cli("--config", config, "objectives", "--date", "2026-03-31", "--format",
                      "csv", "--member", "bob")
    assert csv_out.stdout.splitlines()[0].startswith(  # type: ignore[attr-defined]
        "who,metric,per,period,target,actual,expected,status")
    bad = run_cli("--config", config, "objectives", "--member", "zed")
    assert bad.exit_code == 2  # type: ignore[attr-defined]
    assert "unknown member 'zed'" in bad.stderr  # type: ignore[attr-defined]
    bad_day = run_cli("--config", config, "objectives", "--date", "31/03/2026")
    assert bad_day.exit_code == 2  # type: ignore[attr-defined]
    assert bad_day.stderr == (  # type: ignore[attr-defined]
        "Error: --date: not a date: '31/03/2026' (use YYYY-MM-DD)\n"
    )


def test_through_the_report_command(team: AppContext, run_cli: Callable[..., object]) -> None:
    config = str(team.config_path)
    # Without --date the report measures on its --to day.
    out = run_cli("--config", config, "report", "objectives", "--to", "2026-03-31",
                  "--member", "alice", "--format", "json")
    assert out.exit_code == 0, out.output  # type: ignore[attr-defined]
    data = json.loads(out.stdout)  # type: ignore[attr-defined]
    assert data["report"] == "objectives"
    assert [(r["metric"], r["per"], r["actual"], r["expected"], r["status"])
            for r in data["rows"]] == [
        ("call", "week", 1, 8, "behind"),
        ("call:reached", "month", 2, 10, "behind"),
        ("leads_created", "month", 4, 4, "met"),
        ("leads_won", "year", 2, round(2 * 64 / 261, 2), "met"),
    ]


ALL_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@given(
    kind=st.sampled_from(["day", "week", "month", "quarter", "half_year", "year"]),
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    working=st.lists(st.sampled_from(ALL_DAYS), min_size=1, max_size=7, unique=True),
    target=st.integers(min_value=0, max_value=10_000),
    actual=st.integers(min_value=0, max_value=10_000),
)
def test_pacing_properties(kind: str, day: date, working: list[str], target: int,
                           actual: int) -> None:
    period = period_containing(kind, day)  # type: ignore[arg-type]
    today_pace = pace(target, actual, period, day, working)
    assert 0 <= today_pace.expected <= target + 1e-9
    # Expected never decreases over the period and reaches the target on its last day.
    if day < period.end:
        later = pace(target, actual, period, day + timedelta(days=1), working)
        assert later.expected >= today_pace.expected - 1e-9
    last = pace(target, actual, period, period.end, working)
    if count_working_days(period.start, period.end, working):
        assert last.expected == pytest.approx(target)
    assert last.needed_per_day is None
    # Doing what is needed every remaining working day meets the target.
    left = count_working_days(day + timedelta(days=1), period.end, working)
    if today_pace.needed_per_day is not None:
        assert actual + today_pace.needed_per_day * left == pytest.approx(max(target, actual))
    assert (today_pace.status == "met") == (actual >= target)
