"""The example third-party package ``examples/salesplan-linkedin``, installed and enabled.

It must be installed in the test environment (``pip install -e examples/salesplan-linkedin``;
CI does it). The tests enable ``linkedin`` in the standard test team and drive it the way a
user would: through the CLI, against SQLite and PostgreSQL, and its webhook against a real HTTP
server on 127.0.0.1. The package's own test suite runs too, from its folder.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlmodel import select

from salesplan.core.context import AppContext
from salesplan.core.db.models import Action, Lead
from salesplan.core.errors import DeliveryError
from salesplan.core.notify import DeliveryReport, OutgoingMessage, call_deliver
from tests.conftest import CliResult
from tests.pluginkit import config_text

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "salesplan-linkedin"

RULE = """
[[rules]]
when = { action = "linkedin_message", outcome = "replied" }
then = { tag_lead = "hot" }
"""


@pytest.fixture(autouse=True)
def _installed() -> None:
    if importlib.util.find_spec("salesplan_linkedin") is None:
        pytest.fail(
            "the example plugin is not installed: pip install -e examples/salesplan-linkedin"
        )


@pytest.fixture
def linkedin_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test team with ``linkedin`` enabled, a tag_lead rule and a webhook section."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "salesplan.toml"
    path.write_text(config_text("linkedin", extra=RULE), encoding="utf-8")
    return path


def cli_in(path: Path, run_cli: Callable[..., CliResult]) -> Callable[..., CliResult]:
    def run(*args: str) -> CliResult:
        return run_cli("--config", str(path), *args)

    return run


def table_row(output: str, first_cell: str) -> list[str]:
    """The cells of the Rich table row whose first cell is ``first_cell``; a cell Rich wrapped
    over several lines is joined back (the lines below with an empty first cell)."""
    rows: list[list[str]] = []
    for line in output.splitlines():
        if "│" not in line:
            continue
        cells = [cell.strip() for cell in line.split("│")]
        if line.startswith("│"):  # a table with edges: drop the outer borders
            cells = cells[1:-1]
        if cells[0] == "" and rows and len(cells) == len(rows[-1]):
            rows[-1] = [" ".join(part for part in pair if part)
                        for pair in zip(rows[-1], cells, strict=True)]
        else:
            rows.append(cells)
    for cells in rows:
        if cells[0] == first_cell:
            return cells
    raise AssertionError(f"no row {first_cell!r} in:\n{output}")


# ---------------------------------------------------------------- discovery


def test_plugins_lists_the_distribution_with_its_version(
    linkedin_config: Path, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli("--config", str(linkedin_config), "plugins")
    assert result.exit_code == 0, result.output
    cells = table_row(result.stdout, "linkedin")
    assert cells[:5] == ["linkedin", "yes", "0.1.0", "salesplan-linkedin 0.1.0", "—"]
    # Every hook it implements, in order (Rich wraps the cell: table_row joins its lines).
    assert cells[5] == (
        "action_logged, action_types, after_action, cli_commands, config_sections, "
        "dashboard_panels, data_imported, notifiers, reports, rule_effects, schema"
    )
    assert cells[6].startswith("LinkedIn messages, tag_lead rule effect")


def test_plugins_check_passes_for_the_example(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("plugins", "--check")
    assert result.exit_code == 0, result.output
    assert "ok       linkedin 0.1.0 (salesplan-linkedin 0.1.0)" in result.stdout.splitlines()


def test_not_enabled_loads_only_the_manifest(
    make_app: Callable[..., AppContext], config_path: Path
) -> None:
    sys.modules.pop("salesplan_linkedin.plugin", None)
    app = make_app(config_path)
    assert "linkedin" in app.plugins.available and "linkedin" not in app.plugins.active
    assert "salesplan_linkedin.plugin" not in sys.modules
    assert "linkedin_message" not in app.registry.action_types


# ---------------------------------------------------------------- action type and rule effect


def test_log_linkedin_message_fires_tag_lead(
    db_url: str,
    linkedin_config: Path,
    run_cli: Callable[..., CliResult],
    make_app: Callable[..., AppContext],
) -> None:
    run = cli_in(linkedin_config, run_cli)
    created = run("lead", "add", "Acme renewal", "--pipeline", "acquisition", "--owner", "alice")
    assert created.exit_code == 0, created.output
    lead_key = created.stdout.split()[3]

    replied = run("log", "linkedin_message", "--lead", lead_key, "--outcome", "replied",
                  "--member", "alice", "--at", "2026-03-02 09:30")
    assert replied.exit_code == 0, replied.output
    lines = replied.stdout.splitlines()
    assert lines[0].startswith("✓ Logged ") and lines[0].endswith(
        f": linkedin_message (replied) by alice on lead {lead_key} at 2026-03-02 09:30"
    )
    assert lines[1:] == [f"  → lead {lead_key} tagged 'hot'"]

    again = run("log", "linkedin_message", "--lead", lead_key, "--outcome", "replied",
                "--member", "alice", "--at", "2026-03-03 09:30")
    assert again.stdout.splitlines()[1:] == [f"  → lead {lead_key} already tagged 'hot'"]

    ignored = run("log", "linkedin_message", "--lead", lead_key, "--outcome", "ignored",
                  "--member", "alice", "--at", "2026-03-04 09:30")
    assert ignored.exit_code == 0 and len(ignored.stdout.splitlines()) == 1

    bad = run("log", "linkedin_message", "--lead", lead_key, "--outcome", "maybe",
              "--member", "alice")
    assert (bad.exit_code, bad.stderr) == (
        2,
        "Error: unknown outcome 'maybe' for action type 'linkedin_message' "
        "(outcomes: replied, ignored)\n",
    )

    app = make_app(linkedin_config)
    with app.session() as session:
        lead = session.exec(select(Lead).where(Lead.key == lead_key)).one()
        outcomes = session.exec(select(Action.outcome).order_by(Action.at)).all()
    assert lead.fields == {"tags": ["hot"]}
    assert outcomes == ["replied", "replied", "ignored"]


def test_tag_lead_on_a_prospect_action_is_skipped_with_a_warning(
    db_url: str,
    linkedin_config: Path,
    run_cli: Callable[..., CliResult],
    make_app: Callable[..., AppContext],
) -> None:
    """A rule that cannot apply is skipped with a warning; the action is saved, untagged."""
    from salesplan.core.db.models import Prospect

    run = cli_in(linkedin_config, run_cli)
    added = run("prospect", "add", "Zoé Petit", "--list", "Trade fair", "--owner", "bob")
    assert added.exit_code == 0, added.output
    app = make_app(linkedin_config)
    with app.session() as session:
        prospect_key = session.exec(select(Prospect.key)).one()
    result = run("log", "linkedin_message", "--prospect", prospect_key, "--outcome", "replied",
                 "--member", "bob", "--at", "2026-03-02 09:30")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"✓ Logged A1: linkedin_message (replied) by bob on prospect {prospect_key} at "
        "2026-03-02 09:30\n"
    )
    assert result.stderr == (
        "Warning: rule rules[3] (tag_lead) skipped: tag_lead only tags leads, but this action "
        f"is on prospect {prospect_key} (limit the rule with `when.pipeline`, or log the action "
        "on a lead)\n"
    )
    with app.session() as session:
        saved = session.exec(select(Action)).one()
        prospect = session.exec(select(Prospect)).one()
    assert (saved.key, saved.action_type, saved.outcome, saved.prospect_id) == (
        "A1", "linkedin_message", "replied", prospect.id)
    assert not (prospect.fields or {}).get("tags")


def test_invalid_tag_in_a_rule_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "salesplan.toml"
    path.write_text(config_text("linkedin", extra=RULE.replace('"hot"', '"Hot lead"')),
                    encoding="utf-8")
    result = run_cli("--config", str(path), "check")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: salesplan.toml: rules[3].then.tag_lead: String should match pattern "
        "'^[a-z0-9][a-z0-9_-]*$'\n"
    )


# ---------------------------------------------------------------- report


def test_reply_rate_report_json(
    db_url: str, linkedin_config: Path, run_cli: Callable[..., CliResult]
) -> None:
    run = cli_in(linkedin_config, run_cli)
    lead_key = run("lead", "add", "Deal", "--pipeline", "acquisition", "--owner",
                   "alice").stdout.split()[3]
    # (member, outcome, local time); the range is Mon 2 → Fri 6 March 2026, Europe/Paris.
    logged = [
        ("alice", "replied", "2026-03-02 00:00"),  # first instant of the range
        ("alice", "ignored", "2026-03-03 12:00"),
        ("alice", "replied", "2026-03-06 23:59"),  # last minute of the range
        ("bob", "ignored", "2026-03-04 10:00"),
        ("alice", "replied", "2026-03-01 23:59"),  # the day before: not counted
        ("bob", "replied", "2026-03-07 00:00"),  # the day after: not counted
    ]
    for member, outcome, at in logged:
        result = run("log", "linkedin_message", "--lead", lead_key, "--outcome", outcome,
                     "--member", member, "--at", at)
        assert result.exit_code == 0, result.output
    assert run("log", "call", "--lead", lead_key, "--outcome", "reached", "--member", "alice",
               "--at", "2026-03-03 10:00").exit_code == 0  # another type: not counted

    result = run("report", "reply_rate", "--from", "2026-03-02", "--to", "2026-03-06",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "report": "reply_rate",
        "from": "2026-03-02",
        "to": "2026-03-06",
        "rows": [
            {"member": "alice", "name": "Alice Martin", "sent": 3, "replied": 2,
             "reply_rate": 2 / 3},
            {"member": "bob", "name": "Bob Durand", "sent": 1, "replied": 0,
             "reply_rate": 0.0},
        ],
        "totals": {"member": "Total", "sent": 4, "replied": 2, "reply_rate": 0.5},
    }

    only_bob = run("report", "reply_rate", "--from", "2026-03-02", "--to", "2026-03-07",
                   "--member", "bob", "--format", "json")
    assert json.loads(only_bob.stdout)["rows"] == [
        {"member": "bob", "name": "Bob Durand", "sent": 2, "replied": 1, "reply_rate": 0.5}
    ]

    table = run("report", "reply_rate", "--from", "2026-03-02", "--to", "2026-03-06")
    assert table_row(table.stdout, "alice")[1:] == ["Alice Martin", "3", "2", "66.7 %"]


# ---------------------------------------------------------------- webhook notifier


class _Recorder(BaseHTTPRequestHandler):
    """Records POSTed bodies on the server; answers with the server's ``status``."""

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        server: Any = self.server
        server.received.append(
            {
                "path": self.path,
                "content_type": self.headers["Content-Type"],
                "token": self.headers.get("X-Token"),
                "authorization": self.headers.get("Authorization"),
                "message_id": self.headers.get("X-Salesplan-Message-Id"),
                "body": json.loads(self.rfile.read(length)),
            }
        )
        self.send_response(server.status)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass


