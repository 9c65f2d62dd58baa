"""The plugin framework (issue 2): discovery, dependency order, enabling, registry merging.

Plugins here are throwaway modules passed as ``extra_plugins`` with entry points off, so the
tests do not depend on what happens to be installed; one test goes through a fake installed
distribution to cover the real entry-point path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from salesplan.core.context import AppContext, load_app
from salesplan.core.errors import ConfigError, PluginError
from salesplan.core.pluginmanager import (
    PluginInfo,
    activation_order,
    builtin_plugins,
    discover_plugins,
)
from salesplan.core.screens import ScreenSpec
from tests.conftest import CliResult
from tests.pluginkit import FakeSite, config_text, fake_site, plugin

BUILTINS = sorted(info.name for info in builtin_plugins() if not info.always_on)


def available(*extra: str) -> str:
    return ", ".join(sorted([*BUILTINS, *extra]))


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in the test folder so messages name ``salesplan.toml``, not an absolute path."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSite]:
    with fake_site(tmp_path, monkeypatch) as made:
        yield made


def load(path: Path, *plugins: PluginInfo) -> AppContext:
    return load_app(path, extra_plugins=plugins, entry_points=False)


def write(in_tmp: Path, text: str) -> Path:
    path = in_tmp / "salesplan.toml"
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- order and dependencies


def test_dependencies_activate_first_in_dependency_order(in_tmp: Path) -> None:
    top = plugin("top", 'MANIFEST = PluginManifest(name="top", depends=("middle", "base"))')
    middle = plugin("middle", 'MANIFEST = PluginManifest(name="middle", depends=("base",))')
    base = plugin("base")
    app = load(write(in_tmp, config_text("top")), top, middle, base)
    assert app.plugins.active[0] == "core"
    assert app.plugins.active[-3:] == ["base", "middle", "top"]
    assert app.plugins.active.count("base") == 1


def test_activation_order_lists_each_dependency_once() -> None:
    plugins = {
        info.name: info
        for info in (
            plugin("a", 'MANIFEST = PluginManifest(name="a", depends=("b", "c"))'),
            plugin("b", 'MANIFEST = PluginManifest(name="b", depends=("c",))'),
            plugin("c"),
        )
    }
    assert activation_order(plugins, ["a", "c"]) == ["c", "b", "a"]


def test_unknown_enabled_plugin_lists_what_exists(in_tmp: Path) -> None:
    path = write(in_tmp, config_text("fax"))
    with pytest.raises(ConfigError) as caught:
        load(path, plugin("extra"))
    assert caught.value.message == (
        f"salesplan.toml: plugins.enabled[9]: unknown plugin 'fax' "
        f"(available: {available('extra')})"
    )


def test_core_plugin_cannot_be_enabled_by_name(in_tmp: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load(write(in_tmp, config_text("core")))
    assert caught.value.message == (
        f"salesplan.toml: plugins.enabled[9]: unknown plugin 'core' (available: {available()})"
    )


def test_missing_dependency_is_an_error(in_tmp: Path) -> None:
    needy = plugin("needy", 'MANIFEST = PluginManifest(name="needy", depends=("ghost",))')
    with pytest.raises(ConfigError) as caught:
        load(write(in_tmp, config_text("needy")), needy)
    assert caught.value.message == (
        "salesplan.toml: plugins.enabled: plugin 'needy' depends on 'ghost', which is not "
        f"installed (available: {available('needy')})"
    )


def test_dependency_cycle_is_an_error(in_tmp: Path) -> None:
    one = plugin("one", 'MANIFEST = PluginManifest(name="one", depends=("two",))')
    two = plugin("two", 'MANIFEST = PluginManifest(name="two", depends=("three",))')
    three = plugin("three", 'MANIFEST = PluginManifest(name="three", depends=("one",))')
    with pytest.raises(ConfigError) as caught:
        load(write(in_tmp, config_text("one")), one, two, three)
    assert caught.value.message == (
        "salesplan.toml: plugins.enabled: plugin dependency cycle: one → two → three → one"
    )


def test_two_plugins_with_one_name_are_an_error() -> None:
    with pytest.raises(PluginError) as caught:
        discover_plugins([plugin("calls", origin="my-calls 2.0")], entry_points=False)
    assert caught.value.message == (
        "two plugins are named 'calls': one from built-in, one from my-calls 2.0"
    )


# ---------------------------------------------------------------- enabled or not


SPY_SOURCE = """
CALLS = []

@hookimpl
def salesplan_action_types():
    CALLS.append("salesplan_action_types")
    return []

@hookimpl
def salesplan_reports():
    CALLS.append("salesplan_reports")
    return []
