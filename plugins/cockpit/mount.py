"""``mount_cockpit``: the cockpit's routes on the server's application.

- ``GET /`` — the cockpit page for a valid session, else a redirect to ``/login``;
- ``GET /login``, ``POST /login`` (form: ``member``, ``password``) — a wrong pair answers
  401 with the form again; ``MAX_FAILURES`` failures for a member in 15 minutes answer 429
  (``Retry-After``) without checking the password; success sets the session cookie
  (HttpOnly, SameSite=Lax, Secure when the public URL is https) and redirects to ``/``;
- ``POST /logout`` — ends the session (and its app processes) and clears the cookie;
  ``GET /logout`` shows the button;
- ``GET /ws`` — the websocket of one app process, refused (401, before any upgrade) without
  a valid session, and refused (403) from a page of another origin;
- ``/static/`` — textual-serve's assets.

A form post or websocket whose ``Origin`` is not the server's (the public URL's, or the
``Host`` it was reached at) is refused: another site can neither sign someone in nor drive
their cockpit. Every response of these pages forbids framing and caching. The access log
(one line per request: method, path, status, member) never sees a cookie, a password or a
ticket.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web
from textual_serve.download_manager import DownloadManager

from salesplan.core.access import Actor
from salesplan.core.errors import AuthenticationError
from salesplan.core.server.state import ACTOR, STATE, ServerState
from salesplan.plugins.cockpit.pages import cockpit_page, login_page, logout_page
from salesplan.plugins.cockpit.processes import CockpitApp, LiveApps, app_command
from salesplan.plugins.cockpit.sessions import (
    SESSION_HOURS,
    TooManySignIns,
    browser_sign_in,
    end_session,
    launch_ticket,
    session_actor,
    signing_key,
)

log = logging.getLogger("salesplan.server")

COOKIE = "salesplan_session"
MAX_FORM = 4096
FONT_SIZE = 15


@dataclass
class Cockpit:
    """What the cockpit's routes share."""

    state: ServerState
    key: bytes = b""
    live: LiveApps = field(default_factory=LiveApps)
    downloads: DownloadManager = field(default_factory=DownloadManager)
    sign_ins: asyncio.Lock = field(default_factory=asyncio.Lock)
    """Sign-ins run one at a time (each is one argon2 check): the failure count a 429 is
    decided on is then exact within this server, and guessing is slow."""

    @property
    def prefix(self) -> str:
        """The public URL's path (``/salesplan`` behind a proxy that serves it there)."""
        public = self.state.public_url
        return urlsplit(public).path.rstrip("/") if public else ""

    def url(self, path: str) -> str:
        return f"{self.prefix}{path}"


COCKPIT: web.AppKey[Cockpit] = web.AppKey("salesplan_cockpit", Cockpit)


def _static_folder() -> Path:
    import textual_serve

    return Path(textual_serve.__file__).parent / "static"


def _origin(request: web.Request, cockpit: Cockpit) -> str:
    public = cockpit.state.public_url
    if public:
        parts = urlsplit(public)
        return f"{parts.scheme}://{parts.netloc}".lower()
    return f"{request.scheme}://{request.host}".lower()


def _same_origin(request: web.Request, cockpit: Cockpit) -> bool:
    """A request without ``Origin`` (not a browser's cross-site one) or from our origin."""
    origin = request.headers.get("Origin")
    return origin is None or origin.lower() == _origin(request, cockpit)


def _page(html: str, status: int = 200) -> web.Response:
    response = web.Response(text=html, status=status, content_type="text/html")
    _secure_headers(response)
    return response


def _secure_headers(response: web.StreamResponse) -> None:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self' ws: wss:; frame-ancestors 'none'; form-action 'self'; "
        "base-uri 'none'")


def _redirect(location: str) -> web.Response:
    response = web.Response(status=303, headers={"Location": location})
    _secure_headers(response)
    return response


