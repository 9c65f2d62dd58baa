"""Pilot tests of the app shell: title, navigation to every screen, the command palette,
plugin screens, error dialogs, quitting."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from salesplan.core.errors import DataError
from salesplan.plugins.planner.screen import PlannerScreen
from salesplan.tui.app import SalesplanApp
from salesplan.tui.commands import LeadSearch, SalesplanCommands
from salesplan.tui.screens.dashboard import DashboardScreen
from salesplan.tui.screens.error import ErrorModal
from salesplan.tui.screens.lead_file import LeadFileScreen
from salesplan.tui.screens.pipeline import PipelineScreen
from salesplan.tui.screens.prospecting import ProspectingScreen
from salesplan.tui.screens.reports import ReportsScreen
from salesplan.tui.screens.settings import SettingsScreen
from tests.tui.conftest import settle, until
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


async def test_command_palette_goes_to_a_lead_found_by_any_word(
    tui: Callable[..., SalesplanApp],
) -> None:
    app = tui()
    async with app.run_test() as pilot:
        await settle(pilot)
        provider = LeadSearch(app.screen)
        assert [hit async for hit in provider.search("b")] == []  # one letter: nothing yet
        found = [hit async for hit in provider.search("breizh")]
        assert [hit.text for hit in found] == ["Go to lead L2 — Breizh Cycles fleet"]
        assert [hit.text async for hit in provider.search("l000002")] == [found[0].text]
        assert [hit async for hit in provider.search("@@")] == []
        found[0].command()
        await settle(pilot)
        assert isinstance(app.screen, LeadFileScreen) and app.screen.key == "L2"


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
        # The first report's run is over before the broken one starts.
        await until(pilot, lambda: screen.result is not None, "the objectives report")
        screen.query_one("#report-list").highlighted = list(
            app.ctx.registry.reports).index("broken")
        await until(pilot, lambda: isinstance(app.screen, ErrorModal), "the error dialog")
        assert app.screen.error_title == "Report Broken failed"
        assert app.screen.message == (
            "report 'broken' (plugin 'tui_test') failed: RuntimeError: division by zero in the "
            "broken plugin"
        )
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, ErrorModal), "no dialog left")
        assert app.screen_stack == [screen]
        # A result the table cannot draw (a percent that is not a number): a dialog too.
        screen.query_one("#report-list").highlighted = list(
            app.ctx.registry.reports).index("garbled")
        await until(pilot, lambda: isinstance(app.screen, ErrorModal), "the second dialog")
        assert app.screen.error_title == "Report Garbled failed"
        assert app.screen.message == ("report 'garbled' returned a result that cannot be "
                                      "shown: ValueError: could not convert string to float: "
                                      "'n/a'")


async def test_superseded_and_stale_runs_show_nothing(
    tui: Callable[..., SalesplanApp],
) -> None:
    """Two runs of the same group: the first is superseded, so its error is dropped even
    though its thread still finishes (one dialog, the second run's). A read under way when
    the config reloads is dropped too."""
    app = tui()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        release = threading.Event()
        threads: list[threading.Thread] = []

        def failing(number: int) -> Callable[[], None]:
            def fetch() -> None:
                threads.append(threading.current_thread())
                release.wait(10)
                raise DataError(f"run {number} failed")
            return fetch

        # Counts the hand-overs to the UI thread that are over (shown or dropped).
        handed: list[object] = []
        call_from_thread = app.call_from_thread

        def counting(callback: Callable[..., object], *args: object) -> object:
            try:
                return call_from_thread(callback, *args)
            finally:
                handed.append(args)

        app.call_from_thread = counting  # type: ignore[method-assign]

        async def reach(items: list[object], count: int, what: str) -> None:
            for _ in range(1000):
                if len(items) == count:
                    return
                await asyncio.sleep(0.01)
            raise AssertionError(f"timed out waiting for {what}")

        shown: list[object] = []
        first = screen.in_thread(failing(1), shown.append, group="test")  # type: ignore[attr-defined]
        await reach(threads, 1, "run 1 to start")
        second = screen.in_thread(failing(2), shown.append, group="test")  # type: ignore[attr-defined]
        await reach(threads, 2, "run 2 to start")
        assert first.is_cancelled and not second.is_cancelled
        release.set()
        await reach(handed, 2, "both runs to hand over their error")
        await settle(pilot)
        assert shown == []
        assert [getattr(s, "message", None) for s in app.screen_stack[1:]] == [
            "run 2 failed"
        ]
        await pilot.press("escape")
        await settle(pilot)

        # A config reload drops the reads under way: their result would land in widgets
        # being replaced; the rebuilt screen loads again.
        release.clear()

        def blocking() -> bool:
            threads.append(threading.current_thread())
            return release.wait(10)

        loading = screen.in_thread(blocking, shown.append)  # type: ignore[attr-defined]
        await reach(threads, 3, "the read to start")
        app.reload_config()
        assert loading.is_cancelled
        release.set()
        await reach(handed, 3, "the read to hand over its result")
        await settle(pilot)
        assert shown == []
        assert app.screen_stack == [screen]
        assert isinstance(screen, DashboardScreen)
        await until(pilot, lambda: screen.query_one("#panel-objectives", DataTable).row_count > 0,
                    "the rebuilt dashboard to load")


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


def test_database_failure_message_is_the_driver_line() -> None:
    from sqlalchemy.exc import OperationalError

    from salesplan.tui.screens.base import database_message

    error = OperationalError("SELECT 1", {}, Exception("database is locked\nDETAIL: more"))
    assert database_message(error) == "database error: database is locked"
