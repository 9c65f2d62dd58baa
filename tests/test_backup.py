"""``salesplan backup`` / ``restore``, on SQLite and PostgreSQL: the restored base holds every
row of every table (script answers, reminders, standby dates, accounts, rollups — what an
export did not keep), a backup file is its owner's only, and bad requests are one message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text

from salesplan.core import services
from salesplan.core.context import AppContext
from salesplan.core.services.accounts import add_account
from tests.conftest import CliResult

Run = Callable[..., CliResult]


def _fill(app: AppContext) -> None:
    with app.write_session() as session:
        lead = services.create_lead(session, app, title="Acme", pipeline="acquisition",
                                    owner="alice", amount=1200.5, at=datetime(2026, 3, 2, 9))
        other = services.create_lead(session, app, title="Later", pipeline="acquisition",
                                     owner="alice", at=datetime(2026, 3, 2, 10))
        services.log_action(session, app, action_type="discovery_call", member="alice",
                            lead=lead.key, at=datetime(2026, 3, 3, 10),
                            answers={"budget": "Yes", "seats": "12"})
        services.log_action(session, app, action_type="call", member="alice", lead=lead.key,
                            outcome="not_reached", at=datetime(2026, 3, 4, 10))
        services.set_status(session, app, lead=other, status="standby",
                            remind_at=date(2026, 4, 1), at=datetime(2026, 3, 5, 10))
        add_account(session, app, member="alice", role="rep", password="correct horse 1")
        session.commit()


def _content(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            tables = sorted(inspect(connection).get_table_names())
            return {
                name: sorted((tuple(row) for row in connection.execute(
                    text(f'SELECT * FROM "{name}"'))), key=repr)
                for name in tables
            }
    finally:
        engine.dispose()


def _wipe(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def test_backup_then_restore_into_an_empty_base_keeps_every_row(
    app: AppContext, run_cli: Run, config_path: Path, db_url: str, tmp_path: Path
) -> None:
    _fill(app)
    before = _content(db_url)
    assert before["reminders"] and before["accounts"] and before["leads"]
    backup = tmp_path / "sales.backup"
    result = run_cli("--config", str(config_path), "backup", str(backup))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Backed up ")
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    app.dispose()
    if db_url.startswith("sqlite"):
        target = f"sqlite:///{tmp_path / 'restored.db'}"
    else:
        _wipe(db_url)
        target = db_url
    result = run_cli("--config", str(config_path), "restore", str(backup),
                     env={"SALESPLAN_DATABASE_URL": target})
    assert result.exit_code == 0, result.output
    assert _content(target) == before
    # The restored base works: the standby lead and the reminder are due as before.
    todo = run_cli("--config", str(config_path), "todo", "--date", "2026-04-01",
                   env={"SALESPLAN_DATABASE_URL": target})
    assert "1 reminder due (1 late) for 1 member, 1 standby lead back." in todo.stdout


def test_restore_refuses_to_overwrite_data_and_bad_files(
    app: AppContext, run_cli: Run, config_path: Path, db_url: str, tmp_path: Path
) -> None:
    _fill(app)
    backup = tmp_path / "sales.backup"
    assert run_cli("--config", str(config_path), "backup", str(backup)).exit_code == 0
    again = run_cli("--config", str(config_path), "backup", str(backup))
    assert again.exit_code == 2
    assert again.stderr.strip() == f"Error: {backup}: exists already (use --overwrite to " \
        "replace it)"
    assert run_cli("--config", str(config_path), "backup", str(backup),
                   "--overwrite").exit_code == 0
    refused = run_cli("--config", str(config_path), "restore", str(backup))
    assert refused.exit_code == 2
    assert "the base holds data already: use --replace" in refused.stderr
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a base")
    bad = run_cli("--config", str(config_path), "restore", str(junk), "--replace")
    assert bad.exit_code == 2 and "Traceback" not in bad.output
    missing = run_cli("--config", str(config_path), "restore", str(tmp_path / "nope"))
    assert missing.exit_code == 2 and "no such backup file" in missing.stderr
    # --replace puts the backup's content back over later changes.
    with app.write_session() as session:
        services.create_lead(session, app, title="After the backup", pipeline="acquisition",
                             owner="alice")
        session.commit()
    app.dispose()
    result = run_cli("--config", str(config_path), "restore", str(backup), "--replace")
    assert result.exit_code == 0, result.output
    titles = [row[0] for row in _content_rows(db_url, "SELECT title FROM leads ORDER BY id")]
    assert titles == ["Acme", "Later"]


def _content_rows(url: str, query: str) -> list[tuple[Any, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(query))]
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_rep_may_not_back_up(run_cli: Run, config_path: Path, app: AppContext,
                               tmp_path: Path) -> None:
    _fill(app)
    result = run_cli("--config", str(config_path), "--as", "alice", "backup",
                     str(tmp_path / "b"))
    assert result.exit_code == 2
    assert not (tmp_path / "b").exists()
    assert "may not import or export the data folder" in result.stderr