async def _actor(request: web.Request, cockpit: Cockpit) -> tuple[Actor, str, str] | None:
    """The session's actor, its hash and its member id (a session is always a member's)."""
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return None
    ctx = cockpit.state.ctx
    try:
        actor, session_hash = await asyncio.to_thread(session_actor, ctx, cookie, cockpit.key)
    except AuthenticationError:
        return None
    if actor.member is None:
        return None
    request[ACTOR] = actor
    return actor, session_hash, actor.member


# ------------------------------------------------------------------------------ handlers


async def index(request: web.Request) -> web.Response:
    cockpit = request.app[COCKPIT]
    found = await _actor(request, cockpit)
    if found is None:
        return _redirect(cockpit.url("/login"))
    actor, _session_hash, member_id = found
    origin = _origin(request, cockpit)
    websocket = ("wss" if origin.startswith("https") else "ws") + origin[origin.index(":"):]
    ctx = cockpit.state.ctx
    member = ctx.config.member(member_id)
    return _page(cockpit_page(
        team=ctx.config.team.name, member=member.name if member else member_id,
        role=actor.role, static=cockpit.url("/static/"),
        websocket=websocket + cockpit.url("/ws"), home=cockpit.url("/"),
        logout=cockpit.url("/logout"), font_size=FONT_SIZE))


def _login_form(cockpit: Cockpit, status: int = 200, member: str = "", error: str = ""
                ) -> web.Response:
    return _page(login_page(team=cockpit.state.ctx.config.team.name,
                            action=cockpit.url("/login"), member=member, error=error), status)


async def login_form(request: web.Request) -> web.Response:
    cockpit = request.app[COCKPIT]
    if await _actor(request, cockpit) is not None:
        return _redirect(cockpit.url("/"))
    return _login_form(cockpit)


async def login(request: web.Request) -> web.Response:
    cockpit = request.app[COCKPIT]
    if not _same_origin(request, cockpit):
        return _login_form(cockpit, 403, error="sign in from this server's own page")
    if (request.content_length or 0) > MAX_FORM:
        return _login_form(cockpit, 413, error="the form is too large")
    form = await request.post()
    member = str(form.get("member", "")).strip()
    password = str(form.get("password", ""))
    if not member or not password:
        return _login_form(cockpit, 422, member=member[:64],
                           error="give your member id and your password")
    ctx = cockpit.state.ctx
    try:
        async with cockpit.sign_ins:
            signed = await asyncio.to_thread(browser_sign_in, ctx, member=member,
                                             password=password, key=cockpit.key)
    except TooManySignIns as exc:
        response = _login_form(cockpit, 429, member=member[:64], error=exc.message)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except AuthenticationError as exc:
        return _login_form(cockpit, 401, member=member[:64], error=exc.message)
    request[ACTOR] = signed.actor
    response = _redirect(cockpit.url("/"))
    response.set_cookie(COOKIE, signed.cookie, max_age=SESSION_HOURS * 3600,
                        path=cockpit.url("/") or "/", httponly=True, samesite="Lax",
                        secure=cockpit.state.secure)
    return response


async def logout_form(request: web.Request) -> web.Response:
    return _page(logout_page(action=request.app[COCKPIT].url("/logout")))


async def logout(request: web.Request) -> web.Response:
    cockpit = request.app[COCKPIT]
    if not _same_origin(request, cockpit):
        return _login_form(cockpit, 403, error="sign out from this server's own page")
    found = await _actor(request, cockpit)
    if found is not None:
        session_hash = found[1]
        await asyncio.to_thread(end_session, cockpit.state.ctx, session_hash)
        await cockpit.live.end(cockpit.live.of_session(session_hash))
    response = _redirect(cockpit.url("/login"))
    response.del_cookie(COOKIE, path=cockpit.url("/") or "/")
    return response


def _size(request: web.Request, name: str, default: int) -> int:
    text = request.query.get(name, "")
    return min(max(int(text), 10), 1000) if text.isdigit() else default


def _closer(socket: web.WebSocketResponse) -> Callable[[], Awaitable[None]]:
    async def close() -> None:
        await socket.close()

    return close


