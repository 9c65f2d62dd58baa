"""Errors as the API answers them (SPEC §11): ``{"error": message, "field": name}``.

401 no, bad or revoked token, or a disabled account; 403 what the role does not allow; 404
what does not exist — or what the caller may not see (its existence is not revealed); 422
bad input, naming the field. Bad input is never a 500: only a bug is, and its details go to
the server's log, not to the caller.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from salesplan.core.errors import (
    AuthenticationError,
    DatabaseError,
    ForbiddenError,
    NotFoundError,
    PluginError,
    SalesplanError,
)
from salesplan.core.server.routing import json_response

log = logging.getLogger("salesplan.server")


def status_of(exc: SalesplanError) -> int:
    if isinstance(exc, AuthenticationError):
        return 401
    if isinstance(exc, ForbiddenError):
        return 403
    if isinstance(exc, NotFoundError):
        # a record looked up by its key is 404; an unknown member, pipeline, step… given
        # as input names its field and is bad input
        return 404 if exc.field is None else 422
    if isinstance(exc, PluginError):
        return 500
    if isinstance(exc, DatabaseError):
        return 503
    return 422


def error_response(status: int, message: str, field: str | None = None) -> web.Response:
    response = json_response({"error": message, "field": field}, status)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="salesplan"'
    return response


@web.middleware
async def errors_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Every error of an API route as JSON; other paths (the cockpit's) keep their own."""
    api = request.path.startswith("/api/")
    try:
        return await handler(request)
    except SalesplanError as exc:
        status = status_of(exc)
        if status >= 500:
            log.error("%s %s failed: %s", request.method, request.path, exc.message)
        return error_response(status, exc.message, exc.field)
    except web.HTTPException as exc:
        if not api or exc.status < 400:
            raise
        reason = {404: "no such route", 405: f"method {request.method} not allowed here",
                  413: "the body is too large"}.get(exc.status, exc.reason)
        response = error_response(exc.status, reason)
        if exc.status == 405 and "Allow" in exc.headers:
            response.headers["Allow"] = exc.headers["Allow"]
        return response
    except Exception:
        log.exception("%s %s: unexpected error", request.method, request.path)
        if not api:
            raise
        return error_response(500, "internal error (see the server's log)")
