"""The terminal UI learns the roles (SPEC §11): a rep sees their own leads and no screen or key
they may not use; a manager gets the team, the planner and coaching but not the settings; the
local admin everything. What a role may not use is hidden (not in the navigation bar, its key
does nothing), not merely refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesplan.core.access import Actor
from salesplan.core.context import load_app
from salesplan.plugins.planner.screen import PlannerScreen
from salesplan.tui.app import SalesplanApp
from salesplan.tui.screens.dashboard import DashboardScreen
from salesplan.tui.screens.pipeline import PipelineScreen
from salesplan.tui.widgets.navbar import NavBar
from tests.tui.conftest import open_screen, settle
from tests.tui.snapshot_app import TODAY, clean_env
from tests.tui.test_pipeline import card_keys


def _app(team: Path, actor: Actor) -> SalesplanApp:
    return SalesplanApp(load_app(team, env=clean_env()), today=TODAY, actor=actor)


def _navbar(app: SalesplanApp) -> str:
    return app.screen.query_one(NavBar).markup()


async def test_a_rep_sees_their_own_board_and_no_manager_screen(team: Path) -> None:
    app = _app(team, Actor("alice", "rep"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        bar = _navbar(app)
        assert "Pipeline" in bar and "Dashboard" in bar
        assert "Settings" not in bar and "Planner" not in bar
        for key in ("s", "n"):  # the settings' and the planner's keys do nothing
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, DashboardScreen), key
        screen = await open_screen(pilot, "p", PipelineScreen)
        # Dave's Café Central (L5) is not on Alice's board; her own leads are.
        assert [card_keys(c) for c in screen.columns] == [["L1"], ["L4"], ["L2"], []]


@pytest.mark.parametrize(("actor", "settings"), [
    (Actor("dave", "manager"), False),
    (Actor(None, "admin"), True),
])
async def test_a_manager_gets_the_team_and_the_planner_an_admin_the_settings(
    team: Path, actor: Actor, settings: bool
) -> None:
    app = _app(team, actor)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        bar = _navbar(app)
        assert "Planner" in bar
        assert ("Settings" in bar) is settings
        screen = await open_screen(pilot, "p", PipelineScreen)
        assert [card_keys(c) for c in screen.columns] == [["L5", "L1"], ["L4"], ["L2"], []]
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, PlannerScreen)
