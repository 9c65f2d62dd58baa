"""What the running server holds: the application context, its public URL and its routes."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from salesplan.core.access import Actor

if TYPE_CHECKING:
    from salesplan.core.app import AppContext


@dataclass
class ServerState:
    ctx: AppContext
    public_url: str | None = None
    routes: list[Any] = field(default_factory=list)
    """Every ``Route`` mounted, in order (the OpenAPI description lists them)."""
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    """Taken around every write on SQLite: one write transaction at a time per process, so
    writers queue on a lock that wakes them at once instead of on SQLite's busy handler,
    which sleeps up to 100 ms between tries (long tails under load)."""

    @property
    def serial_writes(self) -> bool:
        return self.ctx.database_url.startswith("sqlite")

    @property
    def secure(self) -> bool:
        """Whether the public URL is https (the cockpit's session cookie is then Secure)."""
        return bool(self.public_url and self.public_url.lower().startswith("https://"))


STATE: web.AppKey[ServerState] = web.AppKey("salesplan_state", ServerState)
ACTOR: web.RequestKey[Actor] = web.RequestKey("salesplan_actor", Actor)
"""The request key holding the authenticated ``Actor``."""
API_PREFIX = "/api/v1"
