"""The cockpit's HTTP side against a real ``salesplan serve`` (SQLite, and PostgreSQL when
configured): the sign-in page, wrong passwords (401, then 429 with ``Retry-After``), the
session cookie, the websocket's refusals before any upgrade, sign-out, and no app process
left behind by a sign-out or a server stop."""

from __future__ import annotations

import asyncio
import http.client
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import aiohttp
import pytest

from salesplan.core.registry import collect_web_setups
from salesplan.plugins.cockpit.sessions import MAX_FAILURES, open_sessions
from tests.api.harness import PASSWORD, Team
from tests.plugins.cockpit.conftest import alive, children, start_cockpit, wait_for


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def cockpit(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Team]:
    backend = str(request.param)
    yield from start_cockpit(backend, tmp_path_factory.mktemp(f"cockpit-{backend}"))


@dataclass
class Page:
    status: int
    headers: http.client.HTTPMessage
    text: str

    def cookie(self, name: str = "salesplan_session") -> str:
        jar = SimpleCookie()
        for header in self.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return jar[name].value


def fetch(team: Team, method: str, path: str, *, form: dict[str, str] | None = None,
          headers: dict[str, str] | None = None) -> Page:
    """One request, redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", team.server.port, timeout=30)
    body = None if form is None else urllib.parse.urlencode(form)
    sent = dict(headers or {})
    if form is not None:
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        return Page(response.status, response.headers, response.read().decode("utf-8"))
    finally:
        connection.close()


def sign_in(team: Team, member: str, password: str = PASSWORD) -> Page:
    return fetch(team, "POST", "/login", form={"member": member, "password": password})


def test_the_plugin_gives_the_server_its_pages(cockpit: Team) -> None:
    """``salesplan_web_setup``: the cockpit plugin's one setup callable."""
    assert [plugin for plugin, _setup in collect_web_setups(cockpit.app.plugins)] == ["cockpit"]


def test_without_a_session_the_cockpit_redirects_to_the_sign_in_page(cockpit: Team) -> None:
    page = fetch(cockpit, "GET", "/")
    assert (page.status, page.headers["Location"]) == (303, "/login")
    form = fetch(cockpit, "GET", "/login")
    assert form.status == 200
    assert '<form method="post" action="/login"' in form.text
    assert 'name="member"' in form.text and 'type="password"' in form.text
    assert form.headers["X-Frame-Options"] == "DENY"
    assert form.headers["Cache-Control"] == "no-store"


def test_a_wrong_password_is_refused_with_the_form(cockpit: Team) -> None:
    page = sign_in(cockpit, "alice", "not her password")
    assert page.status == 401
    assert "unknown member or wrong password" in page.text
    assert 'value="alice"' in page.text  # the member is kept, never the password
    assert "not her password" not in page.text
    assert "Set-Cookie" not in page.headers


def test_five_failures_answer_429_with_retry_after(cockpit: Team) -> None:
    member = "mallory"  # an unknown id counts alike: the answer reveals nothing
    statuses = [sign_in(cockpit, member, f"guess {n}").status for n in range(MAX_FAILURES)]
    assert statuses == [401] * MAX_FAILURES
    page = sign_in(cockpit, member, "one more guess")
    assert page.status == 429
    assert 0 < int(page.headers["Retry-After"]) <= 15 * 60
    assert "too many failed sign-ins" in page.text


def test_the_right_password_sets_a_safe_cookie_and_opens_the_cockpit(cockpit: Team) -> None:
    page = sign_in(cockpit, "alice")
    assert (page.status, page.headers["Location"]) == (303, "/")
    header = next(h for h in page.headers.get_all("Set-Cookie") or []
                  if h.startswith("salesplan_session="))
    attributes = {part.strip().split("=")[0].lower() for part in header.split(";")}
    assert {"httponly", "samesite", "path", "max-age"} <= attributes
    assert "samesite=lax" in header.lower()
    assert "secure" not in attributes  # plain http: a Secure cookie would never come back
    cookie = f"salesplan_session={page.cookie()}"
    home = fetch(cockpit, "GET", "/", headers={"Cookie": cookie})
    assert home.status == 200
    assert 'id="member">Alice Martin</b> (rep)' in home.text
    assert f'data-session-websocket-url="ws://127.0.0.1:{cockpit.server.port}/ws"' in home.text
    again = fetch(cockpit, "GET", "/login", headers={"Cookie": cookie})
    assert (again.status, again.headers["Location"]) == (303, "/")


def test_a_forged_cookie_is_no_session(cockpit: Team) -> None:
    page = fetch(cockpit, "GET", "/", headers={"Cookie": "salesplan_session=abc.def"})
    assert (page.status, page.headers["Location"]) == (303, "/login")


