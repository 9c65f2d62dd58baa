"""Plugins' API routes (``salesplan_api_routes``), mounted under ``/api/v1/plugins/<plugin>/``
with the kernel's authentication, validation and error answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesplan.core.registry import collect_api_routes
from salesplan.core.server.routing import Route
from salesplan.core.server.state import API_PREFIX

if TYPE_CHECKING:
    from salesplan.core.app import AppContext

PLUGINS_PREFIX = f"{API_PREFIX}/plugins"


def plugin_routes(ctx: AppContext) -> list[Route]:
    routes: list[Route] = []
    for plugin, declared in collect_api_routes(ctx.plugins).items():
        for route in declared:
            routes.append(Route(
                route.method, f"{PLUGINS_PREFIX}/{plugin}{route.path}", route.handler,
                route.summary, body=route.body, query=route.query, response=route.response,
                status=route.status, tag=f"plugin {plugin}"))
    return routes
