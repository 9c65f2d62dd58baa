"""Pilot tests of the config switcher: open another config without restarting."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input, OptionList

from salesplan.tui.app import SalesplanApp
from salesplan.tui.screens.config_switcher import ConfigSwitcher, candidate_configs
from salesplan.tui.screens.dashboard import DashboardScreen
from salesplan.tui.screens.error import ErrorModal
from salesplan.tui.screens.pipeline import PipelineScreen
from tests.tui.conftest import settle


def test_candidates_beside_and_in_configs(tmp_path: Path) -> None:
    (tmp_path / "configs").mkdir()
    for name in ("b.toml", "a.toml", ".hidden.toml", "notes.txt", "configs/c.toml"):
        (tmp_path / name).write_text("", encoding="utf-8")
    assert candidate_configs(tmp_path / "a.toml") == [
        tmp_path / "a.toml", tmp_path / "b.toml", tmp_path / "configs" / "c.toml"
    ]


async def test_switch_to_renewal_and_back(tui: Callable[..., SalesplanApp], team: Path) -> None:
    app = tui()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        switcher = app.screen
        assert isinstance(switcher, ConfigSwitcher)
        listing = switcher.query_one(OptionList)
        assert [p.name for p in switcher.paths] == ["renewal.toml", "salesplan.toml"]
        assert listing.highlighted == 1  # the open one
        await pilot.press("up", "enter")
        await settle(pilot)
        assert app.ctx.config_path == team.parent / "renewal.toml"
        assert app.title == "salesplan · Acme renewals"
        assert app.sub_title == "renewal.toml"
        assert "prospecting" not in app.ctx.registry.reports
        screen = app.screen
        assert isinstance(screen, PipelineScreen)  # rebuilt from the new config
        await pilot.press("d")
        await settle(pilot)
        dashboard = app.screen
        assert isinstance(dashboard, DashboardScreen)
        assert dashboard.data is not None
        objectives = dashboard.panels["objectives"].rows
        assert objectives[-1][1].plain.startswith("📞 Call per week")  # its own objective

        await pilot.press("o")
        await settle(pilot)
        app.screen.query_one(Input).value = "salesplan.toml"
        app.screen.query_one(Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.ctx.config_path == team
        assert app.title == "salesplan · Acme"


async def test_bad_config_is_an_error_and_keeps_the_current_one(
    tui: Callable[..., SalesplanApp], team: Path,
) -> None:
    (team.parent / "broken.toml").write_text("[team]\nname = 3\n", encoding="utf-8")
    app = tui()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_config(team.parent / "broken.toml")
        await settle(pilot)
        assert isinstance(app.screen, ErrorModal)
        assert app.screen.error_title == "Cannot open config"
        assert "broken.toml" in app.screen.message and "team.name" in app.screen.message
        await pilot.press("escape")
        await settle(pilot)
        assert app.ctx.config_path == team
        assert isinstance(app.screen, DashboardScreen)