@pytest.fixture
def http_server() -> Iterator[Any]:
    server: Any = HTTPServer(("127.0.0.1", 0), _Recorder)
    server.received = []
    server.status = 204
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def webhook_app(
    make_app: Callable[..., AppContext], folder: Path, url: str
) -> AppContext:
    section = f'\n[notifiers.webhook]\nurl = "{url}"\ntimeout = 5\nheaders = {{ X-Token = "s3"}}\n'
    path = folder / "salesplan.toml"
    path.write_text(config_text("linkedin", extra=section), encoding="utf-8")
    return make_app(path)


MESSAGE = OutgoingMessage(
    subject="Digest for Tuesday 3 March",
    text="Alice: 3 calls",
    html="<p>Alice: 3 calls</p>",
    recipients=("alice@acme.test", "dave@acme.test"),
)


def deliver(app: AppContext, message: OutgoingMessage) -> DeliveryReport:
    """As the digest calls a notifier: with the application's environment."""
    notifier = app.registry.notifiers["webhook"]
    settings = app.section("notifiers.webhook")
    assert settings is not None
    return call_deliver(notifier, message, settings, app.env)


def test_webhook_posts_the_message_as_json(
    make_app: Callable[..., AppContext], tmp_path: Path, http_server: Any
) -> None:
    url = f"http://127.0.0.1:{http_server.server_port}/hook"
    app = webhook_app(make_app, tmp_path, url)
    report = deliver(app, MESSAGE)
    assert report == DeliveryReport(
        accepted=("alice@acme.test", "dave@acme.test"), detail=f"POST {url} → HTTP 204"
    )
    assert http_server.received == [
        {
            "path": "/hook",
            "content_type": "application/json; charset=utf-8",
            "token": "s3",
            "authorization": None,
            "message_id": None,
            "body": {
                "subject": "Digest for Tuesday 3 March",
                "text": "Alice: 3 calls",
                "html": "<p>Alice: 3 calls</p>",
                "recipients": ["alice@acme.test", "dave@acme.test"],
            },
        }
    ]


