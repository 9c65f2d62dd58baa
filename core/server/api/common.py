"""What the API handlers share: the typed call, timestamps given as text, the caller's
member."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel

from salesplan.core.calendar import parse_timestamp
from salesplan.core.errors import DataError

if TYPE_CHECKING:
    from salesplan.core.api_routes import ApiCall
    from salesplan.core.app import AppContext

M = TypeVar("M", bound=BaseModel)


def parse_at(app: AppContext, text: str | None, field: str = "at") -> datetime | None:
    """An ISO date-time as aware UTC (without an offset: local time in the team zone)."""
    if text is None:
        return None
    try:
        return parse_timestamp(text, app.tz)
    except DataError as exc:
        raise DataError(f"{field}: {exc.message}", field=field) from None


def body_of(call: ApiCall[AppContext], model: type[M]) -> M:
    """The call's validated body (the route declares ``model``)."""
    assert isinstance(call.body, model)
    return call.body


def query_of(call: ApiCall[AppContext], model: type[M]) -> M:
    """The call's validated query string (the route declares ``model``)."""
    assert isinstance(call.query, model)
    return call.query
