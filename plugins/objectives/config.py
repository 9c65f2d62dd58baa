"""``[[objectives]]``: targets for a member, each member of a segment, or the team.

The plugin owns the section: this model validates it and cross-checks what each objective
names (members, segments, action types and outcomes, pipelines) once the registry is known.
Other plugins (the planner writes objectives; the digest, the company report and the forecast
read them) get them through ``configured_objectives``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field, RootModel

from salesplan.core.config.models import Per, Strict

if TYPE_CHECKING:
    from salesplan.core.app import AppContext
    from salesplan.core.config.models import TeamConfig
    from salesplan.core.registry import Registry

SECTION = "objectives"
TEAM = "team"
LEAD_METRICS: tuple[str, ...] = ("leads_created", "leads_won", "revenue")
BUILTIN_METRICS: tuple[str, ...] = (*LEAD_METRICS, "prospects_converted")


class Objective(Strict):
    """One `[[objectives]]` entry."""

    id: str | None = Field(default=None, description="Optional id (planner objectives have one).")
    who: str = Field(description="A member id, 'segment:ID' (each of its members) or 'team'.")
    metric: str = Field(
        description="An action type, 'type:outcome', leads_created, leads_won, revenue or "
        "prospects_converted."
    )
    per: Per = Field(description="Period of the target: day, week, month, quarter, half_year, "
                     "year.")
    target: float = Field(ge=0, description="Target for one period.")
    pipeline: str | None = Field(default=None, description="Only leads of this pipeline.")


def _known(values: Any) -> str:
    return ", ".join(str(v) for v in values) or "none"


class ObjectivesSection(RootModel[list[Objective]]):
    """The whole `[[objectives]]` array."""

    def check_references(
        self, config: TeamConfig, registry: Registry
    ) -> list[tuple[tuple[Any, ...], str]]:
        """What each objective names must exist: ``(index, field)`` and a message."""
        segments = [s.id for s in config.segments]
        pipelines = [p.id for p in config.pipelines]
        problems: list[tuple[tuple[Any, ...], str]] = []
        for index, objective in enumerate(self.root):
            who = objective.who
            if who.startswith("segment:"):
                if who.removeprefix("segment:") not in segments:
                    problems.append(
                        ((index, "who"), f"unknown segment in {who!r} (known: {_known(segments)})")
                    )
            elif who != TEAM and config.member(who) is None:
                problems.append(
                    ((index, "who"),
                     f"unknown member {who!r} (use a member id, 'segment:ID' or 'team')")
                )
            problem = metric_problem(objective.metric, registry)
            if problem:
                problems.append(((index, "metric"), problem))
            if objective.pipeline is not None and objective.pipeline not in pipelines:
                problems.append(
                    ((index, "pipeline"),
                     f"unknown pipeline {objective.pipeline!r} (known: {_known(pipelines)})")
                )
        return problems


def metric_problem(metric: str, registry: Registry) -> str | None:
    """Why ``metric`` is not one objectives can measure, or None."""
    if metric in BUILTIN_METRICS:
        return None
    type_id, _, outcome = metric.partition(":")
    spec = registry.action_types.get(type_id)
    if spec is None:
        return (
            f"unknown metric {metric!r} (use an action type, 'type:outcome' or one of "
            f"{', '.join(BUILTIN_METRICS)}; action types: {_known(registry.action_types)})"
        )
    if outcome and spec.outcome(outcome) is None:
        return (
            f"unknown outcome {outcome!r} for action type {type_id!r} "
            f"(known: {_known(spec.outcome_ids)})"
        )
    return None


def configured_objectives(app: AppContext) -> list[Objective]:
    """The config's objectives, in file order (none when the file has no `[[objectives]]`)."""
    section = app.section(SECTION)
    return list(section.root) if isinstance(section, ObjectivesSection) else []