UPGRADE = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
           "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}


def test_the_websocket_refuses_a_connection_without_a_session(cockpit: Team) -> None:
    before = children(cockpit.server.process.pid)  # type: ignore[union-attr]
    page = fetch(cockpit, "GET", "/ws", headers=UPGRADE)
    assert page.status == 401  # before any upgrade: no 101, no app process
    forged = fetch(cockpit, "GET", "/ws", headers={**UPGRADE,
                                                  "Cookie": "salesplan_session=x.y"})
    assert forged.status == 401
    assert children(cockpit.server.process.pid) == before  # type: ignore[union-attr]


def test_the_websocket_refuses_another_origin(cockpit: Team) -> None:
    cookie = f"salesplan_session={sign_in(cockpit, 'bob').cookie()}"
    page = fetch(cockpit, "GET", "/ws", headers={**UPGRADE, "Cookie": cookie,
                                                "Origin": "https://evil.example"})
    assert page.status == 403
    login = fetch(cockpit, "POST", "/login", form={"member": "bob", "password": PASSWORD},
                  headers={"Origin": "https://evil.example"})
    assert login.status == 403 and "Set-Cookie" not in login.headers


async def _open_app(team: Team, cookie: str) -> tuple[aiohttp.ClientSession,
                                                      aiohttp.ClientWebSocketResponse, bytes]:
    """A websocket of the cockpit, and the first bytes its app process drew."""
    session = aiohttp.ClientSession(headers={"Cookie": cookie,
                                             "Origin": team.server.url})
    socket = await session.ws_connect(f"{team.server.url}/ws?width=100&height=30")
    drawn = b""
    while len(drawn) < 200:
        message = await asyncio.wait_for(socket.receive(), 30)
        if message.type == aiohttp.WSMsgType.BINARY:
            drawn += message.data
        elif message.type != aiohttp.WSMsgType.TEXT:
            raise AssertionError(f"the websocket closed: {message}")
    return session, socket, drawn


async def _until_closed(socket: aiohttp.ClientWebSocketResponse, seconds: float) -> None:
    """Wait for the server to close the socket; frames the app drew before are skipped."""
    closing = (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        left = deadline - asyncio.get_running_loop().time()
        message = await asyncio.wait_for(socket.receive(), max(left, 0.01))
        if message.type in closing:
            return
        assert message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT), message


def test_logout_ends_the_session_and_its_app_process(cockpit: Team) -> None:
    server = cockpit.server.process.pid  # type: ignore[union-attr]
    before = children(server)
    cookie = f"salesplan_session={sign_in(cockpit, 'dave').cookie()}"
    assert open_sessions(cockpit.app, "dave") >= 1

    async def scenario() -> tuple[set[int], bytes]:
        session, socket, drawn = await _open_app(cockpit, cookie)
        try:
            started = children(server) - before
            page = await asyncio.to_thread(fetch, cockpit, "POST", "/logout",
                                           headers={"Cookie": cookie})
            assert (page.status, page.headers["Location"]) == (303, "/login")
            assert 'salesplan_session=""' in (page.headers.get("Set-Cookie") or "")
            await _until_closed(socket, 15)
            return started, drawn
        finally:
            await socket.close()
            await session.close()

    started, drawn = asyncio.run(scenario())
    assert len(started) == 1 and drawn
    assert wait_for(lambda: not any(alive(pid) for pid in started), 10)
    assert open_sessions(cockpit.app, "dave") == 0
    home = fetch(cockpit, "GET", "/", headers={"Cookie": cookie})
    assert (home.status, home.headers["Location"]) == (303, "/login")
    refused = fetch(cockpit, "GET", "/ws", headers={**UPGRADE, "Cookie": cookie})
    assert refused.status == 401


def test_a_server_stop_leaves_no_app_process(tmp_path: Path) -> None:
    """Two open cockpits, then SIGINT: the server ends them, and itself, within its stop."""
    teams = start_cockpit("sqlite", tmp_path)
    team = next(teams)
    server = team.server.process.pid  # type: ignore[union-attr]
    cookies = [f"salesplan_session={sign_in(team, member).cookie()}" for member in
               ("alice", "dave")]

    async def scenario() -> set[int]:
        opened = [await _open_app(team, cookie) for cookie in cookies]
        started = children(server)
        await asyncio.to_thread(team.server.stop)
        for session, socket, _drawn in opened:
            await socket.close()
            await session.close()
        return started

    started = asyncio.run(scenario())
    assert len(started) == 2
    assert team.server.process is not None and team.server.process.returncode == 0
    assert wait_for(lambda: not any(alive(pid) for pid in started), 10), started
    teams.close()
