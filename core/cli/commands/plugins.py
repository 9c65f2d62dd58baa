"""``salesplan plugins``: what is installed, what is enabled, and which hooks each implements.

``--format json`` prints the same as one JSON object, for scripts. The table folds on a
narrow terminal: below ``WIDE`` columns each plugin is a block of lines (name, state, version
and origin; then its summary, dependencies and hooks, indented) instead of a row.

The hooks of a plugin that is not enabled are shown when they are in the module that holds
its manifest (read anyway, to list the plugin); a plugin whose manifest names a separate
implementation ``module`` shows ``not loaded``: salesplan imports that module only when the
plugin is enabled (``salesplan plugins --check`` imports everything).

``salesplan plugins --check`` validates every installed plugin instead (see
``salesplan.core.plugincheck``) and exits with status 2 when one is broken.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from salesplan.core.cli.context import get_state
from salesplan.core.errors import SalesplanError
from salesplan.core.i18n import N_, _
from salesplan.core.pluginmanager import PluginInfo, discover_plugins
from salesplan.core.text import shown

WIDE = 120
"""Terminal width from which the plugins are a table."""
NOT_LOADED = "not loaded"


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
            _("{count} {value} broken: {join}").format(
                count=count, value='is' if len(broken) == 1 else 'are', join=', '.join(broken))
        )
    click.echo(_("All {n_checks} plugins are valid.").format(n_checks=len(checks)))


def hook_list(info: PluginInfo) -> list[str] | None:
    """The plugin's hooks without the ``salesplan_`` prefix; ``None`` when not loaded."""
    if not info.hooks_known:
        return None
    return [hook.removeprefix("salesplan_") for hook in info.hooks]


def plugin_rows(available: dict[str, PluginInfo], active: Sequence[str]) -> list[dict[str, Any]]:
    """One plain dict per plugin, by name (what ``--format json`` prints)."""
    return [
        {
            "name": name,
            "enabled": name in active,
            "version": info.manifest.version,
            "origin": info.origin,
            "depends": list(info.manifest.depends),
            "hooks": hook_list(info),
            "summary": info.manifest.summary,
        }
        for name, info in sorted(available.items())
    ]


def _hooks_text(row: dict[str, Any]) -> str:
    hooks: list[str] | None = row["hooks"]
    if hooks is None:
        return NOT_LOADED
    return ", ".join(hooks) or "—"


def _table(rows: list[dict[str, Any]]) -> Table:
    table = Table(show_edge=False)
    table.add_column(_("Plugin"), no_wrap=True)
    table.add_column(_("Enabled"), no_wrap=True)
    table.add_column(_("Version"), no_wrap=True)
    table.add_column(_("Origin"))
    table.add_column(_("Depends"))
    table.add_column(_("Hooks"), ratio=2)
    table.add_column(_("Summary"), ratio=3)
    for row in rows:
        table.add_row(
            shown(row["name"]), "[green]yes[/]" if row["enabled"] else "no",
            shown(row["version"]), shown(row["origin"]),
            shown(", ".join(row["depends"]) or "—"), shown(_hooks_text(row)),
            shown(str(row["summary"])),  # a lazy text: in the language of the run
        )
    return table


def _blocks(console: Console, rows: list[dict[str, Any]]) -> None:
    """The narrow layout: one block per plugin, its details indented under its name."""
    for row in rows:
        state = "[green]enabled[/]" if row["enabled"] else "not enabled"
        console.print(f"[bold]{shown(row['name'])}[/]  {state}  {shown(row['version'])}  "
                      f"{shown(row['origin'])}")
        details = [str(row["summary"])] if row["summary"] else []
        if row["depends"]:
            details.append(f"depends: {', '.join(row['depends'])}")
        details.append(f"hooks: {_hooks_text(row)}")
        for line in details:
            wrapped = textwrap.fill(line, width=max(console.width, 40), initial_indent="    ",
                                    subsequent_indent="      ", break_on_hyphens=False)
            console.print(shown(wrapped), highlight=False)


@click.command("plugins")
@click.option(
    "--check",
    "check",
    is_flag=True,
    help=N_("Import and validate every installed plugin (manifest, hooks, dependencies); "
    "exit 2 if one is broken."),
)
@click.option("--format", "output_format", type=click.Choice(["table", "json"]),
              default="table", show_default=True, help=N_("A table (or blocks on a narrow "
              "terminal), or one JSON object."))
def plugins_command(check: bool, output_format: str) -> None:
    """List available plugins: enabled or not, version, origin and hooks."""
    if check:
        run_check()
        return
    active: list[str] = []
    config: str | None = None
    try:
        app = get_state().app
        active = app.plugins.active
        available = app.plugins.available
        config = str(app.config_path)
        note = f"Enabled in {app.config_path.name}."
    except SalesplanError as exc:
        available = discover_plugins()  # what is installed, without a config
        note = f"No config loaded ({exc.message.splitlines()[0]}); showing what is installed."
    rows = plugin_rows(available, active)
    if output_format == "json":
        click.echo(json.dumps({"config": config, "plugins": rows}, ensure_ascii=False,
                              indent=2))
        return
    console = Console(highlight=False)
    if console.width >= WIDE:
        console.print(_table(rows))
    else:
        _blocks(console, rows)
    console.print(shown(note))


COMMANDS = {"plugins": plugins_command}
