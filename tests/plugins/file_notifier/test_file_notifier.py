"""The file notifier: one .eml file per message, in a folder relative to the config file."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from salesplan.core.context import load_app
from salesplan.core.errors import ConfigError, DeliveryError
from salesplan.core.notify import OutgoingMessage
from salesplan.plugins.file_notifier import FileNotifierSettings, write_eml
from tests.conftest import base_config_text

MESSAGE = OutgoingMessage(
    subject="Acme — daily digest for Thursday 26 November 2026",
    text="Team totals\n  Call 3\n",
    html="<p>Call <b>3</b></p>",
    recipients=("manager@acme.test", "dave@acme.test"),
    sender="salesplan@acme.test",
)


def read_eml(path: Path) -> EmailMessage:
    parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_writes_a_multipart_eml_and_accepts_every_recipient(tmp_path: Path) -> None:
    settings = FileNotifierSettings(folder=str(tmp_path / "outbox"))
    report = write_eml(MESSAGE, settings)
    files = sorted((tmp_path / "outbox").iterdir())
    assert len(files) == 1
    assert files[0].name.endswith("-acme-daily-digest-for-thursday-26-november-2026.eml")
    assert report.accepted == MESSAGE.recipients
    assert report.detail == f"written to {files[0]}"
    mail = read_eml(files[0])
    assert mail.get_content_type() == "multipart/alternative"
    assert mail["To"] == "manager@acme.test, dave@acme.test"
    assert mail["From"] == "salesplan@acme.test"
    assert str(mail["Subject"]) == MESSAGE.subject
    plain = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert plain is not None and html is not None
    assert plain.get_content().replace("\r\n", "\n") == MESSAGE.text
    assert "<b>3</b>" in html.get_content()


def test_never_overwrites_an_earlier_file(tmp_path: Path) -> None:
    settings = FileNotifierSettings(folder=str(tmp_path))
    write_eml(MESSAGE, settings)
    write_eml(MESSAGE, settings)
    write_eml(MESSAGE, settings)
    assert len(list(tmp_path.glob("*.eml"))) == 3


def test_unwritable_folder_names_the_folder_and_cause(tmp_path: Path) -> None:
    blocker = tmp_path / "outbox"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(DeliveryError) as caught:
        write_eml(MESSAGE, FileNotifierSettings(folder=str(blocker)))
    assert caught.value.message == (
        f"file notifier: cannot write into folder {blocker}: File exists"
    )


def test_folder_is_relative_to_the_config_file(tmp_path: Path) -> None:
    settings = FileNotifierSettings(folder="mail/outbox").with_base_dir(tmp_path)
    assert settings.folder == str(tmp_path / "mail" / "outbox")
    assert FileNotifierSettings().folder == "outbox"
    absolute = FileNotifierSettings(folder="/var/spool/salesplan").with_base_dir(tmp_path)
    assert absolute.folder == "/var/spool/salesplan"


def _config_with(tmp_path: Path, extra: str, plugins: str = '"file_notifier"') -> Path:
    text = base_config_text().replace(
        '"company_report", "planner"]', f'"company_report", "planner", {plugins}]'
    )
    path = tmp_path / "salesplan.toml"
    path.write_text(text + "\n" + extra, encoding="utf-8")
    return path


def test_section_is_validated_with_the_plugin_model(tmp_path: Path) -> None:
    path = _config_with(tmp_path, '[notifiers.file]\nfolder = "outbox"\n')
    app = load_app(path, env={})
    assert app.registry.notifiers["file"].settings_model is FileNotifierSettings
    section = app.section("notifiers.file")
    assert isinstance(section, FileNotifierSettings)
    assert section.folder == "outbox"


def test_unknown_key_is_a_config_error_with_its_path(tmp_path: Path) -> None:
    path = _config_with(tmp_path, '[notifiers.file]\nfodler = "outbox"\n')
    with pytest.raises(ConfigError) as caught:
        load_app(path, env={})
    assert caught.value.message.startswith(f"{path}: notifiers.file.fodler: ")


def test_section_without_the_plugin_is_a_config_error(tmp_path: Path) -> None:
    text = base_config_text() + '\n[notifiers.file]\nfolder = "outbox"\n'
    path = tmp_path / "salesplan.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_app(path, env={})
    assert "notifiers.file: section of plugin 'file_notifier', which is not enabled" in (
        caught.value.message)


def test_file_names_are_ascii_slugs_of_the_subject(tmp_path: Path) -> None:
    message = OutgoingMessage(
        subject="Acme — your day (Inès Moreau)", text="x", html="", recipients=("i@a.test",)
    )
    write_eml(message, FileNotifierSettings(folder=str(tmp_path)))
    [path] = tmp_path.glob("*.eml")
    assert path.name.endswith("-acme-your-day-ines-moreau.eml")