async def websocket(request: web.Request) -> web.StreamResponse:
    cockpit = request.app[COCKPIT]
    if not _same_origin(request, cockpit):
        raise web.HTTPForbidden(text="a cockpit is driven from its own page only")
    found = await _actor(request, cockpit)
    if found is None:
        raise web.HTTPUnauthorized(text="no valid session: sign in at /login")
    _actor_found, session_hash, member_id = found
    refusal = cockpit.live.refusal(member_id)
    if refusal is not None:
        raise web.HTTPServiceUnavailable(text=refusal)
    socket = web.WebSocketResponse(heartbeat=15, max_msg_size=1024 * 1024)
    await socket.prepare(request)
    app = CockpitApp(
        app_command(cockpit.state.ctx.config_path), member=member_id,
        session_hash=session_hash, ticket=launch_ticket(cockpit.key, session_hash),
        write_bytes=socket.send_bytes, write_str=socket.send_str, close=_closer(socket),
        download_manager=cockpit.downloads,
    )
    cockpit.live.add(app)
    watcher: asyncio.Task[None] | None = None
    try:
        await app.start(_size(request, "width", 80), _size(request, "height", 24))
        watcher = asyncio.create_task(_close_when_ended(app, socket))
        await _relay(socket, app)
    finally:
        if watcher is not None:
            watcher.cancel()
        await app.finish()
        cockpit.live.discard(app)
        if not socket.closed:
            await socket.close()
    return socket


async def _close_when_ended(app: CockpitApp, socket: web.WebSocketResponse) -> None:
    """The app process ended (quit, crashed, refused its ticket): close the websocket, so
    the page says the session ended."""
    await app.ended()
    with contextlib.suppress(ConnectionError, RuntimeError):
        await socket.close()


async def _relay(socket: web.WebSocketResponse, app: CockpitApp) -> None:
    """The browser's messages to the app: keys (``stdin``), ``resize``, ``ping``, ``focus``
    and ``blur``, each a JSON list; anything else is ignored."""
    async for message in socket:
        if message.type != WSMsgType.TEXT:
            continue
        try:
            envelope = json.loads(message.data)
        except ValueError:
            continue
        if not isinstance(envelope, list) or not envelope:
            continue
        kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
        if kind == "stdin" and isinstance(data, str):
            await app.send_bytes(data.encode("utf-8"))
        elif kind == "resize" and isinstance(data, dict):
            width, height = data.get("width"), data.get("height")
            if isinstance(width, int) and isinstance(height, int):
                await app.set_terminal_size(min(max(width, 10), 1000),
                                            min(max(height, 5), 1000))
        elif kind == "ping":
            await socket.send_json(["pong", data])
        elif kind == "focus":
            await app.focus()
        elif kind == "blur":
            await app.blur()


# ------------------------------------------------------------------------------ mounting


async def _lifetime(app: web.Application) -> AsyncIterator[None]:
    cockpit = app[COCKPIT]
    cockpit.key = await asyncio.to_thread(signing_key, cockpit.state.ctx)
    yield
    await cockpit.live.end_all()


async def _on_shutdown(app: web.Application) -> None:
    """Before the server waits for open requests: end every app, which closes their
    websockets (a websocket handler would otherwise hold the stop for its timeout)."""
    await app[COCKPIT].live.end_all()


def mount_cockpit(app: web.Application) -> None:
    """Add the cockpit's routes to the server's application (``make_app``'s ``setup``)."""
    app[COCKPIT] = Cockpit(state=app[STATE])
    app.router.add_get("/", index)
    app.router.add_get("/login", login_form)
    app.router.add_post("/login", login)
    app.router.add_get("/logout", logout_form)
    app.router.add_post("/logout", logout)
    app.router.add_get("/ws", websocket)
    app.router.add_static("/static/", _static_folder(), show_index=False)
    app.cleanup_ctx.append(_lifetime)
    app.on_shutdown.append(_on_shutdown)
