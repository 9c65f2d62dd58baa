"""Running the server: the base opened first (migrations, rollups), a thread pool sized for
the database work, the access log on stderr, every plugin's ``salesplan_web_setup`` applied
(the browser cockpit), SIGINT/SIGTERM for a clean stop (the setups' shutdown handlers first:
the cockpit ends its app processes)."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from aiohttp import web

from salesplan.core.server.app import make_app

if TYPE_CHECKING:
    from salesplan.core.app import AppContext

DB_THREADS = 16
"""Worker threads for database work (the engine's pool gives each one a connection)."""


def _log_to_stderr() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    for name in ("salesplan.access", "salesplan.server"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        logger.addHandler(handler)
        logger.propagate = False


async def _executor(app: web.Application) -> AsyncIterator[None]:
    executor = ThreadPoolExecutor(max_workers=DB_THREADS, thread_name_prefix="salesplan-db")
    asyncio.get_running_loop().set_default_executor(executor)
    yield
    executor.shutdown(wait=True)


def serve(ctx: AppContext, *, host: str, port: int, public_url: str | None) -> None:
    """Serve until interrupted; ``ctx``'s base is opened before the port is taken."""
    from salesplan.core.registry import collect_web_setups
    from salesplan.core.services.idempotency import forget_old

    forget_old(ctx)  # also opens the base: migrations and rollups now, not on a request
    _log_to_stderr()
    setups = collect_web_setups(ctx.plugins)
    app = make_app(ctx, public_url=public_url, setup=[setup for _plugin, setup in setups])
    app.cleanup_ctx.insert(0, _executor)
    shown = (public_url or f"http://{host}:{port}").rstrip("/")
    owners = ", ".join(dict.fromkeys(plugin for plugin, _setup in setups))
    pages = f"{owners}: {shown}/, " if owners else ""
    print(f"salesplan serving {ctx.config.team.name} on http://{host}:{port} "
          f"({pages}API: {shown}/api/v1, description: /api/v1/openapi.json)",
          flush=True)
    web.run_app(app, host=host, port=port, access_log=None, print=None,
                handle_signals=True, shutdown_timeout=5)
