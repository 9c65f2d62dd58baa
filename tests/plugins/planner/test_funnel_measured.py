"""Measured funnel: ratios from history (team and one member), unknown never zero."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from fractions import Fraction

import pytest

from salesplan.core.context import AppContext
from salesplan.core.errors import DataError, NotFoundError
from salesplan.plugins.planner.measure import measure_funnel
from tests.plugins.objectives.test_objectives import Builder, local

MARCH_FROM, MARCH_TO = date(2026, 3, 1), date(2026, 3, 31)


@pytest.fixture
def history(app: AppContext) -> AppContext:
    """March 2026 for the standard team (alice, dave sales; bob prospecting; carol
    marketing)."""
    b = Builder(app)
    for index in range(1, 9):
        b.prospect(f"P{index}", "carol" if index == 7 else "bob")
    b.lead("A1", owner="alice", pipeline="acquisition", created=local(2026, 3, 2, 9),
           status="won", amount=30000, closed=local(2026, 3, 20, 9))
    b.lead("A2", owner="alice", pipeline="acquisition", created=local(2026, 3, 3, 9),
           status="won", amount=45000, closed=local(2026, 3, 31, 23))
    b.lead("A3", owner="alice", pipeline="acquisition", created=local(2026, 3, 10, 9),
           prospect="P1")
    b.lead("A4", owner="alice", pipeline="acquisition", created=local(2026, 3, 11, 9),
           prospect="P2")
    b.lead("D1", owner="dave", pipeline="acquisition", created=local(2026, 3, 1, 0, 5),
           status="won", amount=12000, closed=local(2026, 3, 15, 9))
    b.lead("D2", owner="dave", pipeline="renewal", created=local(2026, 3, 12, 9),
           prospect="P7")
    # Outside the range: created and won in February; won on 1 April at 00:00 local.
    b.lead("D0", owner="dave", pipeline="acquisition", created=local(2026, 2, 2, 9),
           status="won", amount=99000, closed=local(2026, 2, 28, 23, 59))
    b.lead("D3", owner="dave", pipeline="acquisition", created=local(2026, 2, 2, 9),
           status="won", amount=99000, closed=local(2026, 4, 1, 0, 0))
    # Prospect work: bob 9 calls over P1..P6, carol 1 e-mail on P7, alice 1 call on P1.
    for key, calls in (("P1", 3), ("P2", 2), ("P3", 1), ("P4", 1), ("P5", 1), ("P6", 1)):
        for hour in range(calls):
            b.action("bob", "call", local(2026, 3, 5, 9 + hour), prospect=key)
    b.action("carol", "email", local(2026, 3, 6, 9), prospect="P7")
    b.action("alice", "call", local(2026, 3, 6, 10), prospect="P1")
    b.action("bob", "call", local(2026, 2, 28, 23, 30), prospect="P8")  # February
    b.action("bob", "call", local(2026, 4, 1, 0, 0), prospect="P8")  # April
    # Lead work: alice 7 calls, 1 meeting, 2 proposals on A1/A2; dave 2 calls, 1 meeting on
    # D1; bob 1 call on A3.
    for hour in range(4):
        b.action("alice", "call", local(2026, 3, 12, 9 + hour), lead="A1")
    for hour in range(3):
        b.action("alice", "call", local(2026, 3, 13, 9 + hour), lead="A2")
    b.action("alice", "meeting", local(2026, 3, 14, 9), lead="A1")
    b.action("alice", "proposal", local(2026, 3, 16, 9), lead="A1")
    b.action("alice", "proposal", local(2026, 3, 17, 9), lead="A2")
    b.action("dave", "call", local(2026, 3, 18, 9), lead="D1")
    b.action("dave", "call", local(2026, 3, 18, 10), lead="D1")
    b.action("dave", "meeting", local(2026, 3, 19, 9), lead="D1")
    b.action("bob", "call", local(2026, 3, 20, 9), lead="A3")
    return app


def _measure(app: AppContext, member: str | None = None):  # type: ignore[no-untyped-def]
    with app.session() as session:
        return measure_funnel(session, app, start=MARCH_FROM, end=MARCH_TO, member=member)


def test_team_measured_ratios(history: AppContext) -> None:
    measured = _measure(history)
    ratios = measured.ratios
    # Won in March: A1 30 000, A2 45 000, D1 12 000 → 87 000 / 3.
    assert ratios.deal_size == 29000
    # Created in March: A1..A4, D1, D2 = 6 for 3 won.
    assert ratios.opportunities_per_sale == 2
    # Prospects worked: P1..P7 = 7; converted into a lead created in March: P1, P2, P7.
    assert ratios.prospects_per_opportunity == Fraction(7, 3)
    assert ratios.per_prospect == {
        "prospecting": {"call": Fraction(9, 7)},
        "marketing": {"email": Fraction(1, 7)},
        "sales": {"call": Fraction(1, 7)},
    }
    # Leads worked: A1, A2, D1, A3 = 4.
    assert ratios.per_opportunity == {
        "sales": {"call": Fraction(9, 4), "meeting": Fraction(2, 4),
                  "proposal": Fraction(2, 4)},
        "prospecting": {"call": Fraction(1, 4)},
    }
    assert measured.counts["leads_won"] == 3
    assert measured.counts["prospects_worked"] == 7


def test_member_measured_ratios_and_unknowns(history: AppContext) -> None:
    ratios = _measure(history, "alice").ratios
    assert ratios.deal_size == 37500  # (30 000 + 45 000) / 2
    assert ratios.opportunities_per_sale == 2  # A1..A4 for A1, A2
    # alice worked P1 but owns no converted prospect: unknown, not 0.
    assert ratios.prospects_per_opportunity is None
    # Only her segment's action ratios are measured; prospecting's configured call is
    # unknown for her.
    assert ratios.per_prospect == {"prospecting": {"call": None}, "sales": {"call": 1}}
    assert ratios.per_opportunity == {
        "sales": {"call": Fraction(7, 2), "meeting": Fraction(1, 2), "proposal": 1}
    }
    carol = _measure(history, "carol").ratios
    assert carol.deal_size is None  # owns no won lead
    assert carol.opportunities_per_sale is None
    assert carol.prospects_per_opportunity == 1  # worked P7, owns P7 converted
    assert carol.per_opportunity == {"sales": {"call": None, "meeting": None,
                                               "proposal": None}}


def test_errors(history: AppContext) -> None:
    with history.session() as session, pytest.raises(NotFoundError, match="'zed'"):
        measure_funnel(session, history, start=MARCH_FROM, end=MARCH_TO, member="zed")
    with history.session() as session, pytest.raises(DataError, match="before"):
        measure_funnel(session, history, start=MARCH_TO, end=MARCH_FROM)


def test_plan_from_the_team_measure(history: AppContext,
                                    run_cli: Callable[..., object]) -> None:
    out = run_cli("--config", str(history.config_path), "plan", "--revenue", "90000",
                  "--start", "2026-04-01", "--measured", "2026-03-01", "2026-03-31",
                  "--format", "json")
    assert out.exit_code == 0, out.output  # type: ignore[attr-defined]
    data = json.loads(out.stdout)  # type: ignore[attr-defined]
    # 90 000 / 29 000 → 4 sales; × 2 = 8 opportunities; × 7/3 = 18.67 → 19 prospects.
    assert (data["sales"], data["opportunities"], data["prospects"]) == (4, 8, 19)
    assert data["segments"] == {
        # 19 × 1/7 → 3 e-mails
        "marketing": {"prospects": 19, "email": 3},
        # 19 × 9/7 = 24.4 → 25 calls on prospects, + 8 × 1/4 = 2 on opportunities
        "prospecting": {"call": 27},
        # 19 × 1/7 → 3 + 8 × 9/4 = 18 calls; 8 × 1/2 = 4 meetings and 4 proposals
        "sales": {"call": 21, "meeting": 4, "proposal": 4},
    }
    assert data["fallbacks"] == []
    assert data["measured"]["ratios"]["deal_size"] == 29000
    assert data["measured"]["ratios"]["prospects_per_opportunity"] == 2.3333
    assert data["configured"]["deal_size"] == 30000


def test_plan_from_one_member_falls_back(history: AppContext,
                                         run_cli: Callable[..., object]) -> None:
    out = run_cli("--config", str(history.config_path), "plan", "--revenue", "90000",
                  "--start", "2026-04-01", "--measured", "2026-03-01", "2026-03-31",
                  "--member", "alice", "--format", "json")
    assert out.exit_code == 0, out.output  # type: ignore[attr-defined]
    data = json.loads(out.stdout)  # type: ignore[attr-defined]
    # 90 000 / 37 500 = 2.4 → 3 sales; × 2 = 6; × 20 (configured fallback) = 120.
    assert (data["sales"], data["opportunities"], data["prospects"]) == (3, 6, 120)
    assert data["fallbacks"] == ["prospects_per_opportunity", "per_prospect.prospecting.call"]
    assert data["measured"]["ratios"]["prospects_per_opportunity"] is None
    assert data["segments"] == {
        "marketing": {"prospects": 120},
        "prospecting": {"call": 360},  # configured 3 per prospect
        # 120 × 1 on prospects + 6 × 7/2 = 21 on opportunities; 6 × 1/2 = 3; 6 × 1 = 6
        "sales": {"call": 141, "meeting": 3, "proposal": 6},
    }
    table = run_cli("--config", str(history.config_path), "plan", "--revenue", "90000",
                    "--start", "2026-04-01", "--measured", "2026-03-01", "2026-03-31",
                    "--member", "alice")
    text = table.stdout  # type: ignore[attr-defined]
    assert "unknown" in text
    assert "prospects_per_opportunity: no data in that range, using the configured" in text
