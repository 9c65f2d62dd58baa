"""The top navigation bar: every screen the actor may use with its key, the current one
highlighted, clickable with the mouse."""

from __future__ import annotations

from rich.markup import escape
from textual.widgets import Static

from salesplan.tui.shell import cockpit, main_screens, plugin_screens


class NavBar(Static):
    """``Dashboard d · Pipeline p · …``; plugin screens follow the built-in ones."""

    DEFAULT_CSS = """
    NavBar {
        height: 1;
        background: $panel;
        color: $text-muted;
        padding: 0 1;
    }
    """

    def __init__(self, current: str) -> None:
        super().__init__("", id="navbar")
        self.current = current

    def on_mount(self) -> None:
        self.update(self.markup())

    def markup(self) -> str:
        app = cockpit(self.app)
        entries = [(name, title, key) for name, title, key, _m, _c in main_screens(app.actor)]
        for spec in plugin_screens(app.actor, app.ctx.registry.screens.values()):
            entries.append((f"plugin:{spec.name}", spec.title, spec.key or ""))
        parts = []
        for name, title, key in entries:
            label = escape(str(title)) + (f" [dim]{escape(key)}[/]" if key else "")
            if name == self.current:
                parts.append(f"[bold reverse] {label} [/]")
            else:
                parts.append(f"[@click=app.show('{name}')] {label} [/]")
        return "".join(parts)
