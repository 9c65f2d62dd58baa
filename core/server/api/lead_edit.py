"""``PATCH /api/v1/leads/{id}`` and ``DELETE /api/v1/leads/{id}``: edit and delete a lead
(issue 21), with their request and answer models.

The services decide (``salesplan.core.services.lead_edit``): a lead the caller may not see
is 404, one they see but may not change (or a lead given to someone else by a rep) 403, bad
input 422 naming the field (``contact.email``, ``with_actions``…).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, Field

from salesplan.core import services
from salesplan.core.server.api.common import body_of, query_of
from salesplan.core.server.schemas import Body, Finite, Key, LeadOut, Name, Query, Text
from salesplan.core.server.serialize import leads_out
from salesplan.core.services.lead_edit import CONTACT_FIELDS as CONTACT

if TYPE_CHECKING:
    from salesplan.core.api_routes import ApiCall
    from salesplan.core.app import AppContext

CONTACT_FIELDS = {name: f"contact.{name}" for name in CONTACT}
"""Service field → API field, for the ``field`` of a 422."""


class ContactIn(Body):
    """The contact of a lead: the fields of the prospect it was converted from."""

    name: Name | None = None
    company: Name | None = None
    email: Name | None = None
    phone: Annotated[str, Field(max_length=64)] | None = None


class LeadEditIn(Body):
    """What to change (a field left out or null stays as it is; at least one changes)."""

    title: Text | None = None
    amount: Finite | None = Field(default=None, ge=0)
    owner: Key | None = Field(default=None, description="A rep gives a lead to themselves "
                              "only.")
    contact: ContactIn | None = Field(default=None, description="Only for a lead converted "
                                      "from a prospect: its contact is the prospect's.")


class DeleteLeadQuery(Query):
    with_actions: bool = Field(default=False, description="Delete the lead's actions too; "
                               "else they move onto the prospect it was converted from (a "
                               "lead with actions and no prospect is then a 422).")


class DeletedLeadOut(BaseModel):
    """What a delete did."""

    id: str
    title: str
    with_actions: bool
    prospect_id: str | None = Field(description="Its origin prospect, free to be converted "
                                    "again.")
    step_changes: int = Field(description="Step changes deleted.")
    actions_deleted: int
    actions_moved: int = Field(description="Actions moved onto the prospect.")
    reminders_deleted: int
    reminders_moved: int = Field(description="Open reminders moved onto the prospect.")
    warnings: list[str] = Field(description="Rollups that could not be counted again (the "
                                "next report rebuilds them).")


def edit_lead(call: ApiCall[AppContext]) -> LeadOut:
    body = body_of(call, LeadEditIn)
    app = call.app
    contact = body.contact.model_dump(exclude_none=True) if body.contact is not None else None
    with app.write_session() as session:
        lead = services.get_lead(session, call.path["id"], actor=call.actor)
        services.edit_lead(session, app, lead, actor=call.actor, title=body.title,
                           amount=body.amount, owner=body.owner, contact=contact)
        session.commit()
        return leads_out(app, session, [lead])[0]


def delete_lead(call: ApiCall[AppContext]) -> DeletedLeadOut:
    query = query_of(call, DeleteLeadQuery)
    app = call.app
    with app.write_session() as session:
        done = services.delete_lead(session, app, call.path["id"],
                                    with_actions=query.with_actions, actor=call.actor)
        session.commit()
    return DeletedLeadOut(
        id=done.key, title=done.title, with_actions=done.with_actions,
        prospect_id=done.prospect, step_changes=done.step_changes,
        actions_deleted=done.actions_deleted, actions_moved=done.actions_moved,
        reminders_deleted=done.reminders_deleted, reminders_moved=done.reminders_moved,
        warnings=list(done.warnings or []),
    )
