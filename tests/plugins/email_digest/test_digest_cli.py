"""``salesplan digest`` end to end: a real SMTP server in-process, exactly-once per (date,
recipient), ``--force``, failures that record nothing, STARTTLS + login, the file notifier,
and ``--dry-run`` that writes nothing. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import select

from salesplan.core.calendar import today
from salesplan.core.context import AppContext
from salesplan.core.db.models import Delivery
from salesplan.plugins.email_digest.build import build_digest
from salesplan.plugins.email_digest.render import render_text
from tests.conftest import CliResult
from tests.plugins.email_digest.digest_data import DAY
from tests.plugins.email_digest.smtp_server import (
    PASSWORD,
    USER,
    RecordingHandler,
    free_port,
    make_certificates,
    smtp_server,
)

RunCli = Callable[..., CliResult]
TEAM = ["boss@acme.test", "dave@acme.test"]


def section(port: int, extra: str = "") -> str:
    # dave is also a manager: he gets one copy.
    return f"""
[notifiers.email_digest]
to = ["boss@acme.test", "dave@acme.test"]
sender = "salesplan@acme.test"
smtp_host = "127.0.0.1"
smtp_port = {port}
timeout = 5
{extra}
"""


def sent_rows(app: AppContext) -> list[tuple[str, str, str]]:
    with app.session() as session:
        rows = session.exec(select(Delivery).where(Delivery.state == "sent")).all()
        return sorted((r.message.removeprefix("digest:"), r.recipient, r.channel)
                      for r in rows)


def digest(run_cli: RunCli, path: Path, *args: str, env: dict[str, str] | None = None) -> CliResult:
    return run_cli("--config", str(path), "digest", "--date", DAY.isoformat(), *args, env=env)


def test_send_then_skip_then_force(
    setup: Callable[..., tuple[Path, AppContext]], run_cli: RunCli
) -> None:
    handler = RecordingHandler()
    with smtp_server(handler) as server:
        path, app = setup(section(server.port))
        first = digest(run_cli, path, "--send")
        assert first.exit_code == 0, first.output
        assert first.stdout == (
            "sent the digest for 2026-03-11 to boss@acme.test, dave@acme.test via smtp\n"
        )
        assert len(handler.received) == 1
        mail = handler.received[0]
        assert mail.mail_from == "salesplan@acme.test"
        assert mail.rcpt_tos == TEAM
        assert mail.message["To"] == "boss@acme.test, dave@acme.test"
        assert str(mail.message["Subject"]) == "Acme — daily digest for Wednesday 11 March 2026"
        assert mail.message["X-Salesplan-Digest-Date"] == "2026-03-11"
        assert mail.message.get_content_type() == "multipart/alternative"
        parts = list(mail.message.iter_parts())
        assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
        with app.session() as session:
            expected_text = render_text(build_digest(session, app, DAY))
        assert parts[0].get_content().replace("\r\n", "\n") == expected_text
        assert "Actions 11 · Leads created 1 · Leads won 1 (€12,500)" in expected_text
        assert sent_rows(app) == [
            ("2026-03-11", "boss@acme.test", "smtp"),
            ("2026-03-11", "dave@acme.test", "smtp"),
        ]

        second = digest(run_cli, path, "--send")
        assert second.exit_code == 0, second.output
        assert second.stdout == (
            "already sent the digest for 2026-03-11 to boss@acme.test, dave@acme.test "
            "(smtp); --force sends it again\n"
        )
        assert len(handler.received) == 1

        forced = digest(run_cli, path, "--send", "--force")
        assert forced.exit_code == 0, forced.output
        assert forced.stdout == first.stdout
        assert len(handler.received) == 2
        assert handler.received[1].rcpt_tos == TEAM
        assert len(sent_rows(app)) == 2


def test_dry_run_prints_the_text_part_and_writes_nothing(
    setup: Callable[..., tuple[Path, AppContext]], run_cli: RunCli
) -> None:
    handler = RecordingHandler()
    with smtp_server(handler) as server:
        path, app = setup(section(server.port))
        for args in ((), ("--dry-run",)):
            result = digest(run_cli, path, *args)
            assert result.exit_code == 0, result.output
            with app.session() as session:
                assert result.stdout == render_text(build_digest(session, app, DAY))
            assert result.stderr == (
                "(dry run: would send 'Acme — daily digest for Wednesday 11 March 2026' to "
                "boss@acme.test, dave@acme.test via smtp; nothing written)\n"
            )
    assert handler.received == []
    assert sent_rows(app) == []


def test_default_date_is_yesterday_in_the_team_timezone(
    setup: Callable[..., tuple[Path, AppContext]], run_cli: RunCli
) -> None:
    path, _app = setup(section(free_port()))
    result = run_cli("--config", str(path), "digest")
    assert result.exit_code == 0, result.output
    yesterday = today(ZoneInfo("Europe/Paris")) - timedelta(days=1)
    assert f"{yesterday:%B %Y}" in result.stdout.splitlines()[0]
    assert f" {yesterday.day} " in result.stdout.splitlines()[0]


def test_closed_port_exits_2_records_nothing_and_the_next_run_sends(
    setup: Callable[..., tuple[Path, AppContext]], run_cli: RunCli
) -> None:
    port = free_port()
    path, app = setup(section(port))
    failed = digest(run_cli, path, "--send")
    assert failed.exit_code == 2
    assert failed.stderr == (
        f"Error: SMTP server 127.0.0.1:{port}: connection refused — nothing recorded for the "
        "failed recipients: the next `salesplan digest --send --date 2026-03-11` retries them\n"
    )
    assert "Traceback" not in failed.output
    assert sent_rows(app) == []
    handler = RecordingHandler()
    with smtp_server(handler, port=port):
        retried = digest(run_cli, path, "--send")
    assert retried.exit_code == 0, retried.output
    assert [m.rcpt_tos for m in handler.received] == [TEAM]
    assert len(sent_rows(app)) == 2


def test_rejected_recipient_keeps_the_others_and_is_retried_alone(
    setup: Callable[..., tuple[Path, AppContext]], run_cli: RunCli
) -> None:
    handler = RecordingHandler(reject={"dave@acme.test"})
    with smtp_server(handler) as server:
        path, app = setup(section(server.port))
        failed = digest(run_cli, path, "--send")
        assert failed.exit_code == 2
        assert failed.stdout == (
            "sent the digest for 2026-03-11 to boss@acme.test via smtp\n"
        )
        assert failed.stderr.startswith(
            f"Error: SMTP server 127.0.0.1:{server.port}: recipient refused: "
            "dave@acme.test (550 5.1.1 No such user here) — nothing recorded"
        )
        assert sent_rows(app) == [("2026-03-11", "boss@acme.test", "smtp")]
        handler.reject.clear()
        retried = digest(run_cli, path, "--send")
        assert retried.exit_code == 0, retried.output
        assert retried.stdout == (
            "already sent the digest for 2026-03-11 to boss@acme.test (smtp); --force sends "
            "it again\nsent the digest for 2026-03-11 to dave@acme.test via smtp\n"
        )
    assert [m.rcpt_tos for m in handler.received] == [["boss@acme.test"], ["dave@acme.test"]]
    assert len(sent_rows(app)) == 2


def test_every_recipient_rejected_records_nothing(
    setup: Callable[..., tuple[Path, AppContext]], run_cli: RunCli
) -> None:
    handler = RecordingHandler(reject=set(TEAM))
    with smtp_server(handler) as server:
        path, app = setup(section(server.port))
        failed = digest(run_cli, path, "--send")
    assert failed.exit_code == 2
    assert failed.stdout == ""
    assert f"SMTP server 127.0.0.1:{server.port}: recipient refused" in failed.stderr
    assert sent_rows(app) == []


def test_starttls_and_login_never_show_the_password(
    setup: Callable[..., tuple[Path, AppContext]], run_cli: RunCli, tmp_path: Path
) -> None:
    certs = make_certificates(tmp_path)
    handler = RecordingHandler()
    with smtp_server(
        handler,
        tls_context=certs.server_context,
        require_starttls=True,
        authenticator=handler.authenticator,
        auth_required=True,
    ) as server:
        extra = (
            f'starttls = true\ncafile = "{certs.ca_file.name}"\nusername = "{USER}"\n'
            'password_env = "DIGEST_TEST_SMTP_PASSWORD"\n'
        )
        path, app = setup(section(server.port, extra))
        wrong = digest(run_cli, path, "--send", env={"DIGEST_TEST_SMTP_PASSWORD": "x" + PASSWORD})
        assert wrong.exit_code == 2
        assert wrong.stderr.startswith(
            f"Error: SMTP server 127.0.0.1:{server.port}: login as '{USER}' refused: 535"
        )
        missing = digest(run_cli, path, "--send", env={"DIGEST_TEST_SMTP_PASSWORD": ""})
        assert missing.exit_code == 2
        assert "environment variable DIGEST_TEST_SMTP_PASSWORD, which is not set" in (
            missing.stderr
        )
        assert sent_rows(app) == []
        sent = digest(run_cli, path, "--send", env={"DIGEST_TEST_SMTP_PASSWORD": PASSWORD})
        assert sent.exit_code == 0, sent.output
        dry = digest(run_cli, path, env={"DIGEST_TEST_SMTP_PASSWORD": PASSWORD})
        assert dry.exit_code == 0
    assert handler.logins == [USER]
    assert [m.rcpt_tos for m in handler.received] == [TEAM]
    for result in (wrong, missing, sent, dry):
        assert PASSWORD not in result.output
    assert PASSWORD not in path.read_text(encoding="utf-8")
    assert len(sent_rows(app)) == 2


def test_per_member_sends_each_rep_their_own_digest(
    setup: Callable[..., tuple[Path, AppContext]], run_cli: RunCli
) -> None:
    handler = RecordingHandler()
    with smtp_server(handler) as server:
        path, app = setup(section(server.port, "per_member = true"))
        result = digest(run_cli, path, "--send")
    assert result.exit_code == 0, result.output
    assert [m.rcpt_tos for m in handler.received] == [
        TEAM, ["alice@acme.test"], ["bob@acme.test"], ["carol@acme.test"],
    ]
    alice = handler.received[1].message
    assert str(alice["Subject"]) == "Acme — your day, Wednesday 11 March 2026 (Alice Martin)"
    alice_text = alice.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Actions 5 · Leads created 1 · Leads managed 2 · Leads won 1 (€12,500)" in (
        alice_text
    )
    assert "Bob Durand" not in alice_text
    assert sent_rows(app) == [
        ("2026-03-11", "alice@acme.test", "smtp:personal"),
        ("2026-03-11", "bob@acme.test", "smtp:personal"),
        ("2026-03-11", "boss@acme.test", "smtp"),
        ("2026-03-11", "carol@acme.test", "smtp:personal"),
        ("2026-03-11", "dave@acme.test", "smtp"),
    ]


def test_via_file_writes_eml_files_next_to_the_config(
    setup: Callable[..., tuple[Path, AppContext]], run_cli: RunCli
) -> None:
    extra = 'via = "file"\n\n[notifiers.file]\nfolder = "outbox"\n'
    path, app = setup(section(free_port(), extra), plugins='"email_digest", "file_notifier"')
    result = digest(run_cli, path, "--send")
    assert result.exit_code == 0, result.output
    files = sorted((path.parent / "outbox").glob("*.eml"))
    assert len(files) == 1
    assert result.stdout == (
        "sent the digest for 2026-03-11 to boss@acme.test, dave@acme.test via file "
        f"(written to {files[0]})\n"
    )
    assert b"multipart/alternative" in files[0].read_bytes()
    assert sent_rows(app) == [
        ("2026-03-11", "boss@acme.test", "file"),
        ("2026-03-11", "dave@acme.test", "file"),
    ]
    again = digest(run_cli, path, "--send")
    assert again.exit_code == 0
    assert again.stdout.startswith("already sent the digest for 2026-03-11")
    assert len(list((path.parent / "outbox").glob("*.eml"))) == 1


def test_via_file_without_the_plugin_is_a_config_error(
    setup: Callable[..., tuple[Path, AppContext]], run_cli: RunCli
) -> None:
    path, app = setup(section(free_port(), 'via = "file"'))
    result = digest(run_cli, path, "--send")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {path}: notifiers.email_digest.via: unknown notifier 'file' "
        "(enable plugin file_notifier); available: smtp\n"
    )
    assert sent_rows(app) == []


def test_missing_section_is_a_clear_error(
    setup: Callable[..., tuple[Path, AppContext]], run_cli: RunCli
) -> None:
    path, _app = setup("")
    result = digest(run_cli, path, "--send")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {path}: [notifiers.email_digest] is missing: add it with at least `sender` "
        "and `to` (see docs/digest.md)\n"
    )


def test_bad_date_is_a_clear_error(
    setup: Callable[..., tuple[Path, AppContext]], run_cli: RunCli
) -> None:
    path, _app = setup(section(free_port()))
    result = run_cli("--config", str(path), "digest", "--date", "11/03/2026")
    assert result.exit_code == 2
    assert result.stderr == "Error: --date: not a date: '11/03/2026' (use YYYY-MM-DD)\n"


def test_no_recipients_is_an_error_for_send_and_shown_by_dry_run(
    setup: Callable[..., tuple[Path, AppContext]], run_cli: RunCli
) -> None:
    no_one = section(free_port()).replace('to = ["boss@acme.test", "dave@acme.test"]', "to = []")
    path, app = setup(no_one)
    path.write_text(
        path.read_text(encoding="utf-8").replace('role = "manager"\n', ""), encoding="utf-8"
    )
    dry = digest(run_cli, path)
    assert dry.exit_code == 0
    assert dry.stdout.startswith("Acme — daily digest for Wednesday 11 March 2026\n")
    assert "to nobody (no `to` and no manager with an email)" in dry.stderr
    sent = digest(run_cli, path, "--send")
    assert sent.exit_code == 2
    assert sent.stderr == (
        f"Error: {path}: notifiers.email_digest.to: no recipients: list addresses in `to` "
        "or give a manager an email\n"
    )
    assert sent_rows(app) == []