def test_webhook_http_error_names_the_url(
    make_app: Callable[..., AppContext], tmp_path: Path, http_server: Any
) -> None:
    http_server.status = 500
    url = f"http://127.0.0.1:{http_server.server_port}/hook"
    app = webhook_app(make_app, tmp_path, url)
    with pytest.raises(DeliveryError) as caught:
        deliver(app, MESSAGE)
    assert caught.value.message == f"webhook {url}: server answered HTTP 500 Internal Server Error"


def test_webhook_closed_port_names_the_url(
    make_app: Callable[..., AppContext], tmp_path: Path
) -> None:
    url = f"http://127.0.0.1:{closed_port()}/hook"
    app = webhook_app(make_app, tmp_path, url)
    with pytest.raises(DeliveryError) as caught:
        deliver(app, MESSAGE)
    assert caught.value.message == (
        f"webhook {url}: cannot connect: [Errno 111] Connection refused"
    )


def test_webhook_settings_are_validated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "salesplan.toml"
    section = '\n[notifiers.webhook]\nurl = "ftp://example.test/hook"\n'
    path.write_text(config_text("linkedin", extra=section), encoding="utf-8")
    result = run_cli("--config", str(path), "check")
    assert result.stderr == (
        "Error: salesplan.toml: notifiers.webhook.url: must be an http:// or https:// URL, "
        "got 'ftp://example.test/hook'\n"
    )


