"""``/api/v1/prospects``: list (filters, cursor pages), create, convert into a lead."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import col

from salesplan.core import services
from salesplan.core.db.models import Prospect
from salesplan.core.server.api.common import body_of, parse_at, query_of
from salesplan.core.server.cursor import decode_cursor, next_cursor
from salesplan.core.server.routing import Reply
from salesplan.core.server.schemas import ConvertIn, ProspectIn, ProspectPage, ProspectQuery
from salesplan.core.server.serialize import lead_out, prospect_out

if TYPE_CHECKING:
    from salesplan.core.api_routes import ApiCall
    from salesplan.core.app import AppContext


def list_prospects(call: ApiCall[AppContext]) -> ProspectPage:
    query = query_of(call, ProspectQuery)
    app = call.app
    after = decode_cursor("prospects", query.cursor)
    select = services.prospect_select(app, actor=call.actor, list_name=query.list,
                                      owner=query.owner, q=query.q)
    with app.session() as session:
        rows, last = services.page(session, select, col(Prospect.id), limit=query.limit,
                                   after=after)
        return ProspectPage(
            rows=[prospect_out(app, prospect, list_name, lead_key)
                  for prospect, list_name, lead_key in rows],
            next=next_cursor("prospects", last),
        )


def create_prospect(call: ApiCall[AppContext]) -> Reply:
    body = body_of(call, ProspectIn)
    app = call.app
    # an explicit null leaves it unassigned; left out, a rep's prospect is their own
    owner = "" if "owner" in body.model_fields_set and body.owner is None else body.owner
    with app.write_session() as session:
        prospect = services.add_prospect(
            session, app, list_name=body.list, name=body.name, company=body.company,
            email=body.email, phone=body.phone, owner=owner, actor=call.actor)
        session.commit()
        return Reply(201, prospect_out(app, prospect, body.list.strip(), None))


def convert_prospect(call: ApiCall[AppContext]) -> Reply:
    body = body_of(call, ConvertIn)
    app = call.app
    with app.write_session() as session:
        prospect = services.get_prospect(session, call.path["id"], actor=call.actor)
        lead = services.convert_prospect(
            session, app, prospect=prospect, pipeline=body.pipeline, step=body.step,
            title=body.title, owner=body.owner, amount=body.amount, at=parse_at(app, body.at),
            actor=call.actor)
        session.commit()
        return Reply(201, lead_out(app, lead, prospect.key))
