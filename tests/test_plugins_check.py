"""``salesplan plugins --check`` validates every installed plugin and names what is broken."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from salesplan.core import hookspecs
from salesplan.core.plugincheck import check_plugins
from salesplan.core.pluginmanager import builtin_plugins, hook_specs, plugin_hookspecs
from tests.conftest import CliResult
from tests.pluginkit import FakeSite, fake_site

# The kernel's hooks plus those built-in plugins offer to others (the digest's sections).
_OFFERED = [plugin_hookspecs(info.load()) for info in builtin_plugins()]
KNOWN_HOOKS = ", ".join(hook_specs([hookspecs, *(s for s in _OFFERED if s is not None)]))


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSite]:
    monkeypatch.chdir(tmp_path)  # no salesplan.toml here: --check needs none
    with fake_site(tmp_path, monkeypatch) as made:
        yield made


def manifest_module(name: str, body: str = "", depends: tuple[str, ...] = ()) -> str:
    return (
        "from salesplan.core import hookimpl\n"
        "from salesplan.core.manifest import PluginManifest\n"
        f"MANIFEST = PluginManifest(name={name!r}, version='1.0', depends={depends!r})\n"
        + body
    )


A_HOOK = "@hookimpl\ndef salesplan_reports():\n    return []\n"


def add_plugin(site: FakeSite, name: str, body: str = A_HOOK,
               depends: tuple[str, ...] = ()) -> None:
    """A distribution ``salesplan-NAME`` whose entry point is a module with MANIFEST (and by
    default one harmless hook: a plugin that implements none is refused)."""
    site.distribution(
        f"salesplan-{name}",
        "1.0",
        entry_points={name: f"check_{name}"},
        files={f"check_{name}.py": manifest_module(name, body, depends)},
    )


def test_all_valid_plugins_pass(site: FakeSite, run_cli: Callable[..., CliResult]) -> None:
    add_plugin(site, "fine", "@hookimpl\ndef salesplan_reports():\n    return []\n")
    result = run_cli("plugins", "--check")
    lines = result.stdout.splitlines()
    assert result.exit_code == 0, result.output
    for info in builtin_plugins():
        assert f"ok       {info.name} {info.manifest.version} (built-in)" in lines
    assert "ok       fine 1.0 (salesplan-fine 1.0)" in lines
    assert all(line.startswith("ok       ") for line in lines[:-1])
    assert lines[-1] == f"All {len(lines) - 1} plugins are valid."
    assert result.stderr == ""


def test_broken_plugins_are_listed_and_exit_2(
    site: FakeSite, run_cli: Callable[..., CliResult]
) -> None:
    add_plugin(site, "fine")
    site.distribution(
        "salesplan-noimport",
        "1.0",
        entry_points={"noimport": "check_noimport:MANIFEST"},
        files={
            "check_noimport/__init__.py": "from salesplan.core.manifest import PluginManifest\n"
            "MANIFEST = PluginManifest(name='noimport', version='1.0', "
            "module='check_noimport.impl')\n",
            "check_noimport/impl.py": "import salesplan_does_not_exist\n",
        },
    )
    add_plugin(
        site,
        "hooky",
        "@hookimpl\n"
        "def salesplan_report():\n    return []\n"
        "def salesplan_reports():\n    return []\n"
        "def salesplan_widgets():\n    return []\n"
        "@hookimpl\n"
        "def salesplan_after_action(action, member):\n    pass\n",
    )
    add_plugin(site, "needy", depends=("ghost",))
    add_plugin(site, "ping", depends=("pong",))
    add_plugin(site, "pong", depends=("ping",))
    add_plugin(site, "leaning", depends=("noimport",))
    add_plugin(site, "wrongtype", "@hookimpl\ndef salesplan_action_types():\n    return 'call'\n")
    site.distribution(
        "salesplan-nomanifest", "2.0", entry_points={"nomanifest": "check_nomanifest"},
        files={"check_nomanifest.py": "VERSION = 1\n"},
    )

    result = run_cli("plugins", "--check")
    assert result.exit_code == 2
    lines = {line.split()[1]: line for line in result.stdout.splitlines()}
    assert lines["fine"] == "ok       fine 1.0 (salesplan-fine 1.0)"
    assert lines["noimport"] == (
        "problem  noimport 1.0 (salesplan-noimport 1.0): cannot be imported: "
        "ModuleNotFoundError: No module named 'salesplan_does_not_exist'"
    )
    assert lines["hooky"] == (
        "problem  hooky 1.0 (salesplan-hooky 1.0): "
        "salesplan_after_action takes argument(s) member, which the hook does not provide "
        "(it provides: app, action, effects); "
        f"implements unknown hook salesplan_report (known hooks: {KNOWN_HOOKS}); "
        "salesplan_reports is not marked with @hookimpl, so it is never called; "
        "function salesplan_widgets is named like a hook, but there is no such hook "
        f"(known hooks: {KNOWN_HOOKS})"
    )
    assert lines["needy"] == (
        "problem  needy 1.0 (salesplan-needy 1.0): depends on 'ghost', which is not installed"
    )
    assert lines["ping"] == (
        "problem  ping 1.0 (salesplan-ping 1.0): plugin dependency cycle: ping → pong → ping"
    )
    assert lines["pong"] == (
        "problem  pong 1.0 (salesplan-pong 1.0): plugin dependency cycle: pong → ping → pong"
    )
    assert lines["leaning"] == (
        "problem  leaning 1.0 (salesplan-leaning 1.0): depends on broken plugin(s): noimport"
    )
    assert lines["wrongtype"] == (
        "problem  wrongtype 1.0 (salesplan-wrongtype 1.0): plugin 'wrongtype' returned str "
        "from salesplan_action_types; expected a list"
    )
    assert lines["nomanifest"] == (
        "problem  nomanifest ? (salesplan-nomanifest 2.0): module check_nomanifest has no "
        "MANIFEST = PluginManifest(...)"
    )
    total = len(result.stdout.splitlines())
    assert result.stderr == (
        f"Error: 8 of {total} plugins are broken: hooky, leaning, needy, noimport, nomanifest, "
        "ping, pong, wrongtype\n"
    )


def test_check_reports_two_plugins_with_one_name(site: FakeSite) -> None:
    site.distribution(
        "salesplan-mycalls", "3.0", entry_points={"calls": "check_calls"},
        files={"check_calls.py": manifest_module("calls")},
    )
    checks = [c for c in check_plugins() if c.name == "calls"]
    assert [c.line() for c in checks] == [
        "ok       calls 0.1.0 (built-in)",
        "problem  calls 1.0 (salesplan-mycalls 3.0): another plugin is also named 'calls' "
        "(from built-in)",
    ]


def test_check_does_not_need_a_config(site: FakeSite, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("--config", "missing.toml", "plugins", "--check")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "ok       core 0.1.0 (built-in)"
