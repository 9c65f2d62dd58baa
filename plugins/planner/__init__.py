"""Reverse-funnel planner (SPEC §7): from a revenue target to the actions each member must do.

``salesplan plan`` (``command``), the ``[funnel]`` section (``settings``), the exact funnel
math (``funnel``), ratios measured from history (``measure``), the objectives write-back
(``write``) and the terminal UI's planner screen (``screen``, key ``n``). Only this module is
imported when the plugin loads; the rest loads when it is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from salesplan.core.i18n import lazy_translator, translator
from salesplan.core.manifest import PluginManifest
from salesplan.core.markers import hookimpl
from salesplan.core.screens import ScreenSpec

N_ = lazy_translator("planner")
_ = translator("planner")

if TYPE_CHECKING:
    import click

MANIFEST = PluginManifest(
    name="planner",
    version="0.1.0",
    summary=N_("Reverse-funnel planner: from a revenue target to actions per rep."),
    depends=("objectives",),
    locale="locale",
)


@hookimpl
def salesplan_cli_commands() -> list[click.Command]:
    from salesplan.plugins.planner.command import plan_command

    return [plan_command]


@hookimpl
def salesplan_config_sections() -> dict[str, type[BaseModel]]:
    from salesplan.plugins.planner.settings import SECTION, Funnel

    return {SECTION: Funnel}


def _planner_screen(app: Any) -> Any:
    from salesplan.plugins.planner.screen import PlannerScreen

    return PlannerScreen()


@hookimpl
def salesplan_tui_screens() -> list[ScreenSpec]:
    return [
        ScreenSpec(
            name="planner", title=N_("Planner"), factory=_planner_screen, key="n",
            description="Plan the actions of a revenue target (n)", permission="plan",
        )
    ]