# ---------------------------------------------------------------- its own table and write events

DELIVERIES = "linkedin_webhook_deliveries"


def deliveries(app: AppContext) -> list[tuple[str, str, int]]:
    """(message id, status, attempts) of every row of the plugin's table, by action."""
    with app.read_connection() as connection:
        return [tuple(row) for row in connection.execute(text(  # type: ignore[misc]
            f"SELECT message_id, status, attempts FROM {DELIVERIES} ORDER BY action_id"))]


def assert_one_row_per_linkedin_message(app: AppContext) -> None:
    with app.read_connection() as connection:
        keys = connection.execute(text(
            "SELECT key FROM actions WHERE action_type = 'linkedin_message' ORDER BY id"
        )).scalars().all()
    assert [row[0] for row in deliveries(app)] == [f"linkedin-{key}" for key in keys]


def test_enabling_linkedin_on_an_existing_base_runs_its_migration(
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    run_cli: Callable[..., CliResult],
    make_app: Callable[..., AppContext],
) -> None:
    monkeypatch.chdir(tmp_path)
    plain = tmp_path / "plain.toml"
    plain.write_text(config_text(), encoding="utf-8")
    run = cli_in(plain, run_cli)
    lead_key = run("lead", "add", "Deal", "--pipeline", "acquisition", "--owner",
                   "alice").stdout.split()[3]
    assert run("log", "call", "--lead", lead_key, "--outcome", "reached", "--member", "alice",
               "--at", "2026-03-02 10:00").exit_code == 0
    before = make_app(plain)
    with before.read_connection() as connection:
        assert not inspect(connection).has_table(DELIVERIES)
        assert not inspect(connection).has_table("alembic_version_linkedin")
        kernel = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    before.dispose()

    path = tmp_path / "salesplan.toml"
    path.write_text(config_text("linkedin"), encoding="utf-8")
    logged = run_cli("--config", str(path), "log", "linkedin_message", "--lead", lead_key,
                     "--outcome", "replied", "--member", "alice", "--at", "2026-03-02 11:00")
    assert logged.exit_code == 0, logged.output
    after = make_app(path)
    with after.read_connection() as connection:
        columns = [c["name"] for c in inspect(connection).get_columns(DELIVERIES)]
        versions = (
            connection.execute(text("SELECT version_num FROM alembic_version")).scalar(),
            connection.execute(text("SELECT version_num FROM alembic_version_linkedin"))
            .scalar(),
        )
        history = connection.execute(text("SELECT count(*) FROM actions")).scalar()
    assert columns == ["message_id", "action_id", "status", "recorded_at", "attempts",
                       "delivered_at", "detail"]
    assert versions == (kernel, "linkedin_0001")
    assert history == 2  # the base's history is kept
    assert deliveries(after) == [("linkedin-A2", "skipped", 0)]


