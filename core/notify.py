"""Notifier contract: a rendered message and the plugins that deliver it."""

from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import BaseModel


@dataclass(frozen=True)
class OutgoingMessage:
    """A rendered message, ready to deliver: subject, plain text, HTML and recipients."""

    subject: str
    text: str
    html: str
    recipients: tuple[str, ...]
    sender: str = ""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DeliveryReport:
    """What a notifier did with a message: one line per recipient that was accepted."""

    accepted: tuple[str, ...]
    detail: str = ""


@dataclass(frozen=True)
class NotifierSpec:
    """A way to deliver messages (SMTP, .eml files, a webhook...).

    ``settings_model`` validates the notifier's section ``[notifiers.NAME]`` of the config;
    ``deliver(message, settings)`` raises ``DeliveryError`` on failure and returns a report.
    """

    name: str
    title: str
    settings_model: type[BaseModel]
    deliver: Callable[[OutgoingMessage, BaseModel], DeliveryReport]
