"""What screens, widgets and plugin screens may ask of the running cockpit.

``Cockpit`` is the part of ``SalesplanApp`` they use, as a protocol: they type against it and
never import the app module, which imports them (that would be an import cycle). ``MAIN_SCREENS``
lists the shell's own screens, in menu order.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from salesplan.core.app import AppContext
    from salesplan.core.errors import SalesplanError

# (mode name, title, key, module, class) of the built-in screens, in menu order.
MAIN_SCREENS: tuple[tuple[str, str, str, str, str], ...] = (
    ("dashboard", "Dashboard", "d", "salesplan.tui.screens.dashboard", "DashboardScreen"),
    ("pipeline", "Pipeline", "p", "salesplan.tui.screens.pipeline", "PipelineScreen"),
    ("prospecting", "Prospecting", "l", "salesplan.tui.screens.prospecting",
     "ProspectingScreen"),
    ("reports", "Reports", "r", "salesplan.tui.screens.reports", "ReportsScreen"),
    ("settings", "Settings", "s", "salesplan.tui.screens.settings", "SettingsScreen"),
)


class Cockpit(Protocol):
    """The cockpit as its screens see it."""

    ctx: AppContext
    generation: int
    data_version: int

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
