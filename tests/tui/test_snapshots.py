"""Snapshot tests of every screen on the fixed team and day (SQLite only), so the look is
reviewed in diffs. Update with ``pytest tests/tui/test_snapshots.py --snapshot-update``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import OptionList, Select

from salesplan.core.errors import PluginError
from salesplan.tui.app import SalesplanApp
from tests.tui.conftest import settle
from tests.tui.snapshot_app import make_app

SIZE = (120, 36)
Compare = Callable[..., bool]


def keys(*pressed: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Wait for the data, press keys one at a time (waiting after each), wait again."""

    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)

    return run


def test_dashboard(snap_compare: Compare, team: Path) -> None:
    assert snap_compare(make_app(team), terminal_size=SIZE, run_before=keys())


def test_pipeline(snap_compare: Compare, team: Path) -> None:
    assert snap_compare(make_app(team), terminal_size=SIZE, run_before=keys("p", "right"))


def test_lead_file(snap_compare: Compare, team: Path) -> None:
    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        pilot.app.open_lead("L4")  # type: ignore[attr-defined]
        await settle(pilot)

    assert snap_compare(make_app(team), terminal_size=SIZE, run_before=run)


def test_log_action_with_script(snap_compare: Compare, team: Path) -> None:
    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        pilot.app.open_lead("L5")  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        pilot.app.screen.query_one("#action-type", Select).value = "discovery_call"
        await settle(pilot)

    assert snap_compare(make_app(team), terminal_size=(120, 44), run_before=run)


def test_prospecting(snap_compare: Compare, team: Path) -> None:
    assert snap_compare(make_app(team), terminal_size=SIZE, run_before=keys("l"))


def test_reports_with_chart(snap_compare: Compare, team: Path) -> None:
    async def run(pilot: Pilot[None]) -> None:
        await keys("r")(pilot)
        names = list(pilot.app.ctx.registry.reports)  # type: ignore[attr-defined]
        pilot.app.screen.query_one("#report-list", OptionList).highlighted = names.index(
            "company")
        await settle(pilot)

    assert snap_compare(make_app(team), terminal_size=(130, 44), run_before=run)


def test_planner(snap_compare: Compare, team: Path) -> None:
    assert snap_compare(make_app(team), terminal_size=(120, 40), run_before=keys("n"))


def test_settings(snap_compare: Compare, team: Path) -> None:
    assert snap_compare(make_app(team), terminal_size=SIZE, run_before=keys("s"))


def test_config_switcher(snap_compare: Compare, team: Path) -> None:
    assert snap_compare(make_app(team), terminal_size=SIZE, run_before=keys("o"))


def test_error_dialog(snap_compare: Compare, team: Path) -> None:
    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        app: SalesplanApp = pilot.app  # type: ignore[assignment]
        app.show_error(PluginError("report 'broken' failed: RuntimeError: division by zero"),
                       "Report Broken failed")
        await settle(pilot)

    assert snap_compare(make_app(team), terminal_size=SIZE, run_before=run)
