"""The coaching screen: pilot test of its grid and chart, and a snapshot (SQLite only).
Update the snapshot with ``pytest tests/plugins/coaching --snapshot-update``."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from salesplan.core import services
from salesplan.core.context import load_app
from salesplan.plugins.coaching.screen import CoachingScreen
from salesplan.tui.app import SalesplanApp
from tests.pluginkit import config_text
from tests.tui.conftest import settle

TODAY = date(2026, 3, 18)


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "SALESPLAN_DATABASE_URL"}


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The cohort of test_coaching.py on a SQLite base, the config in the working folder."""
    config = tmp_path / "salesplan.toml"
    config.write_text(config_text("coaching"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    app = load_app(config, env=_env())
    try:
        with app.write_session() as s:
            def at(day: int) -> datetime:
                return datetime(2026, 3, day, 10, 0)

            a1 = services.create_lead(s, app, title="A1", pipeline="acquisition",
                                      owner="alice", at=at(2))
            services.move_lead(s, app, lead=a1, step="Qualified", at=at(4))
            services.move_lead(s, app, lead=a1, step="Proposal", at=at(9))
            services.set_status(s, app, lead=a1, status="won", at=at(12))
            a2 = services.create_lead(s, app, title="A2", pipeline="acquisition",
                                      owner="alice", at=at(2))
            services.move_lead(s, app, lead=a2, step="Qualified", at=at(3))
            services.set_status(s, app, lead=a2, status="lost", at=at(10))
            for day in (3, 4):
                b = services.create_lead(s, app, title=f"B{day}", pipeline="acquisition",
                                         owner="bob", at=at(day))
                services.set_status(s, app, lead=b, status="lost", at=at(day + 2))
            s.commit()
    finally:
        app.dispose()
    return config


def make_app(config: Path) -> SalesplanApp:
    return SalesplanApp(load_app(config, env=_env()), today=TODAY)


async def test_grid_colours_the_gap_and_the_chart_follows_the_row(team: Path) -> None:
    app = make_app(team)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CoachingScreen)
        assert screen.result is not None
        grid = screen.query_one("#coaching-grid", DataTable)
        rows = [[str(getattr(c, "plain", c)) for c in grid.get_row_at(i)]
                for i in range(grid.row_count)]
        # alice: 2 created, 1 won; Incoming 2/2, Qualified 1/2. bob: 2 lost at Incoming.
        assert rows[0][:5] == ["Alice Martin", "2", "50 %", "100 %  (2/2)", "50 %  (1/2)"]
        assert rows[1][:4] == ["Bob Durand", "2", "0 %", "0 %  (0/2)"]
        assert rows[1][-2:] == ["Incoming", "1.0"]  # (1/2 − 0) × 2 deals at Incoming
        blocking = grid.get_row_at(1)[3]
        assert "reverse" in str(blocking.style) and "red" in str(blocking.style)
        assert rows[-1][0] == "Team"
        assert screen.selected == "alice"
        grid.focus()
        await pilot.press("down")
        await settle(pilot)
        assert screen.selected == "bob"


Compare = Callable[..., bool]


def test_snapshot(snap_compare: Compare, team: Path) -> None:
    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)

    assert snap_compare(make_app(team), terminal_size=(120, 36), run_before=run)
