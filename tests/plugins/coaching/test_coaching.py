"""The coaching report on a hand-computed cohort (SQLite and PostgreSQL).

Pipeline acquisition (Incoming → Qualified → Proposal → Negotiation), March 2026, Paris time.
Leads and their stays (days in brackets; "→" a move, "×" closed there):

    A1 alice  Incoming 03-02 [2] → Qualified 03-04 [5] → Proposal 03-09 [3] × won 03-12
    A2 alice  Incoming 03-02 [1] → Qualified 03-03 [2] → back to Incoming 03-05 [1]
              → Qualified 03-06 [4] × lost 03-10
    A3 alice  Incoming 03-10, still there (open: an unfinished stay)
    B1 bob    Incoming 03-03 [2] → Qualified 03-05 [3] × lost 03-08
    B2 bob    Incoming 03-03 [1] × lost 03-04
    R1 alice  renewal pipeline (not in the cohort)
    D1 dave   created 04-02 (out of the range)

Last stays and whether they passed (moved on, or won there):

    alice  Incoming: A1 yes, A2 (its 2nd stay) yes, A3 no → 3 entered, 2 passed
           Qualified: A1 yes, A2 (its 2nd stay, lost) no → 2 entered, 1 passed
           Proposal: A1 (won there) yes → 1 entered, 1 passed
    bob    Incoming: B1 yes, B2 no → 2, 1;  Qualified: B1 no → 1, 0
    team   Incoming 5, 3 (0.6);  Qualified 3, 1 (1/3);  Proposal 1, 1;  Negotiation 0

Medians of the finished stays (every stay, not only the last):

    alice  Incoming [1, 1, 2] → 1.0;  Qualified [2, 4, 5] → 4.0;  Proposal [3] → 3.0
    bob    Incoming [1, 2] → 1.5;  Qualified [3] → 3.0
    team   Incoming [1, 1, 1, 2, 2] → 1.0;  Qualified [2, 3, 4, 5] → 3.5;  Proposal 3.0

Blocking: alice loses nowhere against the team ((0.6 − 2/3) × 3 < 0, (1/3 − 1/2) × 2 < 0,
0 at Proposal): null. Bob: Incoming (0.6 − 0.5) × 2 = 0.2, Qualified (1/3 − 0) × 1 = 0.33:
Qualified, 0.3 deals.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest

from salesplan.core import services
from salesplan.core.context import AppContext
from salesplan.core.errors import DataError
from salesplan.core.reports.runner import run_report
from salesplan.plugins.coaching.query import Funnel, best_member
from tests.conftest import CliResult
from tests.pluginkit import config_text

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def at(day: int, month: int = 3) -> datetime:
    return datetime(2026, month, day, 10, 0)  # local time, Paris


@pytest.fixture
def team(make_app: Callable[..., AppContext], write_config: Callable[..., Path]) -> AppContext:
    app = make_app(write_config(config_text("coaching")))
    fill(app)
    return app


def fill(app: AppContext) -> None:
    """The cohort of the module docstring."""
    with app.write_session() as session:
        def lead(title: str, owner: str, day: int, month: int = 3,
                 pipeline: str = "acquisition") -> object:
            return services.create_lead(session, app, title=title, pipeline=pipeline,
                                        owner=owner, at=at(day, month))

        def move(row: object, step: str, day: int) -> None:
            services.move_lead(session, app, lead=row, step=step, at=at(day))  # type: ignore[arg-type]

        def close(row: object, status: str, day: int) -> None:
            services.set_status(session, app, lead=row, status=status, at=at(day))  # type: ignore[arg-type]

        a1 = lead("A1", "alice", 2)
        move(a1, "Qualified", 4)
        move(a1, "Proposal", 9)
        close(a1, "won", 12)
        a2 = lead("A2", "alice", 2)
        move(a2, "Qualified", 3)
        move(a2, "Incoming", 5)
        move(a2, "Qualified", 6)
        close(a2, "lost", 10)
        lead("A3", "alice", 10)
        b1 = lead("B1", "bob", 3)
        move(b1, "Qualified", 5)
        close(b1, "lost", 8)
        b2 = lead("B2", "bob", 3)
        close(b2, "lost", 4)
        lead("R1", "alice", 3, pipeline="renewal")
        lead("D1", "dave", 2, month=4)
        session.commit()


def steps(row: dict[str, object]) -> dict[str, tuple[object, ...]]:
    return {s["step"]: (s["entered"], s["passed"], s["pass_rate"], s["median_days"])  # type: ignore[index]
            for s in row["steps"]}  # type: ignore[attr-defined]


def test_every_field_by_hand(team: AppContext) -> None:
    result = run_report(team, "coaching", *MARCH, {"pipeline": "acquisition"})
    rows = {row["member"]: row for row in result.rows}
    assert [row["member"] for row in result.rows] == ["alice", "bob", "team"]  # config order
    alice, bob, everyone = rows["alice"], rows["bob"], rows["team"]
    assert (alice["created"], alice["won"], alice["win_rate"]) == (3, 1, pytest.approx(1 / 3))
    assert steps(alice) == {
        "Incoming": (3, 2, pytest.approx(2 / 3), 1.0),
        "Qualified": (2, 1, 0.5, 4.0),
        "Proposal": (1, 1, 1.0, 3.0),
        "Negotiation": (0, 0, None, None),
    }
    assert (alice["blocking_step"], alice["blocking_gap"]) == (None, None)
    assert (bob["created"], bob["won"], bob["win_rate"]) == (2, 0, 0.0)
    assert steps(bob) == {
        "Incoming": (2, 1, 0.5, 1.5),
        "Qualified": (1, 0, 0.0, 3.0),
        "Proposal": (0, 0, None, None),
        "Negotiation": (0, 0, None, None),
    }
    assert (bob["blocking_step"], bob["blocking_gap"]) == ("Qualified", 0.3)
    assert (everyone["created"], everyone["won"], everyone["win_rate"]) == (5, 1, 0.2)
    assert steps(everyone) == {
        "Incoming": (5, 3, 0.6, 1.0),
        "Qualified": (3, 1, pytest.approx(1 / 3), 3.5),
        "Proposal": (1, 1, 1.0, 3.0),
        "Negotiation": (0, 0, None, None),
    }
    assert (everyone["blocking_step"], everyone["blocking_gap"]) == (None, None)
    assert result.extra["best"] is None  # nobody has created 10 leads (the default)


@pytest.mark.parametrize(("min_cohort", "best"), [(2, "alice"), (3, "alice"), (4, None)])
def test_best_needs_a_cohort_of_min_cohort(team: AppContext, min_cohort: int,
                                           best: str | None) -> None:
    result = run_report(team, "coaching", *MARCH,
                        {"pipeline": "acquisition", "min_cohort": str(min_cohort)})
    assert result.extra["best"] == best
    assert result.to_json_dict()["best"] == best


def test_best_ties_more_won_then_config_order() -> None:
    def funnel(who: str, created: int, won: int) -> Funnel:
        return Funnel(who, created=created, won=won)

    # Same win rate: more won first.
    assert best_member([funnel("alice", 3, 1), funnel("carol", 6, 2)], 3) == "carol"
    # Same rate and won: config order.
    assert best_member([funnel("bob", 3, 1), funnel("alice", 3, 1)], 3) == "bob"
    # A higher rate wins over more won; below min-cohort never counts.
    assert best_member([funnel("alice", 10, 5), funnel("bob", 2, 2)], 3) == "alice"
    assert best_member([funnel("alice", 2, 2)], 3) is None


def test_a_member_without_cohort_has_no_row(team: AppContext) -> None:
    result = run_report(team, "coaching", date(2026, 4, 1), date(2026, 4, 30),
                        {"pipeline": "acquisition"})
    assert [row["member"] for row in result.rows] == ["dave", "team"]
    assert steps(result.rows[0])["Incoming"] == (1, 0, 0.0, None)  # open: no finished stay
    empty = run_report(team, "coaching", date(2026, 5, 1), date(2026, 5, 31),
                       {"pipeline": "acquisition"})
    assert [row["member"] for row in empty.rows] == ["team"]
    assert empty.rows[0]["win_rate"] is None
    assert steps(empty.rows[0])["Incoming"] == (0, 0, None, None)


def test_pipeline_is_required(team: AppContext) -> None:
    with pytest.raises(DataError, match="needs --pipeline"):
        run_report(team, "coaching", *MARCH, {})


def test_cli_json_table_and_csv(team: AppContext, run_cli: Callable[..., CliResult]) -> None:
    path = str(team.config_path)
    args = ("--config", path, "report", "coaching", "--pipeline", "acquisition",
            "--from", "2026-03-01", "--to", "2026-03-31")
    out = run_cli(*args, "--format", "json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["report"] == "coaching" and data["best"] is None
    assert [row["member"] for row in data["rows"]] == ["alice", "bob", "team"]
    assert data["rows"][1]["blocking_step"] == "Qualified"
    table = run_cli(*args)
    assert table.exit_code == 0, table.output
    assert "Qualified pass %" in table.stdout and "Blocking step" in table.stdout
    assert "Qualified" in table.stdout.splitlines()[-2] or "Qualified" in table.stdout
    sheet = run_cli(*args, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(sheet.stdout)))
    assert [row["member"] for row in rows] == ["alice", "bob", "team"]
    assert rows[1]["Qualified.entered"] == "1" and rows[1]["Qualified.median_days"] == "3.0"
    assert "steps" not in rows[0]  # flat columns, no JSON blob
