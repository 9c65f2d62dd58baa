"""The webhook notifier against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from pydantic import ValidationError
from salesplan.core.errors import DeliveryError
from salesplan.core.notify import OutgoingMessage

from salesplan_linkedin.webhook import WebhookSettings, deliver_webhook

MESSAGE = OutgoingMessage(subject="Digest", text="3 calls", html="<b>3 calls</b>",
                          recipients=("ana@example.test",))


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        server: Any = self.server
        body = self.rfile.read(int(self.headers["Content-Length"]))
        server.bodies.append(json.loads(body))
        self.send_response(server.status)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[Any]:
    httpd: Any = HTTPServer(("127.0.0.1", 0), _Handler)
    httpd.bodies, httpd.status = [], 200
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


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


@pytest.mark.parametrize("settings", [{"url": "ftp://x"}, {"url": "http://x", "timeout": 0},
                                      {"url": "http://x", "retries": 3}])
def test_settings_are_validated(settings: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        WebhookSettings.model_validate(settings)
