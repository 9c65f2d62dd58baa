"""``kill -9`` during an import or a rollup rebuild, on SQLite and PostgreSQL: the base holds
all of the import or none of it, the rollups are exact or known to be stale and the next
command repairs them, and nothing needs a manual step.

The work runs as a real ``salesplan`` process killed with SIGKILL at several moments
(during start-up, early in the load, late in it), so every stage has been cut at least once
across the moments; a kill that comes after the process has finished checks the "all" side.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from salesplan.core.context import AppContext
from salesplan.core.reports.rollups import mark_stale, verify
from salesplan.core.reports.runner import run_report
from tests.reports.history_fixtures import history_files
from tests.test_import_helpers import counts, write_folder

MOMENTS = (0.4, 1.0, 1.8)
"""Seconds after the process starts at which it is killed."""
ACTIONS = 15_000


def _start(config: Path, db_url: str, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SALESPLAN_DATABASE_URL": db_url}
    return subprocess.Popen(
        [sys.executable, "-m", "salesplan.core.cli.main", "--config", str(config), *args],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _kill_after(process: subprocess.Popen[bytes], seconds: float) -> bool:
    """SIGKILL ``process`` after ``seconds``; whether it was still running."""
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""
    return False


def _run(config: Path, db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SALESPLAN_DATABASE_URL": db_url}
    return subprocess.run(
        [sys.executable, "-m", "salesplan.core.cli.main", "--config", str(config), *args],
        env=env, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.slow
def test_import_killed_at_any_moment_holds_all_or_nothing(
    app: AppContext, config_path: Path, db_url: str, tmp_path: Path
) -> None:
    folder = write_folder(tmp_path / "history", history_files(actions=ACTIONS))
    empty = counts(app)
    assert set(empty.values()) == {0}
    full: dict[str, int] | None = None
    killed = 0
    for moment in MOMENTS:
        if full is not None:
            break
        was_running = _kill_after(_start(config_path, db_url, "import", str(folder)), moment)
        now = counts(app)
        if was_running:
            killed += 1
            assert now == empty or now["actions"] == ACTIONS, now  # all or nothing
            if now != empty:
                full = now  # the kill came after the commit
        else:
            full = now
    assert killed >= 1, "every import finished before its kill: raise the moments"
    if full is None:  # every kill came before the commit: the next import starts clean
        result = _run(config_path, db_url, "import", str(folder))
        assert result.returncode == 0, result.stderr
        full = counts(app)
    assert full["actions"] == ACTIONS
    # No manual step: the rollups are exact, as a full recount says.
    check = _run(config_path, db_url, "check", "--rollups")
    assert check.returncode == 0, check.stdout + check.stderr
    assert verify(app) == []


@pytest.mark.slow
def test_rollup_rebuild_killed_is_finished_by_the_next_command(
    app: AppContext, config_path: Path, db_url: str, tmp_path: Path
) -> None:
    folder = write_folder(tmp_path / "history", history_files(actions=ACTIONS))
    result = _run(config_path, db_url, "import", str(folder))
    assert result.returncode == 0, result.stderr
    half = (date(2026, 1, 1), date(2026, 6, 30))
    expected = run_report(app, "activity", *half).rows
    for moment in MOMENTS[1:]:
        with app.write_connection() as connection:  # a crash's worth of damage
            connection.execute(text("DELETE FROM activity_rollup"))
            for month in (date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)):
                mark_stale(connection, "prospecting", month)
        process = _start(config_path, db_url, "check", "--rollups", "--repair")
        try:
            process.wait(timeout=moment)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
        process.wait()
        # Whatever the moment, the next report is exact (it repairs what it reads) ...
        assert run_report(app, "activity", *half).rows == expected
        # ... and the next check with --repair leaves every rollup exact.
        repaired = _run(config_path, db_url, "check", "--rollups", "--repair")
        assert repaired.returncode == 0, repaired.stdout + repaired.stderr
        assert verify(app) == []
