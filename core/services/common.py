"""Small checks and conversions every service shares: times, members, pipelines, steps.

Services validate their input against the loaded config before touching a row, so a bad call
raises one ``DataError``/``NotFoundError`` with a clear message and leaves the session as is.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from salesplan.core.calendar import local_midnight_utc, to_utc, utc_now
from salesplan.core.errors import DataError, NotFoundError
from salesplan.core.fields import MAX_AMOUNT
from salesplan.core.i18n import _, noun
from salesplan.core.statuses import CLOSED_STATUSES, LEAD_STATUSES, OPEN_STATUSES

__all__ = ["CLOSED_STATUSES", "LEAD_STATUSES", "OPEN_STATUSES"]

if TYPE_CHECKING:
    from sqlmodel import Session

    from salesplan.core.app import AppContext
    from salesplan.core.config.models import Member, Pipeline



def known(values: Iterable[object]) -> str:
    """``a, b, c`` for an error message (``none`` when empty)."""
    listed = ", ".join(str(v) for v in values)
    return listed or "none"


def resolve_at(app: AppContext, at: datetime | None) -> datetime:
    """Aware UTC for storage: ``None`` is now, a naive time is local time in the team zone."""
    if at is None:
        return utc_now()
    return to_utc(at, app.tz)


def resolve_day_start(app: AppContext, day: date | datetime) -> datetime:
    """A reminder date as stored: a ``date`` is local midnight of that day, in UTC."""
    if isinstance(day, datetime):
        return to_utc(day, app.tz)
    return local_midnight_utc(day, app.tz)


def check_member(app: AppContext, member_id: str, what: str = "member") -> Member:
    """The configured member with this id, or a ``NotFoundError`` listing the members."""
    member = app.config.member(member_id)
    if member is None:
        members = known(m.id for m in app.config.members)
        raise NotFoundError(_("unknown {what} {member_id!r} (members: {members})").format(
            what=noun(what), member_id=member_id, members=members), field=what)
    return member


def check_pipeline(app: AppContext, pipeline_id: str) -> Pipeline:
    """The configured pipeline with this id, or a ``NotFoundError`` listing the pipelines."""
    pipeline = app.config.pipeline(pipeline_id)
    if pipeline is None:
        pipelines = known(p.id for p in app.config.pipelines)
        raise NotFoundError(_("unknown pipeline {pipeline_id!r} (pipelines: {pipelines})").format(
            pipeline_id=pipeline_id, pipelines=pipelines),
                            field="pipeline")
    return pipeline


def check_step(pipeline: Pipeline, step: str) -> str:
    """``step`` if it belongs to ``pipeline``, else a ``NotFoundError`` listing its steps."""
    if step not in pipeline.steps:
        raise NotFoundError(
            _("unknown step {step!r} in pipeline {pipeline!r} (steps: {steps})").format(
                step=step, pipeline=pipeline.id, steps=known(pipeline.steps)),
            field="step",
        )
    return step


def check_status(status: str) -> str:
    """``status`` if it is a lead status, else a ``DataError`` listing them."""
    if status not in LEAD_STATUSES:
        raise DataError(_("unknown status {status!r} (statuses: {lead_statuses})").format(
            status=status, lead_statuses=known(LEAD_STATUSES)),
                        field="status")
    return status


def check_amount(amount: float | str) -> float:
    """A deal amount: a number (or numeric text) >= 0."""
    try:
        value = float(amount)
    except (TypeError, ValueError):
        raise DataError(_("amount must be a number, not {amount!r}").format(
            amount=amount), field="amount") from None
    if not math.isfinite(value) or value < 0:  # NaN, infinite or negative
        raise DataError(_("amount must be a number >= 0, not {amount!r}").format(
            amount=amount), field="amount")
    if value > MAX_AMOUNT:
        raise DataError(_("amount must be at most {max_amount:,}, not {amount!r}").format(
            max_amount=MAX_AMOUNT, amount=amount), field="amount")
    return value


def lock_row(session: Session, row: Any) -> None:
    """Lock a lead's or prospect's row until the transaction ends (PostgreSQL; SQLite's write
    transactions are already serial), so concurrent actions on one lead close its reminders
    and fold its rollups one after the other."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql" or row.id is None:
        return
    table = type(row).__table__
    session.execute(select(table.c.id).where(table.c.id == row.id).with_for_update())
