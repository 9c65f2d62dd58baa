"""The kernel's commands: --version, --help, init, check, and database errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from salesplan.core import __version__
from salesplan.core.context import load_app
from tests.conftest import CliResult


def test_version(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"salesplan, version {__version__}"


@pytest.mark.parametrize("command", ["init", "check", "plugins"])
def test_help_everywhere(command: str, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli(command, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: salesplan {command}")


def test_help_lists_the_commands_without_a_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("--help")
    assert result.exit_code == 0
    for name in ("init", "demo", "check", "plugins", "import", "report", "objectives"):
        assert f"  {name} " in result.stdout


def test_init_writes_a_commented_config_that_loads(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    target = tmp_path / "team"
    result = run_cli("init", str(target))
    assert result.exit_code == 0
    text = (target / "salesplan.toml").read_text(encoding="utf-8")
    assert text.count("\n#") >= 5  # commented
    app = load_app(target / "salesplan.toml", env={})
    assert app.config.team.name == "My team"
    assert "call" in app.registry.action_types and "proposal" in app.registry.action_types
    assert not (target / "salesplan.db").exists()


def test_init_refuses_to_overwrite(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    (tmp_path / "salesplan.toml").write_text("# mine\n", encoding="utf-8")
    result = run_cli("init", str(tmp_path))
    assert result.exit_code == 2
    assert "already exists (use --force to overwrite)" in result.stderr
    assert (tmp_path / "salesplan.toml").read_text(encoding="utf-8") == "# mine\n"


def test_check_summarises_the_team(
    config_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("--config", str(config_path), "check", env={"SALESPLAN_DATABASE_URL": ""})
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "is valid" in out
    assert "Acme · EUR · Europe/Paris" in out
    assert "Alice Martin (alice)" in out and "Dave Manager (dave, manager)" in out
    assert "discovery_call" in out and "Good opportunity, Bad opportunity" in out
    assert "email_received" not in out  # disabled in the config
    assert "Incoming → Qualified → Proposal → Negotiation" in out
    assert "not created yet" in out
    assert not (config_path.parent / "acme.db").exists()


def test_config_from_environment(
    config_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    run_cli: Callable[..., CliResult],
) -> None:
    monkeypatch.chdir(tmp_path.parent)
    result = run_cli("check", env={"SALESPLAN_CONFIG": str(config_path)})
    assert result.exit_code == 0
    assert "is valid" in result.stdout


def test_unreachable_database_names_the_url(
    config_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    url = "postgresql+psycopg://sales:secret@127.0.0.1:1/acme"
    result = run_cli("--config", str(config_path), "check",
                     env={"SALESPLAN_DATABASE_URL": url})
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "Error: cannot connect to database postgresql+psycopg://sales:***@127.0.0.1:1/acme: "
    )
    assert "secret" not in result.output
    assert "Traceback" not in result.output


def test_bad_database_url(config_path: Path, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("--config", str(config_path), "check",
                     env={"SALESPLAN_DATABASE_URL": "not a url"})
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: SALESPLAN_DATABASE_URL: not a database URL: 'not a url'"
    )


def test_existing_base_reports_its_schema(
    app: object, config_path: Path, db_url: str, run_cli: Callable[..., CliResult]
) -> None:
    from salesplan.core.context import AppContext

    assert isinstance(app, AppContext)
    app.engine  # noqa: B018  (opens and migrates)
    result = run_cli("--config", str(config_path), "check")
    assert result.exit_code == 0
    assert "up to date" in result.stdout
