"""``salesplan plugins``: what is installed, what is enabled, and which hooks each implements."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from salesplan.core.cli.context import get_state
from salesplan.core.errors import SalesplanError
from salesplan.core.pluginmanager import discover_plugins


@click.command("plugins")
def plugins_command() -> None:
    """List available plugins: enabled or not, version, origin and hooks."""
    available = discover_plugins()
    active: list[str] = []
    try:
        app = get_state().app
        active = app.plugins.active
        available = app.plugins.available
        note = f"Enabled in {app.config_path.name}."
    except SalesplanError as exc:
        note = f"No config loaded ({exc.message.splitlines()[0]}); showing what is installed."
    table = Table(show_edge=False)
    for column in ("Plugin", "Enabled", "Version", "Origin", "Depends", "Hooks", "Summary"):
        table.add_column(column)
    for name, info in sorted(available.items()):
        table.add_row(
            name,
            "[green]yes[/]" if name in active else "no",
            info.manifest.version,
            info.origin,
            ", ".join(info.manifest.depends) or "—",
            ", ".join(h.removeprefix("salesplan_") for h in info.hooks) or "—",
            info.manifest.summary,
        )
    console = Console(highlight=False)
    console.print(table)
    console.print(note)


COMMANDS = {"plugins": plugins_command}
