"""SMTP delivery against a real in-process server: plain, STARTTLS, implicit TLS, login,
refusals and timeouts. Every failure names the server and the cause, never the password."""

from __future__ import annotations

import base64
import ssl
from pathlib import Path

import pytest
from pydantic import ValidationError

from salesplan.core.errors import DeliveryError
from salesplan.core.notify import OutgoingMessage
from salesplan.plugins.email_digest.smtp import SmtpSettings, build_mime, mask_secret, send_smtp
from tests.plugins.email_digest.smtp_server import (
    PASSWORD,
    USER,
    RecordingHandler,
    free_port,
    make_certificates,
    silent_server,
    smtp_server,
)

MESSAGE = OutgoingMessage(
    subject="Acme — daily digest",
    text="Calls 3\n",
    html="<p>Calls <b>3</b></p>",
    recipients=("manager@acme.test", "dave@acme.test"),
    sender="salesplan@acme.test",
)
ENV = {"SMTP_PASSWORD_FOR_TEST": PASSWORD}


def settings(port: int, **kwargs: object) -> SmtpSettings:
    return SmtpSettings.model_validate(
        {"smtp_host": "127.0.0.1", "smtp_port": port, "timeout": 5, **kwargs}
    )


def test_mime_is_multipart_alternative_text_then_html() -> None:
    mime = build_mime(MESSAGE)
    assert mime.get_content_type() == "multipart/alternative"
    parts = list(mime.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert parts[0].get_content() == "Calls 3\n"
    assert parts[1].get_content().strip() == "<p>Calls <b>3</b></p>"
    assert mime["To"] == "manager@acme.test, dave@acme.test"
    assert mime["From"] == "salesplan@acme.test"
    assert str(mime["Subject"]) == "Acme — daily digest"
    assert mime["Message-ID"].endswith("@acme.test>")


def test_header_values_never_carry_line_breaks() -> None:
    sneaky = OutgoingMessage(
        subject="Acme\r\nBcc: evil@example.test — daily digest",
        text="x\n",
        html="",
        recipients=("manager@acme.test",),
        sender="salesplan@acme.test",
        headers={"X-Note": "one\ntwo"},
    )
    mime = build_mime(sneaky)
    assert str(mime["Subject"]) == "Acme Bcc: evil@example.test — daily digest"
    assert mime["Bcc"] is None
    assert str(mime["X-Note"]) == "one two"


def test_plain_smtp_delivers_to_every_recipient() -> None:
    handler = RecordingHandler()
    with smtp_server(handler) as server:
        report = send_smtp(MESSAGE, settings(server.port), {})
    assert report.accepted == ("manager@acme.test", "dave@acme.test")
    assert report.detail == ""
    assert len(handler.received) == 1
    got = handler.received[0]
    assert got.mail_from == "salesplan@acme.test"
    assert got.rcpt_tos == ["manager@acme.test", "dave@acme.test"]
    assert got.message.get_content_type() == "multipart/alternative"
    assert got.message.get_body(("plain",)).get_content().replace("\r\n", "\n") == "Calls 3\n"


def test_closed_port_names_server_and_cause() -> None:
    port = free_port()
    with pytest.raises(DeliveryError) as caught:
        send_smtp(MESSAGE, settings(port), {})
    assert caught.value.message == f"SMTP server 127.0.0.1:{port}: connection refused"


def test_every_recipient_rejected_is_an_error_naming_them() -> None:
    handler = RecordingHandler(reject={"manager@acme.test", "dave@acme.test"})
    with smtp_server(handler) as server, pytest.raises(DeliveryError) as caught:
        send_smtp(MESSAGE, settings(server.port), {})
    message = caught.value.message
    assert message.startswith(f"SMTP server 127.0.0.1:{server.port}: recipient refused: ")
    assert "manager@acme.test (550 5.1.1 No such user here)" in message
    assert "dave@acme.test (550 5.1.1 No such user here)" in message
    assert handler.received == []


def test_one_recipient_rejected_returns_the_others_as_accepted() -> None:
    handler = RecordingHandler(reject={"dave@acme.test"})
    with smtp_server(handler) as server:
        report = send_smtp(MESSAGE, settings(server.port), {})
    assert report.accepted == ("manager@acme.test",)
    assert report.detail == (
        f"SMTP server 127.0.0.1:{server.port}: recipient refused: "
        "dave@acme.test (550 5.1.1 No such user here)"
    )
    assert [r.rcpt_tos for r in handler.received] == [["manager@acme.test"]]


def test_silent_server_times_out() -> None:
    with silent_server() as port, pytest.raises(DeliveryError) as caught:
        send_smtp(MESSAGE, settings(port, timeout=0.5), {})
    assert caught.value.message == f"SMTP server 127.0.0.1:{port}: timed out after 0.5 s"


def test_starttls_with_the_test_ca_trusted(tmp_path: Path) -> None:
    certs = make_certificates(tmp_path)
    handler = RecordingHandler()
    with smtp_server(
        handler, tls_context=certs.server_context, require_starttls=True
    ) as server:
        report = send_smtp(
            MESSAGE, settings(server.port, starttls=True, cafile=str(certs.ca_file)), {}
        )
    assert report.accepted == MESSAGE.recipients
    assert len(handler.received) == 1


def test_starttls_refuses_an_untrusted_certificate(tmp_path: Path) -> None:
    certs = make_certificates(tmp_path)
    handler = RecordingHandler()
    server = smtp_server(handler, tls_context=certs.server_context, require_starttls=True)
    with server as controller, pytest.raises(DeliveryError) as caught:
        send_smtp(MESSAGE, settings(controller.port, starttls=True), {})
    assert caught.value.message.startswith(
        f"SMTP server 127.0.0.1:{controller.port}: TLS certificate not trusted: "
    )
    assert handler.received == []


def test_starttls_without_verification_when_asked(tmp_path: Path) -> None:
    certs = make_certificates(tmp_path)
    handler = RecordingHandler()
    with smtp_server(handler, tls_context=certs.server_context, require_starttls=True) as server:
        report = send_smtp(MESSAGE, settings(server.port, starttls=True, tls_verify=False), {})
    assert report.accepted == MESSAGE.recipients


def test_server_requiring_starttls_refuses_plain_mail() -> None:
    # Without STARTTLS the server answers 530 to MAIL: the cause is the server's reply.
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    handler = RecordingHandler()
    server = smtp_server(handler, tls_context=context, require_starttls=True)
    with server as controller, pytest.raises(DeliveryError) as caught:
        send_smtp(MESSAGE, settings(controller.port), {})
    assert caught.value.message == (
        f"SMTP server 127.0.0.1:{controller.port}: sender salesplan@acme.test refused: "
        "530 Must issue a STARTTLS command first"
    )


def test_implicit_tls(tmp_path: Path) -> None:
    certs = make_certificates(tmp_path)
    handler = RecordingHandler()
    with smtp_server(handler, ssl_context=certs.server_context) as server:
        report = send_smtp(MESSAGE, settings(server.port, ssl=True, cafile=str(certs.ca_file)), {})
    assert report.accepted == MESSAGE.recipients
    assert len(handler.received) == 1


def test_login_with_the_password_from_the_environment(tmp_path: Path) -> None:
    certs = make_certificates(tmp_path)
    handler = RecordingHandler()
    with smtp_server(
        handler,
        tls_context=certs.server_context,
        authenticator=handler.authenticator,
        auth_required=True,
    ) as server:
        report = send_smtp(
            MESSAGE,
            settings(
                server.port,
                starttls=True,
                cafile=str(certs.ca_file),
                username=USER,
                password_env="SMTP_PASSWORD_FOR_TEST",
            ),
            ENV,
        )
    assert report.accepted == MESSAGE.recipients
    assert handler.logins == [USER]


def test_wrong_password_names_the_user_not_the_password(tmp_path: Path) -> None:
    certs = make_certificates(tmp_path)
    handler = RecordingHandler()
    with smtp_server(
        handler,
        tls_context=certs.server_context,
        authenticator=handler.authenticator,
        auth_required=True,
    ) as server, pytest.raises(DeliveryError) as caught:
        send_smtp(
            MESSAGE,
            settings(
                server.port,
                starttls=True,
                cafile=str(certs.ca_file),
                username=USER,
                password_env="SMTP_PASSWORD_FOR_TEST",
            ),
            {"SMTP_PASSWORD_FOR_TEST": "not-" + PASSWORD},
        )
    message = caught.value.message
    assert message.startswith(
        f"SMTP server 127.0.0.1:{server.port}: login as '{USER}' refused: 535"
    )
    assert PASSWORD not in message and "not-" not in message
    assert PASSWORD not in repr(caught.value)
    assert caught.value.__cause__ is None and caught.value.__context__ is not None
    assert handler.received == []


def test_a_server_echoing_the_credentials_leaks_nothing() -> None:
    """The password is masked in the plain form and in the base64 forms AUTH sends it in."""
    plain = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()
    login = base64.b64encode(PASSWORD.encode()).decode()
    reply = f"535 bad credentials {plain} / {login.rstrip('=')} / {PASSWORD}"
    masked = mask_secret(reply, USER, PASSWORD)
    assert masked == "535 bad credentials *** / *** / ***"
    assert mask_secret("no secret here", USER, "") == "no secret here"


def test_missing_password_variable_fails_before_connecting() -> None:
    port = free_port()  # nothing listens: the error must come before any connection
    with pytest.raises(DeliveryError) as caught:
        send_smtp(
            MESSAGE, settings(port, username=USER, password_env="NOT_SET_ANYWHERE"), {}
        )
    assert caught.value.message == (
        f"SMTP server 127.0.0.1:{port}: login as '{USER}' needs a password in the "
        "environment variable NOT_SET_ANYWHERE, which is not set"
    )


def test_settings_reject_both_tls_modes_and_bad_ports() -> None:
    with pytest.raises(ValidationError, match="choose one of 'ssl'"):
        SmtpSettings(ssl=True, starttls=True)
    with pytest.raises(ValidationError):
        SmtpSettings(smtp_port=0)
    with pytest.raises(ValidationError):
        SmtpSettings.model_validate({"password": "in the file"})


def test_relative_cafile_resolves_against_the_config_folder(tmp_path: Path) -> None:
    resolved = SmtpSettings(cafile="certs/ca.pem").with_base_dir(tmp_path)
    assert resolved.cafile == str(tmp_path / "certs" / "ca.pem")
    absolute = SmtpSettings(cafile="/etc/ssl/ca.pem").with_base_dir(tmp_path)
    assert absolute.cafile == "/etc/ssl/ca.pem"


def test_unreadable_cafile_is_a_delivery_error(tmp_path: Path) -> None:
    port = free_port()
    with pytest.raises(DeliveryError) as caught:
        send_smtp(
            MESSAGE, settings(port, starttls=True, cafile=str(tmp_path / "missing.pem")), {}
        )
    assert caught.value.message.startswith(
        f"SMTP server 127.0.0.1:{port}: cannot read CA file {tmp_path / 'missing.pem'}"
    )
