"""Accounts, tokens and ``--as`` through the real CLI, on SQLite and PostgreSQL (SPEC §11):
``user add|list|passwd|disable``, ``token create|list|revoke``, and a rep acting with
``--as`` sees and does what the roles allow, nothing more."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from salesplan.core import services
from salesplan.core.context import AppContext
from salesplan.core.errors import AuthenticationError
from salesplan.core.services.accounts import sign_in
from salesplan.core.services.tokens import authenticate
from tests.conftest import CliResult

Run = Callable[..., CliResult]
PASSWORD = "a long enough secret"


@pytest.fixture
def sp(run_cli: Run, config_path: Path) -> Run:
    def run(*args: str, input: str | None = None) -> CliResult:
        return run_cli("--config", str(config_path), *args, input=input)

    return run


@pytest.fixture
def db(make_app: Callable[..., AppContext], config_path: Path) -> AppContext:
    return make_app(config_path)


def _ok(result: CliResult) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def _error(result: CliResult) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.stderr.strip()


def _lead(app: AppContext, title: str, owner: str) -> str:
    with app.write_session() as session:
        lead = services.create_lead(session, app, title=title, pipeline="acquisition",
                                    owner=owner, at=datetime(2026, 3, 2, 9, 0))
        session.commit()
        return lead.key


def test_user_add_list_passwd_disable(sp: Run, db: AppContext) -> None:
    out = _ok(sp("user", "add", "alice", "--role", "rep", input=f"{PASSWORD}\n"))
    assert out == "✓ Added the account of alice (rep).\n"
    _ok(sp("user", "add", "dave", input=f"{PASSWORD}\n"))  # the config's role: manager
    assert _error(sp("user", "add", "alice", input=f"{PASSWORD}\n")) == (
        "Error: member 'alice' already has an account")
    assert _error(sp("user", "add", "zed", input=f"{PASSWORD}\n")).startswith(
        "Error: unknown member 'zed' (members: alice, bob, carol, dave)")
    assert _error(sp("user", "add", "bob", input="short\n")) == (
        "Error: a password needs at least 8 characters")
    assert _error(sp("user", "add", "bob", input="")).startswith("Error: no password given")
    assert "Invalid value for '--role'" in sp("user", "add", "bob", "--role", "boss").output

    listed = sp("user", "list").stdout
    assert "alice" in listed and "rep" in listed and "manager" in listed
    assert "2 accounts" in listed and PASSWORD not in listed
    with db.session() as session:
        assert sign_in(session, db, member="alice", password=PASSWORD).role == "rep"

    _ok(sp("user", "passwd", "alice", input="another long secret\n"))
    with db.session() as session:
        with pytest.raises(AuthenticationError):
            sign_in(session, db, member="alice", password=PASSWORD)
        assert sign_in(session, db, member="alice", password="another long secret").member == (
            "alice")
    assert _error(sp("user", "passwd", "bob", input=f"{PASSWORD}\n")).startswith(
        "Error: member 'bob' has no account")

    assert _ok(sp("user", "disable", "alice")).startswith("✓ Disabled the account of alice")
    assert "disabled" in sp("user", "list").stdout
    assert _error(sp("user", "disable", "alice")) == (
        "Error: the account of 'alice' is already disabled")
    with db.session() as session, pytest.raises(AuthenticationError):
        sign_in(session, db, member="alice", password="another long secret")


def test_token_create_prints_it_last_and_once(sp: Run, db: AppContext) -> None:
    assert _error(sp("token", "create", "alice")).startswith(
        "Error: member 'alice' has no account")
    _ok(sp("user", "add", "alice", "--role", "rep", input=f"{PASSWORD}\n"))
    out = _ok(sp("token", "create", "alice", "--name", "zapier"))
    lines = out.splitlines()
    token = lines[-1]
    assert token.startswith("spk_") and len(token) > 40
    assert lines[0].startswith("✓ Created token 1 “zapier” for alice.")
    assert authenticate(db, token).member == "alice"

    listed = _ok(sp("token", "list"))
    assert token not in listed and token[4:12] not in listed
    assert "zapier" in listed and "active" in listed
    assert _ok(sp("token", "revoke", "1")) == "✓ Revoked token 1 of alice.\n"
    assert "revoked" in sp("token", "list").stdout
    with pytest.raises(AuthenticationError):
        authenticate(db, token)
    assert _error(sp("token", "revoke", "1")) == "Error: token 1 is already revoked"
    assert _error(sp("token", "revoke", "99")) == "Error: unknown token 99"
    assert sp("token", "revoke", "one").exit_code == 2

    second = _ok(sp("token", "create", "alice")).splitlines()[-1]
    _ok(sp("user", "disable", "alice"))
    with pytest.raises(AuthenticationError):
        authenticate(db, second)
    assert "account disabled" in sp("token", "list").stdout


def test_as_a_rep_the_cli_obeys_the_roles(sp: Run, db: AppContext) -> None:
    mine, theirs = _lead(db, "Mine", "alice"), _lead(db, "Theirs", "bob")

    assert _error(sp("--as", "alice", "lead", "show", theirs)) == (
        f"Error: unknown lead '{theirs}'")
    assert "Mine" in _ok(sp("--as", "alice", "lead", "show", mine))
    listed = _ok(sp("--as", "alice", "lead", "list"))
    assert "Mine" in listed and "Theirs" not in listed and "1 lead" in listed

    assert _error(sp("--as", "alice", "log", "call", "--lead", mine, "--member", "bob")) == (
        "Error: alice (rep) may log actions as themselves only, not as 'bob'")
    assert _error(sp("--as", "alice", "log", "call", "--lead", theirs)) == (
        f"Error: unknown lead '{theirs}'")
    logged = _ok(sp("--as", "alice", "log", "call", "--lead", mine, "--outcome", "not_reached",
                    "--at", "2026-03-03 10:00"))
    assert "by alice" in logged and "call scheduled in 2 days" in logged
    _ok(sp("log", "call", "--lead", theirs, "--member", "bob", "--outcome", "not_reached",
           "--at", "2026-03-03 11:00"))  # the local admin logs as anyone
    assert _error(sp("--as", "alice", "lead", "move", theirs, "Qualified")) == (
        f"Error: unknown lead '{theirs}'")
    assert _error(sp("--as", "alice", "lead", "add", "For Bob", "--pipeline", "acquisition",
                     "--owner", "bob")).startswith("Error: alice (rep) may create leads for "
                                                   "themselves only")
    assert "Created lead" in _ok(sp("--as", "alice", "lead", "add", "Own",
                                    "--pipeline", "acquisition"))

    report = json.loads(_ok(sp("--as", "alice", "report", "activity", "--from", "2026-03-01",
                               "--to", "2026-03-31", "--format", "json")))
    assert [row["member"] for row in report["rows"]] == ["alice"]
    assert report["totals"]["actions"]["call"] == 2  # the team's total stays
    everyone = json.loads(_ok(sp("report", "activity", "--from", "2026-03-01", "--to",
                                 "2026-03-31", "--format", "json")))
    assert [row["member"] for row in everyone["rows"]] == ["alice", "bob", "carol", "dave"]
    todo = _ok(sp("--as", "alice", "todo", "--date", "2026-03-06"))
    assert "alice" in todo and "bob" not in todo

    assert _error(sp("--as", "alice", "user", "list")) == (
        "Error: alice (rep) may not manage user accounts: it needs the admin role")
    assert _error(sp("--as", "alice", "plan", "--revenue", "90000")) == (
        "Error: alice (rep) may not use the planner: it needs the manager role")
    assert _error(sp("--as", "dave", "token", "list")).endswith("needs the admin role")
    assert _error(sp("--as", "zed", "lead", "list")).startswith(
        "Error: --as: unknown member 'zed'")


def test_as_takes_the_account_role_over_the_config_role(sp: Run, db: AppContext) -> None:
    theirs = _lead(db, "Theirs", "bob")
    assert "Theirs" in _ok(sp("--as", "dave", "lead", "show", theirs))  # config: manager
    _ok(sp("user", "add", "dave", "--role", "rep", input=f"{PASSWORD}\n"))
    assert _error(sp("--as", "dave", "lead", "show", theirs)) == (
        f"Error: unknown lead '{theirs}'")
    _ok(sp("user", "add", "carol", "--role", "admin", input=f"{PASSWORD}\n"))
    assert _ok(sp("--as", "carol", "token", "list")) == "0 tokens\n"
    out = _ok(sp("--as", "carol", "token", "create", "dave"))
    assert out.splitlines()[-1].startswith("spk_")
