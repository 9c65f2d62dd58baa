"""Plugins are folders, found rather than listed.

- Deleting any built-in plugin's folder (in a copy of the tree) leaves a working salesplan: it
  starts, ``salesplan plugins`` no longer lists it, a config that enables it gets the usual
  clear error (exit 2, the name, no traceback), and a plugin that depends on it says so.
- A team drops a plugin folder into ``[plugins] paths`` and enables it without packaging.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from salesplan.core.context import load_app
from salesplan.core.errors import ConfigError
from salesplan.core.pluginmanager import builtin_plugins

ROOT = Path(__file__).resolve().parent.parent

TEAM = """\
[team]
name = "Acme"
timezone = "Europe/Paris"

[database]
url = "sqlite:///team.db"

[plugins]
enabled = {enabled}

[[segments]]
id = "sales"

[[members]]
id = "alice"
name = "Alice"
segment = "sales"

[[pipelines]]
id = "acquisition"
steps = ["Incoming", "Won over"]
"""

PROBE = """
import json, sys
from click.testing import CliRunner
from salesplan.core.cli.main import cli

def run(*args):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=True)
    return {"code": result.exit_code, "out": result.output,
            "exception": type(result.exception).__name__ if result.exception
            and not isinstance(result.exception, SystemExit) else None}

print(json.dumps({
    "help": run("--help"),
    "plugins": run("--config", "without.toml", "plugins"),
    "check": run("--config", "without.toml", "check"),
    "enabled": run("--config", "with.toml", "check"),
    "dependent": run("--config", "dependent.toml", "check") if sys.argv[1] else None,
}))
"""


def _tree_without(tmp: Path, plugin: str) -> Path:
    tree = tmp / "tree"
    for folder in ("core", "plugins", "tui"):
        shutil.copytree(ROOT / folder, tree / "salesplan" / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "__snapshots__"))
    shutil.rmtree(tree / "salesplan" / "plugins" / plugin)
    return tree


def _needs(name: str, depends: dict[str, tuple[str, ...]]) -> set[str]:
    """``name`` and every plugin that depends on it, directly or not."""
    found = {name}
    while True:
        more = {p for p, deps in depends.items() if found & set(deps)} - found
        if not more:
            return found
        found |= more


BUILTINS = {info.name: info.manifest.depends for info in builtin_plugins()}


@pytest.mark.slow
@pytest.mark.parametrize("plugin", sorted(BUILTINS))
def test_deleting_a_plugin_folder_removes_it_cleanly(plugin: str, tmp_path: Path) -> None:
    tree = _tree_without(tmp_path, plugin)
    others = sorted(set(BUILTINS) - _needs(plugin, BUILTINS))
    dependents = sorted(_needs(plugin, BUILTINS) - {plugin})
    work = tmp_path / "work"
    work.mkdir()
    for name, enabled in (("without", others), ("with", [*others, plugin]),
                          ("dependent", [*others, *dependents[:1]])):
        (work / f"{name}.toml").write_text(TEAM.format(enabled=json.dumps(enabled)),
                                           encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tree), "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("SALESPLAN_DATABASE_URL", None)
    env.pop("SALESPLAN_CONFIG", None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE, "1" if dependents else ""], cwd=work, env=env,
        capture_output=True, text=True, check=False, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    runs = json.loads(result.stdout.strip().splitlines()[-1])
    assert runs["help"]["code"] == 0 and runs["help"]["exception"] is None
    assert runs["check"]["code"] == 0, runs["check"]
    assert runs["plugins"]["code"] == 0
    listed = {line.split()[0] for line in runs["plugins"]["out"].splitlines() if line.strip()}
    assert plugin not in listed
    assert set(others) <= listed
    enabled = runs["enabled"]
    assert enabled["code"] == 2 and enabled["exception"] is None
    assert f"unknown plugin {plugin!r} (available: " in enabled["out"]
    assert "Traceback" not in enabled["out"]
    if dependents:
        dependent = runs["dependent"]
        assert dependent["code"] == 2 and dependent["exception"] is None
        assert f"depends on {plugin!r}, which is not installed" in dependent["out"]


ADDON = '''
"""A local add-on: an SMS action type, in a folder of the team's own."""

from salesplan.core import hookimpl
from salesplan.core.action_types import ActionTypeSpec, OutcomeSpec
from salesplan.core.manifest import PluginManifest

from .labels import SMS_LABEL

MANIFEST = PluginManifest(name="sms", version="0.3.0", summary="Text messages.")


@hookimpl
def salesplan_action_types():
    return [ActionTypeSpec(id="sms", label=SMS_LABEL,
                           outcomes=(OutcomeSpec(id="delivered", label="Delivered"),))]
'''


def _addon(root: Path, name: str = "sms") -> None:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text(textwrap.dedent(ADDON), encoding="utf-8")
    (folder / "labels.py").write_text('SMS_LABEL = "SMS"\n', encoding="utf-8")


def test_a_local_addon_folder_loads_from_plugins_paths(tmp_path: Path) -> None:
    _addon(tmp_path / "addons")
    config = tmp_path / "team.toml"
    config.write_text(TEAM.format(enabled='["calls", "sms"]').replace(
        "[plugins]\n", '[plugins]\npaths = ["addons"]\n'), encoding="utf-8")
    app = load_app(config, env={}, entry_points=False)
    assert "sms" in app.plugins.active
    assert app.registry.action_types["sms"].label == "SMS"
    info = app.plugins.available["sms"]
    assert info.origin == "add-on addons" or info.origin.startswith("add-on ")
    assert info.manifest.version == "0.3.0"
    assert app.registry.action_type_origin["sms"] == "sms"


def test_a_missing_addons_folder_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "team.toml"
    config.write_text(TEAM.format(enabled='["calls"]').replace(
        "[plugins]\n", '[plugins]\npaths = ["nowhere"]\n'), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_app(config, env={}, entry_points=False)
    assert caught.value.message.endswith("plugins.paths[0]: add-on folder "
                                         f"{tmp_path / 'nowhere'} not found")


def test_an_addon_named_like_a_builtin_is_refused(tmp_path: Path) -> None:
    _addon(tmp_path / "addons", "calls")
    config = tmp_path / "team.toml"
    (tmp_path / "addons" / "calls" / "__init__.py").write_text(
        "from salesplan.core.manifest import PluginManifest\n"
        "MANIFEST = PluginManifest(name='calls')\n", encoding="utf-8")
    config.write_text(TEAM.format(enabled='["calls"]').replace(
        "[plugins]\n", '[plugins]\npaths = ["addons"]\n'), encoding="utf-8")
    from salesplan.core.errors import PluginError

    with pytest.raises(PluginError) as caught:
        load_app(config, env={}, entry_points=False)
    assert "two plugins are named 'calls': one from built-in, one from add-on" in (
        caught.value.message)
