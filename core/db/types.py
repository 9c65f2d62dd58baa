"""Column types shared by the ORM models and the light query tables, importable without SQLModel."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.types import DateTime, TypeDecorator


class UTCTimestamp(TypeDecorator[datetime]):
    """An aware timestamp, stored and read back in UTC.

    The storage contract is that of the models' timestamp columns (SQLModel's
    ``UTCDateTime``): PostgreSQL ``TIMESTAMP WITH TIME ZONE``; on SQLite the naive UTC text
    SQLAlchemy writes for ``DATETIME``. Binding a naive datetime is a bug (its zone is
    unknown), so it is refused; values read back are always aware UTC.
    """

    impl = DateTime
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} given for a UTC timestamp")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
