"""Fixtures of the TUI tests: a copy of the deterministic team for each test, and a helper
that waits until the app's workers are done (the screens load data in thread workers)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from textual.pilot import Pilot
from textual.screen import Screen

from salesplan.tui.app import SalesplanApp
from tests.tui.snapshot_app import build_team, make_app

S = TypeVar("S", bound=Screen[None])



@pytest.fixture(scope="session")
def team_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The team built once per test process; tests work on copies."""
    folder = tmp_path_factory.mktemp("team-template")
    build_team(folder)
    return folder


@pytest.fixture
def team(team_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the team in this test's folder (the working directory, so the title
    shows ``salesplan.toml``); returns the config path."""
    folder = tmp_path / "team"
    shutil.copytree(team_template, folder)
    monkeypatch.chdir(folder)
    return folder / "salesplan.toml"


@pytest.fixture
def tui(team: Path) -> Callable[..., SalesplanApp]:
    """Build the app on the team copy (call it inside the test)."""
    return lambda **kwargs: make_app(team, **kwargs)


async def settle(pilot: Pilot[None], rounds: int = 3) -> None:
    """Let messages and thread workers finish, a few times over (a worker's result may start
    another worker)."""
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_screen(pilot: Pilot[None], key: str, screen_class: type[S]) -> S:
    """Let the dashboard load, press ``key`` and let that screen load; returns it."""
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, screen_class), screen
    return screen


async def until(
    pilot: Pilot[None], condition: Callable[[], bool], what: str, timeout: float = 15.0
) -> None:
    """Settle until ``condition()`` holds. ``settle`` alone decides "idle" from CPU time, so
    on a loaded machine it may return before a worker even started; a test that depends on a
    worker's outcome waits for that outcome (failing with ``what`` after ``timeout``)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await settle(pilot, rounds=1)
    await settle(pilot, rounds=1)
