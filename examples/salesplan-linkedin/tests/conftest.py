"""Fixtures for the linkedin plugin's own tests: a small team config, a SQLite database and a
real HTTP server on 127.0.0.1.

The package must be installed (``pip install -e .``) so salesplan finds it through its entry
point, exactly as a user's installation would.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from salesplan.core.context import AppContext, load_app

TEAM = """
[team]
name = "Example"
timezone = "Europe/Paris"

[database]
url = "sqlite:///example.db"

[plugins]
enabled = ["linkedin"]

[[segments]]
id = "sales"

[[members]]
id = "ana"
name = "Ana Lima"
segment = "sales"
[[members]]
id = "ben"
name = "Ben Okafor"
segment = "sales"

[[pipelines]]
id = "deals"
steps = ["New", "Talking", "Won"]

[[rules]]
when = { action = "linkedin_message", outcome = "replied" }
then = { tag_lead = "hot" }
"""


def team_text(*, enabled: str = '["linkedin"]', rules: bool = True, extra: str = "") -> str:
    """The example team with another ``[plugins] enabled`` list, with or without its rule."""
    text = TEAM.replace('enabled = ["linkedin"]', f"enabled = {enabled}")
    if not rules:
        text = text[: text.index("[[rules]]")]
    return text + extra


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "salesplan.toml"
    path.write_text(TEAM, encoding="utf-8")
    return path


@pytest.fixture
def app(config_path: Path) -> Iterator[AppContext]:
    """The example team on a fresh SQLite database next to its config."""
    loaded = load_app(config_path, env={})
    try:
        yield loaded
    finally:
        loaded.dispose()


@pytest.fixture
def open_app(tmp_path: Path) -> Iterator[Callable[..., AppContext]]:
    """Load the example team (written with ``team_text(**kwargs)``); disposed at the end."""
    made: list[AppContext] = []

    def make(**kwargs: Any) -> AppContext:
        path = tmp_path / "salesplan.toml"
        path.write_text(team_text(**kwargs), encoding="utf-8")
        loaded = load_app(path, env={})
        made.append(loaded)
        return loaded

    yield make
    for loaded in made:
        loaded.dispose()


class _Handler(BaseHTTPRequestHandler):
    """Records each POST (path, headers, JSON body); answers the server's ``status``."""

    def do_POST(self) -> None:
        server: Any = self.server
        body = self.rfile.read(int(self.headers["Content-Length"]))
        server.bodies.append(json.loads(body))
        server.headers.append(dict(self.headers))
        self.send_response(server.status)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[Any]:
    """An HTTP server on 127.0.0.1 (``bodies``, ``headers``; set ``status`` to refuse)."""
    httpd: Any = HTTPServer(("127.0.0.1", 0), _Handler)
    httpd.bodies, httpd.headers, httpd.status = [], [], 200
    httpd.url = f"http://127.0.0.1:{httpd.server_port}/in"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)
