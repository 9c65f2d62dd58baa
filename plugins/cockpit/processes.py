"""One app process per browser session: textual-serve's ``AppService``, started for a
member, and the registry that ends them.

``AppService`` (textual-serve) starts the command through a shell, speaks Textual's web
driver protocol on the process's stdin and stdout and relays the screen to the websocket.
``CockpitApp`` adds what the cockpit needs: the command is ``exec``-ed (the shell gives way to
the app, so the process the server holds *is* the app and a kill reaches it), the launch
ticket goes into the process's environment (``TICKET_ENV``; never on its command line, which
every user of the machine can read), and the process handle is kept so that ``finish`` can
make sure it has ended: asked to quit, then killed after ``STOP_SECONDS``.

``LiveApps`` holds every running app, by session, so that a sign-out ends that session's
apps, the server's stop ends them all, and a member cannot start more than
``MAX_PER_MEMBER`` at once (each is a Python process of ~100 MB).
"""

from __future__ import annotations

import asyncio
import contextlib
import shlex
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from salesplan.core.server.ticket import TICKET_ENV

STOP_SECONDS = 5.0
MAX_PER_MEMBER = 8
MAX_APPS = 64


def app_command(config_path: Path) -> list[str]:
    """The command of an app process: this Python, this salesplan, the server's config."""
    return [sys.executable, "-m", "salesplan.core.cli.main", "--config",
            str(config_path.resolve()), "tui"]


class CockpitApp(AppService):
    """An ``AppService`` for one browser session of one member."""

    def __init__(
        self,
        command: list[str],
        *,
        ticket: str,
        member: str,
        session_hash: str,
        write_bytes: Callable[[bytes], Awaitable[None]],
        write_str: Callable[[str], Awaitable[None]],
        close: Callable[[], Awaitable[None]],
        download_manager: DownloadManager,
    ) -> None:
        super().__init__(shlex.join(["exec", *command]), write_bytes=write_bytes,
                         write_str=write_str, close=close, download_manager=download_manager)
        self.member = member
        self.session_hash = session_hash
        self._ticket = ticket
        self.process: asyncio.subprocess.Process | None = None

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment.pop("SALESPLAN_CONFIG", None)
        environment[TICKET_ENV] = self._ticket
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24
                                ) -> asyncio.subprocess.Process:
        self.process = await super()._open_app_process(width, height)
        return self.process

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    async def ended(self) -> None:
        """Wait until the process has exited."""
        if self.process is not None:
            await self.process.wait()

    async def finish(self) -> None:
        """Ask the app to quit (textual-serve's ``stop``), wait ``STOP_SECONDS``, then kill
        it; returns once the process is gone."""
        with contextlib.suppress(TimeoutError, ConnectionError, RuntimeError):
            await asyncio.wait_for(self.stop(), STOP_SECONDS)
        process = self.process
        if process is None:
            return
        try:
            await asyncio.wait_for(process.wait(), 1.0)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()


@dataclass
class LiveApps:
    """The running app processes of the server."""

    apps: set[CockpitApp] = field(default_factory=set)
    closing: bool = False

    def refusal(self, member: str) -> str | None:
        """Why one more app cannot start for ``member`` now, if it cannot."""
        if self.closing:
            return "the server is stopping"
        if len(self.apps) >= MAX_APPS:
            return f"the server runs {MAX_APPS} cockpits already: try again later"
        if sum(app.member == member for app in self.apps) >= MAX_PER_MEMBER:
            return (f"you have {MAX_PER_MEMBER} cockpits open already: close one "
                    "(its tab) first")
        return None

    def add(self, app: CockpitApp) -> None:
        self.apps.add(app)

    def discard(self, app: CockpitApp) -> None:
        self.apps.discard(app)

    def of_session(self, session_hash: str) -> list[CockpitApp]:
        return [app for app in self.apps if app.session_hash == session_hash]

    def pids(self) -> list[int]:
        return [pid for app in self.apps if (pid := app.pid) is not None]

    async def end(self, apps: list[CockpitApp]) -> None:
        await asyncio.gather(*(app.finish() for app in apps), return_exceptions=True)

    async def end_all(self) -> None:
        """The server stops: no new app, every running one ended."""
        self.closing = True
        await self.end(list(self.apps))

