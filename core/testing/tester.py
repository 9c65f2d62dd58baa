"""``SalesplanTester``: builds test teams in a temporary folder, and cleans up after them.

Usable without pytest too::

    tester = SalesplanTester(Path(tmp))
    try:
        team = tester.team("my_plugin")
        ...
    finally:
        tester.close()
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

from salesplan.core.testing.config import team_text
from salesplan.core.testing.layouts import PluginRef, Resolved, Site, resolve
from salesplan.core.testing.outbox import OUTBOX
from salesplan.core.testing.team import PluginTeam

POSTGRES_ENV = "SALESPLAN_TEST_POSTGRES_URL"
"""The environment variable naming a PostgreSQL server where tests may create databases
(``postgresql+psycopg://user@host:5432/postgres``): with it, the ``salesplan_tester``
fixture runs each test on SQLite and on PostgreSQL."""

OUTBOX_MODULE = "salesplan.core.testing.outbox"


class SalesplanTester:
    """Makes ``PluginTeam``s under ``root``: on SQLite, or with ``postgres_url`` each on a
    PostgreSQL database of its own, created for it and dropped by ``close``."""

    def __init__(self, root: Path, *, postgres_url: str | None = None) -> None:
        self.root = root
        self.postgres_url = postgres_url
        self.teams: list[PluginTeam] = []
        self._site = Site(root / "site-packages")
        self._databases: list[str] = []
        self._made = 0

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgres"``."""
        return "sqlite" if self.postgres_url is None else "postgres"

    def team(
        self,
        plugin: PluginRef | None = None,
        *,
        enable: Sequence[str] = (),
        toml: str = "",
        base: str | None = None,
        timezone: str = "Europe/Paris",
        outbox: bool = True,
        env: Mapping[str, str] | None = None,
    ) -> PluginTeam:
        """A team with ``plugin`` enabled (plus ``enable``, plus the ``test_outbox``
        notifier unless ``outbox=False``) on a fresh database.

        ``plugin`` is a module defining ``MANIFEST`` (or its dotted name), an installed
        plugin's name, or a ``Path`` to a local add-on folder. ``toml`` is appended to the
        config (rules, notifier settings, the plugin's sections); ``base`` replaces the
        default team (everything but ``[database]`` and ``[plugins]``). The config is loaded
        and validated at once: a config error raises here.
        """
        resolved = resolve(plugin) if plugin is not None else None
        self._made += 1
        folder = self.root / f"team{self._made}"
        folder.mkdir(parents=True)
        enabled = [*([resolved.name] if resolved else []), *enable]
        if outbox:
            self._site.install(OUTBOX, OUTBOX_MODULE, distribution="salesplan.core.testing")
            enabled.append(OUTBOX)
        if resolved is not None:
            self._install(resolved)
        roots = [resolved.addon_root] if resolved and resolved.addon_root else []
        url = self._database_url(folder)
        config_path = folder / "salesplan.toml"
        config_path.write_text(
            team_text(database_url=url, enabled=list(dict.fromkeys(enabled)), paths=roots,
                      toml=toml, base=base, timezone=timezone),
            encoding="utf-8",
        )
        made = PluginTeam(folder, config_path, url, resolved.name if resolved else None, env)
        self.teams.append(made)
        return made

    def _install(self, resolved: Resolved) -> None:
        if resolved.entry_point is not None:
            self._site.install(resolved.name, resolved.entry_point, resolved.module)

    def _database_url(self, folder: Path) -> str:
        if self.postgres_url is None:
            return f"sqlite:///{folder / 'salesplan.db'}"
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        name = f"salesplan_test_{uuid.uuid4().hex[:12]}"
        admin = create_engine(self.postgres_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            admin.dispose()
        self._databases.append(name)
        return make_url(self.postgres_url).set(database=name).render_as_string(
            hide_password=False
        )

    def close(self) -> None:
        """Dispose every team's connections, drop their PostgreSQL databases, and take the
        throwaway entry points off ``sys.path``."""
        for made in self.teams:
            made.close()
        self._site.close()
        if self._databases and self.postgres_url is not None:
            from sqlalchemy import create_engine, text

            admin = create_engine(self.postgres_url, isolation_level="AUTOCOMMIT")
            try:
                with admin.connect() as connection:
                    for name in self._databases:
                        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            finally:
                admin.dispose()
            self._databases.clear()
