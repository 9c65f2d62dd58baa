"""The digest in each reader's language: in one run a French member gets a French digest
while an English one (and the team) get English."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from salesplan.core.context import AppContext
from tests.plugins.email_digest.digest_data import insert_day
from tests.plugins.email_digest.smtp_server import RecordingHandler, smtp_server
from tests.plugins.email_digest.test_digest import digest_config_text
from tests.plugins.email_digest.test_digest_cli import TEAM, RunCli, digest, section


def _body(message: object, kind: str) -> str:
    return message.get_body((kind,)).get_content()  # type: ignore[attr-defined,no-any-return]


def test_a_french_member_gets_a_french_digest_an_english_one_english(
    make_app: Callable[..., AppContext], write_config: Callable[..., Path], run_cli: RunCli
) -> None:
    handler = RecordingHandler()
    with smtp_server(handler) as server:
        text = digest_config_text(section(server.port, "per_member = true"))
        text = text.replace('email = "alice@acme.test"',
                            'email = "alice@acme.test"\nlanguage = "fr"', 1)
        path = write_config(text)
        app = make_app(path)
        with app.write_session() as session:
            insert_day(session)
        result = digest(run_cli, path, "--send")
    assert result.exit_code == 0, result.output
    assert [m.rcpt_tos for m in handler.received] == [
        TEAM, ["alice@acme.test"], ["bob@acme.test"], ["carol@acme.test"],
    ]
    team, alice, bob = (m.message for m in handler.received[:3])
    assert str(team["Subject"]) == "Acme — daily digest for Wednesday 11 March 2026"
    assert str(alice["Subject"]) == "Acme — votre journée, mercredi 11 mars 2026 (Alice Martin)"
    assert str(bob["Subject"]) == "Acme — your day, Wednesday 11 March 2026 (Bob Durand)"
    alice_text = _body(alice, "plain").replace("\u202f", " ").replace("\xa0", " ")
    assert "Vos totaux" in alice_text
    assert "Actions 5 · Leads créés 1 · Leads gérés 2 · Leads gagnés 1 (12 500 €)" in alice_text
    assert "Appel" in alice_text  # the built-in action type's label
    assert "Your totals" not in alice_text
    alice_html = _body(alice, "html")
    assert "Vos totaux" in alice_html and "Leads créés" in alice_html
    bob_text = _body(bob, "plain")
    assert "Your totals" in bob_text
    assert "Actions" in bob_text and "Leads created" in bob_text
    assert "Vos totaux" not in bob_text


def test_the_team_digest_follows_the_team_language(
    make_app: Callable[..., AppContext], write_config: Callable[..., Path], run_cli: RunCli
) -> None:
    text = digest_config_text().replace('currency = "EUR"',
                                        'currency = "EUR"\nlanguage = "fr"', 1)
    path = write_config(text)
    app = make_app(path)
    with app.write_session() as session:
        insert_day(session)
    result = digest(run_cli, path)  # a dry run prints the text part
    assert result.exit_code == 0, result.output
    assert "Acme — synthèse du mercredi 11 mars 2026" in result.stdout
    assert "Totaux de l'équipe" in result.stdout
    assert "(essai à blanc : enverrait" in result.output
