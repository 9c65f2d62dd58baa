"""Bring a database to the head revision on open, safely when several processes open it.

The kernel's schema is one Alembic lineage (``salesplan.core.db.migrations``, version table
``alembic_version``); each enabled plugin with tables has its own (its ``PluginSchema``
folder, version table ``alembic_version_<plugin>``), upgraded after the kernel's. A plugin that
is not enabled is left alone. Opening is cheap when everything is current: one query per
lineage, without importing Alembic.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from salesplan.core.db.engine import exclusive_file_lock, safe_url
from salesplan.core.db.migrations import HEAD_REVISION, KNOWN_REVISIONS, MIGRATIONS_DIR
from salesplan.core.errors import DatabaseError
from salesplan.core.schema import version_table_of

if TYPE_CHECKING:
    from salesplan.core.schema import PluginSchema
from salesplan.core.i18n import _

_PG_LOCK_ID = 0x5A1E5_1A4  # arbitrary, constant: serialises salesplan migrations
KERNEL_VERSION_TABLE = "alembic_version"
_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(None|['\"]([^'\"]+)['\"])", re.MULTILINE)


def current_revision(engine: Engine, version_table: str = KERNEL_VERSION_TABLE) -> str | None:
    """The revision stored in the base for a lineage, or None when it has none yet."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(version_table):
            return None
        return connection.execute(text(f"SELECT version_num FROM {version_table}")).scalar()


@lru_cache(maxsize=64)
def branch_head(folder: Path) -> str:
    """The head revision of a plugin's migration folder, read from the files' text."""
    revisions: dict[str, str | None] = {}
    for path in sorted(folder.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        revision = _REVISION.search(source)
        if revision is None:
            continue
        down = _DOWN.search(source)
        revisions[revision.group(1)] = down.group(2) if down else None
    heads = set(revisions) - {down for down in revisions.values() if down}
    if len(heads) != 1:
        raise DatabaseError(
            _("migrations folder {folder} must have exactly one head revision "
            "(found: {value})").format(folder=folder, value=', '.join(sorted(heads)) or 'none')
        )
    return heads.pop()


def ensure_schema(engine: Engine, plugins: Mapping[str, PluginSchema] | None = None) -> None:
    """Upgrade the kernel and each plugin lineage to head if needed. Raises
    ``DatabaseError`` naming the URL on failure, or when the base is newer than the code."""
    url = engine.url.render_as_string(hide_password=False)
    plugins = dict(plugins or {})
    try:
        heads = {name: branch_head(schema.migrations) for name, schema in plugins.items()}
        if _current(engine, heads):
            return
        with _migration_lock(engine):
            kernel = current_revision(engine)
            if kernel != HEAD_REVISION:
                _upgrade(engine, MIGRATIONS_DIR / "versions", KERNEL_VERSION_TABLE, None)
            for name, schema in plugins.items():
                if current_revision(engine, version_table_of(name)) != heads[name]:
                    _upgrade(engine, schema.migrations, version_table_of(name), schema)
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None)
        reason = str(orig) if orig else str(exc)
        raise DatabaseError(
            _("cannot open database {url}: {splitlines}").format(
                url=safe_url(url), splitlines=reason.strip().splitlines()[0])
        ) from None


def _current(engine: Engine, heads: Mapping[str, str]) -> bool:
    """Whether every lineage is at its head; refuses a base newer than this code."""
    kernel = current_revision(engine)
    if kernel is not None and kernel not in KNOWN_REVISIONS:
        raise DatabaseError(
            _("the database {safe_url} has "
            "schema {kernel}, which is newer than this salesplan (it knows up to "
            "{head_revision}): upgrade salesplan (pip install -U salesplan); nothing was "
            "changed").format(
                safe_url=safe_url(engine.url.render_as_string(hide_password=False)),
                kernel=kernel, head_revision=HEAD_REVISION)

        )
    if kernel != HEAD_REVISION:
        return False
    return all(current_revision(engine, version_table_of(name)) == head
               for name, head in heads.items())


def _upgrade(
    engine: Engine, versions: Path, version_table: str, schema: PluginSchema | None
) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("version_locations", str(versions))
    config.set_main_option("path_separator", "os")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        config.attributes["version_table"] = version_table
        if schema is not None:
            config.attributes["tables"] = list(schema.tables)
        command.upgrade(config, "head")


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": _PG_LOCK_ID})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": _PG_LOCK_ID})
                connection.commit()
        return
    database = make_url(engine.url).database
    if not database or database == ":memory:":
        yield
        return
    with exclusive_file_lock(Path(database + ".migrate-lock")):
        yield
