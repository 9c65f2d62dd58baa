"""``salesplan plugins``: what is installed, what is enabled, and which hooks each implements.

``salesplan plugins --check`` validates every installed plugin instead (see
``salesplan.core.plugincheck``) and exits with status 2 when one is broken.
"""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from salesplan.core.cli.context import get_state
from salesplan.core.errors import SalesplanError
from salesplan.core.pluginmanager import discover_plugins


def run_check() -> None:
    """Print one ``ok`` / ``problem`` line per installed plugin; fail when one is broken."""
    from salesplan.core.plugincheck import check_plugins

    checks = check_plugins()
    for check in checks:
        click.echo(check.line())
    broken = [check.name for check in checks if not check.ok]
    if broken:
        count = f"{len(broken)} of {len(checks)} plugins"
        raise SalesplanError(
            f"{count} {'is' if len(broken) == 1 else 'are'} broken: {', '.join(broken)}"
        )
    click.echo(f"All {len(checks)} plugins are valid.")


@click.command("plugins")
@click.option(
    "--check",
    "check",
    is_flag=True,
    help="Import and validate every installed plugin (manifest, hooks, dependencies); "
    "exit 2 if one is broken.",
)
def plugins_command(check: bool) -> None:
    """List available plugins: enabled or not, version, origin and hooks."""
    if check:
        run_check()
        return
    active: list[str] = []
    try:
        app = get_state().app
        active = app.plugins.active
        available = app.plugins.available
        note = f"Enabled in {app.config_path.name}."
    except SalesplanError as exc:
        available = discover_plugins()  # what is installed, without a config
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
