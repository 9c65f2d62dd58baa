"""The built-in ``then`` kinds of ``[[rules]]``: schedule, move_to_step, set_status, convert.

The models validate the ``then`` tables of a config (every command loads them); ``apply``
runs inside the transaction that logs the action and returns what it did in words, for the
CLI and the TUI ("call scheduled in 2 days (due 2026-03-12)"). The services and the ORM
models load only when a rule applies, so a report never imports them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field

from salesplan.core.calendar import next_working_day, to_local
from salesplan.core.effects import EffectContext, RuleEffect
from salesplan.core.errors import DataError

if TYPE_CHECKING:
    from salesplan.core.action_types import ActionTypeSpec
    from salesplan.core.app import AppContext
    from salesplan.core.config.models import TeamConfig
    from salesplan.core.db.models import Action, Lead

    Context = EffectContext[AppContext]
    """What an effect's ``apply`` gets (annotations only: the app module loads lazily)."""
from salesplan.core.i18n import _


class ScheduleEffect(RuleEffect):
    """``then = { schedule = "call", after_days = 2 }``: a reminder on the same lead/prospect
    and member, due after N days."""

    kind: ClassVar[str] = "schedule"

    schedule: str = Field(description="Action type to schedule.")
    after_days: int = Field(default=1, ge=0, le=3650,
                            description="Days from the action to the due date (10 years at most).")
    note: str = Field(default="", description="Note on the reminder.")

    def check(
        self, config: TeamConfig, action_types: Mapping[str, ActionTypeSpec]
    ) -> list[tuple[str, str]]:
        if self.schedule not in action_types:
            known = ", ".join(action_types)
            return [("schedule", f"unknown action type {self.schedule!r} (known: {known})")]
        return []

    def apply(self, ctx: Context) -> str:
        """A reminder for ``self.schedule`` on the same lead/prospect and member, due
        ``after_days`` calendar days after the action (same local time of day, DST-aware)."""
        from salesplan.core.db.models import Reminder

        action: Action = ctx.action
        team = ctx.app.config.team
        local = to_local(action.at, ctx.app.tz)
        wanted = local.replace(tzinfo=None) + timedelta(days=self.after_days)
        # A follow-up lands on a working day: a weekend or a holiday moves it forward.
        day = next_working_day(wanted.date(), team.working_days, team.holidays)
        due_local = datetime.combine(day, wanted.time()).replace(tzinfo=ctx.app.tz)
        moved = "" if day == wanted.date() else ", the next working day"
        reminder = Reminder(
            action_type=self.schedule,
            member=action.member,
            lead_id=ctx.lead.id if ctx.lead is not None else None,
            prospect_id=None if ctx.lead is not None else action.prospect_id,
            due_at=due_local.astimezone(UTC),
            note=self.note,
            source="rule",
            created_at=ctx.now,
            created_by_action_id=action.id,
        )
        ctx.session.add(reminder)
        ctx.session.flush()
        return (
            f"{self.schedule} scheduled {_days(self.after_days)} "
            f"(due {due_local.date().isoformat()}{moved})"
        )


class MoveToStepEffect(RuleEffect):
    """``then = { move_to_step = "Qualified" }``: move the action's lead to a step."""

    kind: ClassVar[str] = "move_to_step"

    move_to_step: str = Field(description="Step of the lead's pipeline.")

    def check(
        self, config: TeamConfig, action_types: Mapping[str, ActionTypeSpec]
    ) -> list[tuple[str, str]]:
        steps = [step for pipeline in config.pipelines for step in pipeline.steps]
        if self.move_to_step not in steps:
            known = ", ".join(steps) or "none"
            return [("move_to_step", f"unknown step {self.move_to_step!r} (known: {known})")]
        return []

    def apply(self, ctx: Context) -> str:
        """Move the action's lead to a step of its pipeline, as of the action's time."""
        from salesplan.core.services.leads import move_lead

        lead = _needs_lead(ctx, "move_to_step")
        pipeline = ctx.app.config.pipeline(lead.pipeline)
        if pipeline is None or self.move_to_step not in pipeline.steps:
            raise DataError(
                _("step {move_to_step!r} is not in pipeline {pipeline!r} "
                "of lead {key!r}").format(
                    move_to_step=self.move_to_step, pipeline=lead.pipeline, key=lead.key)
            )
        if lead.step == self.move_to_step:
            return f"already in {self.move_to_step}"
        move_lead(ctx.session, ctx.app, lead=lead, step=self.move_to_step, at=ctx.action.at)
        return f"moved to {self.move_to_step}"


