"""Shared fixtures: configs in temporary folders, SQLite and PostgreSQL bases, the CLI.

Every persistence and report test takes the ``backend`` fixture (or ``db_url`` / ``app``) and
so runs on SQLite and, when ``SALESPLAN_TEST_POSTGRES_URL`` is set, on PostgreSQL too. Each
test run gets its own PostgreSQL database (one per xdist worker), emptied before every test.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from salesplan.core.cli.main import cli
from salesplan.core.context import AppContext, load_app

DATA = Path(__file__).parent / "data"


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests (pilot tests) in a fresh event loop; no async plugin needed."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True

POSTGRES_ENV = "SALESPLAN_TEST_POSTGRES_URL"


def base_config_text() -> str:
    """The standard test team (tests/data/base.toml)."""
    return (DATA / "base.toml").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """A fresh PostgreSQL database for this test process, dropped at the end."""
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        yield None
        return
    name = f"salesplan_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _empty_postgres(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    """Parametrises a test over both databases; PostgreSQL only when configured."""
    if request.param == "postgres" and not os.environ.get(POSTGRES_ENV):
        pytest.skip(f"{POSTGRES_ENV} is not set")
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: Path, postgres_url: str | None) -> str:
    """An empty database of the current backend."""
    if backend == "postgres":
        assert postgres_url is not None
        _empty_postgres(postgres_url)
        return postgres_url
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., Path]:
    """Write a config file into the test's folder; returns its path."""

    def write(text: str | None = None, name: str = "salesplan.toml") -> Path:
        path = tmp_path / name
        path.write_text(base_config_text() if text is None else text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def config_path(write_config: Callable[..., Path]) -> Path:
    """The standard test team written to ``salesplan.toml`` in the test's folder."""
    return write_config()


@pytest.fixture
def make_app(db_url: str) -> Iterator[Callable[..., AppContext]]:
    """Load a config against the test database; every app made is disposed afterwards."""
    made: list[AppContext] = []

    def make(path: Path, **kwargs: object) -> AppContext:
        env = {**os.environ, "SALESPLAN_DATABASE_URL": db_url}
        app = load_app(path, env=env, **kwargs)  # type: ignore[arg-type]
        made.append(app)
        return app

    yield make
    for app in made:
        app.dispose()


@pytest.fixture
def app(make_app: Callable[..., AppContext], config_path: Path) -> AppContext:
    """The standard test team on an empty database of the current backend."""
    return make_app(config_path)


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@pytest.fixture
def run_cli(request: pytest.FixtureRequest) -> Callable[..., CliResult]:
    """Run ``salesplan ARGS`` in-process like the installed script.

    With a ``db_url`` fixture active, the database URL is set through the environment.
    """

    def run(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> CliResult:
        full_env = {"COLUMNS": "200", "NO_COLOR": "1"}
        if "db_url" in request.fixturenames:
            full_env["SALESPLAN_DATABASE_URL"] = request.getfixturevalue("db_url")
        full_env.update(env or {})
        result = CliRunner().invoke(
            cli, list(args), env=full_env, input=input, catch_exceptions=False,
            prog_name="salesplan",
        )
        return CliResult(result.exit_code, result.stdout, result.stderr)

    return run
