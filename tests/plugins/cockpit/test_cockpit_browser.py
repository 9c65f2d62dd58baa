"""The cockpit in headless Chromium, driven with Playwright (Debian's ``chromium``: no
browser can be downloaded here): the sign-in page, a refused password, a rep's own cockpit
(their dashboard, their leads only, a call logged with the keyboard and stored as theirs), a
manager's team, and five sessions at once (their memory, and that a server stop ends them).

What the app draws is read from the websocket's frames (``Screen``): textual-serve relays the
app's terminal output, which is text between escape sequences, while xterm.js paints it on a
canvas. Screenshots of the signed-in cockpit go to ``$SALESPLAN_SCREENSHOTS`` (default
``build/screenshots/cockpit/``) for anyone to look at.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text

from tests.api.harness import PASSWORD, ROOT, Team
from tests.plugins.cockpit.conftest import (
    LEADS,
    alive,
    children,
    rss_kib,
    start_cockpit,
    wait_for,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, WebSocket

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="needs Debian's chromium at /usr/bin/chromium "
                              "(apt-get install chromium; .ci/run does it)"),
]
VIEWPORT = {"width": 1280, "height": 720}
SHOTS = Path(os.environ.get("SALESPLAN_SCREENSHOTS") or ROOT / "build" / "screenshots"
             ) / "cockpit"
ESCAPES = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
                     r"|\x1b[()][0-9A-Za-z]|\x1b[=>78]")


class Screen:
    """What the app process has drawn in one page, as text (escape sequences removed)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.frames: list[str] = []
        page.on("websocket", self._watch)

    def _watch(self, socket: WebSocket) -> None:
        def received(payload: str | bytes) -> None:
            if isinstance(payload, bytes):
                self.frames.append(payload.decode("utf-8", "replace"))

        socket.on("framereceived", received)

    def mark(self) -> int:
        return len(self.frames)

    def text(self, since: int = 0) -> str:
        return ESCAPES.sub("", "".join(self.frames[since:]))

    def wait_for(self, *words: str, since: int = 0, timeout: float = 30.0) -> str:
        """The text drawn since ``since`` once it shows every one of ``words``."""
        deadline = time.monotonic() + timeout
        while True:
            drawn = self.text(since)
            if all(word in drawn for word in words):
                return drawn
            if time.monotonic() > deadline:
                missing = [word for word in words if word not in drawn]
                raise AssertionError(f"the cockpit never showed {missing}: {drawn[-2000:]!r}")
            self.page.wait_for_timeout(100)

    def press(self, key: str, *words: str) -> str:
        """Press ``key`` in the terminal and wait for ``words`` to be drawn after it."""
        since = self.mark()
        self.page.keyboard.press(key)
        return self.wait_for(*words, since=since)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def cockpit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    yield from start_cockpit("sqlite", tmp_path_factory.mktemp("cockpit-browser"))


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT)  # cookies of its own
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_in(page: Page, team: Team, member: str, password: str = PASSWORD) -> None:
    page.goto(f"{team.server.url}/")
    fill_in(page, member, password)


def fill_in(page: Page, member: str, password: str) -> None:
    page.fill("#member", member)
    page.fill("#password", password)
    page.click("#sign-in button[type=submit]")


def open_cockpit(page: Page, team: Team, member: str) -> Screen:
    """Sign ``member`` in and wait until their app has drawn its dashboard."""
    screen = Screen(page)
    sign_in(page, team, member)
    page.wait_for_selector("body.-first-byte", state="attached", timeout=30_000)
    screen.wait_for("Dashboard", "Objectives")
    page.click("#terminal")  # the keyboard goes to the terminal
    return screen


