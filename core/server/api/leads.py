"""``/api/v1/leads``: list (filters, cursor pages), file, create, move, status."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import col

from salesplan.core import services
from salesplan.core.db.models import Lead
from salesplan.core.server.api.common import body_of, parse_at, query_of
from salesplan.core.server.cursor import decode_cursor, next_cursor
from salesplan.core.server.routing import Reply
from salesplan.core.server.schemas import (
    LeadDetailOut,
    LeadIn,
    LeadOut,
    LeadPage,
    LeadQuery,
    MoveIn,
    StatusIn,
    StepOut,
)
from salesplan.core.server.serialize import (
    actions_out,
    lead_out,
    leads_out,
    local,
    reminders_out,
)

if TYPE_CHECKING:
    from sqlmodel import Session

    from salesplan.core.api_routes import ApiCall
    from salesplan.core.app import AppContext


def list_leads(call: ApiCall[AppContext]) -> LeadPage:
    query = query_of(call, LeadQuery)
    app = call.app
    after = decode_cursor("leads", query.cursor)
    select = services.lead_select(app, actor=call.actor, pipeline=query.pipeline,
                                  owner=query.owner, step=query.step, status=query.status,
                                  q=query.q)
    with app.session() as session:
        rows, last = services.page(session, select, col(Lead.id), limit=query.limit,
                                   after=after)
        return LeadPage(rows=leads_out(app, session, rows), next=next_cursor("leads", last))


def _one(app: AppContext, session: Session, lead: Lead) -> LeadOut:
    return leads_out(app, session, [lead])[0]


def lead_detail(call: ApiCall[AppContext]) -> LeadDetailOut:
    app = call.app
    with app.session() as session:
        lead = services.get_lead(session, call.path["id"], actor=call.actor)
        file = services.lead_file(session, app, lead, actor=call.actor)
        steps = [StepOut(at=local(app, s.at), step=s.step) for s in file.steps]
        return LeadDetailOut(
            **_one(app, session, lead).model_dump(), fields=file.fields, steps=steps,
            actions=actions_out(app, session, file.actions),
            reminders=reminders_out(app, session, file.reminders),
        )


def create_lead(call: ApiCall[AppContext]) -> Reply:
    body = body_of(call, LeadIn)
    app = call.app
    owner = body.owner if body.owner is not None else call.actor.member
    with app.write_session() as session:
        lead = services.create_lead(session, app, title=body.title, pipeline=body.pipeline,
                                    owner=owner, step=body.step, amount=body.amount,
                                    at=parse_at(app, body.at), actor=call.actor)
        session.commit()
        return Reply(201, lead_out(app, lead, None))


def move_lead(call: ApiCall[AppContext]) -> LeadOut:
    body = body_of(call, MoveIn)
    app = call.app
    with app.write_session() as session:
        lead = services.get_lead(session, call.path["id"], actor=call.actor)
        services.move_lead(session, app, lead=lead, step=body.step, at=parse_at(app, body.at),
                           actor=call.actor)
        session.commit()
        return _one(app, session, lead)


def set_status(call: ApiCall[AppContext]) -> LeadOut:
    body = body_of(call, StatusIn)
    app = call.app
    with app.write_session() as session:
        lead = services.get_lead(session, call.path["id"], actor=call.actor)
        services.set_status(session, app, lead=lead, status=body.status, remind_at=body.remind,
                            at=parse_at(app, body.at), actor=call.actor)
        session.commit()
        return _one(app, session, lead)
