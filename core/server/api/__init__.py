"""The kernel's API routes (SPEC §11), as one table: ``kernel_routes()``."""

from __future__ import annotations

from salesplan.core.server.api import (
    actions,
    lead_edit,
    leads,
    me,
    prospects,
    reports,
    search,
    todo,
)
from salesplan.core.server.routing import Route
from salesplan.core.server.schemas import (
    ActionCreated,
    ActionIn,
    ActionPage,
    ActionQuery,
    ConvertIn,
    DayQuery,
    LeadDetailOut,
    LeadIn,
    LeadOut,
    LeadPage,
    LeadQuery,
    MeOut,
    MoveIn,
    ProspectIn,
    ProspectOut,
    ProspectPage,
    ProspectQuery,
    ReportList,
    ReportOut,
    ReportQuery,
    SearchOut,
    SearchQuery,
    StatusIn,
    TodoOut,
)
from salesplan.core.server.state import API_PREFIX
from salesplan.core.services.idempotency import HEADER as IDEMPOTENCY_KEY

P = API_PREFIX
ACTION_FIELDS = {"action_type": "type", "answers": "answers"}
STATUS_FIELDS = {"remind_at": "remind"}


def kernel_routes() -> list[Route]:
    """Every route of ``/api/v1`` but the OpenAPI description (mounted by the app)."""
    return [
        Route("GET", f"{P}/me", me.me, "Who the token belongs to", response=MeOut, tag="me"),
        Route("GET", f"{P}/leads", leads.list_leads, "Leads the caller sees, page by page",
              query=LeadQuery, response=LeadPage, tag="leads"),
        Route("POST", f"{P}/leads", leads.create_lead, "Create a lead", body=LeadIn,
              response=LeadOut, status=201, tag="leads"),
        Route("GET", f"{P}/leads/{{id}}", leads.lead_detail,
              "A lead with its steps, actions and reminders", response=LeadDetailOut,
              tag="leads"),
        Route("PATCH", f"{P}/leads/{{id}}", lead_edit.edit_lead,
              "Edit a lead's title, amount, owner or contact", body=lead_edit.LeadEditIn,
              response=LeadOut, tag="leads", fields=lead_edit.CONTACT_FIELDS),
        Route("DELETE", f"{P}/leads/{{id}}", lead_edit.delete_lead,
              "Delete a lead; its actions move onto its prospect unless with_actions",
              query=lead_edit.DeleteLeadQuery, response=lead_edit.DeletedLeadOut, tag="leads"),
        Route("POST", f"{P}/leads/{{id}}/move", leads.move_lead, "Move a lead to a step",
              body=MoveIn, response=LeadOut, tag="leads"),
        Route("POST", f"{P}/leads/{{id}}/status", leads.set_status, "Set a lead's status",
              body=StatusIn, response=LeadOut, tag="leads", fields=STATUS_FIELDS),
        Route("GET", f"{P}/prospects", prospects.list_prospects,
              "Prospects the caller sees, page by page", query=ProspectQuery,
              response=ProspectPage, tag="prospects"),
        Route("POST", f"{P}/prospects", prospects.create_prospect, "Add a prospect to a list",
              body=ProspectIn, response=ProspectOut, status=201, tag="prospects"),
        Route("POST", f"{P}/prospects/{{id}}/convert", prospects.convert_prospect,
              "Convert a prospect into a lead", body=ConvertIn, response=LeadOut, status=201,
              tag="prospects"),
        Route("GET", f"{P}/search", search.search,
              "Leads and prospects found by words or key, as the caller sees them",
              query=SearchQuery, response=SearchOut, tag="search"),
        Route("POST", f"{P}/actions", actions.create_action,
              "Log an action; the outcome rules fire and say what they did", body=ActionIn,
              response=ActionCreated, status=201, tag="actions", fields=ACTION_FIELDS,
              headers=(IDEMPOTENCY_KEY,)),
        Route("GET", f"{P}/actions", actions.list_actions, "Actions on what the caller sees",
              query=ActionQuery, response=ActionPage, tag="actions"),
        Route("GET", f"{P}/todo", todo.todo, "Due reminders and standby leads back to todo",
              query=DayQuery, response=TodoOut, tag="work"),
        Route("GET", f"{P}/objectives", reports.objectives,
              "Objectives with pacing (the objectives report)", query=DayQuery,
              response=ReportOut, tag="reports"),
        Route("GET", f"{P}/reports", reports.list_reports, "The enabled reports",
              response=ReportList, tag="reports"),
        Route("GET", f"{P}/reports/{{name}}", reports.report,
              "Run a report (the JSON of --format json); options as query parameters",
              query=ReportQuery, response=ReportOut, tag="reports"),
    ]
