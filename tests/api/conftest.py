"""One real server per database backend for the API tests (SQLite; PostgreSQL when
``SALESPLAN_TEST_POSTGRES_URL`` is set), with a team of accounts and tokens.

The server lives for the session (starting one is most of an API test's cost), on a database
of its own — a SQLite file, or a PostgreSQL database created for it — so the other tests'
databases are never touched. Each test creates the leads it needs and checks only those.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime

import pytest

from tests.api.harness import Team, own_database, start_team
from tests.conftest import POSTGRES_ENV

__all__ = ["Team", "at"]


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def team(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Team]:
    """The API test server on each backend (PostgreSQL only when configured)."""
    backend = str(request.param)
    if backend == "postgres" and not os.environ.get(POSTGRES_ENV):
        pytest.skip(f"{POSTGRES_ENV} is not set")
    folder = tmp_path_factory.mktemp(f"api-{backend}")
    databases = own_database(backend, folder)
    db_url = next(databases)
    started = start_team(backend, folder, db_url)
    try:
        yield started
    finally:
        started.server.stop()
        started.app.dispose()
        databases.close()


def at(day: int, hour: int = 10) -> datetime:
    """A local time in March 2026 (team time zone)."""
    return datetime(2026, 3, day, hour, 0)
