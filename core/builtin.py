"""The ``core`` plugin: always active, it gives the built-in rule effects (schedule,
move_to_step, set_status, convert) through the same hook any plugin uses."""

from __future__ import annotations

from salesplan.core.effects import RuleEffect
from salesplan.core.i18n import N_
from salesplan.core.manifest import PluginManifest
from salesplan.core.markers import hookimpl

MANIFEST = PluginManifest(
    name="core",
    version="0.1.0",
    summary=N_("Built-in rule effects: schedule, move_to_step, set_status, convert."),
)


@hookimpl
def salesplan_rule_effects() -> list[type[RuleEffect]]:
    from salesplan.core.rule_effects import BUILTIN_EFFECTS

    return list(BUILTIN_EFFECTS)
