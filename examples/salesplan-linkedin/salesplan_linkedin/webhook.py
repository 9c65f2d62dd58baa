"""The ``webhook`` notifier: POST each message as JSON to a URL.

Settings come from ``[notifiers.webhook]`` (``url``, ``timeout``, optional ``headers``). The body
is ``{"subject", "text", "html", "recipients"}``; any HTTP status outside 2xx, a refused
connection or a timeout is a ``DeliveryError`` naming the URL, so the digest command can report
it and retry another day without losing anything.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from pydantic import BaseModel, ConfigDict, Field, field_validator
from salesplan.core.errors import DeliveryError
from salesplan.core.notify import DeliveryReport, NotifierSpec, OutgoingMessage


class WebhookSettings(BaseModel):
    """``[notifiers.webhook]``: where and how to POST."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(description="http:// or https:// URL that receives the JSON POST.")
    timeout: float = Field(default=10.0, gt=0, le=300, description="Seconds before giving up.")
    headers: dict[str, str] = Field(
        default_factory=dict, description="Extra HTTP headers (e.g. an Authorization token)."
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


def deliver_webhook(message: OutgoingMessage, settings: BaseModel) -> DeliveryReport:
    """POST the message; raise ``DeliveryError`` naming the URL when it is not accepted."""
    config = WebhookSettings.model_validate(settings.model_dump())
    body = json.dumps(message_payload(message), ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        config.url,
        data=body,
        method="POST",
        headers={**config.headers, "Content-Type": "application/json; charset=utf-8"},
    )
    try:
        with urllib.request.urlopen(request, timeout=config.timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise DeliveryError(
            f"webhook {config.url}: server answered HTTP {exc.code} {exc.reason}"
        ) from None
    except urllib.error.URLError as exc:
        raise DeliveryError(f"webhook {config.url}: cannot connect: {exc.reason}") from None
    except TimeoutError:
        raise DeliveryError(
            f"webhook {config.url}: no answer within {config.timeout:g} s"
        ) from None
    except OSError as exc:
        raise DeliveryError(f"webhook {config.url}: {exc}") from None
    return DeliveryReport(
        accepted=tuple(message.recipients), detail=f"POST {config.url} → HTTP {status}"
    )


WEBHOOK_NOTIFIER = NotifierSpec(
    name="webhook",
    title="Webhook (JSON POST)",
    settings_model=WebhookSettings,
    deliver=deliver_webhook,
)
