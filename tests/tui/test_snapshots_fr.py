"""Snapshot tests of the dashboard, the reports screen and the planner in French, on the same
fixed team and day as ``test_snapshots``. Update with
``pytest tests/tui/test_snapshots_fr.py --snapshot-update``."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import OptionList

from salesplan.core.context import load_app
from salesplan.tui.app import SalesplanApp
from tests.tui.snapshot_app import TODAY, clean_env
from tests.tui.test_snapshots import SIZE, Compare, keys


def french_app(config: Path) -> SalesplanApp:
    return SalesplanApp(load_app(config, env=clean_env()), today=TODAY, language="fr")


def test_dashboard_fr(snap_compare: Compare, team: Path) -> None:
    assert snap_compare(french_app(team), terminal_size=SIZE, run_before=keys())


def test_reports_fr(snap_compare: Compare, team: Path) -> None:
    async def run(pilot: Pilot[None]) -> None:
        await keys("r")(pilot)
        names = list(pilot.app.ctx.registry.reports)  # type: ignore[attr-defined]
        pilot.app.screen.query_one("#report-list", OptionList).highlighted = names.index(
            "company")
        await keys()(pilot)

    assert snap_compare(french_app(team), terminal_size=(130, 44), run_before=run)


def test_planner_fr(snap_compare: Compare, team: Path) -> None:
    assert snap_compare(french_app(team), terminal_size=(120, 40), run_before=keys("n"))
