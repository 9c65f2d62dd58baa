"""Pilot tests of ``tui.prepare``: the other screens' modules are imported once the
dashboard has loaded, with public API only; screens still compose and load when shown, and
rebuild from a config switched meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import OptionList

from salesplan.tui.app import SalesplanApp
from salesplan.tui.screens.pipeline import PipelineScreen
from salesplan.tui.screens.reports import ReportsScreen
from salesplan.tui.shell import MAIN_SCREENS
from tests.tui.conftest import settle, until

AHEAD = [module for name, _t, _k, module, _c in MAIN_SCREENS if name != "dashboard"] + [
    "salesplan.tui.screens.lead_file"]


def card_keys(screen: PipelineScreen) -> list[list[str]]:
    return [[o.id for o in c.options.options if o.id] for c in screen.columns]


async def test_modules_are_imported_ahead_and_screens_load_when_shown(
    tui: Callable[..., SalesplanApp],
) -> None:
    app = tui()
    async with app.run_test(size=(120, 40)) as pilot:
        preparer = app.preparer
        assert preparer is not None
        await until(pilot, lambda: preparer.prepared == AHEAD, "every module imported ahead")
        assert app.current_mode == "dashboard"
        await pilot.press("p")
        pipeline = app.screen
        assert isinstance(pipeline, PipelineScreen)
        await until(pilot, lambda: any(card_keys(pipeline)), "the board loaded when shown")
        assert card_keys(pipeline) == [["L5", "L1"], ["L4"], ["L2"], []]
        assert pipeline.focused_column is pipeline.columns[0]


async def test_a_screen_follows_a_config_switch(
    tui: Callable[..., SalesplanApp], team: Path
) -> None:
    app = tui()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        reports = app.screen
        assert isinstance(reports, ReportsScreen)
        listing = reports.query_one("#report-list", OptionList)
        assert "prospecting" in [o.id for o in listing.options]
        await pilot.press("d")
        await settle(pilot)
        app.open_config(team.parent / "renewal.toml")
        await until(pilot, lambda: app.ctx.config_path.name == "renewal.toml", "the switch")
        await pilot.press("r")
        await settle(pilot)
        assert app.screen is reports
        # Rebuilt from the renewal config when shown again: its reports only.
        listing = reports.query_one("#report-list", OptionList)
        assert [o.id for o in listing.options] == ["activity", "performance", "objectives"]
