"""``salesplan_api_routes``: the documented example plugin (docs/plugins.md) mounted by the
server's ``make_app`` under ``/api/v1/plugins/<plugin>/``, with the kernel's authentication,
validation, roles and OpenAPI description; and a plugin's bad routes are load errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from salesplan.core import services
from salesplan.core.api_routes import ApiRoute
from salesplan.core.context import AppContext
from salesplan.core.errors import PluginError
from salesplan.core.pluginmanager import plugin_info_from_module
from salesplan.core.registry import collect_api_routes
from salesplan.core.server.app import make_app
from salesplan.core.services.accounts import add_account
from salesplan.core.services.tokens import create_token
from tests.pluginkit import config_text, plugin_module
from tests.test_plugin_docs import example_module

HOOK = "salesplan_api_routes"
PREFIX = "/api/v1/plugins/pipeline_api"


@pytest.fixture
def example_app(tmp_path: Path, make_app: Callable[..., AppContext]) -> AppContext:
    module = example_module(HOOK, tmp_path / "docs_plugin")
    info = plugin_info_from_module(module, origin="docs")
    path = tmp_path / "salesplan.toml"
    path.write_text(config_text(info.name), encoding="utf-8")
    app = make_app(path, extra_plugins=[info], entry_points=False)
    assert HOOK in app.plugins.available[info.name].hooks
    return app


def _tokens(app: AppContext) -> dict[str, str]:
    tokens = {}
    with app.write_session() as session:
        for member, role in (("alice", "rep"), ("dave", "manager")):
            add_account(session, app, member=member, role=role, password="long password")
            tokens[member] = create_token(session, app, member=member)[1]
        for title, owner, pipeline in (("A", "alice", "acquisition"), ("B", "bob", "acquisition"),
                                       ("C", "alice", "renewal")):
            services.create_lead(session, app, title=title, pipeline=pipeline, owner=owner)
        session.commit()
    return tokens


async def test_the_documented_plugin_route_answers_through_the_api(
    example_app: AppContext,
) -> None:
    tokens = _tokens(example_app)
    client = TestClient(TestServer(make_app(example_app)))
    await client.start_server()
    try:
        async def call(method: str, path: str, token: str | None = None,
                       **kwargs: Any) -> tuple[int, Any]:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            response = await client.request(method, f"{PREFIX}{path}", headers=headers,
                                            **kwargs)
            return response.status, await response.json()

        assert await call("GET", "/open", tokens["alice"]) == (
            200, {"acquisition": 1, "renewal": 1})
        assert await call("GET", "/open", tokens["dave"]) == (
            200, {"acquisition": 2, "renewal": 1})
        assert await call("GET", "/open", tokens["dave"], params={"pipeline": "renewal"}) == (
            200, {"renewal": 1})
        status, body = await call("GET", "/open")
        assert status == 401
        status, body = await call("GET", "/open", tokens["dave"], params={"colour": "red"})
        assert (status, body["field"]) == (422, "colour")
        status, body = await call("GET", "/open", tokens["dave"], params={"pipeline": "nope"})
        assert (status, body["field"]) == (422, "pipeline")
        assert await call("POST", "/weighted", tokens["alice"],
                          json={"amount": 30000, "probability": 0.25}) == (
            200, {"weighted": 7500.0})
        status, body = await call("POST", "/weighted", tokens["alice"],
                                  json={"amount": "lots", "probability": 0.25})
        assert (status, body["field"]) == (422, "amount")
        status, body = await call("POST", "/weighted", tokens["alice"],
                                  data=b'{"amount": 1, "probability": NaN}')
        assert (status, body["field"]) == (422, "body")

        response = await client.get("/api/v1/openapi.json")
        document = await response.json()
        operation = document["paths"][f"{PREFIX}/open"]["get"]
        assert operation["tags"] == ["plugin pipeline_api"]
        assert [p["name"] for p in operation["parameters"]] == ["pipeline"]
        assert "requestBody" in document["paths"][f"{PREFIX}/weighted"]["post"]
    finally:
        await client.close()


def _manager_of(source: str) -> Any:
    from salesplan.core import hookspecs
    from salesplan.core.pluginmanager import SalesplanPluginManager

    info = plugin_info_from_module(plugin_module("routes", source))
    return SalesplanPluginManager({info.name: info}, [info.name], [hookspecs])


@pytest.mark.parametrize(("source", "message"), [
    ("@hookimpl\ndef salesplan_api_routes():\n    return {}\n",
     "plugin 'routes' returned dict from salesplan_api_routes; expected a list"),
    ("@hookimpl\ndef salesplan_api_routes():\n    return ['GET /x']\n",
     "plugin 'routes' returned str 'GET /x' from salesplan_api_routes; expected ApiRoute"),
    ("from salesplan.core.api_routes import ApiRoute\n"
     "@hookimpl\ndef salesplan_api_routes():\n"
     "    return [ApiRoute('GET', 'x', print, 'no slash')]\n",
     "plugin 'routes': API route GET 'x': the method must be one of GET, POST, PUT, PATCH, "
     "DELETE and the path start with '/'"),
    ("from salesplan.core.api_routes import ApiRoute\n"
     "@hookimpl\ndef salesplan_api_routes():\n"
     "    return [ApiRoute('GET', '/x', print, 'one'), ApiRoute('GET', '/x', print, 'two')]\n",
     "plugin 'routes': API route GET '/x' is given twice"),
])
def test_bad_plugin_routes_are_errors_naming_the_plugin(source: str, message: str) -> None:
    with pytest.raises(PluginError) as error:
        collect_api_routes(_manager_of(source))
    assert error.value.message == message


def test_good_routes_are_collected_by_plugin() -> None:
    manager = _manager_of(
        "from salesplan.core.api_routes import ApiRoute\n"
        "@hookimpl\ndef salesplan_api_routes():\n"
        "    return [ApiRoute('GET', '/x', print, 'x')]\n")
    routes = collect_api_routes(manager)
    assert list(routes) == ["routes"]
    assert isinstance(routes["routes"][0], ApiRoute)
