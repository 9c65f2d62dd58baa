"""Reverse funnel (SPEC §7): the article's example, per-stage rounding up, exact arithmetic."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesplan.core.calendar import period_containing
from salesplan.core.context import AppContext, load_app
from salesplan.plugins.planner.funnel import (
    FunnelRatios,
    build_plan,
    choose_ratios,
    configured_ratios,
    exact,
)
from salesplan.plugins.planner.settings import funnel_settings
from tests.conftest import base_config_text

MARCH = period_containing("month", date(2026, 3, 10))  # 22 working days


@pytest.fixture
def app_config(config_path: Path) -> AppContext:
    """The standard team, loaded without a database."""
    return load_app(config_path)


def _funnel_config(funnel: str) -> str:
    """The base team with its [funnel] section replaced (objectives follow it)."""
    text = base_config_text()
    start = text.index("[funnel]")
    end = text.index("[[objectives]]")
    return text[:start] + funnel + "\n" + text[end:]


def test_article_example_json(run_cli: Callable[..., object], config_path: Path) -> None:
    out = run_cli("--config", str(config_path), "plan", "--revenue", "90000", "--start",
                  "2026-03-10", "--format", "json")
    assert out.exit_code == 0, out.output  # type: ignore[attr-defined]
    data = json.loads(out.stdout)  # type: ignore[attr-defined]
    assert list(data)[:6] == ["revenue", "sales", "opportunities", "prospects", "segments",
                              "members"]
    assert (data["revenue"], data["sales"], data["opportunities"], data["prospects"]) == (
        90000, 3, 12, 240)
    assert data["segments"] == {
        "marketing": {"prospects": 240},
        "prospecting": {"call": 720},
        "sales": {"call": 96, "meeting": 12, "proposal": 24},
    }
    # alice and dave share the sales segment; bob and carol are alone in theirs.
    assert data["members"] == {
        "carol": {"prospects": 240},
        "bob": {"call": 720},
        "alice": {"call": 48, "meeting": 6, "proposal": 12},
        "dave": {"call": 48, "meeting": 6, "proposal": 12},
    }
    assert data["period"] == {"kind": "month", "label": "2026-03", "start": "2026-03-01",
                              "end": "2026-03-31", "working_days": 22, "weeks": 5}
    # Per working day, rounded up: 240/22 → 11, 720/22 → 33, 48/22 → 3, 6/22 → 1, 12/22 → 1.
    assert data["per_day"] == {
        "carol": {"prospects": 11},
        "bob": {"call": 33},
        "alice": {"call": 3, "meeting": 1, "proposal": 1},
        "dave": {"call": 3, "meeting": 1, "proposal": 1},
    }
    # At the natural cadence (SPEC §7): a day when at least one a working day (22), else a
    # week when at least one a week (March has 5 weeks with working days), else the month.
    # 6 meetings a month are 2 a week (6 / 5 rounded up), never 1 a day (22 a month).
    assert data["cadence"] == {
        "carol": {"prospects": {"per": "day", "target": 11}},
        "bob": {"call": {"per": "day", "target": 33}},
        "alice": {"call": {"per": "day", "target": 3}, "meeting": {"per": "week", "target": 2},
                  "proposal": {"per": "week", "target": 3}},
        "dave": {"call": {"per": "day", "target": 3}, "meeting": {"per": "week", "target": 2},
                 "proposal": {"per": "week", "target": 3}},
    }
    assert data["fallbacks"] == []
    assert "measured" not in data


def test_article_example_table_explains_each_line(run_cli: Callable[..., object],
                                                  config_path: Path) -> None:
    out = run_cli("--config", str(config_path), "plan", "--revenue", "90000", "--start",
                  "2026-03-10")
    assert out.exit_code == 0, out.output  # type: ignore[attr-defined]
    text = out.stdout  # type: ignore[attr-defined]
    for line in (
        "90,000 revenue ÷ 30,000 deal size = 3 sales",
        "3 sales × 4 opportunities = 12 opportunities",
        "12 opportunities × 20 prospects = 240 prospects (marketing)",
        "240 prospects × 3 calls = 720 calls (prospecting)",
        "12 opportunities × 8 calls = 96 calls (sales)",
        "12 opportunities × 1 meeting = 12 meetings (sales)",
        "12 opportunities × 2 proposals = 24 proposals (sales)",
    ):
        assert line in text


def test_week_period_and_csv(run_cli: Callable[..., object], config_path: Path) -> None:
    out = run_cli("--config", str(config_path), "plan", "--revenue", "90000", "--period",
                  "week", "--start", "2026-03-29", "--format", "csv")
    assert out.exit_code == 0, out.output  # type: ignore[attr-defined]
    lines = out.stdout.splitlines()  # type: ignore[attr-defined]
    assert lines[0] == ("member,segment,metric,segment_total,period,count,per_day,cadence,"
                        "cadence_target")
    # Week 2026-W13 (23..29 March): 5 working days; 720 / 5 = 144; 48 / 5 → 10.
    assert "bob,prospecting,call,720,2026-W13,720,144,day,144" in lines
    assert "alice,sales,call,96,2026-W13,48,10,day,10" in lines


def test_cli_errors(run_cli: Callable[..., object], config_path: Path) -> None:
    bad = run_cli("--config", str(config_path), "plan", "--revenue", "lots")
    assert bad.exit_code == 2  # type: ignore[attr-defined]
    assert bad.stderr == "Error: --revenue: not a number: 'lots'\n"  # type: ignore[attr-defined]
    day = run_cli("--config", str(config_path), "plan", "--revenue", "1", "--measured",
                  "2026-01-01", "soon")
    assert day.exit_code == 2  # type: ignore[attr-defined]
    assert day.stderr == (  # type: ignore[attr-defined]
        "Error: --measured: not a date: 'soon' (use YYYY-MM-DD)\n"
    )
    lonely = run_cli("--config", str(config_path), "plan", "--revenue", "1", "--member",
                     "alice")
    assert lonely.exit_code == 2  # type: ignore[attr-defined]
    assert "--member needs --measured" in lonely.stderr  # type: ignore[attr-defined]
    zero = run_cli("--config", str(config_path), "plan", "--revenue", "0")
    assert zero.exit_code == 2  # type: ignore[attr-defined]


def test_no_funnel_is_a_config_error(run_cli: Callable[..., object],
                                     write_config: Callable[..., Path]) -> None:
    path = write_config(_funnel_config(""))
    out = run_cli("--config", str(path), "plan", "--revenue", "1000")
    assert out.exit_code == 2  # type: ignore[attr-defined]
    assert "no [funnel] section" in out.stderr  # type: ignore[attr-defined]


def test_rounding_up_at_every_stage(write_config: Callable[..., Path]) -> None:
    # 100 000 / 30 000 = 3.33 → 4 sales; × 2.5 = 10 opportunities; × 1.15 = 11.5 → 12
    # prospects (a single rounding of 100000/30000 × 2.5 × 1.15 = 9.58 would give 10);
    # × 2.5 calls = 30; opportunities × 0.25 meetings = 2.5 → 3.
    app = load_app(write_config(_funnel_config("""[funnel]
