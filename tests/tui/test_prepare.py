"""Pilot tests of the screens composed ahead (``tui.prepare``): built off screen once the
dashboard has loaded, without their data; loaded (or rebuilt from a new config) when shown."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import OptionList

from salesplan.tui.app import MAIN_SCREENS, SalesplanApp
from salesplan.tui.screens.pipeline import PipelineScreen
from salesplan.tui.screens.reports import ReportsScreen
from tests.tui.conftest import settle, until

AHEAD = [name for name, *_ in MAIN_SCREENS if name != "dashboard"]


def card_keys(screen: PipelineScreen) -> list[list[str]]:
    return [[o.id for o in c.options.options if o.id] for c in screen.columns]


async def test_screens_are_composed_ahead_and_load_when_shown(
    tui: Callable[..., SalesplanApp],
) -> None:
    app = tui()
    async with app.run_test(size=(120, 40)) as pilot:
        preparer = app.preparer
        assert preparer is not None
        await until(pilot, lambda: preparer.prepared == AHEAD, "every screen composed ahead")
        assert app.current_mode == "dashboard"
        pipeline = app.get_screen_stack("pipeline")[0]
        assert isinstance(pipeline, PipelineScreen)
        assert not pipeline.is_current
        # Composed and laid out, but nothing loaded yet.
        assert [c.step for c in pipeline.columns] == [
            "Incoming", "Qualified", "Proposal", "Negotiation"
        ]
        assert pipeline.columns[0].region.width > 0
        assert card_keys(pipeline) == [[], [], [], []]

        await pilot.press("p")
        await until(pilot, lambda: any(card_keys(pipeline)), "the board loaded when shown")
        assert app.screen is pipeline  # the screen composed ahead, not a new one
        assert card_keys(pipeline) == [["L5", "L1"], ["L4"], ["L2"], []]
        assert pipeline.focused_column is pipeline.columns[0]


async def test_screen_composed_ahead_follows_a_config_switch(
    tui: Callable[..., SalesplanApp], team: Path
) -> None:
    app = tui()
    async with app.run_test(size=(120, 40)) as pilot:
        preparer = app.preparer
        assert preparer is not None
        await until(pilot, lambda: preparer.prepared == AHEAD, "every screen composed ahead")
        reports = app.get_screen_stack("reports")[0]
        assert isinstance(reports, ReportsScreen)
        listing = reports.query_one("#report-list", OptionList)
        assert "prospecting" in [o.id for o in listing.options]

        app.open_config(team.parent / "renewal.toml")
        await until(pilot, lambda: app.ctx.config_path.name == "renewal.toml", "the switch")
        await pilot.press("r")
        await settle(pilot)
        assert app.screen is reports
        # Rebuilt from the renewal config when first shown: its reports only.
        listing = reports.query_one("#report-list", OptionList)
        assert [o.id for o in listing.options] == ["activity", "performance", "objectives"]


async def test_screen_opened_before_its_turn_is_built_on_demand(
    tui: Callable[..., SalesplanApp],
) -> None:
    app = tui()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")  # before the preparer reached the settings screen
        await settle(pilot)
        settings = app.screen
        preparer = app.preparer
        assert preparer is not None
        await until(pilot, lambda: not preparer.pending, "the rest composed ahead")
        assert "settings" not in preparer.prepared
        assert app.get_screen_stack("settings") == [settings]
        assert app.screen is settings
