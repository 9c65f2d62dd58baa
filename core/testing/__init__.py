"""salesplan's test helper for plugin authors, as a pytest plugin.

Installed salesplan registers this module with pytest (the ``pytest11`` entry point named
``salesplan.core.testing``), so its fixtures are there in any project that has salesplan
installed. To be explicit (or with ``PYTEST_DISABLE_PLUGIN_AUTOLOAD`` set), put this in the
``conftest.py`` at the root of your project; either way it is loaded once::

    pytest_plugins = ["salesplan.core.testing"]

Fixtures:

- ``salesplan_tester`` — a ``SalesplanTester`` on the test's ``tmp_path``; ``team(plugin)``
  builds a team config with the plugin enabled, whatever its layout, on a fresh database.
  Each test that uses it runs on SQLite and, when ``$SALESPLAN_TEST_POSTGRES_URL`` names a
  PostgreSQL server where the user may create databases, on PostgreSQL too (parametrized as
  ``[sqlite]`` / ``[postgres]``).
- ``salesplan_backend`` — ``"sqlite"`` or ``"postgres"``, the backend of the current run.

See ``docs/plugins.md`` (Testing a plugin) and ``docs/internals.md``; ``salesplan docs``
prints where they are installed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from salesplan.core.testing.outbox import OUTBOX, Delivered, OutboxSettings
from salesplan.core.testing.team import CliOutcome, PluginTeam, sample_message
from salesplan.core.testing.tester import POSTGRES_ENV, SalesplanTester

__all__ = [
    "OUTBOX",
    "POSTGRES_ENV",
    "CliOutcome",
    "Delivered",
    "OutboxSettings",
    "PluginTeam",
    "SalesplanTester",
    "sample_message",
]

BACKEND_FIXTURE = "salesplan_backend"


def backends() -> list[str]:
    """The backends a test runs on: SQLite, and PostgreSQL when ``$SALESPLAN_TEST_POSTGRES_URL``
    is set."""
    return ["sqlite", *(["postgres"] if os.environ.get(POSTGRES_ENV) else [])]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that uses ``salesplan_tester`` once per backend."""
    if BACKEND_FIXTURE not in metafunc.fixturenames:
        return
    for marker in metafunc.definition.iter_markers("parametrize"):
        names = marker.args[0] if marker.args else ""
        listed = names.split(",") if isinstance(names, str) else list(names)
        if BACKEND_FIXTURE in (name.strip() for name in listed):
            return  # the test chose its backends itself
    metafunc.parametrize(BACKEND_FIXTURE, backends(), indirect=True)


@pytest.fixture
def salesplan_backend(request: pytest.FixtureRequest) -> str:
    """``"sqlite"`` or ``"postgres"``: the database the test's teams are on."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def salesplan_tester(salesplan_backend: str, tmp_path: Path) -> Iterator[SalesplanTester]:
    """A ``SalesplanTester`` whose teams live in the test's ``tmp_path``; everything it made
    is cleaned up after the test."""
    url = os.environ.get(POSTGRES_ENV) if salesplan_backend == "postgres" else None
    if salesplan_backend == "postgres" and not url:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    tester = SalesplanTester(tmp_path / "salesplan", postgres_url=url)
    try:
        yield tester
    finally:
        tester.close()
