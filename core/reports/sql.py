"""SQL building blocks shared by the report plugins: ranges, member filters, grouped counts.

Everything here is SQLAlchemy Core and runs unchanged on SQLite and PostgreSQL. Timestamps
are always compared through column expressions so each backend binds them in its own format.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_

from salesplan.core.calendar import day_range_utc

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

    from salesplan.core.reporting import ReportRequest

    Executor = Connection | Session
    """Where report SQL runs: a Core connection (reports, rollup refreshes) or an ORM
    session (services that fold or invalidate rollups inside their own transaction)."""


def request_range_utc(request: ReportRequest) -> tuple[datetime, datetime]:
    """The request's inclusive team-timezone days as a half-open aware-UTC interval."""
    return day_range_utc(request.start, request.end, request.app.tz)


def in_range(column: Any, bounds: tuple[datetime, datetime]) -> ColumnElement[bool]:
    """``lo <= column < hi`` (half-open, so a day boundary belongs to the later day)."""
    lo, hi = bounds
    return and_(column >= lo, column < hi)


def member_ids(request: ReportRequest) -> list[str]:
    """Configured member ids, in config order (the row order of per-member reports)."""
    return [member.id for member in request.app.config.members]


def int_map(rows: Iterable[tuple[Any, Any]]) -> dict[Any, int]:
    """``{key: int(count)}`` from ``(key, count)`` result rows."""
    return {key: int(count or 0) for key, count in rows}


def add_count(into: dict[str, int], key: str, count: int) -> None:
    """Add ``count`` under ``key`` (creating it)."""
    into[key] = into.get(key, 0) + count


def dialect_name(db: Executor) -> str:
    """``sqlite`` or ``postgresql``: the backend behind a connection or a session."""
    if hasattr(db, "get_bind"):
        return str(db.get_bind().dialect.name)
    return str(db.dialect.name)
