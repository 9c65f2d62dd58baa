"""MIME building for notifiers: a rendered ``OutgoingMessage`` as an e-mail message.

The SMTP notifier sends it and the file notifier writes it as an ``.eml`` file, so both carry
exactly the same ``multipart/alternative`` message.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from salesplan.core.notify import OutgoingMessage


def _one_line(value: str) -> str:
    """A header value without line breaks (a team name typed with one would otherwise make
    ``email`` raise, or let text pass as another header)."""
    return " ".join(value.splitlines())


def build_mime(message: OutgoingMessage) -> EmailMessage:
    """A ``multipart/alternative`` message: the plain text first, then the HTML."""
    mime = EmailMessage()
    mime["Subject"] = _one_line(message.subject)
    if message.sender:
        mime["From"] = message.sender
    mime["To"] = ", ".join(message.recipients)
    mime["Date"] = formatdate(localtime=False, usegmt=True)
    domain = message.sender.rpartition("@")[2] if "@" in message.sender else None
    mime["Message-ID"] = make_msgid(domain=domain or None)
    for name, value in message.headers.items():
        mime[name] = _one_line(value)
    mime.set_content(message.text)
    if message.html:
        mime.add_alternative(message.html, subtype="html")
    return mime
