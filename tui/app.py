"""``SalesplanApp``: the manager's cockpit on one team config.

The app owns the current ``AppContext`` and a fixed or real "today". Main screens are Textual
modes (one per module, plugin screens included) so switching is instant and each keeps its
state; once the dashboard has loaded, ``tui.prepare`` imports the other screens' modules
while the app is idle. A config reload bumps ``generation`` and every screen rebuilds itself
from the new context the next time it is shown. Core errors (``SalesplanError``) become an
error dialog, never a crash.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from salesplan.core.access import LOCAL_ADMIN, Actor
from salesplan.core.calendar import today as calendar_today
from salesplan.core.calendar import utc_now
from salesplan.core.config.loader import display_path
from salesplan.core.context import AppContext, load_app
from salesplan.core.errors import SalesplanError
from salesplan.core.i18n import (
    N_,
    _,
    check_language,
    language,
    member_language,
    reset_language,
    set_language,
)
from salesplan.tui.commands import LeadSearch, SalesplanCommands
from salesplan.tui.lead_writes import DoneChange
from salesplan.tui.prepare import ScreenPreparer
from salesplan.tui.screens.error import ErrorModal
from salesplan.tui.shell import MAIN_SCREENS, main_screens, may_run, plugin_screens

if TYPE_CHECKING:
    from textual.actions import ActionParseResult
    from textual.dom import DOMNode


def _screen_factory(module: str, class_name: str) -> Callable[[], Screen[Any]]:
    """Import a screen module only when its screen is first shown (fast start-up)."""

    def build() -> Screen[Any]:
        import importlib

        screen_class = getattr(importlib.import_module(module), class_name)
        screen: Screen[Any] = screen_class()
        return screen

    return build


class SalesplanApp(App[None]):
    """The terminal UI of salesplan."""

    CSS_PATH = "salesplan.tcss"
    COMMANDS = App.COMMANDS | {SalesplanCommands, LeadSearch}
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(key, f"show('{name}')", title, show=False)
            for name, title, key, _m, _c in MAIN_SCREENS
        ),
        Binding("o", "switch_config", N_("Open config"), show=False),
        Binding("q", "soft_quit", N_("Quit")),
        Binding("ctrl+q", "quit", N_("Quit"), show=False, priority=True),
    ]

    def __init__(
        self,
        app_context: AppContext,
        today: date | None = None,
        actor: Actor = LOCAL_ADMIN,
        language: str | None = None,
    ) -> None:
        super().__init__()
        self.ctx = app_context
        self.actor = actor
        """Who the cockpit acts as: every service call and report gets it (SPEC §11)."""
        self.language = check_language(
            language or member_language(app_context.config, actor.member))
        """The session's language: given (``--lang``, what the CLI resolved), else the
        actor's own ``language`` (a member signed in to the browser cockpit), else the
        team's. Everything the app runs (screens, workers) reads and writes in it."""
        self.fixed_today = today
        self.generation = 0
        self.data_version = 0
        self.last_change: DoneChange | None = None
        """The latest move or status change made here, for ``u`` (undo)."""
        self._plugin_modes: set[str] = set()
        self._plugin_keys: set[str] = set()
        self.preparer: ScreenPreparer | None = None
        allowed = main_screens(actor)
        for name, _title, _key, module, class_name in allowed:
            self.add_mode(name, _screen_factory(module, class_name))
        # What the role may not use is not there at all: no mode, no key, no tab (SPEC §11).
        hidden_keys = {key for _n, _t, key, _m, _c in MAIN_SCREENS} - {
            key for _n, _t, key, _m, _c in allowed}
        if not may_run(actor, "switch_config"):
            hidden_keys.add("o")
        for key in hidden_keys:
            self._bindings.key_to_bindings.pop(key, None)
        self._add_plugin_modes()
        self._set_title()

    # -- time -------------------------------------------------------------------------------

    @property
    def today(self) -> date:
        """The app's today: fixed (tests, snapshots) or the real day in the team timezone."""
        return self.fixed_today or calendar_today(self.ctx.tz)

    def now(self) -> datetime:
        """When an action logged now happens: real now, or 10:00 local on a fixed today so
        tests and snapshots never depend on the clock."""
        if self.fixed_today is None:
            return utc_now()
        local = datetime.combine(self.fixed_today, time(10, 0), tzinfo=self.ctx.tz)
        return local.astimezone(UTC)

    def data_changed(self) -> None:
        """Something was written: screens reload when they are shown again."""
        self.data_version += 1

    # -- context ----------------------------------------------------------------------------

    def _set_title(self) -> None:
        self.title = _("salesplan · {name}").format(name=self.ctx.config.team.name)
        self.sub_title = display_path(self.ctx.config_path)

    def _add_plugin_modes(self) -> None:
        """A mode per plugin screen, and its key when it does not shadow a built-in one."""
        for mode in self._plugin_modes:
            if mode != self.current_mode:
                self.remove_mode(mode)
        for key in self._plugin_keys:
            self._bindings.key_to_bindings.pop(key, None)
        self._plugin_modes = set()
        self._plugin_keys = set()
        taken = {key for _n, _t, key, _m, _c in MAIN_SCREENS} | {"o", "q"}
        for spec in plugin_screens(self.actor, self.ctx.registry.screens.values()):
            mode = f"plugin:{spec.name}"
            if mode not in self._modes:
                self.add_mode(mode, self._plugin_factory(spec.name))
            self._plugin_modes.add(mode)
            if spec.key and spec.key not in taken:
                self._bindings.bind(spec.key, f"show('{mode}')", spec.title, show=False)
                self._plugin_keys.add(spec.key)
                taken.add(spec.key)

    def _plugin_factory(self, name: str) -> Callable[[], Screen[Any]]:
        def build() -> Screen[Any]:
            spec = self.ctx.registry.screens[name]
            try:
                screen = spec.factory(self)
            except SalesplanError:
                raise
            except Exception as exc:
                raise SalesplanError(_("plugin screen {name!r} failed to open: {exc}").format(
                    name=name, exc=exc)) from exc
            if not isinstance(screen, Screen):
                raise SalesplanError(
                    _("plugin screen {name!r} returned {name__}, not a Screen").format(
                        name=name, name__=type(screen).__name__)
                )
            return screen

        return build

    def set_context(self, app_context: AppContext) -> None:
        """Use another loaded config (switch or reload): every screen rebuilds from it."""
        old = self.ctx
        self.ctx = app_context
        self.generation += 1
        self._add_plugin_modes()
        self._set_title()
        if old is not app_context:
            old.dispose()  # idle pooled connections; a running worker keeps its own
        screen = self.screen
        refresh = getattr(screen, "on_context_changed", None)
        if refresh is not None:
            refresh()

    def reload_config(self) -> AppContext:
        """Load the current config file again (after Settings saved it) and use it."""
        self.set_context(load_app(self.ctx.config_path, env=self.ctx.env))
        return self.ctx

    def reload_or_report(self, error_title: str) -> bool:
        """Reload the config after a write; an invalid result is the error dialog (the
        screens keep the config they had) and ``False``."""
        try:
            self.reload_config()
        except SalesplanError as exc:
            self.show_error(exc, error_title)
            return False
        return True

    def open_config(self, path: Path) -> None:
        """Load another config in a worker, then switch to it (errors become a dialog)."""
        env = self.ctx.env

        def load() -> None:
            with language(self.language):
                try:
                    loaded = load_app(path, env=env)
                except SalesplanError as exc:
                    self.call_from_thread(self.show_error, exc, _("Cannot open config"))
                    return
            self.call_from_thread(self._switched, loaded)

        self.run_worker(load, thread=True, exclusive=True, group="config")

    def _switched(self, loaded: AppContext) -> None:
        self.set_context(loaded)
        self.notify(_("Opened {config_path}").format(
            config_path=display_path(loaded.config_path)), title=loaded.config.team.name)

    # -- lifecycle --------------------------------------------------------------------------

    async def _process_messages(self, *args: Any, **kwargs: Any) -> None:
        """Run the app in its session language (tasks it starts inherit it); the caller's
        language is left as it was."""
        token = set_language(self.language)
        try:
            await super()._process_messages(*args, **kwargs)
        finally:
            reset_language(token)

    def on_mount(self) -> None:
        self.switch_mode("dashboard")
        # The other screens' modules are imported once the dashboard has loaded, so their
        # first visit only composes them.
        self.preparer = ScreenPreparer(
            self,
            [module for name, _t, _k, module, _c in main_screens(self.actor)
             if name != "dashboard"]
            + ["salesplan.tui.screens.lead_file"],
        )
        self.preparer.start()

    def on_unmount(self) -> None:
        if self.preparer is not None:
            self.preparer.stop()
        self.ctx.dispose()

    # -- errors -----------------------------------------------------------------------------

    def show_error(self, error: SalesplanError | str, title: str = "Error") -> None:
        """An error dialog with a title and the core's one-line message."""
        message = error.message if isinstance(error, SalesplanError) else str(error)
        self.push_screen(ErrorModal(title, message))

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Every key binding and link runs through here: a ``SalesplanError`` raised by an
        action is the user's, not a bug, so it becomes the error dialog."""
        try:
            return await super().run_action(action, default_namespace, namespaces)
        except SalesplanError as exc:
            self.show_error(exc)
            return True

    # -- actions ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Single-letter navigation and ``q`` do nothing while a dialog is open (``ctrl+q``
        still quits); a screen or an action the actor's role may not use is never there."""
        if action == "show" and parameters and parameters[0] not in self._modes:
            return False
        if not may_run(self.actor, action):
            return False
        return not (action in ("show", "soft_quit", "switch_config") and self.screen.is_modal)

    async def action_soft_quit(self) -> None:
        await self.action_quit()

    def action_show(self, name: str) -> None:
        """Switch to a main screen (or a plugin screen ``plugin:NAME``)."""
        if name not in self._modes:
            self.show_error(_("no screen named {name!r}").format(name=name), "Unknown screen")
            return
        # Pushed screens (a lead file) close when the user jumps to another module.
        while len(self.screen_stack) > 1 and not self.screen.is_modal:
            self.pop_screen()
        try:
            self.switch_mode(name)
        except SalesplanError as exc:
            self.show_error(exc, "Cannot open screen")

    def action_switch_config(self) -> None:
        if not may_run(self.actor, "switch_config"):
            return
        from salesplan.tui.screens.config_switcher import ConfigSwitcher

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.open_config(path)

        self.push_screen(ConfigSwitcher(self.ctx.config_path), chosen)

    def open_lead(self, key: str) -> None:
        """Push the lead file of a lead (by key) over the current screen."""
        from salesplan.tui.screens.lead_file import LeadFileScreen

        self.push_screen(LeadFileScreen(key))
