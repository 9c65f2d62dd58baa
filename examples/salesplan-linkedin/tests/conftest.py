"""Fixtures for the linkedin plugin's own tests: a small team config and a SQLite database.

The package must be installed (``pip install -e .``) so salesplan finds it through its entry
point, exactly as a user's installation would.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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
