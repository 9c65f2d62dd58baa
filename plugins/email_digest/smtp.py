"""SMTP sending with ``smtplib``: the ``smtp`` notifier's delivery.

Kept apart from the digest so any rendered ``OutgoingMessage`` can be sent. Every
failure becomes a ``DeliveryError`` naming the server (``host:port``) and the cause; the
password is read from the environment at send time and never appears in a message, a log or an
exception (smtplib's own errors carry only the server's reply).
"""

from __future__ import annotations

import base64
import smtplib
import socket
import ssl
from collections.abc import Mapping

from salesplan.core.errors import DeliveryError
from salesplan.core.i18n import translator
from salesplan.core.mime import build_mime
from salesplan.core.notify import DeliveryReport, OutgoingMessage
from salesplan.plugins.email_digest.settings import SmtpSettings

_ = translator("email_digest")


def _tls_context(settings: SmtpSettings) -> ssl.SSLContext:
    try:
        context = ssl.create_default_context(cafile=settings.cafile)
    except (OSError, ssl.SSLError) as exc:
        raise DeliveryError(
            _("SMTP server {server}: cannot read CA file {cafile}: {value}").format(
                server=settings.server, cafile=settings.cafile,
                value=getattr(exc, 'strerror', None) or exc)
        ) from None
    if not settings.tls_verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _reply(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {text}".strip()


def _refused(refused: Mapping[str, tuple[int, bytes]]) -> str:
    """``a@x (550 no such user), b@y (...)``: each refused address with the server's reply."""
    return ", ".join(f"{addr} ({_reply(code, reply)})" for addr, (code, reply) in refused.items())


def _cause(exc: BaseException, settings: SmtpSettings) -> str:
    """A one-line cause for an exception raised while talking to the server."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"login as {settings.username!r} refused: {_reply(exc.smtp_code, exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"recipient refused: {_refused(exc.recipients)}"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"sender {exc.sender} refused: {_reply(exc.smtp_code, exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"not supported by the server: {exc}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"server replied {_reply(exc.smtp_code, exc.smtp_error)}"
    if isinstance(exc, TimeoutError | socket.timeout) or isinstance(
        exc.__context__, TimeoutError | socket.timeout
    ):  # smtplib turns a read timeout into SMTPServerDisconnected
        return f"timed out after {settings.timeout:g} s"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate not trusted: {exc.verify_message or exc.reason}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed: {exc.reason or exc}"
    if isinstance(exc, socket.gaierror):
        return f"unknown host ({exc.strerror})"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"connection closed by the server ({exc})" if str(exc) else "connection closed"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc) or type(exc).__name__
    return str(exc) or type(exc).__name__


def mask_secret(text: str, username: str, password: str) -> str:
    """``text`` with the password, and the base64 forms AUTH PLAIN/LOGIN send it in, replaced
    by ``***``: a server that echoes what it got must not leak the password through us."""
    if not password:
        return text
    forms = [
        password,
        base64.b64encode(password.encode()).decode(),
        base64.b64encode(f"\0{username}\0{password}".encode()).decode(),
    ]
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "***")
        text = text.replace(form.rstrip("="), "***")
    return text


def _password(settings: SmtpSettings, env: Mapping[str, str]) -> str:
    password = env.get(settings.password_env) if settings.password_env else None
    if not password:
        raise DeliveryError(
            _("SMTP server {server}: login as {username!r} needs a password in the environment "
              "variable {value}, which is not set").format(
                server=settings.server, username=settings.username,
                value=settings.password_env or '(password_env not set)')
        )
    return password


def _connect(settings: SmtpSettings, context: ssl.SSLContext | None) -> smtplib.SMTP:
    if settings.ssl:
        return smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=settings.timeout, context=context
        )
    return smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout)


def send_smtp(
    message: OutgoingMessage, settings: SmtpSettings, env: Mapping[str, str]
) -> DeliveryReport:
    """Send one message to all its recipients in one SMTP transaction.

    Returns the recipients the server accepted; when it refused only some of them, the report's
    ``detail`` says which and why (the caller decides what that means). Raises
    ``DeliveryError`` when nothing was accepted: connection, TLS, login or every recipient
    refused.
    """
    if not message.recipients:
        return DeliveryReport(accepted=(), detail="no recipients")
    # Resolve the password before connecting, so a missing variable fails fast and clearly.
    password = _password(settings, env) if settings.username else ""
    context = _tls_context(settings) if settings.ssl or settings.starttls else None
    mime = build_mime(message)
    client: smtplib.SMTP | None = None
    try:
        client = _connect(settings, context)
        client.ehlo()
        if settings.starttls:
            client.starttls(context=context)
            client.ehlo()
        if settings.username:
            client.login(settings.username, password)
        refused = client.send_message(
            mime, from_addr=message.sender or None, to_addrs=list(message.recipients)
        )
    except DeliveryError:
        raise
    except (smtplib.SMTPException, OSError) as exc:
        cause = mask_secret(_cause(exc, settings), settings.username, password)
        raise DeliveryError(_("SMTP server {server}: {cause}").format(
            server=settings.server, cause=cause)) from None
    finally:
        if client is not None:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()
    accepted = tuple(r for r in message.recipients if r not in refused)
    detail = ""
    if refused:
        detail = f"SMTP server {settings.server}: recipient refused: {_refused(refused)}"
    return DeliveryReport(accepted=accepted, detail=detail)
