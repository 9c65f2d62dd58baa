"""Listing leads, prospects and actions with filters, as the actor sees them.

``salesplan lead list`` and the HTTP API build their queries here, so a filter means the same
everywhere and a rep's list never holds a record they may not see. ``page`` walks a query by
ascending integer id (keyset pagination: every row exactly once, whatever is inserted
meanwhile).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import Session, col, select
from sqlmodel.sql._expression_select_cls import Select, SelectOfScalar

from salesplan.core.access import LOCAL_ADMIN, Actor, owner_clause
from salesplan.core.calendar import day_range_utc, today
from salesplan.core.db.models import Action, Lead, Prospect, ProspectingList
from salesplan.core.errors import DataError
from salesplan.core.services.common import (
    check_member,
    check_pipeline,
    check_status,
    check_step,
    known,
)
from salesplan.core.services.search import lead_match, prospect_match

if TYPE_CHECKING:
    from salesplan.core.app import AppContext
from salesplan.core.i18n import _

Row = TypeVar("Row")


def _standby_due(app: AppContext, day: date | None) -> ColumnElement[bool]:
    day = day or today(app.tz)
    _start, due_before = day_range_utc(day, day, app.tz)
    return and_(col(Lead.status) == "standby", col(Lead.remind_at) < due_before)


def lead_filters(
    app: AppContext,
    *,
    actor: Actor = LOCAL_ADMIN,
    pipeline: str | None = None,
    owner: str | None = None,
    step: str | None = None,
    status: str | None = None,
    q: str | None = None,
    day: date | None = None,
) -> list[ColumnElement[bool]]:
    """The WHERE conditions of a lead list; ``status`` is the effective one (a standby lead
    whose date has come counts as todo, SPEC §4)."""
    where: list[ColumnElement[bool]] = []
    visible = owner_clause(actor, col(Lead.owner))
    if visible is not None:
        where.append(visible)
    if pipeline is not None:
        spec = check_pipeline(app, pipeline)
        where.append(col(Lead.pipeline) == pipeline)
        if step is not None:
            check_step(spec, step)
    if step is not None:
        if pipeline is None and not any(step in p.steps for p in app.config.pipelines):
            steps = known(sorted({s for p in app.config.pipelines for s in p.steps}))
            raise DataError(_("unknown step {step!r} (steps: {steps})").format(
                step=step, steps=steps), field="step")
        where.append(col(Lead.step) == step)
    if owner is not None:
        check_member(app, owner, "owner")
        where.append(col(Lead.owner) == owner)
    if status is not None:
        check_status(status)
        due = _standby_due(app, day)
        if status == "todo":
            where.append(or_(col(Lead.status) == "todo", due))
        elif status == "standby":
            where.append(and_(col(Lead.status) == "standby", ~due))
        else:
            where.append(col(Lead.status) == status)
    if q and q.strip():
        where.append(lead_match(app, q))
    return where


def lead_select(app: AppContext, **filters: Any) -> SelectOfScalar[Lead]:
    """``select(Lead)`` with ``lead_filters(app, **filters)`` applied, unordered."""
    return select(Lead).where(*lead_filters(app, **filters))


def prospect_select(
    app: AppContext,
    *,
    actor: Actor = LOCAL_ADMIN,
    list_name: str | None = None,
    owner: str | None = None,
    q: str | None = None,
) -> Select[Prospect, str, str]:
    """``(prospect, list name, key of the lead it was converted into)`` rows the actor sees."""
    query = (
        select(Prospect, ProspectingList.name, Lead.key)
        .join(ProspectingList, col(ProspectingList.id) == col(Prospect.list_id))
        .join(Lead, col(Lead.prospect_id) == col(Prospect.id), isouter=True)
    )
    visible = owner_clause(actor, col(Prospect.owner))
    if visible is not None:
        query = query.where(visible)
    if list_name is not None:
        query = query.where(col(ProspectingList.name) == list_name)
    if owner is not None:
        check_member(app, owner, "owner")
        query = query.where(col(Prospect.owner) == owner)
    if q and q.strip():
        query = query.where(prospect_match(app, q))
    return query


def action_select(
    app: AppContext,
    *,
    actor: Actor = LOCAL_ADMIN,
    start: date | None = None,
    end: date | None = None,
    member: str | None = None,
    action_type: str | None = None,
) -> Select[Action, str, str]:
    """``(action, lead key, prospect key)`` rows of actions on what the actor sees, in the
    inclusive team-timezone days ``[start, end]``."""
    query = (
        select(Action, Lead.key, Prospect.key)
        .join(Lead, col(Lead.id) == col(Action.lead_id), isouter=True)
        .join(Prospect, col(Prospect.id) == col(Action.prospect_id), isouter=True)
    )
    on_lead = owner_clause(actor, col(Lead.owner))
    on_prospect = owner_clause(actor, col(Prospect.owner))
    if on_lead is not None and on_prospect is not None:
        query = query.where(or_(and_(col(Action.lead_id).is_not(None), on_lead),
                                and_(col(Action.prospect_id).is_not(None), on_prospect)))
    if start is not None and end is not None and start > end:
        raise DataError(_("range start {start} is after its end {end}").format(
            start=start.isoformat(), end=end.isoformat()),
                        field="from")
    if start is not None:
        query = query.where(col(Action.at) >= day_range_utc(start, start, app.tz)[0])
    if end is not None:
        query = query.where(col(Action.at) < day_range_utc(end, end, app.tz)[1])
    if member is not None:
        check_member(app, member)
        query = query.where(col(Action.member) == member)
    if action_type is not None:
        if action_type not in app.registry.action_types:
            raise DataError(_("unknown action type {action_type!r} "
                            "(known: {action_types})").format(
                action_type=action_type, action_types=known(app.registry.action_types)),
                field="type")

        query = query.where(col(Action.action_type) == action_type)
    return query


def page(
    session: Session,
    query: Any,
    id_column: Any,
    *,
    limit: int,
    after: int | None = None,
) -> tuple[Sequence[Any], int | None]:
    """Up to ``limit`` rows with an id above ``after``, by id; and the id to continue after
    (None on the last page). ``query`` is a ``select`` of one model (rows are instances) or
    of a model first and columns after (rows are tuples); ``id_column`` is the model's id."""
    if after is not None:
        query = query.where(id_column > after)
    rows = session.exec(query.order_by(id_column).limit(limit + 1)).all()
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    item = last[0] if isinstance(last, tuple) or hasattr(last, "_fields") else last
    return rows, int(item.id)
