"""``[funnel]``: the planner's configured ratios (SPEC §3), a section the planner owns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from salesplan.core.config.models import Strict

if TYPE_CHECKING:
    from salesplan.core.app import AppContext
    from salesplan.core.config.models import TeamConfig
    from salesplan.core.registry import Registry

SECTION = "funnel"


class FunnelStage(BaseModel):
    """`[funnel.per_prospect]` / `[funnel.per_opportunity]`: actions per unit, by a segment.

    Every key besides ``segment`` is an action type id with a ratio.
    """

    model_config = ConfigDict(extra="allow")

    segment: str = Field(description="The segment that does these actions.")

    @model_validator(mode="after")
    def _ratios_are_numbers(self) -> Self:
        for key, value in (self.model_extra or {}).items():
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ValueError(f"{key}: ratio must be a number ≥ 0, got {value!r}")
        return self

    @property
    def ratios(self) -> dict[str, float]:
        return {key: float(value) for key, value in (self.model_extra or {}).items()}


class Funnel(Strict):
    """`[funnel]`: the planner's configured ratios."""

    prospects_by: str | None = Field(
        default=None, description="The segment that brings the prospects."
    )
    deal_size: float = Field(gt=0, description="Average amount of a sale.")
    opportunities_per_sale: float = Field(gt=0, description="Opportunities worked per sale.")
    prospects_per_opportunity: float = Field(gt=0, description="Prospects per opportunity.")
    per_prospect: FunnelStage | None = None
    per_opportunity: FunnelStage | None = None

    def check_references(
        self, config: TeamConfig, registry: Registry
    ) -> list[tuple[tuple[Any, ...], str]]:
        """The segments and action types the funnel names must exist."""
        segments = [s.id for s in config.segments]
        known = ", ".join(segments) or "none"
        problems: list[tuple[tuple[Any, ...], str]] = []
        if self.prospects_by is not None and self.prospects_by not in segments:
            problems.append(
                (("prospects_by",), f"unknown segment {self.prospects_by!r} (known: {known})")
            )
        for name in ("per_prospect", "per_opportunity"):
            stage: FunnelStage | None = getattr(self, name)
            if stage is None:
                continue
            if stage.segment not in segments:
                problems.append(
                    ((name, "segment"), f"unknown segment {stage.segment!r} (known: {known})")
                )
            for type_id in stage.ratios:
                if type_id not in registry.action_types:
                    types = ", ".join(registry.action_types) or "none"
                    problems.append(
                        ((name, type_id), f"unknown action type {type_id!r} (known: {types})")
                    )
        return problems


def funnel_settings(app: AppContext) -> Funnel | None:
    """The config's ``[funnel]``, or None when it has none."""
    section = app.section(SECTION)
    return section if isinstance(section, Funnel) else None
