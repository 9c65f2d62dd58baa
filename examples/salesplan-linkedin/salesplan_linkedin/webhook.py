"""The ``webhook`` notifier: POST each message as JSON to a URL.

Settings come from ``[notifiers.webhook]`` (``url``, ``timeout``, optional ``headers`` and
``token_env``, and ``forward_messages`` for the LinkedIn messages themselves, see ``outbox``).
The body is ``{"subject", "text", "html", "recipients"}``; any HTTP status outside 2xx, a
refused connection or a timeout is a ``DeliveryError`` naming the URL, so the digest command can
report it and retry another day without losing anything.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from salesplan.core.errors import DeliveryError
from salesplan.core.i18n import lazy_translator, translator
from salesplan.core.notify import DeliveryReport, NotifierSpec, OutgoingMessage

N_ = lazy_translator("linkedin")
_ = translator("linkedin")

MESSAGE_ID_HEADER = "X-Salesplan-Message-Id"


class WebhookSettings(BaseModel):
    """``[notifiers.webhook]``: where and how to POST."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(description="http:// or https:// URL that receives the JSON POST.")
    timeout: float = Field(default=10.0, gt=0, le=300, description="Seconds before giving up.")
    headers: dict[str, str] = Field(
        default_factory=dict, description="Extra HTTP headers (e.g. an Authorization token)."
    )
    token_env: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="Name of an environment variable holding a bearer token, sent as "
        "`Authorization: Bearer …` (keeps the secret out of the config file).",
    )
    forward_messages: bool = Field(
        default=False,
        description="Also POST every LinkedIn message logged (not imported) to the webhook, "
        "once each, right after it is saved.",
    )

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"must be an http:// or https:// URL, got {value!r}")
        return value


def message_payload(message: OutgoingMessage) -> dict[str, object]:
    """The JSON body of a message."""
    return {
        "subject": message.subject,
        "text": message.text,
        "html": message.html,
        "recipients": list(message.recipients),
    }


def post_json(
    config: WebhookSettings,
    payload: Mapping[str, Any],
    env: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> str:
    """POST ``payload``; return ``POST URL → HTTP status``, or raise ``DeliveryError`` naming
    the URL when it is not accepted (or the token's variable is not set)."""
    sent = {**config.headers, **(headers or {}),
            "Content-Type": "application/json; charset=utf-8"}
    if config.token_env:
        token = (env or {}).get(config.token_env)
        if not token:
            raise DeliveryError(
                _("webhook {url}: environment variable {token_env} is not set (token_env)").format(
                    url=config.url, token_env=config.token_env)
            )
        sent["Authorization"] = f"Bearer {token}"
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(config.url, data=body, method="POST", headers=sent)
    try:
        with urllib.request.urlopen(request, timeout=config.timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise DeliveryError(
            _("webhook {url}: server answered HTTP {code} {reason}").format(
                url=config.url, code=exc.code, reason=exc.reason)
        ) from None
    except urllib.error.URLError as exc:
        raise DeliveryError(_("webhook {url}: cannot connect: {reason}").format(
            url=config.url, reason=exc.reason)) from None
    except TimeoutError:
        raise DeliveryError(
            _("webhook {url}: no answer within {timeout:g} s").format(
                url=config.url, timeout=config.timeout)
        ) from None
    except OSError as exc:
        raise DeliveryError(_("webhook {url}: {exc}").format(url=config.url, exc=exc)) from None
    return f"POST {config.url} → HTTP {status}"


def deliver_webhook(
    message: OutgoingMessage, settings: BaseModel, env: Mapping[str, str] | None = None
) -> DeliveryReport:
    """POST the message; raise ``DeliveryError`` naming the URL when it is not accepted.

    salesplan passes the application's environment as ``env`` (where ``token_env`` is read);
    called with two arguments, no token can be read.
    """
    config = WebhookSettings.model_validate(settings.model_dump())
    detail = post_json(config, message_payload(message), env)
    return DeliveryReport(accepted=tuple(message.recipients), detail=detail)


WEBHOOK_NOTIFIER = NotifierSpec(
    name="webhook",
    title=N_("Webhook (JSON POST)"),
    settings_model=WebhookSettings,
    deliver=deliver_webhook,
)
