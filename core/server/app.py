"""``make_app``: the aiohttp application of ``salesplan serve``.

One application on one port: the JSON API under ``/api/v1`` (the kernel's routes, then each
plugin's under ``/api/v1/plugins/<plugin>/``) and, added by whoever builds on it, more routes
— the browser cockpit at ``/``, ``/login``, ``/logout`` and its websocket. Such a module
mounts its routes with ``add_routes`` (API-style ``Route`` objects) or directly on
``app.router`` for pages; paths outside ``/api/`` are left to it by the API's authentication
and error middlewares (it brings its own session sign-in), and every request goes through the
access log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from salesplan.core.server.accesslog import access_log_middleware
from salesplan.core.server.api import kernel_routes
from salesplan.core.server.auth import auth_middleware
from salesplan.core.server.errors import errors_middleware
from salesplan.core.server.openapi import openapi_document
from salesplan.core.server.plugin_routes import plugin_routes
from salesplan.core.server.routing import Route, add_routes
from salesplan.core.server.state import API_PREFIX, STATE, ServerState

if TYPE_CHECKING:
    from salesplan.core.api_routes import ApiCall
    from salesplan.core.app import AppContext

MAX_BODY = 1024 * 1024


def _openapi_route(state: ServerState) -> Route:
    def describe(_call: ApiCall[Any]) -> dict[str, Any]:
        return openapi_document(state.routes, state.public_url)

    return Route("GET", f"{API_PREFIX}/openapi.json", describe,
                 "This description of every route", public=True, tag="meta")


def make_app(
    ctx: AppContext,
    *,
    public_url: str | None = None,
    extra_routes: Iterable[Route] = (),
    setup: Iterable[Callable[[web.Application], None]] = (),
) -> web.Application:
    """The server's application on ``ctx``: the API, the plugins' API routes,
    ``extra_routes`` and whatever each ``setup(app)`` mounts (the cockpit)."""
    app = web.Application(
        middlewares=[access_log_middleware, errors_middleware, auth_middleware],
        client_max_size=MAX_BODY,
    )
    state = ServerState(ctx=ctx, public_url=public_url)
    app[STATE] = state
    add_routes(app, [*kernel_routes(), *plugin_routes(ctx), *extra_routes])
    add_routes(app, [_openapi_route(state)])
    for mount in setup:
        mount(app)
    return app
