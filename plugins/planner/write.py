"""Write a plan back to the config as ``[[objectives]]`` (``salesplan plan --write``).

Design: the config file itself is edited with tomlkit (``core.config.writer.edit_config``),
which keeps the user's comments, key order and layout. Objectives written by the planner carry
an ``id`` starting with ``plan-`` (``plan-alice-call``); a new write replaces exactly those and
never touches hand-written objectives. The candidate text is validated with ``load_app`` in the
same folder (so ``extends`` resolves) before the file is replaced atomically; an invalid result
or an interrupted write leaves the old file byte for byte.

Counts without an objective metric (the prospects a marketing segment must bring) are left out
and reported as such. The team revenue target is written as a ``team`` ``revenue`` objective.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tomlkit
from tomlkit import TOMLDocument
from tomlkit.items import AoT, Array, Table

from salesplan.core.config.writer import edit_config
from salesplan.core.errors import ConfigError
from salesplan.core.i18n import translator
from salesplan.plugins.objectives.config import BUILTIN_METRICS, Objective
from salesplan.plugins.planner.funnel import PROSPECTS, Plan

_ = translator("planner")

if TYPE_CHECKING:
    from salesplan.core.context import AppContext

PLAN_PREFIX = "plan-"


@dataclass
class WritePlan:
    """The objectives a plan would write, and the counts it cannot express."""

    objectives: list[dict[str, Any]]
    skipped: list[str]


def plan_objectives(plan: Plan, known_types: Mapping[str, object]) -> WritePlan:
    """One objective per member and counted metric at its natural cadence (``3 a week``,
    ``10 a day``, ``2 a month``), plus the team's revenue for the plan's period. Ids are
    ``plan-<member>-<metric>`` (``plan-team-revenue``)."""
    per = plan.period.kind
    revenue = float(plan.revenue)
    objectives: list[dict[str, Any]] = [{
        "id": f"{PLAN_PREFIX}team-revenue", "who": "team", "metric": "revenue", "per": per,
        "target": int(revenue) if revenue.is_integer() else revenue,
    }]
    skipped: list[str] = []
    for member, counts in plan.members.items():
        for metric, count in counts.items():
            if metric == PROSPECTS or (metric not in known_types
                                       and metric not in BUILTIN_METRICS):
                skipped.append(f"{member}: {count} {metric} (no objective metric for it)")
                continue
            cadence = plan.cadence.get(member, {}).get(metric)
            objectives.append({
                "id": f"{PLAN_PREFIX}{member}-{metric}", "who": member, "metric": metric,
                "per": cadence.per if cadence else per,
                "target": cadence.target if cadence else count,
            })
    return WritePlan(objectives, skipped)


def is_planned(objective: Objective | Mapping[str, Any]) -> bool:
    """Whether an objective was written by the planner (its id starts with ``plan-``)."""
    ident = objective.id if isinstance(objective, Objective) else objective.get("id")
    return isinstance(ident, str) and ident.startswith(PLAN_PREFIX)


def objectives_after(current: list[Objective], new: list[dict[str, Any]]) -> list[Objective]:
    """What the config's objectives become: hand-written ones kept, planner ones replaced."""
    return [o for o in current if not is_planned(o)] + [Objective(**o) for o in new]


def _replace_planned(document: TOMLDocument, new: list[dict[str, Any]]) -> None:
    existing = document.get("objectives")
    if existing is None:
        aot = tomlkit.aot()
        for item in new:
            aot.append(_table(item))
        document.append("objectives", aot)
        return
    if not isinstance(existing, AoT | Array):
        raise ConfigError(_("objectives: expected an array of tables to write the plan into"))
    for index in reversed(range(len(existing))):
        if is_planned(existing[index]):
            del existing[index]
    for item in new:
        if isinstance(existing, AoT):
            existing.append(_table(item))
        else:  # ``objectives = [{...}, ...]``: keep the user's inline style
            inline = tomlkit.inline_table()
            inline.update(item)
            existing.append(inline)


def _table(item: Mapping[str, Any]) -> Table:
    """One ``[[objectives]]`` table, marked as the planner's and followed by a blank line so
    whatever follows in the file keeps its spacing."""
    table = tomlkit.table()
    for key, value in item.items():
        table.add(key, value)
    table.add(tomlkit.comment("written by `salesplan plan --write`; replaced on the next one"))
    table.add(tomlkit.nl())
    return table


def write_objectives(app: AppContext, new: list[dict[str, Any]]) -> tuple[str, str]:
    """Replace the planner's objectives in the config file; returns the text before and
    after. Validated with ``load_app`` before the atomic replace."""
    from salesplan.core.context import load_app

    def validate(candidate: Path) -> None:
        load_app(candidate, env=app.env)

    path = app.config_path
    try:
        return edit_config(path, lambda doc: _replace_planned(doc, new), validate)
    except OSError as exc:
        raise ConfigError(_("{path}: cannot write the objectives: {value}").format(
            path=path, value=exc.strerror or exc)) from None
