"""The access log: one JSON line per request (``logging`` logger ``salesplan.access``):
method, path (without the query string), status, member, duration in milliseconds. Nothing
else of the request — never a header, a token or a password — is written."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from salesplan.core.server.state import ACTOR

log = logging.getLogger("salesplan.access")


def access_line(method: str, path: str, status: int, member: str | None, ms: float) -> str:
    return json.dumps({"method": method, "path": path, "status": status, "member": member,
                       "ms": round(ms, 1)}, ensure_ascii=False)


@web.middleware
async def access_log_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        actor = request.get(ACTOR)
        member = getattr(actor, "member", None)
        log.info("%s", access_line(request.method, request.path, status, member,
                                   (time.perf_counter() - started) * 1000))
