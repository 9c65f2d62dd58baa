"""Meta-tests, datasette style: every hook is documented in docs/plugins.md and tested.

- each hookspec has a ``## salesplan_xxx`` heading whose section states parameters, return
  value and when it is called, and names every parameter;
- each hookspec name appears in at least one test module under ``tests/`` (this one excluded);
- each hook section's Python example is a complete plugin that loads, and does what the
  section says when enabled on the standard test team.
"""

from __future__ import annotations

import asyncio
import logging
import re
import types
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from salesplan.core import hookspecs
from salesplan.core.context import AppContext, load_app
from salesplan.core.notify import OutgoingMessage
from salesplan.core.pluginmanager import hook_specs, plugin_info_from_module
from salesplan.core.reporting import ReportRequest
from tests.pluginkit import config_text

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "plugins.md"
TESTS = ROOT / "tests"
HOOKS = list(hook_specs([hookspecs]))


def doc_text() -> str:
    return DOCS.read_text(encoding="utf-8")


def hook_section(name: str) -> str:
    """The text under the hook's ``##`` heading, up to the next ``##`` heading."""
    text = doc_text()
    match = re.search(rf"^##\s+`?{re.escape(name)}`?\s*$", text, flags=re.MULTILINE)
    assert match is not None, f"docs/plugins.md has no '## {name}' heading"
    rest = text[match.end():]
    following = re.search(r"^##\s", rest, flags=re.MULTILINE)
    return rest[: following.start()] if following else rest


def example_module(name: str) -> types.ModuleType:
    """The first ``python`` code block of the hook's section, run as a module."""
    blocks = re.findall(r"^```python\n(.*?)^```", hook_section(name), flags=re.S | re.M)
    assert blocks, f"the {name} section has no ```python example"
    module = types.ModuleType(f"docs_example_{name}")
    exec(compile(blocks[0], f"docs/plugins.md ({name})", "exec"), module.__dict__)
    return module


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented(hook: str) -> None:
    section = hook_section(hook)
    for marker in ("**Parameters:**", "**Returns:**", "**When:**", "```python"):
        assert marker in section, f"the {hook} section lacks {marker}"
    for parameter in hook_specs([hookspecs])[hook]:
        assert f"`{parameter}`" in section, f"the {hook} section does not describe {parameter}"


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_test(hook: str) -> None:
    sources = [
        path.read_text(encoding="utf-8")
        for path in TESTS.rglob("test_*.py")
        if path.resolve() != Path(__file__).resolve()
    ]
    assert any(hook in source for source in sources), f"no test under tests/ mentions {hook}"


def test_docs_cover_every_hook_and_no_other() -> None:
    documented = set(re.findall(r"^##\s+`?(salesplan_\w+)`?\s*$", doc_text(), flags=re.M))
    assert documented == set(HOOKS)


# ---------------------------------------------------------------- the examples run


@pytest.fixture
def load_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_app: Callable[..., AppContext]
) -> Callable[..., tuple[AppContext, types.ModuleType]]:
    """Enable a hook's documented example plugin on the test team (and its database)."""
    monkeypatch.chdir(tmp_path)

    def load(hook: str, extra: str = "") -> tuple[AppContext, types.ModuleType]:
        module = example_module(hook)
        info = plugin_info_from_module(module, origin="docs")
        path = tmp_path / "salesplan.toml"
        path.write_text(config_text(info.name, extra=extra), encoding="utf-8")
        app = make_app(path, extra_plugins=[info], entry_points=False)
        assert app.plugins.active[-1] == info.name
        assert hook in app.plugins.available[info.name].hooks
        return app, module

    return load


def test_action_types_example(load_example: Callable[..., Any]) -> None:
    app, _ = load_example("salesplan_action_types")
    sms = app.registry.action_types["sms"]
    assert (sms.label, sms.outcome_ids) == ("SMS", ("delivered", "failed"))
    assert app.registry.action_type_origin["sms"] == "sms"


def test_rule_effects_example(load_example: Callable[..., Any]) -> None:
    from salesplan.core import services

    rule = """
        [[rules]]
        when = { action = "meeting", outcome = "held" }
        then = { add_note = "Send the brochure" }
        """
    app, module = load_example("salesplan_rule_effects", rule)
    assert app.registry.effects["add_note"] is module.AddNoteEffect
    with app.write_session() as session:
        lead = services.create_lead(session, app, title="Acme", pipeline="acquisition",
                                    owner="alice")
        session.commit()
        key = lead.key
    logged = services.record_action(app, action_type="meeting", member="alice", lead=key,
                                    outcome="held", note="Went well")
    assert logged.effects == ["note added: Send the brochure"]
    assert logged.action.note == "Went well\nSend the brochure"


