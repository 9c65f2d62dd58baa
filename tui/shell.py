"""What screens, widgets and plugin screens may ask of the running cockpit.

``Cockpit`` is the part of ``SalesplanApp`` they use, as a protocol: they type against it and
never import the app module, which imports them (that would be an import cycle). ``MAIN_SCREENS``
lists the shell's own screens, in menu order; ``main_screens``, ``plugin_screens`` and
``may_run`` say which of them, and which actions, the app's actor may use (SPEC §11, the
rules of ``salesplan.core.access``): what a role may not use is not shown at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol, cast

from salesplan.core.access import Permission, may
from salesplan.core.i18n import N_

if TYPE_CHECKING:
    from salesplan.core.access import Actor
    from salesplan.core.app import AppContext
    from salesplan.core.errors import SalesplanError
    from salesplan.core.screens import ScreenSpec
    from salesplan.tui.lead_writes import DoneChange

# (mode name, title, key, module, class) of the built-in screens, in menu order.
MAIN_SCREENS: tuple[tuple[str, str, str, str, str], ...] = (
    ("dashboard", N_("Dashboard"), "d", "salesplan.tui.screens.dashboard", "DashboardScreen"),
    ("pipeline", N_("Pipeline"), "p", "salesplan.tui.screens.pipeline", "PipelineScreen"),
    ("prospecting", N_("Prospecting"), "l", "salesplan.tui.screens.prospecting",
     "ProspectingScreen"),
    ("reports", N_("Reports"), "r", "salesplan.tui.screens.reports", "ReportsScreen"),
    ("settings", N_("Settings"), "s", "salesplan.tui.screens.settings", "SettingsScreen"),
)

SCREEN_PERMISSIONS: dict[str, Permission] = {"settings": "settings"}
"""What a member needs to see a built-in screen (the others are everyone's); a plugin
screen says it in its ``ScreenSpec.permission``."""

ACTION_PERMISSIONS: dict[str, Permission] = {
    "switch_config": "settings",
    "reload_config": "settings",
    "export": "data",
}
"""What a member needs for the app's and screens' actions that reach beyond the base: open
or reload another config file, write a CSV file where the app runs (on the server, in the
browser)."""


def main_screens(actor: Actor) -> list[tuple[str, str, str, str, str]]:
    """The built-in screens ``actor`` may use, in menu order."""
    return [entry for entry in MAIN_SCREENS if may(actor, SCREEN_PERMISSIONS.get(entry[0]))]


def plugin_screens(actor: Actor, screens: Iterable[ScreenSpec]) -> list[ScreenSpec]:
    """The plugin screens ``actor`` may use."""
    return [spec for spec in screens if may(actor, spec.permission)]


def may_run(actor: Actor, action: str) -> bool:
    """Whether ``actor`` may run ``action`` (an action name of ``ACTION_PERMISSIONS``)."""
    return may(actor, ACTION_PERMISSIONS.get(action))


class Cockpit(Protocol):
    """The cockpit as its screens see it."""

    ctx: AppContext
    actor: Actor
    generation: int
    data_version: int
    last_change: DoneChange | None

    @property
    def today(self) -> date: ...

    def now(self) -> datetime: ...

    def data_changed(self) -> None: ...

    def show_error(self, error: SalesplanError | str, title: str = "Error") -> None: ...

    def open_lead(self, key: str) -> None: ...

    def reload_or_report(self, error_title: str) -> bool: ...

    def action_show(self, name: str) -> None: ...

    def action_switch_config(self) -> None: ...

    def call_from_thread(self, callback: Any, *args: Any, **kwargs: Any) -> Any: ...

    def push_screen(self, screen: Any, callback: Any = None) -> Any: ...

    def notify(self, message: str, *, title: str = "", severity: Any = "information",
               timeout: float | None = None, markup: bool = True) -> None: ...


def cockpit(app: object) -> Cockpit:
    """A widget's ``app`` as the cockpit (screens only ever run inside one)."""
    return cast("Cockpit", app)
