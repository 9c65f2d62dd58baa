"""A real ``salesplan serve`` process for the API tests, and a small urllib client.

The server runs as the installed entry point would (``python -m salesplan.core.cli.main
--config … serve --port N``), on a free port, against the test's database; ``start`` waits
until it answers, ``stop`` interrupts it and waits for it to end.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from salesplan.core import services
from salesplan.core.context import AppContext, load_app
from salesplan.core.services.accounts import add_account
from salesplan.core.services.tokens import create_token
from tests.conftest import POSTGRES_ENV

ROOT = Path(__file__).resolve().parents[2]
ROLES = {"alice": "rep", "bob": "rep", "dave": "manager", "carol": "admin"}
PASSWORD = "correct horse battery"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]


class Client:
    """JSON over HTTP with an optional Bearer token."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token

    def request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                json_body: Any = None, raw: bytes | None = None,
                headers: dict[str, str] | None = None, token: str | None = None) -> Answer:
        url = self.base_url + path
        if params:
            url += "?" + urllib.parse.urlencode(params)
        data = raw if raw is not None else (
            None if json_body is None else json.dumps(json_body).encode())
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        bearer = token if token is not None else self.token
        if bearer:
            request.add_header("Authorization", f"Bearer {bearer}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, text, got = response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            status, text, got = error.code, error.read(), dict(error.headers)
        body = json.loads(text) if text else None
        return Answer(status, body, got)

    def get(self, path: str, **kwargs: Any) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Answer:
        return self.request("POST", path, json_body=body, **kwargs)


class ServerProcess:
    """``salesplan serve`` in a subprocess; its stderr (the access log) goes to a file."""

    def __init__(self, config: Path, env: dict[str, str], log: Path) -> None:
        self.config = config
        self.env = env
        self.log = log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> None:
        command = [sys.executable, "-m", "salesplan.core.cli.main", "--config",
                   str(self.config), "serve", "--port", str(self.port)]
        with self.log.open("wb") as errors:
            self.process = subprocess.Popen(command, env=self.env, stdout=subprocess.DEVNULL,
                                            stderr=errors)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/v1/openapi.json", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not answer in {timeout} s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def access_log(self) -> list[dict[str, Any]]:
        lines = []
        for line in self.log.read_text(encoding="utf-8").splitlines():
            if line.startswith("{"):
                lines.append(json.loads(line))
        return lines


def server_env(db_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SALESPLAN_CONFIG"}
    env["SALESPLAN_DATABASE_URL"] = db_url
    return env


def own_database(backend: str, folder: Path) -> Iterator[str]:
    """A database of the server's own: a SQLite file, or a new PostgreSQL database."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'api.db'}"
        return
    admin_url = os.environ[POSTGRES_ENV]
    name = f"salesplan_api_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Team:
    """The running server, its config and database, and a token per member."""

    backend: str
    config: Path
    db_url: str
    app: AppContext
    server: ServerProcess
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, member: str | None = None) -> Client:
        return Client(self.server.url, self.tokens[member] if member else None)

    def lead(self, title: str, owner: str, **values: Any) -> str:
        with self.app.write_session() as session:
            lead = services.create_lead(session, self.app, title=title,
                                        pipeline=values.pop("pipeline", "acquisition"),
                                        owner=owner, **values)
            session.commit()
            return lead.key

    def token(self, member: str, name: str = "") -> str:
        with self.app.write_session() as session:
            _row, token = create_token(session, self.app, member=member, name=name)
            session.commit()
        return token

    def count(self, sql: str, **params: Any) -> int:
        with self.app.read_connection() as connection:
            return int(connection.execute(text(sql), params).scalar() or 0)


def start_team(backend: str, folder: Path, db_url: str, config_text: str | None = None
               ) -> Team:
    """Accounts and tokens for the standard team on ``db_url``, and a server on it."""
    config = folder / "salesplan.toml"
    config.write_text(config_text or (ROOT / "tests" / "data" / "base.toml").read_text(
        encoding="utf-8"), encoding="utf-8")
    env = server_env(db_url)
    app = load_app(config, env=env)
    with app.write_session() as session:
        for member, role in ROLES.items():
            add_account(session, app, member=member, role=role, password=PASSWORD)
        session.commit()
    server = ServerProcess(config, env, folder / "server.log")
    team = Team(backend, config, db_url, app, server)
    team.tokens = {member: team.token(member, "tests") for member in ROLES}
    server.start()
    return team


@dataclass
class LoadResult:
    """What ``run_load`` measured."""

    actions: int
    errors: list[str]
    seconds: float
    latencies: list[float]

    @property
    def throughput(self) -> float:
        return self.actions / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def summary(self, label: str) -> str:
        return (f"{label}: {self.actions} actions in {self.seconds:.2f} s = "
                f"{self.throughput:.0f} actions/s; latency p50 "
                f"{self.percentile(0.50) * 1000:.1f} ms, p95 "
                f"{self.percentile(0.95) * 1000:.1f} ms, max "
                f"{max(self.latencies, default=0) * 1000:.1f} ms; {len(self.errors)} errors")


def run_load(url: str, token: str, targets: list[tuple[str, str]], per_client: int
             ) -> LoadResult:
    """One client per ``(lead key, member)`` of ``targets``, all at once, each logging
    ``per_client`` ``call not_reached`` actions one after the other through
    ``POST /api/v1/actions`` (aiohttp's client, one connection each)."""
    import asyncio

    import aiohttp

    latencies: list[float] = []
    errors: list[str] = []

    async def client(session: aiohttp.ClientSession, lead: str, member: str) -> None:
        for index in range(per_client):
            body = {"type": "call", "lead": lead, "member": member, "outcome": "not_reached",
                    "note": f"load {index}"}
            began = time.perf_counter()
            async with session.post(f"{url}/api/v1/actions", json=body) as response:
                text_body = await response.text()
                if response.status != 201:
                    errors.append(f"{response.status}: {text_body[:200]}")
            latencies.append(time.perf_counter() - began)

    async def everyone() -> float:
        headers = {"Authorization": f"Bearer {token}"}
        connector = aiohttp.TCPConnector(limit=len(targets))
        async with aiohttp.ClientSession(headers=headers, connector=connector) as session:
            began = time.perf_counter()
            await asyncio.gather(*(client(session, lead, member) for lead, member in targets))
            return time.perf_counter() - began

    seconds = asyncio.run(everyone())
    return LoadResult(len(latencies) - len(errors), errors, seconds, latencies)
