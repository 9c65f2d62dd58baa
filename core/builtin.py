"""The ``core`` plugin: always active, it gives the built-in rule effects and the objectives
report, through the same hooks any plugin uses."""

from __future__ import annotations

from salesplan.core.effects import RuleEffect
from salesplan.core.manifest import PluginManifest
from salesplan.core.markers import hookimpl
from salesplan.core.reporting import ReportSpec

MANIFEST = PluginManifest(
    name="core",
    version="0.1.0",
    summary="Built-in rule effects (schedule, move_to_step, set_status, convert) and the "
    "objectives report.",
)


@hookimpl
def salesplan_rule_effects() -> list[type[RuleEffect]]:
    from salesplan.core.rule_effects import BUILTIN_EFFECTS

    return list(BUILTIN_EFFECTS)


@hookimpl
def salesplan_reports() -> list[ReportSpec]:
    from salesplan.core.objectives import OBJECTIVES_REPORT

    return [OBJECTIVES_REPORT]