HISTORY = {
    "leads.csv": (
        "id,title,pipeline,step,owner,amount,status,created_at,closed_at,prospect_id\n"
        "L9,Old deal,acquisition,Qualified,alice,900,todo,2026-01-05 09:00,,\n"
    ),
    "actions.csv": (
        "id,at,member,action,outcome,lead_id,prospect_id,note\n"
        "H1,2026-01-06 10:00,alice,linkedin_message,replied,L9,,\n"
        "H2,2026-01-07 10:00,bob,call,reached,L9,,\n"
        "H3,2026-01-08 10:00,bob,linkedin_message,,L9,,\n"
    ),
}


def test_log_import_and_services_keep_one_row_per_linkedin_message(
    db_url: str,
    linkedin_config: Path,
    tmp_path: Path,
    run_cli: Callable[..., CliResult],
    make_app: Callable[..., AppContext],
) -> None:
    from salesplan.core import services
    from tests.test_import_helpers import write_folder

    run = cli_in(linkedin_config, run_cli)
    lead_key = run("lead", "add", "Deal", "--pipeline", "acquisition", "--owner",
                   "alice").stdout.split()[3]
    # salesplan log: two messages, a call (not a message), a message on a prospect (its
    # tag_lead rule is skipped, the action and so its row are kept)
    for outcome, at in (("replied", "2026-03-02 09:00"), ("ignored", "2026-03-02 10:00")):
        assert run("log", "linkedin_message", "--lead", lead_key, "--outcome", outcome,
                   "--member", "alice", "--at", at).exit_code == 0
    assert run("log", "call", "--lead", lead_key, "--outcome", "reached", "--member", "alice",
               "--at", "2026-03-02 11:00").exit_code == 0
    assert run("prospect", "add", "Zoé", "--list", "Fair", "--owner", "bob").exit_code == 0
    assert run("log", "linkedin_message", "--prospect", "P1", "--outcome", "replied",
               "--member", "bob", "--at", "2026-03-02 12:00").exit_code == 0
    # salesplan import: history, set-based, in the import's transaction
    imported = run("import", str(write_folder(tmp_path / "history", HISTORY)))
    assert imported.exit_code == 0, imported.output
    # an import that fails on a later row writes nothing, rows of this plugin included
    bad = dict(HISTORY, **{"leads.csv": HISTORY["leads.csv"].replace("L9", "L8"),
                           "actions.csv": HISTORY["actions.csv"].replace("L9", "L8")
                           .replace("H", "K").replace("bob,call", "zed,call")})
    refused = run("import", str(write_folder(tmp_path / "bad", bad)))
    assert refused.exit_code == 2 and "unknown member 'zed'" in refused.stderr
    # the services, and a transaction that is rolled back
    app = make_app(linkedin_config)
    services.record_action(app, action_type="linkedin_message", member="bob", lead="L9",
                           outcome="ignored", at=datetime(2026, 3, 3, 9, 0))
    with app.write_session() as session:
        services.log_action(session, app, action_type="linkedin_message", member="bob",
                            lead="L9", outcome="replied")
        session.rollback()

    assert [status for _id, status, _n in deliveries(app)] == [
        "skipped", "skipped", "skipped", "imported", "imported", "skipped"]
    assert [row[0] for row in deliveries(app)][3:5] == ["linkedin-H1", "linkedin-H3"]
    assert_one_row_per_linkedin_message(app)
    # the terminal UI: the lead file's log dialog goes through the same write events
    _log_in_the_tui(app, lead_key)
    assert len(deliveries(app)) == 7
    assert_one_row_per_linkedin_message(app)


