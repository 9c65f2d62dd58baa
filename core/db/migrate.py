"""Bring a database to the head revision on open, safely when several processes open it."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from salesplan.core.db.engine import safe_url
from salesplan.core.db.migrations import HEAD_REVISION, MIGRATIONS_DIR
from salesplan.core.errors import DatabaseError

_PG_LOCK_ID = 0x5A1E5_1A4  # arbitrary, constant: serialises salesplan migrations


def current_revision(engine: Engine) -> str | None:
    """The revision stored in the base, or None for an empty base."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def ensure_schema(engine: Engine) -> None:
    """Upgrade to head if needed. Raises ``DatabaseError`` naming the URL on failure."""
    url = engine.url.render_as_string(hide_password=False)
    try:
        if current_revision(engine) == HEAD_REVISION:
            return
        with _migration_lock(engine):
            if current_revision(engine) != HEAD_REVISION:
                _upgrade(engine)
    except SQLAlchemyError as exc:
        reason = str(exc.orig) if getattr(exc, "orig", None) else str(exc)
        raise DatabaseError(
            f"cannot open database {safe_url(url)}: {reason.strip().splitlines()[0]}"
        ) from None


def _upgrade(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
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
    lock_path = Path(database + ".migrate-lock")
    with lock_path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
