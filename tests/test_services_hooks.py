"""``record_action`` and the ``salesplan_after_action`` hook: called after commit, and a
failing plugin never loses the action."""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from salesplan.core import hookimpl, services
from salesplan.core.cli import context as cli_context
from salesplan.core.context import AppContext, load_app
from salesplan.core.db.models import Action, Reminder
from salesplan.core.manifest import PluginManifest
from salesplan.core.pluginmanager import PluginInfo
from tests.conftest import CliResult, base_config_text

SEEN: list[dict[str, Any]] = []


def _plugin(name: str, hook: Callable[..., None]) -> PluginInfo:
    module = types.ModuleType(f"tests_plugin_{name}")
    module.MANIFEST = PluginManifest(name=name, summary="test plugin")  # type: ignore[attr-defined]
    module.salesplan_after_action = hookimpl(hook)  # type: ignore[attr-defined]
    return PluginInfo(manifest=module.MANIFEST, origin="tests", load=lambda: module)  # type: ignore[attr-defined]


def _recorder(app: AppContext, action: Action, effects: list[str]) -> None:
    with app.session() as session:  # the action is committed before the hook runs
        stored = session.exec(select(Action).where(Action.key == action.key)).one()
    SEEN.append({"key": action.key, "effects": effects, "stored": stored.id == action.id})


def _boom(action: Action) -> None:
    raise RuntimeError(f"mail server down for {action.key}")


PLUGINS = [_plugin("recorder", _recorder), _plugin("boom", _boom)]


def _config(write_config: Callable[..., Path]) -> Path:
    text = base_config_text().replace('enabled = ["calls",', 'enabled = ["recorder", "boom", '
                                      '"calls",')
    return write_config(text)


@pytest.fixture
def hook_app(make_app: Callable[..., AppContext], write_config: Callable[..., Path]) -> AppContext:
    SEEN.clear()
    return make_app(_config(write_config), extra_plugins=PLUGINS)


@pytest.fixture
def seen() -> Iterator[list[dict[str, Any]]]:
    SEEN.clear()
    yield SEEN
    SEEN.clear()


def _lead(app: AppContext) -> str:
    with app.write_session() as session:
        lead = services.create_lead(session, app, title="Deal", pipeline="acquisition",
                                    owner="alice")
        session.commit()
        return lead.key


def test_failing_hook_keeps_the_action_and_warns(
    hook_app: AppContext, seen: list[dict[str, Any]]
) -> None:
    key = _lead(hook_app)
    logged = services.record_action(hook_app, action_type="call", member="alice", lead=key,
                                    outcome="not_reached", at=datetime(2026, 3, 10, 9, 0))
    assert logged.effects == ["call scheduled in 2 days (due 2026-03-12)"]
    assert logged.warnings == [
        f"action {logged.action.key} was saved, but plugin 'boom' failed after it: "
        f"RuntimeError: mail server down for "
        f"{logged.action.key}"
    ]
    # the recorder ran first (activation order), after the commit, with the effects
    assert seen == [{"key": logged.action.key,
                     "effects": ["call scheduled in 2 days (due 2026-03-12)"], "stored": True}]
    with hook_app.session() as session:
        assert [a.key for a in session.exec(select(Action)).all()] == [logged.action.key]
        assert len(session.exec(select(Reminder)).all()) == 1


def test_log_command_prints_hook_failure_as_warning_and_exits_0(
    run_cli: Callable[..., CliResult],
    write_config: Callable[..., Path],
    make_app: Callable[..., AppContext],
    monkeypatch: pytest.MonkeyPatch,
    seen: list[dict[str, Any]],
) -> None:
    path = _config(write_config)
    monkeypatch.setattr(
        cli_context, "load_app", lambda p, **kw: load_app(p, extra_plugins=PLUGINS, **kw)
    )
    added = run_cli("--config", str(path), "lead", "add", "Deal", "--pipeline", "acquisition",
                    "--owner", "alice")
    assert added.exit_code == 0, added.output
    result = run_cli("--config", str(path), "log", "call", "--lead", "L1", "--outcome",
                     "reached", "--member", "alice")
    assert result.exit_code == 0, result.output
    assert "Logged A1: call (reached) by alice on lead L1" in result.stdout
    assert result.stderr == (
        "Warning: action A1 was saved, but plugin 'boom' failed after it: RuntimeError: mail "
        "server down for A1\n"
    )
    app = make_app(path, extra_plugins=PLUGINS)
    with app.session() as session:
        assert [a.key for a in session.exec(select(Action)).all()] == ["A1"]
