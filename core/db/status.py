"""Look at a database without changing it: reachable? which schema revision?"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from salesplan.core.db.engine import create_db_engine, is_sqlite, safe_url
from salesplan.core.db.migrate import current_revision
from salesplan.core.db.migrations import HEAD_REVISION, KNOWN_REVISIONS
from salesplan.core.errors import DatabaseError
from salesplan.core.i18n import _


def describe_database(url: str) -> str:
    """A one-line status: not created yet, empty, up to date, or needing an upgrade.

    Raises ``DatabaseError`` naming the URL when the server cannot be reached.
    """
    if is_sqlite(url):
        database = make_url(url).database or ""
        if database and database != ":memory:" and not Path(database).exists():
            return "not created yet (created on first use)"
    engine = create_db_engine(url)
    try:
        revision = current_revision(engine)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise DatabaseError(_("cannot connect to database {url}: {reason}").format(
            url=safe_url(url), reason=reason)) from None
    finally:
        engine.dispose()
    if revision is None:
        return "reachable, empty (schema created on first use)"
    if revision not in KNOWN_REVISIONS:
        raise DatabaseError(
            _("database {url} has schema {revision}, which is newer than this "
            "salesplan (it knows up to {head_revision}): upgrade salesplan to use it").format(
                url=safe_url(url), revision=revision, head_revision=HEAD_REVISION)
        )
    if revision == HEAD_REVISION:
        return f"schema {revision}, up to date"
    return f"schema {revision}, upgraded to {HEAD_REVISION} on first use"