def _log_in_the_tui(app: AppContext, lead_key: str) -> None:
    """Log a LinkedIn message on ``lead_key`` with the TUI's log dialog."""
    import asyncio
    from datetime import date

    from textual.widgets import Select

    from salesplan.tui.app import SalesplanApp
    from salesplan.tui.screens.lead_file import LeadFileScreen
    from salesplan.tui.screens.log_action import LogActionModal

    async def log() -> None:
        tui = SalesplanApp(app, today=date(2026, 3, 4))
        async with tui.run_test(size=(140, 44)) as pilot:
            async def settle() -> None:
                for _ in range(3):
                    await pilot.pause()
                    await tui.workers.wait_for_complete()

            await settle()
            tui.open_lead(lead_key)
            await settle()
            assert isinstance(tui.screen, LeadFileScreen)
            await pilot.press("a")
            await settle()
            modal = tui.screen
            assert isinstance(modal, LogActionModal)
            modal.query_one("#action-type", Select).value = "linkedin_message"
            await settle()
            modal.query_one("#outcome", Select).value = "replied"
            await pilot.press("ctrl+s")
            await settle()
            assert isinstance(tui.screen, LeadFileScreen)

    asyncio.run(log())


def test_forwarded_message_is_delivered_once_under_its_message_id(
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    http_server: Any,
    run_cli: Callable[..., CliResult],
    make_app: Callable[..., AppContext],
) -> None:
    monkeypatch.chdir(tmp_path)
    url = f"http://127.0.0.1:{http_server.server_port}/hook"
    section = (f'\n[notifiers.webhook]\nurl = "{url}"\ntoken_env = "HOOK_TOKEN"\n'
               "forward_messages = true\n")
    path = tmp_path / "salesplan.toml"
    path.write_text(config_text("linkedin", extra=section), encoding="utf-8")

    def run(*args: str) -> CliResult:
        return run_cli("--config", str(path), *args, env={"HOOK_TOKEN": "t0ken"})

    lead_key = run("lead", "add", "Deal", "--pipeline", "acquisition", "--owner",
                   "alice").stdout.split()[3]
    http_server.status = 503
    logged = run("log", "linkedin_message", "--lead", lead_key, "--outcome", "ignored",
                 "--member", "alice", "--at", "2026-03-02 09:40")
    assert logged.exit_code == 0, logged.output
    assert logged.stdout.startswith("✓ Logged A1: linkedin_message (ignored)")
    assert logged.stderr == (
        f"Warning: action A1 was saved, but plugin 'linkedin' failed after it: webhook {url}: "
        "server answered HTTP 503 Service Unavailable (LinkedIn message linkedin-A1 stays "
        "queued: `salesplan linkedin deliver` retries it)\n"
    )
    app = make_app(path)
    assert deliveries(app) == [("linkedin-A1", "queued", 1)]

    http_server.status = 204
    retried = run("linkedin", "deliver")
    assert (retried.exit_code, retried.stdout) == (
        0, f"Delivered 1 queued LinkedIn message(s) to {url}\n")
    assert deliveries(app) == [("linkedin-A1", "delivered", 2)]
    assert [(r["message_id"], r["authorization"]) for r in http_server.received] == [
        ("linkedin-A1", "Bearer t0ken")] * 2
    assert http_server.received[-1]["body"] == {
        "id": "linkedin-A1", "event": "linkedin_message", "action": "A1",
        "at": "2026-03-02T08:40:00+00:00", "member": "alice", "outcome": "ignored",
        "lead": lead_key, "prospect": None,
    }
    assert run("linkedin", "deliver").stdout == f"Delivered 0 queued LinkedIn message(s) to {url}\n"
    assert len(http_server.received) == 2
    assert_one_row_per_linkedin_message(app)


