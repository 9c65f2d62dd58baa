"""``AppContext``: a loaded config, its active plugins and registry, and the database.

What every command, report, rule effect, notifier and screen receives. It is built by
``salesplan.core.context.load_app``, which validates everything (TOML, structure, plugins,
references, plugin sections) before anything touches the database, so a bad config never
creates or changes a file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from salesplan.core.progress import ProgressCallback, quiet

if TYPE_CHECKING:  # SQLAlchemy loads only when a command touches the database
    from pydantic import BaseModel
    from sqlalchemy import Connection, Engine
    from sqlmodel import Session

    from salesplan.core.config.loader import RawConfig
    from salesplan.core.config.models import TeamConfig
    from salesplan.core.effects import CompiledRule
    from salesplan.core.pluginmanager import SalesplanPluginManager
    from salesplan.core.registry import Registry
    from salesplan.core.reports.rollup_kit import RollupSpec
    from salesplan.core.schema import PluginSchema


class AppContext:
    """Everything a command, report, notifier or screen needs about the current team."""

    def __init__(
        self,
        config: TeamConfig,
        raw: RawConfig,
        plugins: SalesplanPluginManager,
        registry: Registry,
        rules: Sequence[CompiledRule],
        sections: dict[str, BaseModel],
        env: Mapping[str, str] | None = None,
        open_base: Callable[[AppContext], None] | None = None,
    ) -> None:
        self.config = config
        """The validated team config (``TeamConfig``): team, members, pipelines, rules…"""
        self.raw = raw
        """The config as read, with the file and line of every value (for error messages:
        ``app.raw.error(("notifiers", "x", "url"), "…")`` names the file that set it)."""
        self.plugins = plugins
        """The plugin manager: ``plugins.active`` (names in activation order),
        ``plugins.available`` (every discovered ``PluginInfo``)."""
        self.registry = registry
        """What the active plugins registered, merged with the config: ``action_types``,
        ``effects``, ``reports``, ``notifiers``, ``sections``, ``commands``, ``screens``,
        ``panels``, and ``owners`` (which plugin gave what)."""
        self.rules: tuple[CompiledRule, ...] = tuple(rules)
        """The ``[[rules]]`` with their ``then`` tables compiled into effects, in file order."""
        self.sections = sections
        """The plugins' config sections, validated, by dotted path (read with ``section``)."""
        self.env: dict[str, str] = dict(os.environ if env is None else env)
        """The environment (the process's unless the caller gave another): read secrets
        from it at run time, and ``SALESPLAN_DATABASE_URL`` wins over ``[database] url``."""
        self.progress: ProgressCallback = quiet
        """Where long work (a rollup build when the base is opened) reports progress; the
        CLI sets a terminal bar."""
        self.open_base = open_base
        """Run once, when the base is first opened (after its schema is current)."""
        self._engine: Engine | None = None

    @property
    def config_path(self) -> Path:
        """The config file loaded (relative paths in it are relative to its folder)."""
        return self.raw.path

    @cached_property
    def tz(self) -> ZoneInfo:
        """The team's time zone: naive times are local here, report days are days here."""
        return ZoneInfo(self.config.team.timezone)

    @cached_property
    def database_url(self) -> str:
        """The database in use: ``$SALESPLAN_DATABASE_URL``, else ``[database] url``."""
        from salesplan.core.db.engine import resolve_database_url

        return resolve_database_url(self.config.database.url, self.config_path.parent, self.env)

    def section(self, path: str) -> BaseModel | None:
        """A plugin-owned config section, validated, or None when the file has none."""
        return self.sections.get(path)

    @cached_property
    def rollups(self) -> dict[str, RollupSpec]:
        """The active plugins' rollups by name (the kernel's own action counts not included)."""
        from salesplan.core.registry import collect_rollups

        rollups, owners = collect_rollups(self.plugins)
        for name, plugin in owners.items():
            self.registry.owners[("rollup", name)] = plugin
        return rollups

    @cached_property
    def schemas(self) -> dict[str, PluginSchema]:
        """The active plugins' own tables and migrations, by plugin."""
        from salesplan.core.registry import collect_schemas

        return collect_schemas(self.plugins)

    @property
    def engine(self) -> Engine:
        """The database engine; on first use the schema (the kernel's, then each active
        plugin's branch) is brought to head, then ``open_base`` (given by the loader: it
        builds the rollups) runs."""
        if self._engine is None:
            from salesplan.core.db.engine import create_db_engine
            from salesplan.core.db.migrate import ensure_schema

            engine = create_db_engine(self.database_url)
            try:
                ensure_schema(engine, self.schemas)
                self._engine = engine
                if self.open_base is not None:
                    self.open_base(self)
            except Exception:
                self._engine = None
                engine.dispose()
                raise
        return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read session (plain ``BEGIN``); roll back what is not committed."""
        from sqlmodel import Session

        with Session(self.engine) as session:
            yield session

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A session for writes: on SQLite it takes the write lock at ``BEGIN`` (IMMEDIATE),
        so concurrent writers queue on the busy timeout. Commit explicitly."""
        from sqlmodel import Session

        from salesplan.core.db.engine import WRITE_OPTION

        bind = self.engine.execution_options(**{WRITE_OPTION: True})
        with Session(bind) as session:
            yield session

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """A Core connection in a read transaction (plain ``BEGIN``), rolled back at the end.

        Reports use it instead of ``session``: it needs neither the ORM nor SQLModel, which a
        one-shot CLI report would otherwise spend more time importing than querying."""
        with self.engine.connect() as connection:
            yield connection

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """A Core connection in a write transaction (``BEGIN IMMEDIATE`` on SQLite),
        committed when the block ends normally and rolled back on error."""
        from salesplan.core.db.engine import WRITE_OPTION

        with self.engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
            yield connection

    def dispose(self) -> None:
        """Close the database connections (the next use opens them again)."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
