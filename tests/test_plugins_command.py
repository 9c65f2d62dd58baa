"""``salesplan plugins``: JSON output, a layout that folds at 80 columns, and the hooks of a
plugin that is not enabled (read from its manifest module, or ``not loaded``)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import CliResult
from tests.pluginkit import FakeSite, config_text, fake_site

MANIFEST_ONLY = {
    "hello_plugin/__init__.py": """
        from salesplan.core.manifest import PluginManifest

        MANIFEST = PluginManifest(name="hello", version="1.0", summary="Says hello.",
                                  module="hello_plugin.hooks")
    """,
    "hello_plugin/hooks.py": """
        raise RuntimeError("imported although not enabled")
    """,
}
ONE_MODULE = {
    "wave_plugin.py": """
        from salesplan.core import hookimpl
        from salesplan.core.action_types import ActionTypeSpec
        from salesplan.core.manifest import PluginManifest

        MANIFEST = PluginManifest(name="wave", version="2.0", summary="Waves.")


        @hookimpl
        def salesplan_action_types():
            return [ActionTypeSpec(id="wave", label="Wave")]
    """,
}


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSite]:
    with fake_site(tmp_path, monkeypatch) as made:
        made.distribution("salesplan-hello", "1.0", entry_points={"hello": "hello_plugin:MANIFEST"},
                          files=MANIFEST_ONLY)
        made.distribution("salesplan-wave", "2.0", entry_points={"wave": "wave_plugin"},
                          files=ONE_MODULE)
        yield made


def plugins_json(run_cli: Callable[..., CliResult], *args: str) -> dict[str, dict[str, object]]:
    result = run_cli(*args, "plugins", "--format", "json")
    assert result.exit_code == 0, result.output
    return {row["name"]: row for row in json.loads(result.stdout)["plugins"]}


def test_json_lists_every_plugin(
    run_cli: Callable[..., CliResult], write_config: Callable[..., Path], site: FakeSite
) -> None:
    path = write_config(config_text())
    rows = plugins_json(run_cli, "--config", str(path))
    assert rows["calls"] == {"name": "calls", "enabled": True, "version": "0.1.0",
                             "origin": "built-in", "depends": [], "hooks": ["action_types"],
                             "summary": rows["calls"]["summary"]}
    assert rows["hello"]["enabled"] is False and rows["hello"]["hooks"] is None  # not loaded
    assert rows["wave"]["hooks"] == ["action_types"]  # in the module of its manifest
    assert rows["wave"]["origin"] == "salesplan-wave 2.0"
    assert "hello_plugin.hooks" not in sys.modules


def test_an_enabled_plugin_shows_its_hooks(
    run_cli: Callable[..., CliResult], write_config: Callable[..., Path], site: FakeSite
) -> None:
    site.distribution("salesplan-hi", "1.0", entry_points={"hi": "hi_plugin:MANIFEST"}, files={
        "hi_plugin/__init__.py": """
            from salesplan.core.manifest import PluginManifest
            MANIFEST = PluginManifest(name="hi", module="hi_plugin.hooks")
        """,
        "hi_plugin/hooks.py": """
            from salesplan.core import hookimpl
            @hookimpl
            def salesplan_reports():
                return []
        """,
    })
    path = write_config(config_text("hi"))
    rows = plugins_json(run_cli, "--config", str(path))
    assert rows["hi"]["enabled"] is True and rows["hi"]["hooks"] == ["reports"]


def test_the_table_says_not_loaded(
    run_cli: Callable[..., CliResult], write_config: Callable[..., Path], site: FakeSite
) -> None:
    path = write_config(config_text())
    result = run_cli("--config", str(path), "plugins", env={"COLUMNS": "200"})
    [hello] = [line for line in result.stdout.splitlines() if line.lstrip().startswith("hello ")]
    assert "not loaded" in hello and "salesplan-hello 1.0" in hello


def test_80_columns_fold_into_blocks(
    run_cli: Callable[..., CliResult], write_config: Callable[..., Path], site: FakeSite
) -> None:
    path = write_config(config_text())
    result = run_cli("--config", str(path), "plugins", env={"COLUMNS": "80"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "calls  enabled  0.1.0  built-in" in lines
    assert "hello  not enabled  1.0  salesplan-hello 1.0" in lines
    after = lines[lines.index("hello  not enabled  1.0  salesplan-hello 1.0") + 1:][:2]
    assert after == ["    Says hello.", "    hooks: not loaded"]
    assert lines[-1] == "Enabled in salesplan.toml."
