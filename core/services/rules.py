"""Outcome rules: which ``[[rules]]`` match a logged action, and the built-in effects.

``core/rule_effects.py`` holds the effect models (validated from the config); their ``apply``
calls the functions here, inside the transaction that logs the action. Each returns what it
did in words, for the CLI and the TUI ("call scheduled in 2 days (due 2026-03-12)").
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import TYPE_CHECKING

from salesplan.core.calendar import to_local
from salesplan.core.db.models import Action, Lead, Reminder
from salesplan.core.errors import DataError
from salesplan.core.services.leads import move_lead, set_status
from salesplan.core.services.prospects import convert_prospect, converted_lead

if TYPE_CHECKING:
    from salesplan.core.config.references import CompiledRule
    from salesplan.core.context import AppContext
    from salesplan.core.effects import EffectContext
    from salesplan.core.rule_effects import (
        ConvertEffect,
        MoveToStepEffect,
        ScheduleEffect,
        SetStatusEffect,
    )


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


def _days(count: int) -> str:
    return "today" if count == 0 else f"in {count} day{'s' if count != 1 else ''}"


def _needs_lead(ctx: EffectContext, kind: str) -> Lead:
    if ctx.lead is None:
        raise DataError(f"{kind} needs an action on a lead, not on a prospect")
    lead: Lead = ctx.lead
    return lead


def apply_schedule(effect: ScheduleEffect, ctx: EffectContext) -> str:
    """A reminder for ``effect.schedule`` on the same lead/prospect and member, due
    ``after_days`` calendar days after the action (same local time of day, DST-aware)."""
    action: Action = ctx.action
    local = to_local(action.at, ctx.app.tz)
    due_local = (local.replace(tzinfo=None) + timedelta(days=effect.after_days)).replace(
        tzinfo=ctx.app.tz
    )
    reminder = Reminder(
        action_type=effect.schedule,
        member=action.member,
        lead_id=ctx.lead.id if ctx.lead is not None else None,
        prospect_id=None if ctx.lead is not None else action.prospect_id,
        due_at=due_local.astimezone(UTC),
        note=effect.note,
        source="rule",
        created_at=ctx.now,
        created_by_action_id=action.id,
    )
    ctx.session.add(reminder)
    ctx.session.flush()
    return (
        f"{effect.schedule} scheduled {_days(effect.after_days)} "
        f"(due {due_local.date().isoformat()})"
    )


def apply_move_to_step(effect: MoveToStepEffect, ctx: EffectContext) -> str:
    """Move the action's lead to a step of its pipeline, as of the action's time."""
    lead = _needs_lead(ctx, "move_to_step")
    pipeline = ctx.app.config.pipeline(lead.pipeline)
    if pipeline is None or effect.move_to_step not in pipeline.steps:
        raise DataError(
            f"step {effect.move_to_step!r} is not in pipeline {lead.pipeline!r} "
            f"of lead {lead.key!r}"
        )
    if lead.step == effect.move_to_step:
        return f"already in {effect.move_to_step}"
    move_lead(ctx.session, ctx.app, lead=lead, step=effect.move_to_step, at=ctx.action.at)
    return f"moved to {effect.move_to_step}"


def apply_set_status(effect: SetStatusEffect, ctx: EffectContext) -> str:
    """Set the action's lead status; standby reminds ``remind_after_days`` after the action."""
    lead = _needs_lead(ctx, "set_status")
    status = effect.set_status
    if status != "standby" and lead.status == status:
        return f"status already {status}"
    remind = None
    if status == "standby":
        days = effect.remind_after_days or 0
        remind = to_local(ctx.action.at, ctx.app.tz).date() + timedelta(days=days)
    set_status(ctx.session, ctx.app, lead=lead, status=status, remind_at=remind, at=ctx.action.at)
    if remind is not None:
        return f"status set to standby (remind {remind.isoformat()})"
    return f"status set to {status}"


def apply_convert(effect: ConvertEffect, ctx: EffectContext) -> str:
    """Convert the action's prospect into a lead owned by the member who logged the action.

    Later effects of the same action then see the new lead (``ctx.lead``).
    """
    if ctx.prospect is None:
        raise DataError("convert needs an action on a prospect, not on a lead")
    existing = converted_lead(ctx.session, ctx.prospect)
    if existing is not None:
        raise DataError(
            f"prospect {ctx.prospect.key!r} is already converted into lead {existing.key!r}"
        )
    lead = convert_prospect(
        ctx.session,
        ctx.app,
        prospect=ctx.prospect,
        pipeline=effect.convert,
        step=effect.step,
        owner=ctx.action.member,
        at=ctx.action.at,
    )
    ctx.lead = lead
    return f"converted into lead {lead.key}"
