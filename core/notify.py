"""Notifier contract: a rendered message and the plugins that deliver it."""

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

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

    ``settings_model`` validates the notifier's section ``[notifiers.NAME]`` of the config.
    ``deliver(message, settings, env)`` gets the message, the validated settings (relative
    paths resolved against the config's folder when the model has ``with_base_dir``) and the
    application's environment (where secrets such as a password or a token are read, at send
    time); it raises ``DeliveryError`` on failure and returns a report. A ``deliver`` taking
    only ``(message, settings)`` is called without the environment.
    """

    name: str
    title: str
    settings_model: type[BaseModel]
    deliver: Callable[..., DeliveryReport]


def call_deliver(
    spec: NotifierSpec, message: OutgoingMessage, settings: BaseModel, env: Mapping[str, str]
) -> Any:
    """Call ``spec.deliver`` with the environment when it takes one."""
    parameters: Mapping[str, inspect.Parameter]
    try:
        parameters = inspect.signature(spec.deliver).parameters
    except (TypeError, ValueError):
        parameters = {}
    positional = [
        p for p in parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
    ]
    takes_env = len(positional) >= 3 or any(p.kind is p.VAR_POSITIONAL for p in positional)
    if takes_env:
        return spec.deliver(message, settings, env)
    return spec.deliver(message, settings)