"""


def test_disabled_plugin_is_never_called(in_tmp: Path) -> None:
    spy = plugin("spy", SPY_SOURCE)
    calls = spy.load().CALLS
    app = load(write(in_tmp, config_text()), spy)
    assert "spy" not in app.plugins.active
    assert "spy" in app.plugins.available
    assert calls == []


def test_enabled_plugin_hooks_are_called_once_each(in_tmp: Path) -> None:
    spy = plugin("spy", SPY_SOURCE)
    calls = spy.load().CALLS
    app = load(write(in_tmp, config_text("spy")), spy)
    assert app.plugins.active[-1] == "spy"
    assert calls == ["salesplan_action_types", "salesplan_reports"]
    assert app.plugins.available["spy"].hooks == ["salesplan_action_types", "salesplan_reports"]


# ---------------------------------------------------------------- installed distributions


HELLO_FILES = {
    "hello_plugin/__init__.py": """
        from salesplan.core.manifest import PluginManifest

        MANIFEST = PluginManifest(
            name="hello", version="1.0", summary="Says hello.", module="hello_plugin.hooks"
        )
    """,
    "hello_plugin/hooks.py": """
        import click

        from salesplan.core import hookimpl
        from salesplan.core.action_types import ActionTypeSpec, OutcomeSpec
        from salesplan.core.cli.context import pass_app


        @hookimpl
        def salesplan_action_types():
            return [ActionTypeSpec(id="wave", label="Wave",
                                   outcomes=(OutcomeSpec(id="back", label="Waved back"),))]


        @click.command("hello")
        @click.argument("who")
        @pass_app
        def hello(app, who):
            click.echo(f"Hello {who} from {app.config.team.name}")


        @hookimpl
        def salesplan_cli_commands():
            return [hello]
    """,
}


def test_plugin_from_an_installed_distribution(in_tmp: Path, site: FakeSite) -> None:
    site.distribution(
        "salesplan-hello", "1.0", entry_points={"hello": "hello_plugin:MANIFEST"},
        files=HELLO_FILES,
    )
    app = load_app(write(in_tmp, config_text("hello")))
    info = app.plugins.available["hello"]
    assert info.origin == "salesplan-hello 1.0"
    assert app.plugins.active[-1] == "hello"
    assert app.registry.action_type_origin["wave"] == "hello"
    assert app.registry.action_types["wave"].outcome_ids == ("back",)
    assert info.hooks == ["salesplan_action_types", "salesplan_cli_commands"]


def test_plugin_cli_command_runs(
    in_tmp: Path, site: FakeSite, run_cli: Callable[..., CliResult]
) -> None:
    site.distribution(
        "salesplan-hello", "1.0", entry_points={"hello": "hello_plugin:MANIFEST"},
        files=HELLO_FILES,
    )
    path = write(in_tmp, config_text("hello"))
    result = run_cli("--config", str(path), "hello", "Zoé")
    assert (result.exit_code, result.stdout) == (0, "Hello Zoé from Acme\n")

    not_enabled = write(in_tmp, config_text())
    result = run_cli("--config", str(not_enabled), "hello", "Zoé")
    assert result.exit_code == 2
    assert "No such command 'hello'" in result.stderr


# ---------------------------------------------------------------- registry merging


def test_duplicate_action_type_across_plugins(in_tmp: Path) -> None:
    dup = plugin(
        "dup",
        """
        from salesplan.core.action_types import ActionTypeSpec

        @hookimpl
        def salesplan_action_types():
            return [ActionTypeSpec(id="call", label="Another call")]
        """,
    )
    with pytest.raises(PluginError) as caught:
        load(write(in_tmp, config_text("dup")), dup)
    assert caught.value.message == "action type 'call' is defined by two plugins: 'calls' and 'dup'"


def test_duplicate_screen_across_plugins(in_tmp: Path) -> None:
    source = """
        from salesplan.core.screens import ScreenSpec

        @hookimpl
        def salesplan_tui_screens():
            return [ScreenSpec(name="board", title="Board", factory=lambda app: None)]
        """
    first, second = plugin("first", source), plugin("second", source)
    app = load(write(in_tmp, config_text("first")), first, second)
    assert isinstance(app.registry.screens["board"], ScreenSpec)
    with pytest.raises(PluginError) as caught:
        load(write(in_tmp, config_text("first", "second")), first, second)
    assert caught.value.message == "screen 'board' is defined by two plugins: 'first' and 'second'"


def test_config_action_types_override_disable_and_add(in_tmp: Path) -> None:
    extra = """
        [[action_types]]
        id = "call"
        label = "Phone call"
        outcomes = [{ id = "reached" }, { id = "not_reached" }, { id = "voicemail", label = "VM" }]
        [[action_types]]
        id = "email"
        enabled = false
        """
    app = load(write(in_tmp, config_text(extra=extra)))
    types = app.registry.action_types
    call = types["call"]
    assert (call.label, call.color, call.icon) == ("Phone call", "#2e86de", "📞")
    assert [(o.id, o.label) for o in call.outcomes] == [
        ("reached", "reached"),
        ("not_reached", "not reached"),
        ("voicemail", "VM"),
    ]
    assert "email" not in types and "email_received" not in types
    added = types["discovery_call"]
    assert (added.label, added.color, added.script) == ("Discovery call", "#8e44ad", "discovery")
    assert added.outcome_ids == ("good", "bad")
    assert types["proposal"].label == "Proposal" and types["proposal"].outcomes == ()
    assert list(types) == ["call", "meeting", "discovery_call", "proposal"]


def test_config_cannot_disable_an_unknown_action_type(in_tmp: Path) -> None:
    extra = """
        [[action_types]]
        id = "fax"
        enabled = false
        """
    with pytest.raises(ConfigError) as caught:
        load(write(in_tmp, config_text(extra=extra)))
    assert caught.value.message == (
        "salesplan.toml: action_types[3].enabled: no plugin provides action type 'fax' to "
        "disable (provided: call, email, email_received, meeting)"
    )
