"""Leaderboard report and digest lines against a hand-computed history, on both backends.

Team: tests/data/base.toml with the leaderboard plugin, one more member (erin, marketing, no
objective) and the objectives of ``EXTRA``. The objectives that apply to members:

    0  segment:prospecting call          per day    10   (base.toml) → bob
    1  team revenue per quarter                           (base.toml) → not a member's
    2  segment:sales call:reached        per week    4   → alice, dave
    3  alice revenue                     per month  10 000
    4  dave leads_won                    per month   0   (a target of 0 counts as 1)
    5  alice meeting (renewal leads)     per week    2

Range: Wednesday 2026-03-04 → Tuesday 2026-03-10 (Paris; no DST change). Periods touching it:
days 03-04..03-10 (7), weeks W10 (03-02..03-08, ended: status at 03-08) and W11 (03-09..03-15,
status at 03-10: 2 of 5 working days → expected 4 × 2/5 = 1.6), March (status at 03-10).

History (Paris times)::

    bob calls (on prospect P1): 03-03 ×5 | 03-04 ×10 | 03-05 ×12 | 03-06 ×4 | 03-08 23:30 ×1
                                | 03-10 ×25 | 03-11 00:10 ×3
    alice calls on A4 (acquisition): 03-02 reached ×2, 03-05 reached, 03-06 not_reached,
                                03-09 reached ×2, 03-10 reached, 03-11 reached
    alice meetings: 03-03 on R1 (renewal), 03-05 on A4 (acquisition), 03-09 ×2 on R1
    dave calls on D1: 03-04 reached ×4
    carol e-mails on P2: 03-04, 03-10
    leads: A1 alice won 03-05 8 000; A2 alice won 03-01 3 000; A3 alice won 03-11 5 000;
           A4 alice open; R1 alice renewal open; D1 dave won 03-06, amount 0

Pairs by hand:

    bob   day 03-04 10/10 met 1.0 | 03-05 12 met 1.2 | 03-06 4 behind 0.4 | 03-07 (Sat) 0,
          expected 0: on_track 0 | 03-08 (Sun) 1 > 0: ahead 0.1 | 03-09 0 behind 0 |
          03-10 25 met 2.0 (capped)  → 7 pairs, 4 met, Σ 4.7, attainment 4.7/7
    alice reached W10 3 (03-02 ×2 before the range counts: the period's) behind 0.75 |
          W11 3 > 1.6 ahead 0.75 | revenue March 11 000 (A1 + A2) met 1.1 |
          meetings W10 1 (renewal only) behind 0.5 | W11 2 met 1.0
          → 5 pairs, 3 met, Σ 4.1, attainment 0.82
    dave  reached W10 4 met 1.0 | W11 0 < 1.6 behind 0 | leads_won March 1 ≥ 0 met 1
          → 3 pairs, 2 met, Σ 2, attainment 2/3
    carol, erin: no objectives, attainment null

Order: alice (8 000 won), then the 0s by attainment — bob 0.671 > dave 0.667 —, then carol
and erin (null), tied on everything, by id.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from salesplan.core.context import AppContext
from salesplan.core.db.models import Action, Lead, Prospect, ProspectingList, StepChange
from salesplan.core.reports.rollups import rollup_view
from salesplan.core.reports.runner import run_report
from salesplan.core.services import create_lead, record_action, set_status
from salesplan.plugins.leaderboard import leaderboard_lines
from salesplan.plugins.leaderboard.actuals import DaySeries, objective_pairs
from salesplan.plugins.leaderboard.query import compute_leaderboard, leaderboard_result, ratio
from tests.conftest import CliResult
from tests.pluginkit import config_text

PARIS = ZoneInfo("Europe/Paris")
START, END = date(2026, 3, 4), date(2026, 3, 10)

EXTRA = """
[[members]]
id = "erin"
name = "Erin Blanc"
segment = "marketing"

