"""A real ``salesplan serve`` with the cockpit plugin enabled, for the cockpit's tests: the
API tests' harness (``tests.api.harness``) on a config whose plugins include ``cockpit``,
with the standard team's accounts (alice and bob reps, dave manager, carol admin) and one
lead for each rep.

Helpers to see the server's app processes from outside: ``children`` reads
``/proc/<pid>/task/*/children`` (the server's direct children: each app process is one, its
shell having ``exec``-ed it), ``alive`` asks the kernel with ``os.kill(pid, 0)``,
``rss_kib`` reads ``VmRSS`` from ``/proc/<pid>/status``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.api.harness import Team, own_database, start_team
from tests.conftest import POSTGRES_ENV
from tests.pluginkit import config_text

LEADS = {"alice": "Alpha Lumber", "bob": "Bravo Bakery"}
"""One lead per rep, by owner: a rep sees their own, never the other's."""


def cockpit_config() -> str:
    """The standard test team with the cockpit plugin enabled."""
    return config_text("cockpit")


def children(pid: int) -> set[int]:
    """The direct children of process ``pid`` (empty once it has ended)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.update(int(child) for child in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def alive(pid: int) -> bool:
    """Whether a process ``pid`` exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def rss_kib(pid: int) -> int:
    """The resident memory of process ``pid`` in KiB (0 once it has ended)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def wait_for(condition: Callable[[], bool], timeout: float = 20.0, step: float = 0.1) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def start_cockpit(backend: str, folder: Path) -> Iterator[Team]:
    """The cockpit's server on ``backend``, stopped (and its database dropped) afterwards."""
    if backend == "postgres" and not os.environ.get(POSTGRES_ENV):
        pytest.skip(f"{POSTGRES_ENV} is not set")
    databases = own_database(backend, folder)
    db_url = next(databases)
    team = start_team(backend, folder, db_url, cockpit_config())
    try:
        for owner, title in LEADS.items():
            team.lead(title, owner)
        yield team
    finally:
        team.server.stop()
        team.app.dispose()
        databases.close()