prospects_by = "marketing"
deal_size = 30000
opportunities_per_sale = 2.5
prospects_per_opportunity = 1.15
[funnel.per_prospect]
segment = "prospecting"
call = 2.5
[funnel.per_opportunity]
segment = "sales"
meeting = 0.25
proposal = 0.7
""")))
    ratios = configured_ratios(funnel_settings(app))
    plan = build_plan(app.config, Fraction(100000), ratios, MARCH)
    assert (plan.sales, plan.opportunities, plan.prospects) == (4, 10, 12)
    # 10 × 0.7 is 7.000000000000001 in floats; exact arithmetic keeps it 7.
    assert plan.segments == {
        "marketing": {"prospects": 12},
        "prospecting": {"call": 30},
        "sales": {"meeting": 3, "proposal": 7},
    }
    # Split over alice and dave, each rounded up: 3/2 → 2, 7/2 → 4.
    assert plan.members["alice"] == {"meeting": 2, "proposal": 4}
    assert plan.members["dave"] == {"meeting": 2, "proposal": 4}
    assert plan.per_day["bob"] == {"call": 2}  # 30 / 22 → 2


def test_float_noise_never_rounds_up(write_config: Callable[..., Path]) -> None:
    # 25 opportunities × 0.28 = 7.000000000000001 and × 2.2 = 55.00000000000001 in floats:
    # they must stay 7 and 55.
    app = load_app(write_config(_funnel_config("""[funnel]
deal_size = 10000
opportunities_per_sale = 1
prospects_per_opportunity = 0.28
[funnel.per_opportunity]
segment = "sales"
meeting = 2.2
""")))
    assert math.ceil(25 * 0.28) == 8  # the trap
    plan = build_plan(app.config, Fraction(250000), configured_ratios(funnel_settings(app)), MARCH)
    assert (plan.sales, plan.opportunities, plan.prospects) == (25, 25, 7)
    assert plan.segments == {"sales": {"meeting": 55}}
    assert plan.notes == []


def test_segment_without_members_is_noted(write_config: Callable[..., Path]) -> None:
    text = _funnel_config("""[funnel]
