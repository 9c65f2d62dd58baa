"""``GET /api/v1/me``: who the token belongs to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesplan.core.server.schemas import MeOut

if TYPE_CHECKING:
    from salesplan.core.api_routes import ApiCall
    from salesplan.core.app import AppContext


def me(call: ApiCall[AppContext]) -> MeOut:
    member = call.actor.member or ""
    found = call.app.config.member(member)
    return MeOut(member=member, role=call.actor.role, name=found.name if found else member)
