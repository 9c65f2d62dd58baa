"""Every config salesplan ships or writes is TOML 1.0, so every TOML tool reads it: parsed
here with Python's ``tomllib`` (a TOML 1.0 parser), not with salesplan's own loader."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from salesplan.core.context import AppContext, load_app
from salesplan.core.demo.build import demo_config_text
from tests.conftest import CliResult

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted([*ROOT.glob("configs/*.toml"), *ROOT.glob("core/templates/*.toml")])


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.name)
def test_shipped_configs_are_toml_1_0(path: Path) -> None:
    tomllib.loads(path.read_text(encoding="utf-8"))


def test_init_and_demo_write_toml_1_0(tmp_path: Path,
                                      run_cli: Callable[..., CliResult]) -> None:
    assert run_cli("init", str(tmp_path / "team")).exit_code == 0
    tomllib.loads((tmp_path / "team" / "salesplan.toml").read_text(encoding="utf-8"))
    tomllib.loads(demo_config_text())


def test_planner_write_back_and_settings_edits_stay_toml_1_0(app: AppContext) -> None:
    from salesplan.plugins.planner.write import write_objectives
    from salesplan.tui.config_edit import apply, set_action_type, set_enabled_plugins

    write_objectives(app, [{"id": "plan-alice-call", "who": "alice", "metric": "call",
                            "per": "week", "target": 12}])
    tomllib.loads(app.config_path.read_text(encoding="utf-8"))
    edited = load_app(app.config_path, env=app.env)
    apply(edited, set_action_type("proposal", label="Offer", color="green", icon="§",
                                  outcomes=[{"id": "sent", "label": "Sent"},
                                            {"id": "signed", "label": "Signed"}]))
    apply(load_app(app.config_path, env=app.env),
          set_enabled_plugins([*edited.config.plugins.enabled, "coaching"]))
    text = app.config_path.read_text(encoding="utf-8")
    parsed = tomllib.loads(text)
    proposal = next(t for t in parsed["action_types"] if t["id"] == "proposal")
    assert [o["id"] for o in proposal["outcomes"]] == ["sent", "signed"]
    assert "coaching" in parsed["plugins"]["enabled"]
