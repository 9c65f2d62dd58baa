"""Two real processes log actions into one SQLite file at the same time: nothing is lost and
no call waits longer than the busy timeout (write sessions queue on ``BEGIN IMMEDIATE``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from sqlmodel import func, select

from salesplan.core import services
from salesplan.core.context import load_app
from salesplan.core.db.engine import BUSY_TIMEOUT_MS
from salesplan.core.db.models import Action, Reminder
from tests.conftest import base_config_text

PER_PROCESS = 100

WORKER = textwrap.dedent(
    """
    import json, sys, time
    from salesplan.core import services
    from salesplan.core.context import load_app

    config, member, count, start_at = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    app = load_app(config)
    app.engine  # open and migrate before the race starts
    while time.time() < start_at:
        time.sleep(0.005)
    durations = []
    for index in range(count):
        began = time.perf_counter()
        services.record_action(app, action_type="call", member=member, lead="L1",
                               outcome="not_reached" if index % 2 else "reached",
                               note=f"{member} {index}")
        durations.append(time.perf_counter() - began)
    app.dispose()
    print(json.dumps({"max": max(durations), "total": sum(durations)}))
    """
)


def test_two_processes_log_into_one_sqlite_file(tmp_path: Path) -> None:
    config = tmp_path / "salesplan.toml"
    config.write_text(base_config_text(), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "SALESPLAN_DATABASE_URL"}
    app = load_app(config, env=env)
    with app.write_session() as session:
        services.create_lead(session, app, title="Shared", pipeline="acquisition",
                             owner="alice")
        session.commit()

    start_at = time.time() + 2.5  # both workers are loaded by then and start together
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(config), member, str(PER_PROCESS), str(start_at)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for member in ("alice", "bob")
    ]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=60)
        assert worker.returncode == 0, err
        results.append(json.loads(out))

    for result in results:
        assert result["max"] < BUSY_TIMEOUT_MS / 1000
    with app.session() as session:
        assert session.exec(select(func.count()).select_from(Action)).one() == 2 * PER_PROCESS
        keys = session.exec(select(Action.key)).all()
        assert len(set(keys)) == 2 * PER_PROCESS
        for member in ("alice", "bob"):
            notes = session.exec(select(Action.note).where(Action.member == member)).all()
            assert sorted(notes) == sorted(f"{member} {i}" for i in range(PER_PROCESS))
            # 50 not-reached calls each: 50 reminders scheduled, 49 closed by the next call
            reminders = session.exec(select(Reminder).where(Reminder.member == member)).all()
            assert len(reminders) == PER_PROCESS // 2
            assert sum(1 for r in reminders if not r.done) == 1
    app.dispose()
