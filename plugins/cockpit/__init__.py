"""The cockpit in a browser (SPEC §11): the same Textual app, one process per signed-in
browser, served with textual-serve on the port of the API by ``salesplan serve``.

A built-in plugin, because a browser front-end is a feature a team can go without (delete
this folder, or leave ``cockpit`` out of ``[plugins] enabled``: the server then serves the API
only). It uses one kernel hook, ``salesplan_web_setup``, and is what a third-party author
copies to add pages of their own:

- ``mount`` — ``mount_cockpit(app)``: ``/`` (the cockpit page, or a redirect to ``/login``),
  ``/login``, ``/logout``, ``/ws`` (the websocket that drives the app) and textual-serve's
  static files under ``/static/``;
- ``processes`` — one app process per websocket (textual-serve's ``AppService``, started as
  ``salesplan --config PATH tui`` with a launch ticket in its environment) and the registry
  that ends them all when the server stops;
- ``pages`` — the HTML of the sign-in page and of the cockpit page.

- ``sessions`` — signing in, the session cookie, sign-out, the sign-in limit, making launch
  tickets. The signing key and checking a ticket are the kernel's
  (``salesplan.core.services.sessions``), and what the app process does with its ticket is
  the kernel's ``salesplan.core.server.ticket`` (``salesplan tui`` runs it, plugin or not). This
module stays cheap to import: aiohttp and textual-serve load when the server mounts the
cockpit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from salesplan.core.manifest import PluginManifest
from salesplan.core.markers import hookimpl

if TYPE_CHECKING:
    from aiohttp import web

MANIFEST = PluginManifest(
    name="cockpit",
    version="0.1.0",
    summary="The cockpit in a browser: sign in, and the terminal UI as that member.",
)


def mount_cockpit(app: web.Application) -> None:
    """Add the cockpit's routes to the server's application (imported only now)."""
    from salesplan.plugins.cockpit.mount import mount_cockpit as mount

    mount(app)


@hookimpl
def salesplan_web_setup() -> list[Callable[[web.Application], None]]:
    return [mount_cockpit]