[[objectives]]
who = "segment:sales"
metric = "call:reached"
per = "week"
target = 4
[[objectives]]
who = "alice"
metric = "revenue"
per = "month"
target = 10000
[[objectives]]
who = "dave"
metric = "leads_won"
per = "month"
target = 0
[[objectives]]
who = "alice"
metric = "meeting"
per = "week"
target = 2
pipeline = "renewal"
"""


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Paris wall-clock time as aware UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=PARIS).astimezone(UTC)


LEADS: list[tuple[str, str, str, datetime, str | None, datetime | None, float]] = [
    # key, owner, pipeline, created, status, closed, amount
    ("A1", "alice", "acquisition", local(2026, 2, 2, 9), "won", local(2026, 3, 5, 15), 8000.0),
    ("A2", "alice", "acquisition", local(2026, 2, 3, 9), "won", local(2026, 3, 1, 10), 3000.0),
    ("A3", "alice", "acquisition", local(2026, 2, 4, 9), "won", local(2026, 3, 11, 9), 5000.0),
    ("A4", "alice", "acquisition", local(2026, 2, 5, 9), None, None, 1500.0),
    ("R1", "alice", "renewal", local(2026, 2, 6, 9), None, None, 700.0),
    ("D1", "dave", "acquisition", local(2026, 2, 9, 9), "won", local(2026, 3, 6, 11), 0.0),
]


def actions() -> list[tuple[str, str, datetime, str | None, str]]:
    """(member, type, at, outcome, target key) of the module docstring."""
    rows: list[tuple[str, str, datetime, str | None, str]] = []
    for day, count in ((3, 5), (4, 10), (5, 12), (6, 4), (10, 25)):
        rows += [("bob", "call", local(2026, 3, day, 9, i), "reached", "P1") for i in range(count)]
    rows.append(("bob", "call", local(2026, 3, 8, 23, 30), "reached", "P1"))
    rows += [("bob", "call", local(2026, 3, 11, 0, 10 + i), "reached", "P1") for i in range(3)]
    rows += [
        ("alice", "call", local(2026, 3, 2, 10), "reached", "A4"),
        ("alice", "call", local(2026, 3, 2, 11), "reached", "A4"),
        ("alice", "call", local(2026, 3, 5, 10), "reached", "A4"),
        ("alice", "call", local(2026, 3, 6, 10), "not_reached", "A4"),
        ("alice", "call", local(2026, 3, 9, 10), "reached", "A4"),
        ("alice", "call", local(2026, 3, 9, 11), "reached", "A4"),
        ("alice", "call", local(2026, 3, 10, 10), "reached", "A4"),
        ("alice", "call", local(2026, 3, 11, 10), "reached", "A4"),
        ("alice", "meeting", local(2026, 3, 3, 14), "held", "R1"),
        ("alice", "meeting", local(2026, 3, 5, 14), "held", "A4"),
        ("alice", "meeting", local(2026, 3, 9, 14), "held", "R1"),
        ("alice", "meeting", local(2026, 3, 9, 16), "held", "R1"),
        ("carol", "email", local(2026, 3, 4, 9), None, "P2"),
        ("carol", "email", local(2026, 3, 10, 9), None, "P2"),
    ]
    rows += [("dave", "call", local(2026, 3, 4, 10 + i), "reached", "D1") for i in range(4)]
    return rows


def build(app: AppContext, how: str) -> None:
    """The module docstring's history: through the services (actions folded into the
    rollup as they are logged) or as raw rows (the rollup cannot serve: raw counts)."""
    with app.write_session() as s:
        s.add(ProspectingList(id=1, name="cold", created_at=local(2026, 1, 1)))
        s.flush()
        for key, owner in (("P1", "bob"), ("P2", "carol")):
            s.add(Prospect(key=key, list_id=1, name=key, owner=owner,
                           created_at=local(2026, 1, 2)))
        keys: dict[str, str] = {}
        for key, owner, pipeline, created, status, closed, amount in LEADS:
            if how == "services":
                lead = create_lead(s, app, title=key, pipeline=pipeline, owner=owner,
                                   amount=amount, at=created)
                if status is not None:
                    set_status(s, app, lead=lead, status=status, at=closed)
                keys[key] = lead.key
            else:
                steps = app.config.pipeline(pipeline).steps  # type: ignore[union-attr]
                row = Lead(key=key, title=key, pipeline=pipeline, step=steps[0], owner=owner,
                           amount=amount, status=status or "todo", created_at=created,
                           closed_at=closed)
                s.add(row)
                s.flush()
                assert row.id is not None
                s.add(StepChange(lead_id=row.id, at=created, step=steps[0]))
                keys[key] = key
        s.commit()
    if how == "services":
        for member, type_id, at, outcome, target in actions():
            where = {"prospect": target} if target.startswith("P") else {"lead": keys[target]}
            record_action(app, action_type=type_id, member=member, at=at, outcome=outcome,
                          **where)
        return
    with app.write_session() as s:
        ids = {row.key: row.id for row in s.exec(select(Lead))}
        prospect_ids = {row.key: row.id for row in s.exec(select(Prospect))}
        for number, (member, type_id, at, outcome, target) in enumerate(actions()):
            s.add(Action(key=f"a{number}", at=at, member=member, action_type=type_id,
                         outcome=outcome, lead_id=ids.get(target),
                         prospect_id=prospect_ids.get(target)))
        s.commit()


@pytest.fixture(params=["services", "raw"])
def how(request: pytest.FixtureRequest) -> str:
    """How the history is written: through the services or as raw rows."""
    return str(request.param)


@pytest.fixture
def team(how: str, make_app: Callable[..., AppContext],
         write_config: Callable[..., Path]) -> AppContext:
    app = make_app(write_config(config_text("leaderboard", extra=EXTRA)))
    build(app, how)
    return app


EXPECTED = [
    {"rank": 1, "member": "alice", "actions": 8, "leads_won": 1, "amount_won": 8000.0,
     "objectives": 5, "objectives_met": 3, "attainment": pytest.approx(4.1 / 5)},
    {"rank": 2, "member": "bob", "actions": 52, "leads_won": 0, "amount_won": 0.0,
     "objectives": 7, "objectives_met": 4, "attainment": pytest.approx(4.7 / 7)},
    {"rank": 3, "member": "dave", "actions": 4, "leads_won": 1, "amount_won": 0.0,
     "objectives": 3, "objectives_met": 2, "attainment": pytest.approx(2 / 3)},
    {"rank": 4, "member": "carol", "actions": 2, "leads_won": 0, "amount_won": 0.0,
     "objectives": 0, "objectives_met": 0, "attainment": None},
    {"rank": 5, "member": "erin", "actions": 0, "leads_won": 0, "amount_won": 0.0,
     "objectives": 0, "objectives_met": 0, "attainment": None},
]
TOTALS = {"member": "Team", "actions": 66, "leads_won": 2, "amount_won": 8000.0,
          "objectives": 15, "objectives_met": 9, "attainment": pytest.approx(10.8 / 15)}


def test_every_field_through_the_runner(team: AppContext) -> None:
    result = run_report(team, "leaderboard", START, END)
    assert result.rows == EXPECTED
    assert result.totals == TOTALS
    assert list(result.rows[0]) == [
        "rank", "member", "actions", "leads_won", "amount_won", "objectives", "objectives_met",
        "attainment"]
    assert (result.start, result.end) == (START, END)


def test_read_paths(team: AppContext, how: str) -> None:
    """Straight on a connection (no repair first): the services base has its rollup current
    and is read from it, the raw rows are not in the rollup and are counted raw; same rows."""
    with team.read_connection() as connection:
        assert rollup_view(connection, team, [], date(2026, 3, 1), END) is (how == "services")
        scores = compute_leaderboard(connection, team, START, END)
    assert leaderboard_result(scores, START, END).rows == EXPECTED


def test_pairs_of_a_daily_objective_over_the_range(team: AppContext) -> None:
    pairs = objective_pairs(team, START, END)
    bob = [(p.period.label, p.day) for p in pairs if p.who == "bob"]
    assert bob == [(f"2026-03-{d:02d}", date(2026, 3, d)) for d in range(4, 11)]
    alice = [(p.objective_index, p.period.label, p.day) for p in pairs if p.who == "alice"]
    assert alice == [
        (2, "2026-W10", date(2026, 3, 8)), (2, "2026-W11", END),
        (3, "2026-03", END),
        (5, "2026-W10", date(2026, 3, 8)), (5, "2026-W11", END),
    ]
    assert {p.who for p in pairs} == {"alice", "bob", "dave"}  # no team objective


def test_ratio_and_day_series() -> None:
    assert ratio(5, 10) == 0.5
    assert ratio(25, 10) == 2.0
    assert ratio(0, 0) == 1.0
    assert ratio(3, 0) == 1.0
    series = DaySeries({date(2026, 3, 2): 2, date(2026, 3, 5): 1, date(2026, 3, 9): 4})
    assert series.total(date(2026, 3, 2), date(2026, 3, 8)) == 3
    assert series.total(date(2026, 3, 3), date(2026, 3, 4)) == 0
    assert series.total(date(2026, 3, 9), date(2026, 3, 15)) == 4
    assert series.total(date(2026, 3, 1), date(2026, 3, 31)) == 7
    assert DaySeries({}).total(date(2026, 3, 1), date(2026, 3, 31)) == 0


def test_digest_lines_month_to_date(team: AppContext) -> None:
    # 1–10 March: alice won A1 + A2 (11 000), 11 actions (the 03-02 calls, the 03-03 meeting);
    # her weekly objectives now have W09 too (nothing done: behind) → 7 pairs, 3 met.
    # bob: days 1..10 → 10 pairs, 4 met (Sun 1st: on track; Mon 2nd 0, Tue 3rd 5: behind),
    # Σ 5.2 → 0.52; dave: W09 0, W10 met, W11 behind, leads_won met → 4 pairs, 2 met, 0.5.
    assert leaderboard_lines(team, END) == [
        "1. Alice Martin — €11,000 won (2 leads), 11 actions, 3/7 objectives met",
        "2. Bob Durand — €0 won (0 leads), 57 actions, 4/10 objectives met",
        "3. Dave Manager — €0 won (1 lead), 4 actions, 2/4 objectives met",
    ]


def _cli(run_cli: Callable[..., CliResult], app: AppContext, *args: str) -> CliResult:
    result = run_cli("--config", str(app.config_path), "report", "leaderboard",
                     "--from", START.isoformat(), "--to", END.isoformat(), *args)
    assert result.exit_code == 0, result.output
    return result


def test_cli_json_table_and_csv(team: AppContext, run_cli: Callable[..., CliResult]) -> None:
    data: dict[str, Any] = json.loads(_cli(run_cli, team, "--format", "json").stdout)
    assert (data["report"], data["from"], data["to"]) == ("leaderboard", "2026-03-04",
                                                          "2026-03-10")
    assert data["rows"] == EXPECTED
    assert data["totals"] == TOTALS

    table = _cli(run_cli, team).stdout
    assert "Leaderboard" in table
    # Members by name in the table (the JSON and CSV keep their ids).
    lines = [line for line in table.splitlines() if "Alice Martin" in line or "Erin Blanc" in line]
    assert "8,000" in lines[0] and "82.0 %" in lines[0]
    assert "—" in lines[1]  # erin's attainment
    assert "Team" in table and "72.0 %" in table

    out = _cli(run_cli, team, "--format", "csv").stdout
    assert out.splitlines()[0] == ("rank,member,actions,leads_won,amount_won,objectives,"
                                   "objectives_met,attainment")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["member"] for r in rows] == ["alice", "bob", "dave", "carol", "erin"]
    assert rows[4]["attainment"] == ""

    missing = run_cli("--config", str(team.config_path), "report", "leaderboard")
    assert missing.exit_code == 2
