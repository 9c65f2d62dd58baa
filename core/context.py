"""``AppContext``: a loaded config, its active plugins and registry, and the database.

Loading validates everything (TOML, structure, plugins, references, plugin sections) before
anything touches the database, so a bad config never creates or changes a file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from salesplan.core.config.loader import RawConfig, display_path, load_config_file
from salesplan.core.config.models import TeamConfig
from salesplan.core.config.references import (
    CompiledRule,
    check_references,
    compile_rules,
    validate_sections,
)
from salesplan.core.errors import ConfigNotFoundError, PluginError
from salesplan.core.pluginmanager import (
    PluginInfo,
    SalesplanPluginManager,
    discover_plugins,
)
from salesplan.core.registry import Registry, build_registry
from salesplan.core.startup import resume_gc

if TYPE_CHECKING:  # SQLAlchemy loads only when a command touches the database
    from sqlalchemy import Connection, Engine
    from sqlmodel import Session

CONFIG_ENV = "SALESPLAN_CONFIG"
DEFAULT_CONFIG_NAME = "salesplan.toml"


def find_config_path(explicit: str | Path | None, env: Mapping[str, str] | None = None) -> Path:
    """``--config``, else ``$SALESPLAN_CONFIG``, else ``./salesplan.toml`` (SPEC §9)."""
    env = os.environ if env is None else env
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigNotFoundError(f"{display_path(path)}: config file not found")
        return path
    if env.get(CONFIG_ENV):
        path = Path(env[CONFIG_ENV])
        if not path.is_file():
            raise ConfigNotFoundError(
                f"{display_path(path)}: config file not found (from ${CONFIG_ENV})"
            )
        return path
    path = Path.cwd() / DEFAULT_CONFIG_NAME
    if not path.is_file():
        raise ConfigNotFoundError(
            f"no config found: pass --config PATH, set ${CONFIG_ENV}, or create "
            f"./{DEFAULT_CONFIG_NAME}.\n"
            "To start: `salesplan init` writes a commented starter config here, and "
            "`salesplan demo` builds a demo team with months of history and opens it."
        )
    return path


class AppContext:
    """Everything a command, report, notifier or screen needs about the current team."""

    def __init__(
        self,
        config: TeamConfig,
        raw: RawConfig,
        plugins: SalesplanPluginManager,
        registry: Registry,
        rules: list[CompiledRule],
        sections: dict[str, BaseModel],
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.config = config
        self.raw = raw
        self.plugins = plugins
        self.registry = registry
        self.rules = rules
        self.sections = sections
        self.env = dict(os.environ if env is None else env)
        self._engine: Engine | None = None

    @property
    def config_path(self) -> Path:
        return self.raw.path

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.config.team.timezone)

    @cached_property
    def database_url(self) -> str:
        from salesplan.core.db.engine import resolve_database_url

        return resolve_database_url(self.config.database.url, self.config_path.parent, self.env)

    def section(self, path: str) -> BaseModel | None:
        """A plugin-owned config section, validated, or None when the file has none."""
        return self.sections.get(path)

    @property
    def engine(self) -> Engine:
        """The database engine, schema brought to head on first use."""
        if self._engine is None:
            from salesplan.core.db.engine import create_db_engine
            from salesplan.core.db.migrate import ensure_schema

            engine = create_db_engine(self.database_url)
            try:
                ensure_schema(engine)
            except Exception:
                engine.dispose()
                raise
            self._engine = engine
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
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def load_app(
    config_path: str | Path,
    *,
    env: Mapping[str, str] | None = None,
    extra_plugins: Iterable[PluginInfo] = (),
    entry_points: bool = True,
) -> AppContext:
    """Load and fully validate a config; no database is touched.

    Ends the installed script's start-up garbage-collection pause (``salesplan.core.startup``).
    """
    try:
        return _load_app(config_path, env, extra_plugins, entry_points)
    finally:
        resume_gc()


def _load_app(
    config_path: str | Path,
    env: Mapping[str, str] | None,
    extra_plugins: Iterable[PluginInfo],
    entry_points: bool,
) -> AppContext:
    config, raw = load_config_file(Path(config_path))
    available = discover_plugins(extra_plugins, entry_points=entry_points)
    for index, name in enumerate(config.plugins.enabled):
        if name not in available or available[name].always_on:
            names = ", ".join(sorted(n for n, i in available.items() if not i.always_on))
            raise raw.error(
                ("plugins", "enabled", index), f"unknown plugin {name!r} (available: {names})"
            )
    try:
        manager = SalesplanPluginManager(available, config.plugins.enabled)
    except PluginError as exc:
        raise raw.error(("plugins", "enabled"), exc.message) from None
    registry = build_registry(manager, config, raw)
    check_references(config, raw, registry)
    rules = compile_rules(config, raw, registry)
    sections = validate_sections(config, raw, registry)
    return AppContext(config, raw, manager, registry, rules, sections, env=env)