def test_reports_example(load_example: Callable[..., Any]) -> None:
    from salesplan.core import services

    app, _ = load_example("salesplan_reports")
    with app.write_session() as session:
        lead = services.create_lead(session, app, title="Acme", pipeline="acquisition",
                                    owner="alice")
        session.commit()
        key = lead.key
    for member, day in (("alice", 2), ("bob", 3), ("alice", 6), ("alice", 9)):
        services.record_action(app, action_type="call", member=member, lead=key,
                               outcome="reached", at=datetime(2026, 3, day, 10, 0))
    spec = app.registry.reports["calls_per_member"]
    with app.read_connection() as connection:
        result = spec.run(ReportRequest(connection=connection, app=app, start=date(2026, 3, 2),
                                        end=date(2026, 3, 6)))
    assert result.rows == [{"member": "alice", "calls": 2}, {"member": "bob", "calls": 1}]
    assert result.totals == {"member": "Total", "calls": 3}


def test_notifiers_example(
    load_example: Callable[..., Any], capsys: pytest.CaptureFixture[str]
) -> None:
    app, _ = load_example("salesplan_notifiers", '\n[notifiers.console]\nprefix = "| "\n')
    spec = app.registry.notifiers["console"]
    settings = app.section("notifiers.console")
    message = OutgoingMessage(subject="Digest", text="3 calls\n1 meeting", html="",
                              recipients=("dave@acme.test",))
    report = spec.deliver(message, settings)
    assert report.accepted == ("dave@acme.test",)
    assert capsys.readouterr().out == "| Digest\n| 3 calls\n| 1 meeting\n"


def test_config_sections_example(load_example: Callable[..., Any]) -> None:
    app, module = load_example(
        "salesplan_config_sections", '\n[crm]\nbase_url = "https://crm.example.test/api"\n'
    )
    crm = app.section("crm")
    assert isinstance(crm, module.CrmSettings)
    assert (crm.base_url, crm.timeout) == ("https://crm.example.test/api", 10.0)


def test_cli_commands_example(load_example: Callable[..., Any], tmp_path: Path) -> None:
    app, module = load_example("salesplan_cli_commands")
    command = app.registry.commands["hello"]
    assert command is module.hello_command
    # Run on its own, pass_app loads the config named by $SALESPLAN_CONFIG (one without the
    # throwaway plugin, which is not installed).
    plain = tmp_path / "plain.toml"
    plain.write_text(config_text(), encoding="utf-8")
    result = CliRunner().invoke(command, ["Zoé"], env={"SALESPLAN_CONFIG": str(plain)})
    assert (result.exit_code, result.output) == (0, "Hello Zoé from Acme\n")


def test_tui_screens_example(load_example: Callable[..., Any]) -> None:
    from salesplan.tui.app import SalesplanApp

    app, _ = load_example("salesplan_tui_screens")
    spec = app.registry.screens["greeter"]
    assert (spec.title, spec.description) == ("Greeter", "Say hello")

    async def open_screen() -> str:
        tui = SalesplanApp(app, today=date(2026, 3, 4))
        async with tui.run_test() as pilot:
            await tui.switch_mode("plugin:greeter")
            await pilot.pause()
            return str(tui.screen.query_one("#greeting").render())

    assert asyncio.run(open_screen()) == "Hello, Acme!"


def test_after_action_example(
    load_example: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    from salesplan.core import services

    app, _ = load_example("salesplan_after_action")
    with app.write_session() as session:
        lead = services.create_lead(session, app, title="Acme", pipeline="acquisition",
                                    owner="alice")
        session.commit()
        key = lead.key
    with caplog.at_level(logging.INFO, logger="salesplan.audit"):
        logged = services.record_action(app, action_type="call", member="bob", lead=key,
                                        outcome="not_reached", at=datetime(2026, 3, 2, 10, 0))
    assert logged.warnings == []
    assert [r.getMessage() for r in caplog.records if r.name == "salesplan.audit"] == [
        f"Acme {logged.action.key} call by bob: call scheduled in 2 days (due 2026-03-04)"
    ]


def test_docs_example_without_the_plugin_enabled_is_never_called(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    module = example_module("salesplan_after_action")
    path = tmp_path / "salesplan.toml"
    path.write_text(config_text(), encoding="utf-8")
    app = load_app(path, extra_plugins=[plugin_info_from_module(module)], entry_points=False)
    assert "audit_log" not in app.plugins.active
