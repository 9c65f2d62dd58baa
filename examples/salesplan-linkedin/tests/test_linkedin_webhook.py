"""The webhook notifier against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from pydantic import ValidationError
from salesplan.core.errors import DeliveryError
from salesplan.core.notify import OutgoingMessage

from salesplan_linkedin.webhook import WebhookSettings, deliver_webhook

MESSAGE = OutgoingMessage(subject="Digest", text="3 calls", html="<b>3 calls</b>",
                          recipients=("ana@example.test",))


def test_posts_json(server: Any) -> None:
    url = f"http://127.0.0.1:{server.server_port}/in"
    report = deliver_webhook(MESSAGE, WebhookSettings(url=url))
    assert report.accepted == ("ana@example.test",)
    assert report.detail == f"POST {url} → HTTP 200"
    assert server.bodies == [{"subject": "Digest", "text": "3 calls", "html": "<b>3 calls</b>",
                              "recipients": ["ana@example.test"]}]


def test_http_error_is_a_delivery_error(server: Any) -> None:
    server.status = 503
    url = f"http://127.0.0.1:{server.server_port}/in"
    with pytest.raises(DeliveryError) as caught:
        deliver_webhook(MESSAGE, WebhookSettings(url=url))
    assert caught.value.message == f"webhook {url}: server answered HTTP 503 Service Unavailable"


def test_refused_connection_names_the_url() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/in"
    with pytest.raises(DeliveryError) as caught:
        deliver_webhook(MESSAGE, WebhookSettings(url=url, timeout=2))
    assert caught.value.message == f"webhook {url}: cannot connect: [Errno 111] Connection refused"


def test_token_is_read_from_the_environment_salesplan_passes(server: Any) -> None:
    """``deliver(message, settings, env)``: the secret stays out of the config file."""
    from salesplan.core.notify import call_deliver

    from salesplan_linkedin.webhook import WEBHOOK_NOTIFIER

    settings = WebhookSettings(url=server.url, token_env="HOOK_TOKEN")
    call_deliver(WEBHOOK_NOTIFIER, MESSAGE, settings, {"HOOK_TOKEN": "s3cret"})
    assert server.headers[0]["Authorization"] == "Bearer s3cret"
    with pytest.raises(DeliveryError) as caught:
        call_deliver(WEBHOOK_NOTIFIER, MESSAGE, settings, {})
    assert caught.value.message == (
        f"webhook {server.url}: environment variable HOOK_TOKEN is not set (token_env)"
    )
    assert len(server.bodies) == 1  # nothing was sent without the token


@pytest.mark.parametrize("settings", [{"url": "ftp://x"}, {"url": "http://x", "timeout": 0},
                                      {"url": "http://x", "retries": 3},
                                      {"url": "http://x", "token_env": "not a name"}])
def test_settings_are_validated(settings: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        WebhookSettings.model_validate(settings)
