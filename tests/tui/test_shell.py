"""Pilot tests of the app shell: title, navigation to every screen, the command palette,
plugin screens, error dialogs, quitting."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Static

from salesplan.core.errors import DataError
from salesplan.tui.app import SalesplanApp
from salesplan.tui.commands import SalesplanCommands
from salesplan.tui.screens.dashboard import DashboardScreen
from salesplan.tui.screens.error import ErrorModal
from salesplan.tui.screens.pipeline import PipelineScreen
from salesplan.tui.screens.planner import PlannerScreen
from salesplan.tui.screens.prospecting import ProspectingScreen
from salesplan.tui.screens.reports import ReportsScreen
from salesplan.tui.screens.settings import SettingsScreen
from tests.tui.conftest import settle
from tests.tui.plugins import HelloScreen, with_test_plugin
from tests.tui.snapshot_app import TODAY


async def test_title_and_every_screen_by_key(tui: Callable[..., SalesplanApp]) -> None:
    app = tui()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.title == "salesplan · Acme"
        assert app.sub_title == "salesplan.toml"
        assert app.today == TODAY
        assert isinstance(app.screen, DashboardScreen)
        for key, screen_class in [
            ("p", PipelineScreen), ("l", ProspectingScreen), ("r", ReportsScreen),
            ("n", PlannerScreen), ("s", SettingsScreen), ("d", DashboardScreen),
        ]:
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, screen_class), key
        # The navigation bar is clickable: "Pipeline" starts at column 15.
        assert await pilot.click("#navbar", offset=(17, 0))
        await settle(pilot)
        assert isinstance(app.screen, PipelineScreen)
        # A pushed lead file closes when jumping to another module.
        app.open_lead("L2")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        assert len(app.screen_stack) == 1


async def test_q_quits(tui: Callable[..., SalesplanApp]) -> None:
    app = tui()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    assert not app.is_running


async def test_q_in_a_dialog_does_not_quit(tui: Callable[..., SalesplanApp]) -> None:
    app = tui()
    async with app.run_test() as pilot:
        await settle(pilot)
        app.show_error(DataError("unknown lead 'X9'"), "Cannot open the lead")
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        assert app.is_running
        assert isinstance(app.screen, ErrorModal)
        assert app.screen.message == "unknown lead 'X9'"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_unknown_lead_shows_error_dialog(tui: Callable[..., SalesplanApp]) -> None:
    app = tui()
    async with app.run_test() as pilot:
        await settle(pilot)
        app.open_lead("L999")
        await settle(pilot)
        assert isinstance(app.screen, ErrorModal)
        assert app.screen.error_title == "Cannot open the lead"
        assert "L999" in app.screen.message


async def test_core_error_escaping_a_handler_is_a_dialog(
    tui: Callable[..., SalesplanApp],
) -> None:
    app = tui()
    async with app.run_test() as pilot:
        await settle(pilot)
        app.screen.action_move_day = lambda _delta: (_ for _ in ()).throw(  # type: ignore
            DataError("no such day")
        )
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.is_running
        assert isinstance(app.screen, ErrorModal)
        assert app.screen.message == "no such day"


async def test_command_palette_lists_screens_and_actions(
    tui: Callable[..., SalesplanApp],
) -> None:
    app = tui()
    async with app.run_test() as pilot:
        await settle(pilot)
        provider = SalesplanCommands(app.screen)
        hits = [hit async for hit in provider.discover()]
        texts = [hit.text for hit in hits]
        for title in ("Dashboard", "Pipeline", "Prospecting", "Reports", "Planner",
                      "Settings"):
            assert f"Open {title}" in texts
        assert "Switch config" in texts
        found = [hit async for hit in provider.search("pipe")]
        assert found and found[0].text == "Open Pipeline"
        found[0].command()
        await settle(pilot)
        assert isinstance(app.screen, PipelineScreen)


async def test_plugin_screen_and_failing_plugin_report(team: Path) -> None:
    app = SalesplanApp(with_test_plugin(team), today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        provider = SalesplanCommands(app.screen)
        assert "Open Hello" in [hit.text async for hit in provider.discover()]
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HelloScreen)
        assert "Acme" in str(app.screen.query_one("#hello", Static).render())
        await pilot.press("k")  # a plugin screen whose factory fails
        await settle(pilot)
        assert isinstance(app.screen, ErrorModal)
        assert app.screen.message == "plugin screen 'crash' failed to open: missing widget"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HelloScreen)
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        screen.query_one("#report-list").highlighted = list(
            app.ctx.registry.reports).index("broken")
        await settle(pilot)
        assert isinstance(app.screen, ErrorModal)
        assert app.screen.error_title == "Report Broken failed"
        assert app.screen.message == (
            "report 'broken' failed: RuntimeError: division by zero in the broken plugin"
        )
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen), [
            getattr(s, "message", s) for s in app.screen_stack]


@pytest.mark.parametrize("command", [[], ["tui"]])
def test_cli_opens_the_app_on_the_config(
    team: Path, run_cli: Callable[..., object], monkeypatch: pytest.MonkeyPatch,
    command: list[str],
) -> None:
    opened: list[SalesplanApp] = []
    monkeypatch.setattr(SalesplanApp, "run", lambda self: opened.append(self))
    result = run_cli("--config", str(team), *command)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert len(opened) == 1
    assert opened[0].ctx.config.team.name == "Acme"
    assert opened[0].ctx.config_path == team


def test_core_does_not_import_the_tui() -> None:
    import subprocess
    import sys

    code = (
        "import sys, salesplan.core.cli.main, salesplan.core.context, salesplan.core.services;"
        "import salesplan.core.cli.commands.tui;"
        "assert not any(m.startswith('salesplan.tui') for m in sys.modules), "
        "[m for m in sys.modules if m.startswith('salesplan.tui')]"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
