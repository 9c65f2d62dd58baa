"""``salesplan_web_setup``: the documented example plugin (docs/plugins.md) mounts its page
on the server's application through ``collect_web_setups``, and a plugin's bad answer is an
error naming it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from salesplan.core import services
from salesplan.core.context import AppContext
from salesplan.core.errors import PluginError
from salesplan.core.pluginmanager import plugin_info_from_module
from salesplan.core.registry import collect_web_setups
from salesplan.core.server.app import make_app as make_server
from tests.pluginkit import config_text, plugin_module
from tests.test_plugin_docs import example_module

HOOK = "salesplan_web_setup"


async def test_the_documented_page_is_served(tmp_path: Path,
                                             make_app: Callable[..., AppContext]) -> None:
    module = example_module(HOOK, tmp_path / "docs_plugin")
    info = plugin_info_from_module(module, origin="docs")
    path = tmp_path / "salesplan.toml"
    path.write_text(config_text(info.name), encoding="utf-8")
    app = make_app(path, extra_plugins=[info], entry_points=False)
    assert HOOK in app.plugins.available[info.name].hooks
    with app.write_session() as session:
        for title in ("A", "B"):
            services.create_lead(session, app, title=title, pipeline="acquisition",
                                 owner="alice")
        session.commit()
    setups = collect_web_setups(app.plugins)
    assert [plugin for plugin, _setup in setups] == [info.name]
    client = TestClient(TestServer(make_server(app, setup=[s for _plugin, s in setups])))
    await client.start_server()
    try:
        response = await client.get("/status")
        assert response.status == 200
        assert await response.text() == f"{app.config.team.name}: 2 open leads"
    finally:
        await client.close()


@pytest.mark.parametrize(("body", "message"), [
    ("@hookimpl\ndef salesplan_web_setup():\n    return {}\n",
     "plugin 'pages' returned dict from salesplan_web_setup; expected a list"),
    ("@hookimpl\ndef salesplan_web_setup():\n    return ['/status']\n",
     "plugin 'pages' returned str '/status' from salesplan_web_setup; expected a callable "
     "setup(app)"),
])
def test_a_bad_answer_names_the_plugin(tmp_path: Path, make_app: Callable[..., AppContext],
                                       body: str, message: str) -> None:
    info = plugin_info_from_module(plugin_module("pages", body), origin="test")
    path = tmp_path / "salesplan.toml"
    path.write_text(config_text("pages"), encoding="utf-8")
    app = make_app(path, extra_plugins=[info], entry_points=False)
    with pytest.raises(PluginError) as raised:
        collect_web_setups(app.plugins)
    assert str(raised.value) == message
