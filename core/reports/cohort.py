"""Small helpers shared by the cohort reports (conversion, performance, company).

Not a plugin (it has no manifest and is no plugin folder): just the option handling
and SQL pieces the three reports would otherwise repeat. Everything here works unchanged on
SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, case, func, literal

from salesplan.core.calendar import day_range_utc
from salesplan.core.db.query_tables import leads
from salesplan.core.errors import DataError
from salesplan.core.i18n import _
from salesplan.core.statuses import OPEN_STATUSES

__all__ = ["OPEN_STATUSES"]

if TYPE_CHECKING:
    from salesplan.core.config.models import Pipeline
    from salesplan.core.reporting import ReportRequest



def range_utc(request: ReportRequest) -> tuple[datetime, datetime]:
    """The request's inclusive local days as a half-open UTC interval."""
    return day_range_utc(request.start, request.end, request.app.tz)


def find_pipeline(request: ReportRequest, *, required: bool) -> Pipeline | None:
    """The configured pipeline named by the ``pipeline`` option (None when absent and optional).

    An unknown id is a user error naming what exists, so a typo never yields an empty report.
    """
    name = request.options.get("pipeline")
    if name in (None, ""):
        if required:
            raise DataError(_("this report needs --pipeline (one of: "
                            "{value})").format(
                value=', '.join(p.id for p in request.app.config.pipelines)))
        return None
    for pipeline in request.app.config.pipelines:
        if pipeline.id == name:
            return pipeline
    known = ", ".join(p.id for p in request.app.config.pipelines) or "none configured"
    raise DataError(_("unknown pipeline {name!r} (known: {known})").format(name=name, known=known))


def created_in(start: datetime, end: datetime) -> ColumnElement[bool]:
    """Leads created in the half-open UTC interval ``[start, end)``."""
    return and_(leads.c.created_at >= start, leads.c.created_at < end)


def count_if(condition: ColumnElement[bool]) -> Any:
    """``SUM(CASE WHEN condition THEN 1 ELSE 0 END)``: a portable filtered count."""
    return func.coalesce(func.sum(case((condition, literal(1)), else_=literal(0))), 0)


def sum_if(condition: ColumnElement[bool], value: Any) -> Any:
    """``SUM(CASE WHEN condition THEN value ELSE 0 END)``, 0 on no rows."""
    return func.coalesce(func.sum(case((condition, value), else_=literal(0.0))), 0.0)


def rate(part: int, whole: int) -> float | None:
    """``part / whole`` as a fraction (renderers show percent), None when ``whole`` is 0."""
    if whole == 0:
        return None
    return part / whole
