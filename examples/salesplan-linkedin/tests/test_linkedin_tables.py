"""The plugin's own table ``linkedin_webhook_deliveries``: created by its migration branch when
the plugin is enabled, kept exact by its write-event hooks (one row per ``linkedin_message``
action, logged or imported), and the webhook deliveries it records (once per message id)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from salesplan.core import services
from salesplan.core.cli.main import cli
from salesplan.core.context import AppContext
from sqlalchemy import func, inspect, select, text

from salesplan_linkedin.tables import webhook_deliveries

TABLE = "linkedin_webhook_deliveries"
CALLS_TOO = '["calls", "linkedin"]'


def invoke(tmp_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(tmp_path / "salesplan.toml"), *args],
                              env={"SALESPLAN_DATABASE_URL": "", "COLUMNS": "200"})


def deliveries(app: AppContext) -> list[tuple[Any, ...]]:
    d = webhook_deliveries.c
    with app.read_connection() as connection:
        return [tuple(row) for row in connection.execute(
            select(d.message_id, d.status, d.attempts).order_by(d.action_id))]


def linkedin_actions(app: AppContext) -> list[str]:
    with app.read_connection() as connection:
        return list(connection.execute(text(
            "SELECT key FROM actions WHERE action_type = 'linkedin_message' ORDER BY id"
        )).scalars())


def lead(app: AppContext) -> str:
    with app.write_session() as session:
        created = services.create_lead(session, app, title="Acme", pipeline="deals",
                                       owner="ana")
        session.commit()
        return created.key


def test_enabling_on_an_existing_base_creates_the_table_through_its_migration(
    open_app: Callable[..., AppContext],
) -> None:
    before = open_app(enabled="[]", rules=False)
    key = lead(before)
    tables = set(inspect(before.engine).get_table_names())
    assert TABLE not in tables and "alembic_version_linkedin" not in tables
    before.dispose()

    after = open_app()
    with after.read_connection() as connection:
        assert inspect(connection).has_table(TABLE)
        assert connection.execute(text(
            "SELECT version_num FROM alembic_version_linkedin")).scalar() == "linkedin_0001"
        assert connection.execute(text("SELECT key FROM leads")).scalar() == key  # data kept
    assert deliveries(after) == []


def test_services_and_the_cli_keep_one_row_per_message(
    open_app: Callable[..., AppContext], tmp_path: Path
) -> None:
    app = open_app(enabled=CALLS_TOO)
    key = lead(app)
    with app.write_session() as session:
        prospect = services.add_prospect(session, app, list_name="Fair", name="Zoé")
        session.commit()
        prospect_key = prospect.key
    at = datetime(2026, 3, 2, 9, 0)
    services.record_action(app, action_type="linkedin_message", member="ana", lead=key,
                           outcome="replied", at=at)
    services.record_action(app, action_type="call", member="ana", lead=key, at=at)
    services.record_action(app, action_type="linkedin_message", member="ben",
                           prospect=prospect_key, outcome="ignored", at=at)
    result = invoke(tmp_path, "log", "linkedin_message", "--lead", key, "--member", "ben",
                    "--outcome", "ignored", "--at", "2026-03-03 10:00")
    assert result.exit_code == 0, result.output
    assert deliveries(app) == [("linkedin-A1", "skipped", 0), ("linkedin-A3", "skipped", 0),
                               ("linkedin-A4", "skipped", 0)]
    assert linkedin_actions(app) == ["A1", "A3", "A4"]


def test_the_row_is_written_in_the_actions_transaction(
    open_app: Callable[..., AppContext],
) -> None:
    app = open_app()
    key = lead(app)
    with app.write_session() as session:
        services.log_action(session, app, action_type="linkedin_message", member="ana",
                            lead=key, outcome="ignored")
        with app.engine.connect() as other:  # not committed yet: invisible elsewhere
            assert other.execute(select(func.count()).select_from(webhook_deliveries)
                                 ).scalar() == 0
        session.rollback()
    assert deliveries(app) == [] and linkedin_actions(app) == []


DATA = {
    "leads.csv": (
        "id,title,pipeline,step,owner,amount,status,created_at,closed_at,prospect_id\n"
        "L7,Old deal,deals,Talking,ana,500,todo,2026-01-05 09:00,,\n"
    ),
    "actions.csv": (
        "id,at,member,action,outcome,lead_id,prospect_id,note\n"
        "H1,2026-01-06 10:00,ana,linkedin_message,replied,L7,,\n"
        "H2,2026-01-07 10:00,ben,call,reached,L7,,\n"
        "H3,2026-01-08 10:00,ben,linkedin_message,,L7,,\n"
    ),
}


def test_an_import_records_its_messages_as_history(
    open_app: Callable[..., AppContext], tmp_path: Path
) -> None:
    app = open_app(enabled=CALLS_TOO)
    folder = tmp_path / "data"
    folder.mkdir()
    for name, content in DATA.items():
        (folder / name).write_text(content, encoding="utf-8")
    result = invoke(tmp_path, "import", str(folder))
    assert result.exit_code == 0, result.output
    assert deliveries(app) == [("linkedin-H1", "imported", 0), ("linkedin-H3", "imported", 0)]
    services.record_action(app, action_type="linkedin_message", member="ana", lead="L7",
                           outcome="ignored")
    assert [row[0] for row in deliveries(app)] == [
        f"linkedin-{key}" for key in linkedin_actions(app)]


def test_a_forwarded_message_is_posted_once_per_message_id(
    open_app: Callable[..., AppContext], tmp_path: Path, server: Any
) -> None:
    section = f'\n[notifiers.webhook]\nurl = "{server.url}"\nforward_messages = true\n'
    app = open_app(extra=section)
    key = lead(app)
    server.status = 503
    logged = services.record_action(app, action_type="linkedin_message", member="ana",
                                    lead=key, outcome="replied")
    assert logged.effects == [f"lead {key} tagged 'hot'"]  # the action and its rule are kept
    assert logged.warnings == [
        "action A1 was saved, but plugin 'linkedin' failed after it: webhook "
        f"{server.url}: server answered HTTP 503 Service Unavailable (LinkedIn message "
        "linkedin-A1 stays queued: `salesplan linkedin deliver` retries it)"
    ]
    assert deliveries(app) == [("linkedin-A1", "queued", 1)]

    server.status = 200
    retried = invoke(tmp_path, "linkedin", "deliver")
    assert (retried.exit_code, retried.output) == (
        0, f"Delivered 1 queued LinkedIn message(s) to {server.url}\n")
    assert deliveries(app) == [("linkedin-A1", "delivered", 2)]
    assert [h["X-Salesplan-Message-Id"] for h in server.headers] == ["linkedin-A1"] * 2
    assert server.bodies[-1] == {
        "id": "linkedin-A1", "event": "linkedin_message", "action": "A1",
        "at": logged.action.at.isoformat(), "member": "ana", "outcome": "replied",
        "lead": key, "prospect": None,
    }
    assert invoke(tmp_path, "linkedin", "deliver").output == (
        f"Delivered 0 queued LinkedIn message(s) to {server.url}\n")

    second = services.record_action(app, action_type="linkedin_message", member="ben",
                                    lead=key, outcome="ignored")
    assert second.warnings == []
    assert deliveries(app) == [("linkedin-A1", "delivered", 2), ("linkedin-A2", "delivered", 1)]
    assert len(server.bodies) == 3


def test_deliver_without_forwarding_is_a_clear_error(
    open_app: Callable[..., AppContext], tmp_path: Path
) -> None:
    open_app()
    result = invoke(tmp_path, "linkedin", "deliver")
    assert (result.exit_code, result.output) == (
        2, "Error: forwarding is off: set forward_messages = true in [notifiers.webhook]\n")
