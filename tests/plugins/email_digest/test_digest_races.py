"""Exactly once under races: several ``salesplan digest --send`` started at the same moment
against a real SMTP server deliver each message once; a sender killed in the middle of the
SMTP conversation leaves a claim the next run takes over (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from salesplan.core.context import AppContext
from tests.plugins.email_digest.smtp_server import RecordingHandler, smtp_server
from tests.plugins.email_digest.test_digest_cli import TEAM, section, sent_rows

DAY = "2026-03-11"


def _send(path: Path, db_url: str) -> subprocess.Popen[str]:
    env = {**os.environ, "SALESPLAN_DATABASE_URL": db_url, "NO_COLOR": "1"}
    env.pop("SALESPLAN_CONFIG", None)
    return subprocess.Popen(
        [sys.executable, "-m", "salesplan.core.cli.main", "--config", str(path), "digest",
         "--date", DAY, "--send"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


class SlowHandler(RecordingHandler):
    """Takes a while over DATA, so concurrent runs overlap in the SMTP conversation."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.slow
def test_three_runs_at_once_send_the_digest_once(
    setup: Callable[..., tuple[Path, AppContext]], db_url: str
) -> None:
    handler = SlowHandler(0.5)
    with smtp_server(handler) as server:
        path, app = setup(section(server.port))
        runs = [_send(path, db_url) for _ in range(3)]
        outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    assert len(handler.received) == 1, [o[0] for o in outputs]
    assert handler.received[0].rcpt_tos == TEAM
    assert sent_rows(app) == [(DAY, "boss@acme.test", "smtp"), (DAY, "dave@acme.test", "smtp")]
    said = "".join(out for out, _err in outputs).splitlines()
    # One run says it sent; the others, depending on timing, that it was being sent or had
    # been ("already sent the digest …" also contains the phrase, hence whole lines).
    sent = [line for line in said
            if line.startswith("sent the digest for 2026-03-11 to boss@acme.test, dave@acme.test")]
    assert len(sent) == 1, said


class HangingHandler(RecordingHandler):
    """Never answers DATA the first time (the sender hangs mid-conversation), then works."""

    def __init__(self) -> None:
        super().__init__()
        self.hung = asyncio.Event()
        self.calls = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> Any:
        self.calls += 1
        if self.calls == 1:
            self.hung.set()
            await asyncio.sleep(3600)
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.slow
def test_a_sender_killed_mid_conversation_is_retried_by_the_next_run(
    setup: Callable[..., tuple[Path, AppContext]], db_url: str
) -> None:
    handler = HangingHandler()
    with smtp_server(handler) as server:
        path, app = setup(section(server.port).replace("timeout = 5", "timeout = 60"))
        first = _send(path, db_url)
        deadline = time.monotonic() + 60
        while not handler.hung.is_set():  # the conversation reached DATA
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the sender never reached DATA"
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        assert sent_rows(app) == []  # claimed, never confirmed
        second = _send(path, db_url)
        out, err = second.communicate(timeout=120)
    assert second.returncode == 0, (out, err)
    assert "sent the digest for 2026-03-11 to boss@acme.test, dave@acme.test" in out
    assert len(handler.received) == 1
    assert sent_rows(app) == [(DAY, "boss@acme.test", "smtp"), (DAY, "dave@acme.test", "smtp")]
