"""One validation for every write path, on SQLite and PostgreSQL: the same limits as import
(lengths, NUL, control characters, finite amounts), out-of-range numbers and days refused
with one message and exit 2, terminal escapes never echoed raw, and concurrent logging on one
lead leaving exactly one open reminder."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import func, select

from salesplan.core import services
from salesplan.core.context import AppContext, load_app
from salesplan.core.dataio import export_folder, import_folder
from salesplan.core.db.models import Action, Lead, Prospect, Reminder
from salesplan.core.errors import DataError
from salesplan.core.fields import LIMITS, text_problem
from tests.conftest import CliResult

Run = Callable[..., CliResult]


@pytest.fixture
def sp(run_cli: Run, config_path: Path) -> Run:
    def run(*args: str) -> CliResult:
        return run_cli("--config", str(config_path), *args)

    return run


@pytest.fixture
def db(make_app: Callable[..., AppContext], config_path: Path) -> AppContext:
    return make_app(config_path)


def _count(app: AppContext, model: type) -> int:
    with app.session() as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def _refused(result: CliResult, message: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines()[-1] == f"Error: {message}"
    assert "Traceback" not in result.output


def test_text_limits_are_the_schema_columns() -> None:
    assert LIMITS["title"] == Lead.model_fields["title"].metadata[0].max_length
    for field in ("name", "company", "email", "phone"):
        assert LIMITS[field] == Prospect.model_fields[field].metadata[0].max_length
    assert text_problem("x" * 300, "title") is None
    assert text_problem("x" * 301, "title") == "longer than 300 characters"
    assert text_problem("two\nlines", "note") is None
    assert text_problem("two\r\nlines\tand a tab", "note") is None
    assert text_problem("two\nlines", "title") == "contains a line break (it is one line of text)"
    assert text_problem("a\x00b", "note") == "contains a NUL character"
    assert text_problem("\x1b[2J", "note") == (
        "contains the control character \\x1b (terminal escapes and the like are not allowed)")
    assert text_problem("  ", "title", required=True) == "a value is required"


def test_cli_refuses_what_import_would_refuse(sp: Run, db: AppContext) -> None:
    _refused(sp("lead", "add", "x" * 10_000, "--pipeline", "acquisition", "--owner", "alice"),
             "title: longer than 300 characters")
    _refused(sp("lead", "add", "bad\x1b[31mred", "--pipeline", "acquisition", "--owner", "alice"),
             "title: contains the control character \\x1b (terminal escapes and the like are "
             "not allowed)")
    _refused(sp("lead", "add", "Inf", "--pipeline", "acquisition", "--owner", "alice",
                "--amount", "1e309"), "amount must be a number >= 0, not '1e309'")
    _refused(sp("lead", "add", "Nan", "--pipeline", "acquisition", "--owner", "alice",
                "--amount", "nan"), "amount must be a number >= 0, not 'nan'")
    _refused(sp("lead", "add", "Huge", "--pipeline", "acquisition", "--owner", "alice",
                "--amount", "1e16"), "amount must be at most 1,000,000,000,000,000, not '1e16'")
    _refused(sp("prospect", "add", "Jane", "--list", "Fair", "--phone", "0" * 65),
             "phone: longer than 64 characters")
    assert _count(db, Lead) == 0 and _count(db, Prospect) == 0

    assert sp("lead", "add", "Acme", "--pipeline", "acquisition", "--owner", "alice").exit_code == 0
    _refused(sp("log", "call", "--lead", "L1", "--outcome", "reached", "--member", "bob",
                "--note", "ring\x07"),
             "note: contains the control character \\x07 (terminal escapes and the like are "
             "not allowed)")
    assert _count(db, Action) == 0
    ok = sp("log", "call", "--lead", "L1", "--outcome", "reached", "--member", "bob",
            "--note", "line one\nline two")
    assert ok.exit_code == 0, ok.output


def test_services_refuse_nul_and_the_api_path_gets_the_same(db: AppContext) -> None:
    # argv cannot carry a NUL byte; the services (behind the TUI and the API) refuse it.
    with db.write_session() as session:
        with pytest.raises(DataError) as error:
            services.create_lead(session, db, title="a\x00b", pipeline="acquisition",
                                 owner="alice")
        assert (error.value.message, error.value.field) == (
            "title: contains a NUL character", "title")
        with pytest.raises(DataError, match=r"^company: longer than 200 characters$"):
            services.add_prospect(session, db, list_name="Fair", name="Jane",
                                  company="c" * 201)
    assert _count(db, Lead) == 0 and _count(db, Prospect) == 0


def test_the_longest_accepted_values_come_back_through_the_data_folder(
    db: AppContext, tmp_path: Path, config_path: Path
) -> None:
    title, note = "t" * LIMITS["title"], "n" * LIMITS["note"]
    with db.write_session() as session:
        lead = services.create_lead(session, db, title=title, pipeline="acquisition",
                                    owner="alice", amount=10**15)
        session.commit()
        key = lead.key
    services.record_action(db, action_type="call", member="bob", lead=key, outcome="reached",
                           note=note)
    export_folder(db, tmp_path / "out")
    copy = load_app(config_path, env={
        **os.environ, "SALESPLAN_DATABASE_URL": f"sqlite:///{tmp_path / 'copy.db'}"})
    try:
        import_folder(copy, tmp_path / "out")
        with copy.session() as session:
            copied = session.exec(select(Lead)).one()
            assert (copied.title, copied.amount) == (title, 10**15)
            assert session.exec(select(Action)).one().note == note
    finally:
        copy.dispose()


def test_out_of_range_numbers_and_days_are_one_message(sp: Run) -> None:
    _refused(sp("plan", "--revenue", "1e309"),
             "--revenue: too large: '1e309' (at most 1,000,000,000,000,000)")
    _refused(sp("lead", "list", "--limit", "1" + "0" * 30),
             "Invalid value for '--limit': 1000000000000000000000000000000 is not in the range "
             "1<=x<=100000.")
    _refused(sp("report", "activity", "--from", "0001-01-01", "--to", "9999-12-31"),
             "Invalid value for '--from': 0001-01-01 is out of range (use a day from "
             "1970-01-01 to 2999-12-31)")
    _refused(sp("token", "revoke", "9" * 30),
             f"Invalid value for 'ID': {'9' * 30} is not in the range 1<=x<={2**62}.")


def test_a_non_finite_config_number_names_its_key(write_config: Callable[..., Path],
                                                 run_cli: Run) -> None:
    from tests.conftest import base_config_text

    text = base_config_text().replace("deal_size = 30000", "deal_size = inf")
    assert "deal_size = inf" in text
    path = write_config(text)
    result = run_cli("--config", str(path), "check")
    _refused(result, f"{path}: funnel.deal_size: must be a finite number, not inf")


def test_old_rows_with_escapes_are_shown_escaped(sp: Run, db: AppContext) -> None:
    with db.write_session() as session:  # as an older version could have stored it
        session.add(Lead(key="L1", title="evil\x1b]0;pwned\x07 [bold]x[/]", pipeline="acquisition",
                         step="Incoming", owner="alice", amount=0, status="todo",
                         created_at=datetime(2026, 3, 2, 9, tzinfo=UTC)))
        session.commit()
    shown = sp("lead", "show", "L1")
    assert shown.exit_code == 0, shown.output
    assert "\x1b" not in shown.stdout and "\x07" not in shown.stdout
    assert "evil\\x1b]0;pwned\\x07 [bold]x[/]" in shown.stdout.splitlines()[0]
    listed = sp("lead", "list")
    assert "\x1b" not in listed.stdout and "evil\\x1b" in listed.stdout
    missing = sp("lead", "show", "L\x1b[2J")
    assert missing.exit_code == 2 and "\x1b" not in missing.stderr


def test_concurrent_logs_on_one_lead_leave_one_open_reminder(db: AppContext) -> None:
    with db.write_session() as session:
        key = services.create_lead(session, db, title="Busy", pipeline="acquisition",
                                   owner="alice").key
        session.commit()
    writers, each = 8, 10
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def work() -> None:
        start.wait()
        for _ in range(each):
            try:
                services.record_action(db, action_type="call", member="alice", lead=key,
                                       outcome="not_reached")
            except BaseException as exc:  # collected, asserted empty below
                errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.session() as session:
        open_reminders = session.exec(
            select(func.count()).select_from(Reminder).where(Reminder.done.is_(False))  # type: ignore[attr-defined]
        ).one()
        assert _count(db, Action) == writers * each
        assert open_reminders == 1
        assert _count(db, Reminder) == writers * each


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_held_write_lock_is_one_clear_message_and_exit_2(
    sp: Run, db: AppContext, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holding SQLite's write lock longer than the busy timeout: the command
    says so and exits 2 (it used to print a "database is locked" traceback, exit 1)."""
    import sqlite3

    import salesplan.core.db.engine as engine_module

    assert sp("lead", "add", "Acme", "--pipeline", "acquisition", "--owner", "alice").exit_code == 0
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = sp("lead", "add", "Blocked", "--pipeline", "acquisition", "--owner", "alice")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stderr.strip() == (
        "Error: the database is busy: another process has held its write lock for 0.2 s (an "
        "import, a rollup rebuild or a long command); nothing was written, try again when it "
        "has finished")
    with db.session() as session:
        assert session.exec(select(func.count()).select_from(Lead)).one() == 1
