"""Outcome rules: which ``[[rules]]`` match a logged action.

The built-in effects are in ``salesplan.core.rule_effects``; a plugin's come
through ``salesplan_rule_effects``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from salesplan.core.app import AppContext
    from salesplan.core.db.models import Action, Lead
    from salesplan.core.effects import CompiledRule


def matching_rules(app: AppContext, action: Action, lead: Lead | None) -> list[CompiledRule]:
    """Rules whose ``when`` matches the action, with the lead as it was when it was logged.

    ``pipeline`` and ``step`` conditions only match actions on a lead.
    """
    matched = []
    for compiled in app.rules:
        when = compiled.rule.when
        if when.action != action.action_type:
            continue
        if when.outcome is not None and when.outcome != action.outcome:
            continue
        if when.pipeline is not None and (lead is None or lead.pipeline != when.pipeline):
            continue
        if when.step is not None and (lead is None or lead.step != when.step):
            continue
        matched.append(compiled)
    return matched
