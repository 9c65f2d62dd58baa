"""The built-in ``then`` kinds of ``[[rules]]``: schedule, move_to_step, set_status, convert.

The models validate the ``then`` tables of a config; ``apply`` runs inside the transaction
that logs the action.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field

from salesplan.core.effects import EffectContext, RuleEffect

if TYPE_CHECKING:
    from salesplan.core.action_types import ActionTypeSpec
    from salesplan.core.config.models import TeamConfig


class ScheduleEffect(RuleEffect):
    """``then = { schedule = "call", after_days = 2 }``: a reminder on the same lead/prospect
    and member, due after N days."""

    kind: ClassVar[str] = "schedule"

    schedule: str = Field(description="Action type to schedule.")
    after_days: int = Field(default=1, ge=0, description="Days from the action to the due date.")
    note: str = Field(default="", description="Note on the reminder.")

    def check(
        self, config: TeamConfig, action_types: Mapping[str, ActionTypeSpec]
    ) -> list[tuple[str, str]]:
        if self.schedule not in action_types:
            known = ", ".join(action_types)
            return [("schedule", f"unknown action type {self.schedule!r} (known: {known})")]
        return []

    def apply(self, ctx: EffectContext) -> str:
        from salesplan.core.services.rules import apply_schedule

        return apply_schedule(self, ctx)


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

    def apply(self, ctx: EffectContext) -> str:
        from salesplan.core.services.rules import apply_move_to_step

        return apply_move_to_step(self, ctx)


class SetStatusEffect(RuleEffect):
    """``then = { set_status = "lost" }``: set the action's lead status (standby needs
    ``remind_after_days``)."""

    kind: ClassVar[str] = "set_status"

    set_status: Literal["todo", "standby", "won", "lost", "cancelled"]
    remind_after_days: int | None = Field(default=None, ge=0)

    def check(
        self, config: TeamConfig, action_types: Mapping[str, ActionTypeSpec]
    ) -> list[tuple[str, str]]:
        if self.set_status == "standby" and self.remind_after_days is None:
            return [("remind_after_days", "standby needs remind_after_days")]
        return []

    def apply(self, ctx: EffectContext) -> str:
        from salesplan.core.services.rules import apply_set_status

        return apply_set_status(self, ctx)


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

    def apply(self, ctx: EffectContext) -> str:
        from salesplan.core.services.rules import apply_convert

        return apply_convert(self, ctx)


BUILTIN_EFFECTS: tuple[type[RuleEffect], ...] = (
    ScheduleEffect,
    MoveToStepEffect,
    SetStatusEffect,
    ConvertEffect,
)
