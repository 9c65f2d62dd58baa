"""The ``core`` plugin: always active, it gives the built-in rule effects and the objectives
report, through the same hooks any plugin uses."""

from __future__ import annotations

from salesplan.core.effects import RuleEffect
from salesplan.core.manifest import PluginManifest
from salesplan.core.markers import hookimpl
from salesplan.core.reporting import ReportOption, ReportRequest, ReportResult, ReportSpec

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


def _run_objectives(request: ReportRequest) -> ReportResult:
    # The implementation (SQLAlchemy, the models, the services) loads only when it runs.
    from salesplan.core.objectives import run_objectives_report

    return run_objectives_report(request)


OBJECTIVES_REPORT = ReportSpec(
    name="objectives",
    title="Objectives",
    run=_run_objectives,
    summary="Each objective's period, target, actual, expected pace and status on a day.",
    options=(
        ReportOption(name="date", kind="date", help="Day to measure on (default today)."),
        ReportOption(name="member", kind="member", help="Only this member's objectives."),
    ),
    needs_range=False,
)


@hookimpl
def salesplan_reports() -> list[ReportSpec]:
    return [OBJECTIVES_REPORT]