@pytest.mark.slow
def test_example_wheel_ships_its_migrations(tmp_path: Path) -> None:
    """The built wheel holds every module of the package, its migration files included."""
    import shutil
    import zipfile

    source = tmp_path / "src"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns(
        "*.egg-info", "__pycache__", ".pytest_cache", "build", "dist", "*.db*"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "-w", str(tmp_path / "dist"), str(source)],
        check=True, capture_output=True,
    )
    wheel = next((tmp_path / "dist").glob("salesplan_linkedin-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    package = source / "salesplan_linkedin"
    expected = {f"salesplan_linkedin/{path.relative_to(package).as_posix()}"
                for path in package.rglob("*.py")}
    assert "salesplan_linkedin/migrations/0001_webhook_deliveries.py" in expected
    assert expected <= names, f"missing from the wheel: {sorted(expected - names)}"


def test_linkedin_panel_shows_on_the_tui_dashboard(
    db_url: str,
    linkedin_config: Path,
    run_cli: Callable[..., CliResult],
    make_app: Callable[..., AppContext],
) -> None:
    """``salesplan_dashboard_panels``: a third-party box on the dashboard, for the day shown."""
    import asyncio
    from datetime import date

    from textual.widgets import DataTable

    from salesplan.tui.app import SalesplanApp

    run = cli_in(linkedin_config, run_cli)
    lead_key = run("lead", "add", "Deal", "--pipeline", "acquisition", "--owner",
                   "alice").stdout.split()[3]
    for member, outcome in (("alice", "replied"), ("alice", "ignored"), ("bob", "replied")):
        assert run("log", "linkedin_message", "--lead", lead_key, "--outcome", outcome,
                   "--member", member, "--at", "2026-03-04 10:00").exit_code == 0
    app = make_app(linkedin_config)
    assert app.registry.owners[("panel", "linkedin")] == "linkedin"
    assert app.registry.panels["linkedin"].load(app, date(2026, 3, 4)).rows == [
        ["Alice Martin", "2", "1"], ["Bob Durand", "1", "1"]]

    async def dashboard() -> tuple[str, list[list[str]]]:
        tui = SalesplanApp(app, today=date(2026, 3, 4))
        async with tui.run_test(size=(160, 50)) as pilot:
            for _ in range(3):
                await pilot.pause()
                await tui.workers.wait_for_complete()
            box = tui.screen.query_one("#panel-linkedin-box")
            table = tui.screen.query_one("#panel-linkedin", DataTable)
            rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
            return str(box.border_title), rows

    assert asyncio.run(dashboard()) == (
        "LinkedIn messages", [["Alice Martin", "2", "1"], ["Bob Durand", "1", "1"]])


# ---------------------------------------------------------------- the package's own tests


@pytest.mark.slow
def test_example_package_own_tests_pass() -> None:
    """Run ``pytest`` in the example's folder, as its README says."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=EXAMPLE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


# ---------------------------------------------------------------- the digest via the webhook


def digest_config(folder: Path, url: str) -> Path:
    section = f"""
        [notifiers.email_digest]
        sender = "salesplan@acme.test"
        to = ["team@acme.test"]
        via = "webhook"

        [notifiers.webhook]
        url = "{url}"
        timeout = 5
        """
    path = folder / "salesplan.toml"
    path.write_text(config_text("linkedin", "email_digest", extra=section), encoding="utf-8")
    return path


def test_digest_is_posted_to_the_webhook(
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    http_server: Any,
    run_cli: Callable[..., CliResult],
) -> None:
    monkeypatch.chdir(tmp_path)
    url = f"http://127.0.0.1:{http_server.server_port}/hook"
    path = digest_config(tmp_path, url)
    result = run_cli("--config", str(path), "digest", "--date", "2026-03-02", "--send")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].endswith(f"via webhook (POST {url} → HTTP 204)")
    assert len(http_server.received) == 1
    body = http_server.received[0]["body"]
    assert set(body) == {"subject", "text", "html", "recipients"}
    assert sorted(body["recipients"]) == ["dave@acme.test", "team@acme.test"]
    assert "2026" in body["subject"] and body["text"] and body["html"].lstrip().startswith("<")


def test_digest_webhook_failure_names_the_url_and_exits_2(
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    run_cli: Callable[..., CliResult],
) -> None:
    monkeypatch.chdir(tmp_path)
    url = f"http://127.0.0.1:{closed_port()}/hook"
    path = digest_config(tmp_path, url)
    result = run_cli("--config", str(path), "digest", "--date", "2026-03-02", "--send")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: webhook {url}: cannot connect: [Errno 111] Connection refused — nothing "
        "recorded for the failed recipients: the next `salesplan digest --send --date "
        "2026-03-02` retries them\n"
    )


# ---------------------------------------------------------------- the TUI's Reports screen


def test_reply_rate_appears_in_the_tui_reports_screen(
    db_url: str,
    linkedin_config: Path,
    run_cli: Callable[..., CliResult],
    make_app: Callable[..., AppContext],
) -> None:
    import asyncio
    from datetime import date

    from textual.widgets import OptionList

    from salesplan.tui.app import SalesplanApp
    from salesplan.tui.widgets.result_table import ResultTable

    run = cli_in(linkedin_config, run_cli)
    lead_key = run("lead", "add", "Deal", "--pipeline", "acquisition", "--owner",
                   "alice").stdout.split()[3]
    for outcome, at in (("replied", "2026-03-02 10:00"), ("ignored", "2026-03-03 10:00"),
                        ("ignored", "2026-02-27 10:00")):
        assert run("log", "linkedin_message", "--lead", lead_key, "--outcome", outcome,
                   "--member", "alice", "--at", at).exit_code == 0
    ctx = make_app(linkedin_config)

    async def scenario() -> tuple[list[str], Any, str, int]:
        tui = SalesplanApp(ctx, today=date(2026, 3, 4))  # the default range: this month
        async with tui.run_test(size=(160, 50)) as pilot:
            await tui.switch_mode("reports")
            await pilot.pause()
            listing = tui.screen.query_one("#report-list", OptionList)
            listed = [str(listing.get_option_at_index(i).id)
                      for i in range(listing.option_count)]
            # Straight from the first report (objectives, with its own ``member`` option).
            listing.highlighted = listed.index("reply_rate")
            for _ in range(3):
                await pilot.pause()
                await tui.workers.wait_for_complete()
            await pilot.pause()
            table = tui.screen.query_one("#report-table", ResultTable)
            title = str(tui.screen.query_one("#report-result-box").border_title)
            return listed, table.result, title, table.row_count

    listed, result, title, row_count = asyncio.run(scenario())
    assert row_count == 2  # alice and the totals row
    assert "reply_rate" in listed
    assert title == "LinkedIn reply rate · 2026-03-01 → 2026-03-31"
    assert result is not None and result.rows == [
        {"member": "alice", "name": "Alice Martin", "sent": 2, "replied": 1, "reply_rate": 0.5}
    ]
