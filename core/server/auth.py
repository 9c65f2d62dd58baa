"""Bearer-token authentication of the API routes (``Authorization: Bearer TOKEN``).

The token is checked in a worker thread (a database read); the request then carries its
``Actor`` for the handler. Paths outside ``/api/`` (the cockpit's, with its own session
sign-in) and public API routes pass through untouched. The token itself is never logged.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiohttp import web

from salesplan.core.errors import AuthenticationError
from salesplan.core.server.state import ACTOR, STATE


def bearer_token(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise AuthenticationError("missing Bearer token (Authorization: Bearer TOKEN)")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("the Authorization header must be 'Bearer TOKEN'")
    return token.strip()


@web.middleware
async def auth_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    if not request.path.startswith("/api/"):
        return await handler(request)
    match = request.match_info
    public = getattr(match.handler, "salesplan_public", False)
    if public or match.http_exception is not None:
        return await handler(request)
    from salesplan.core.services.tokens import authenticate

    request[ACTOR] = await asyncio.to_thread(authenticate, request.app[STATE].ctx,
                                             bearer_token(request))
    return await handler(request)