def shoot(page: Page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def test_the_sign_in_page_appears_and_a_wrong_password_is_refused(
    page: Page, cockpit: Team
) -> None:
    response = page.goto(f"{cockpit.server.url}/")
    assert response is not None and page.url == f"{cockpit.server.url}/login"
    assert page.locator("h1").inner_text() == "Acme · salesplan"
    assert page.locator("#password").get_attribute("type") == "password"
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        fill_in(page, "bob", "not bob's password")
    assert answer.value.status == 401
    assert page.locator("[role=alert]").inner_text() == "unknown member or wrong password"
    assert page.locator("#member").input_value() == "bob"
    assert page.context.cookies() == []


def test_a_rep_sees_their_own_cockpit_and_logs_a_call_with_the_keyboard(
    page: Page, cockpit: Team
) -> None:
    screen = open_cockpit(page, cockpit, "alice")
    assert page.locator("#member").inner_text() == "Alice Martin"
    cookie = next(c for c in page.context.cookies() if c["name"] == "salesplan_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    dashboard = screen.text()
    assert "Pipeline p" in dashboard and "Reports r" in dashboard
    assert "Settings" not in dashboard  # a rep's cockpit has no settings, not even a tab
    shoot(page, "rep-dashboard")

    pipeline = screen.press("p", LEADS["alice"])
    assert LEADS["bob"] not in screen.text()  # another rep's lead is never drawn
    assert "Bravo" not in pipeline
    shoot(page, "rep-pipeline")
    screen.press("Enter", "Lead L", "Owner", "Alice Martin")
    screen.press("a", "Log an action on", "Call")
    logged_before = cockpit.count("SELECT count(*) FROM actions")
    screen.press("Control+s", "Call logged", "✔ Reached")  # the effect, the timeline

    def logged() -> list[tuple[str, str]]:
        with cockpit.app.read_connection() as connection:
            return [tuple(row) for row in connection.execute(text(
                "SELECT a.member, l.title FROM actions a JOIN leads l ON l.id = a.lead_id "
                "WHERE a.action_type = 'call'"))]

    deadline = time.monotonic() + 15
    while cockpit.count("SELECT count(*) FROM actions") == logged_before:
        assert time.monotonic() < deadline, "no action was logged"
        page.wait_for_timeout(100)
    assert logged() == [("alice", LEADS["alice"])]
    shoot(page, "rep-logged")


def test_a_manager_sees_the_team_and_closing_the_tab_ends_the_app(
    page: Page, cockpit: Team
) -> None:
    server = cockpit.server.process.pid  # type: ignore[union-attr]
    before = children(server)
    screen = open_cockpit(page, cockpit, "dave")
    app = children(server) - before
    assert len(app) == 1
    assert page.locator("#member").inner_text() == "Dave Manager"
    assert "(manager)" in page.locator("#bar").inner_text()
    assert "Settings" not in screen.text()  # settings are the admin's
    screen.press("p", LEADS["alice"], LEADS["bob"])
    shoot(page, "manager-pipeline")
    screen.press("d", "Dashboard", "Objectives")
    shoot(page, "manager-dashboard")
    page.close()
    assert wait_for(lambda: not any(alive(pid) for pid in app), 10), app


def test_five_sessions_at_once_and_a_server_stop_ends_them(
    browser: Browser, tmp_path: Path
) -> None:
    teams = start_cockpit("sqlite", tmp_path)
    team = next(teams)
    server = team.server.process.pid  # type: ignore[union-attr]
    members = ["alice", "bob", "dave", "carol", "alice"]
    contexts = [browser.new_context(viewport=VIEWPORT) for _member in members]
    try:
        pages = [context.new_page() for context in contexts]
        screens = [Screen(page) for page in pages]
        began = time.monotonic()
        for page, member in zip(pages, members, strict=True):  # signed in together: each
            sign_in(page, team, member)                       # app starts on its own
        for screen in screens:
            screen.wait_for("Dashboard", "Objectives", timeout=60)
        drawn = time.monotonic() - began
        apps = children(server)
        assert len(apps) == 5
        rss = {pid: rss_kib(pid) for pid in apps}
        total = sum(rss.values()) / 1024
        server_rss = rss_kib(server) / 1024
        print(f"\n5 cockpit sessions drawn in {drawn:.1f} s; app processes RSS "
              f"{', '.join(f'{kib / 1024:.0f}' for kib in sorted(rss.values()))} MiB "
              f"(total {total:.0f} MiB, {total / 5:.0f} MiB each); server {server_rss:.0f} MiB")
        assert all(kib > 0 for kib in rss.values())
        assert total / 5 < 400, rss  # one Textual app each, far from a leak

        team.server.stop()
        assert team.server.process is not None and team.server.process.returncode == 0
        assert not any(alive(pid) for pid in apps), [pid for pid in apps if alive(pid)]
        for page in pages:
            page.wait_for_selector("body.-closed", state="attached", timeout=10_000)
    finally:
        for context in contexts:
            context.close()
        teams.close()