prospects_by = "events"
deal_size = 1000
opportunities_per_sale = 2
prospects_per_opportunity = 3
""").replace('[[segments]]\nid = "sales"', '[[segments]]\nid = "sales"\n[[segments]]\n'
             'id = "events"')
    app = load_app(write_config(text))
    plan = build_plan(app.config, Fraction(1500), configured_ratios(funnel_settings(app)), MARCH)
    assert plan.segments == {"events": {"prospects": 12}}
    assert plan.members == {}
    assert plan.notes == ["segment 'events' has no members: its counts are not split"]


def test_exact_parses_config_and_cli_numbers() -> None:
    assert exact(0.1) == Fraction(1, 10)
    assert exact("90_000") == 90000
    assert exact("12.5") == Fraction(25, 2)
    assert exact(7) == 7


def test_choose_ratios_falls_back_on_unknown(app_config: AppContext) -> None:
    configured = configured_ratios(funnel_settings(app_config))
    measured = FunnelRatios(deal_size=Fraction(25000), opportunities_per_sale=None,
                            prospects_per_opportunity=Fraction(10),
                            per_prospect={"prospecting": {"call": None}},
                            per_opportunity={"sales": {"call": Fraction(5)}})
    used, choices = choose_ratios(configured, measured)
    assert (used.deal_size, used.opportunities_per_sale, used.prospects_per_opportunity) == (
        25000, 4, 10)
    assert used.per_prospect == {"prospecting": {"call": 3}}
    assert used.per_opportunity == {"sales": {"call": 5, "meeting": 1, "proposal": 2}}
    sources = {c.key: c.source for c in choices}
    assert sources["opportunities_per_sale"] == "configured (measured unknown)"
    assert sources["per_prospect.prospecting.call"] == "configured (measured unknown)"
    assert sources["deal_size"] == "measured"
    assert sources["per_opportunity.sales.meeting"] == "configured (measured unknown)"


@given(
    revenue=st.integers(min_value=1, max_value=10**8),
    deal=st.decimals(min_value="0.01", max_value="100000", places=2),
    ops=st.decimals(min_value="0.01", max_value="50", places=2),
    ppo=st.decimals(min_value="0.01", max_value="50", places=2),
)
def test_each_stage_is_the_ceiling_of_the_previous(revenue: int, deal: object, ops: object,
                                                   ppo: object) -> None:
    ratios = FunnelRatios(deal_size=Fraction(str(deal)), opportunities_per_sale=Fraction(
        str(ops)), prospects_per_opportunity=Fraction(str(ppo)))
    from salesplan.core.config.models import Member, Segment, TeamConfig, TeamSettings

    config = TeamConfig(team=TeamSettings(name="t"), segments=[Segment(id="m")],
                        members=[Member(id="x", name="x", segment="m")])
    plan = build_plan(config, Fraction(revenue), ratios, MARCH, prospects_by="m")
    assert plan.sales == math.ceil(Fraction(revenue) / Fraction(str(deal)))
    assert plan.opportunities == math.ceil(plan.sales * Fraction(str(ops)))
    assert plan.prospects == math.ceil(plan.opportunities * Fraction(str(ppo)))
    assert plan.members["x"]["prospects"] == plan.prospects
    assert plan.per_day["x"]["prospects"] * 22 >= plan.prospects


def test_holidays_are_not_working_days(run_cli: Callable[..., object],
                                       write_config: Callable[..., Path]) -> None:
    """Two holidays in March 2026 (a Monday and a Tuesday): 20 working days, not 22."""
    from tests.conftest import base_config_text

    text = base_config_text().replace(
        'timezone = "Europe/Paris"',
        'timezone = "Europe/Paris"\nholidays = [2026-03-16, 2026-03-17]')
    path = write_config(text)
    out = run_cli("--config", str(path), "plan", "--revenue", "90000", "--start", "2026-03-10",
                  "--format", "json")
    assert out.exit_code == 0, out.output  # type: ignore[attr-defined]
    data = json.loads(out.stdout)  # type: ignore[attr-defined]
    assert data["period"]["working_days"] == 20
    assert data["cadence"]["bob"]["call"] == {"per": "day", "target": 36}  # 720 / 20
    assert data["per_day"]["alice"]["call"] == 3  # 48 / 20 → 2.4, rounded up


def test_a_small_share_stays_at_the_period_cadence() -> None:
    """3 a month with 5 weeks in it is less than one a week: 3 a month, never 1 a day."""
    from salesplan.plugins.planner.funnel import Cadence, natural_cadence

    assert natural_cadence(3, 22, 5, "month") == Cadence("month", 3)
    assert natural_cadence(5, 22, 5, "month") == Cadence("week", 1)
    assert natural_cadence(22, 22, 5, "month") == Cadence("day", 1)
    assert natural_cadence(23, 22, 5, "month") == Cadence("day", 2)
    assert natural_cadence(0, 0, 0, "month") == Cadence("month", 0)
