"""Working the pipeline: prospects, leads, steps, statuses, actions, rules and reminders.

Every function takes a session and the ``AppContext``, validates against the config, and
flushes without committing: the caller owns the transaction (one commit per command). The
exception is ``record_action``, which runs its own write transaction and then the
``salesplan_after_action`` hook.

Every function that reads or writes leads, prospects, actions or reminders takes ``actor=``
(``salesplan.core.access.Actor``; default the local admin): a record the actor may not see is
not found, an action their role does not allow is a ``ForbiddenError`` (SPEC §11).
"""

from salesplan.core.access import LOCAL_ADMIN, Actor
from salesplan.core.services.actions import LoggedAction, log_action, record_action
from salesplan.core.services.answers import validate_answers
from salesplan.core.services.common import CLOSED_STATUSES, LEAD_STATUSES, OPEN_STATUSES
from salesplan.core.services.lead_edit import (
    DeletedLead,
    delete_lead,
    edit_lead,
    lead_contact,
    plan_lead_deletion,
)
from salesplan.core.services.leadfile import LeadFile, lead_file
from salesplan.core.services.leads import (
    create_lead,
    due_standby_leads,
    effective_status,
    get_lead,
    last_step_change,
    move_lead,
    set_status,
    standby_due,
)
from salesplan.core.services.listing import action_select, lead_select, page, prospect_select
from salesplan.core.services.prospects import (
    add_prospect,
    convert_prospect,
    converted_lead,
    ensure_list,
    get_list,
    get_prospect,
)
from salesplan.core.services.reminders import (
    DueCounts,
    close_matching_reminder,
    count_due_reminders,
    due_reminders,
    reminder_targets,
    schedule_reminder,
)
from salesplan.core.services.rules import matching_rules

__all__ = [
    "CLOSED_STATUSES",
    "LEAD_STATUSES",
    "LOCAL_ADMIN",
    "OPEN_STATUSES",
    "Actor",
    "DeletedLead",
    "DueCounts",
    "LeadFile",
    "LoggedAction",
    "action_select",
    "add_prospect",
    "close_matching_reminder",
    "convert_prospect",
    "converted_lead",
    "count_due_reminders",
    "create_lead",
    "delete_lead",
    "due_reminders",
    "due_standby_leads",
    "edit_lead",
    "effective_status",
    "ensure_list",
    "get_lead",
    "get_list",
    "get_prospect",
    "last_step_change",
    "lead_contact",
    "lead_file",
    "lead_select",
    "log_action",
    "matching_rules",
    "move_lead",
    "page",
    "plan_lead_deletion",
    "prospect_select",
    "record_action",
    "reminder_targets",
    "schedule_reminder",
    "set_status",
    "standby_due",
    "validate_answers",
]
