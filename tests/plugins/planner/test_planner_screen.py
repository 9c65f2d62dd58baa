"""Pilot tests of the planner: live recompute, measured ratios, apply as objectives."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import DataTable, Input, Select

from salesplan.plugins.objectives.config import configured_objectives
from salesplan.plugins.planner.screen import PlannerScreen
from salesplan.plugins.planner.write import PLAN_PREFIX
from salesplan.tui.app import SalesplanApp
from salesplan.tui.screens.confirm import ConfirmModal
from tests.tui.conftest import open_screen, settle


async def test_plan_recomputes_live_and_applies(tui: Callable[..., SalesplanApp]) -> None:
    app = tui()
    async with app.run_test(size=(130, 44)) as pilot:
        screen = await open_screen(pilot, "n", PlannerScreen)
        plan = screen.plan
        assert plan is not None
        # SPEC §7's example: 90 000 ÷ 30 000 = 3 sales, 12 opportunities, 240 prospects.
        assert (plan.sales, plan.opportunities, plan.prospects) == (3, 12, 240)
        assert plan.segments == {"marketing": {"prospects": 240}, "prospecting": {"call": 720},
                                 "sales": {"call": 96, "meeting": 12, "proposal": 24}}
        screen.query_one("#plan-revenue", Input).value = "120000"
        await settle(pilot)
        plan = screen.plan
        assert plan is not None
        assert (plan.sales, plan.opportunities, plan.prospects) == (4, 16, 320)
        screen.query_one("#ratio-deal_size", Input).value = "40000"
        await settle(pilot)
        assert screen.plan is not None and screen.plan.sales == 3
        # March 2026 has 22 working days: bob's 720 calls → 33 a day.
        table = screen.query_one("#plan-members", DataTable)
        rows = [[str(getattr(c, "plain", c)) for c in table.get_row_at(i)]
                for i in range(table.row_count)]
        assert ["Bob Durand", "prospecting", "📞 Call", "720", "33 a day"] in rows

        screen.query_one("#ratio-deal_size", Input).value = "0"
        await settle(pilot)
        assert screen.plan is None
        assert "deal_size" in str(screen.query_one("#plan-summary").render())
        await pilot.press("ctrl+r")  # back to the configured ratios
        await settle(pilot)
        assert screen.query_one("#ratio-deal_size", Input).value == "30000"
        assert screen.plan is not None and screen.plan.sales == 4

        screen.query_one("#plan-members", DataTable).focus()
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, PlannerScreen)
        text = app.ctx.config_path.read_text(encoding="utf-8")
        assert "# The test suite's standard team" in text  # comments kept
        assert 'id = "plan-bob-call"' in text
        planned = {o.id: o for o in configured_objectives(app.ctx) if (o.id or "").startswith(
            PLAN_PREFIX)}
        # The config was reloaded: the new objectives are live.
        assert planned["plan-team-revenue"].target == 120000
        # 960 calls in March's 22 working days: 44 a day, at its natural cadence.
        assert planned["plan-bob-call"].target == 44
        assert planned["plan-bob-call"].per == "day"
        assert app.generation == 1
        # Applying again replaces the planner's objectives: no duplicates on the dashboard.
        count = len(configured_objectives(app.ctx))
        screen = app.screen
        assert isinstance(screen, PlannerScreen)
        screen.query_one("#plan-members", DataTable).focus()
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.generation == 2
        assert len(configured_objectives(app.ctx)) == count


async def test_measured_ratios(tui: Callable[..., SalesplanApp]) -> None:
    app = tui()
    async with app.run_test(size=(130, 44)) as pilot:
        screen = await open_screen(pilot, "n", PlannerScreen)
        screen.query_one("#measure-from", Input).value = "2026-03-01"
        screen.query_one("#plan-source", Select).value = "measured"
        await settle(pilot)
        assert screen.query_one("#measure-box").display
        assert screen.sources  # every ratio says where it comes from
        assert set(screen.sources.values()) <= {"measured", "configured (measured unknown)"}
        # One lead won (the hotel, 9 500) in March: the measured deal size.
        assert screen.sources["deal_size"] == "measured"
        assert screen.query_one("#ratio-deal_size", Input).value == "9500"
        assert screen.plan is not None and screen.plan.sales == 10  # ⌈90 000 / 9 500⌉
