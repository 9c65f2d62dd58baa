"""``GET /api/v1/search``: leads and prospects by words or key (the service of
``salesplan search``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesplan.core.server.api.common import query_of
from salesplan.core.server.schemas import SearchHitOut, SearchOut, SearchQuery
from salesplan.core.services.search import search as find

if TYPE_CHECKING:
    from salesplan.core.api_routes import ApiCall
    from salesplan.core.app import AppContext


def search(call: ApiCall[AppContext]) -> SearchOut:
    query = query_of(call, SearchQuery)
    kinds = ("lead", "prospect") if query.kind == "all" else (query.kind,)
    with call.app.session() as session:
        hits = find(session, call.app, query.q, actor=call.actor, limit=query.limit,
                    kinds=kinds)
    return SearchOut(rows=[SearchHitOut.model_validate(hit, from_attributes=True)
                           for hit in hits])