class SetStatusEffect(RuleEffect):
    """``then = { set_status = "lost" }``: set the action's lead status (standby needs
    ``remind_after_days``)."""

    kind: ClassVar[str] = "set_status"

    set_status: Literal["todo", "standby", "won", "lost", "cancelled"]
    remind_after_days: int | None = Field(default=None, ge=0, le=3650)

    def check(
        self, config: TeamConfig, action_types: Mapping[str, ActionTypeSpec]
    ) -> list[tuple[str, str]]:
        if self.set_status == "standby" and self.remind_after_days is None:
            return [("remind_after_days", "standby needs remind_after_days")]
        return []

    def apply(self, ctx: Context) -> str:
        """Set the action's lead status; standby reminds ``remind_after_days`` after the action."""
        from salesplan.core.services.leads import set_status

        lead = _needs_lead(ctx, "set_status")
        status = self.set_status
        if status != "standby" and lead.status == status:
            return f"status already {status}"
        remind = None
        if status == "standby":
            days = self.remind_after_days or 0
            remind = to_local(ctx.action.at, ctx.app.tz).date() + timedelta(days=days)
        set_status(ctx.session, ctx.app, lead=lead, status=status, remind_at=remind,
                   at=ctx.action.at)
        if remind is not None:
            return f"status set to standby (remind {remind.isoformat()})"
        return f"status set to {status}"


class ConvertEffect(RuleEffect):
    """``then = { convert = "acquisition" }``: convert the action's prospect into a lead of
    that pipeline (first step unless ``step`` is given)."""

    kind: ClassVar[str] = "convert"

    convert: str = Field(description="Pipeline of the new lead.")
    step: str | None = Field(default=None, description="Step of the new lead.")

    def check(
        self, config: TeamConfig, action_types: Mapping[str, ActionTypeSpec]
    ) -> list[tuple[str, str]]:
        pipeline = config.pipeline(self.convert)
        if pipeline is None:
            known = ", ".join(p.id for p in config.pipelines) or "none"
            return [("convert", f"unknown pipeline {self.convert!r} (known: {known})")]
        if self.step is not None and self.step not in pipeline.steps:
            return [("step", f"unknown step {self.step!r} (known: {', '.join(pipeline.steps)})")]
        return []

    def apply(self, ctx: Context) -> str:
        """Convert the action's prospect into a lead owned by the member who logged the action.

        Later effects of the same action then see the new lead (``ctx.lead``).
        """
        from salesplan.core.services.prospects import convert_prospect, converted_lead

        if ctx.prospect is None:
            raise DataError(_("convert needs an action on a prospect, not on a lead"))
        existing = converted_lead(ctx.session, ctx.prospect)
        if existing is not None:
            raise DataError(
                _("prospect {key!r} is already converted into lead {key2!r}").format(
                    key=ctx.prospect.key, key2=existing.key)
            )
        lead = convert_prospect(
            ctx.session,
            ctx.app,
            prospect=ctx.prospect,
            pipeline=self.convert,
            step=self.step,
            owner=ctx.action.member,
            at=ctx.action.at,
        )
        ctx.lead = lead
        return f"converted into lead {lead.key}"


BUILTIN_EFFECTS: tuple[type[RuleEffect], ...] = (
    ScheduleEffect,
    MoveToStepEffect,
    SetStatusEffect,
    ConvertEffect,
)


def _days(count: int) -> str:
    return "today" if count == 0 else f"in {count} day{'s' if count != 1 else ''}"


def _needs_lead(ctx: Context, kind: str) -> Lead:
    if ctx.lead is None:
        raise DataError(_("{kind} needs an action on a lead, not on a prospect").format(kind=kind))
    lead: Lead = ctx.lead
    return lead
