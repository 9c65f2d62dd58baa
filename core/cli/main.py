"""Entry point: ``salesplan [--config PATH] COMMAND``.

Core commands are imported only when run, so a report does not pay for the UI. Plugins add
commands through ``salesplan_cli_commands``; those need the config, which is loaded then.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from salesplan.core import __version__
from salesplan.core.cli.language import SalesplanContext, localize
from salesplan.core.cli.run_language import choose_language
from salesplan.core.errors import SalesplanError
from salesplan.core.i18n import LANGUAGE_ENV, N_, _, current_language, language, translate_any
from salesplan.core.startup import exit_on_sigterm, pause_gc, skip_cyclic_teardown
from salesplan.core.text import printable

# ``salesplan.core.cli.context`` (and with it the config models, pydantic and the plugin
# manager) is imported inside the functions below, after ``main`` paused the collector.

CORE_COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("salesplan.core.cli.commands.init", N_("Write a commented starter salesplan.toml.")),
    "demo": ("salesplan.core.cli.commands.demo",
             N_("Build a demo team with history and open it.")),
    "tui": ("salesplan.core.cli.commands.tui", N_("Open the terminal UI (the default).")),
    "check": ("salesplan.core.cli.commands.check", N_("Validate a config and summarise it.")),
    "plugins": ("salesplan.core.cli.commands.plugins",
                N_("List available and enabled plugins.")),
    "import": ("salesplan.core.cli.commands.data", N_("Import a data folder of CSV files.")),
    "export": ("salesplan.core.cli.commands.data", N_("Export the base to a data folder.")),
    "backup": ("salesplan.core.cli.commands.backup",
               N_("Copy the whole base into a backup file.")),
    "restore": ("salesplan.core.cli.commands.backup", N_("Restore the base from a backup.")),
    "log": ("salesplan.core.cli.commands.work", N_("Log an action on a lead or prospect.")),
    "lead": ("salesplan.core.cli.commands.work", N_("Add, show, move and list leads.")),
    "prospect": ("salesplan.core.cli.commands.work", N_("Add, convert and list prospects.")),
    "todo": ("salesplan.core.cli.commands.work", N_("List due reminders.")),
    "search": ("salesplan.core.cli.commands.search",
               N_("Find leads and prospects by any word or key.")),
    "report": ("salesplan.core.cli.commands.report", N_("Run a report over a date range.")),
    "reports": ("salesplan.core.cli.commands.report", N_("List the enabled reports.")),
    "user": ("salesplan.core.cli.commands.users", N_("Add, list, disable member accounts.")),
    "token": ("salesplan.core.cli.commands.tokens", N_("Create, list, revoke API tokens.")),
    "serve": ("salesplan.core.cli.commands.serve",
              N_("Run the HTTP API (and the browser cockpit).")),
    "new-plugin": ("salesplan.core.cli.commands.newplugin", N_("Write a new plugin package.")),
    "docs": ("salesplan.core.cli.commands.docs", N_("Show where the documentation is.")),
}


def installed_plugin_commands() -> dict[str, tuple[str, click.Command]]:
    """``{command: (plugin, command)}`` of every installed plugin that loads, for the help of
    a run without a config (a plugin that fails to load is left out)."""
    from salesplan.core import hookspecs
    from salesplan.core.pluginmanager import SalesplanPluginManager, discover_plugins

    found: dict[str, tuple[str, click.Command]] = {}
    try:
        available = discover_plugins()
    except SalesplanError:
        return found
    for name, info in available.items():
        if info.always_on:
            continue
        try:
            manager = SalesplanPluginManager(available, [name], [hookspecs])
            results = manager.call_each("salesplan_cli_commands")
        except Exception:  # shown by `salesplan plugins --check`, not here
            continue
        for plugin, commands in results:
            if plugin != name:
                continue
            for command in commands if isinstance(commands, list) else []:
                if isinstance(command, click.Command) and command.name:
                    found.setdefault(command.name, (plugin, command))
    return found


def _load_core_command(name: str) -> click.Command | None:
    module_name, _help = CORE_COMMANDS[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise
    commands: dict[str, click.Command] = module.COMMANDS
    command = commands.get(name)
    if command is not None:
        localize(command)
    return command


class UserError(click.ClickException):
    """A ``SalesplanError`` on its way out: one message on stderr, exit status 2."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.language = current_language()
        """The language of the run: click shows the error once the run's context is gone."""

    def show(self, file: Any = None) -> None:
        with language(self.language):
            click.echo(_("Error: {message}").format(message=self.format_message()),
                       file=file, err=file is None)


class SalesplanGroup(click.Group):
    """Core commands by lazy import, plus the active plugins' commands.

    Any ``SalesplanError`` raised below becomes a ``UserError`` (message, exit 2), so both
    the installed script and click's test runner behave the same. Help pages are in the
    language of the run (``salesplan.core.cli.language``).
    """

    context_class = SalesplanContext

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SalesplanError as exc:
            raise UserError(printable(exc.message)) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        from salesplan.core.cli.context import get_state

        names = list(CORE_COMMANDS)
        try:
            commands = list(get_state(ctx).app.registry.commands)
        except SalesplanError:  # no usable config: what installed plugins would add
            commands = list(installed_plugin_commands())
        return names + [n for n in commands if n not in names]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in CORE_COMMANDS:
            return _load_core_command(cmd_name)
        if ctx.resilient_parsing:
            return None
        from salesplan.core.cli.context import get_state

        command: click.Command | None = get_state(ctx).app.registry.commands.get(cmd_name)
        if command is not None:
            localize(command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from salesplan.core.cli.context import get_state

        rows = [(name, str(help_text)) for name, (_m, help_text) in CORE_COMMANDS.items()]
        try:
            app = get_state(ctx).app
        except SalesplanError:
            # No usable config: every installed plugin's commands, each saying its plugin.
            for name, (plugin, command) in installed_plugin_commands().items():
                if name not in CORE_COMMANDS:
                    localize(command)
                    rows.append((name, _("{help} (plugin {plugin})").format(
                        help=command.get_short_help_str(), plugin=plugin)))
        else:
            for name, command in app.registry.commands.items():
                if name not in CORE_COMMANDS:
                    localize(command)
                    rows.append((name, command.get_short_help_str()))
        with formatter.section(translate_any("Commands")):
            formatter.write_dl(rows)


@click.group(
    cls=SalesplanGroup,
    invoke_without_command=True,
    help=N_("salesplan — action-based sales management: measure, plan, track.\n\n"
            "With no command, opens the terminal UI on the config. The local command line acts "
            "as the admin (whoever reads the config and the database may do anything); --as "
            "MEMBER runs a command with that member's role and visibility."),
)
@click.option(
    "--config",
    "config_option",
    metavar="PATH",
    envvar="SALESPLAN_CONFIG",
    help=N_("Team config file (default: $SALESPLAN_CONFIG, else ./salesplan.toml)."),
)
@click.option(
    "--as",
    "as_member",
    metavar="MEMBER",
    help=N_("Act as this member, with their role (default: the local admin)."),
)
@click.option(
    "--lang",
    metavar="en|fr",
    envvar=LANGUAGE_ENV,
    is_eager=True,
    expose_value=False,
    callback=choose_language,
    help=N_("Language of this run: en or fr (default: $SALESPLAN_LANG, else the config's "
            "language, else en)."),
)
@click.version_option(__version__, prog_name="salesplan")
@click.pass_context
def cli(ctx: click.Context, config_option: str | None, as_member: str | None) -> None:
    """salesplan — action-based sales management: measure, plan, track.

    With no command, opens the terminal UI on the config. The local command line acts as the
    admin (whoever reads the config and the database may do anything); --as MEMBER runs a
    command with that member's role and visibility.
    """
    from salesplan.core.cli.context import get_state

    state = get_state(ctx)
    if as_member is not None and not ctx.resilient_parsing:
        from salesplan.core.cli.acting import check_command

        check_command(state.actor, ctx.invoked_subcommand)
    if ctx.invoked_subcommand is None:
        tui = _load_core_command("tui")
        if tui is None:
            click.echo(ctx.get_help())
            return
        ctx.invoke(tui)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI: user errors become one message and exit status 2, never a traceback."""
    pause_gc()
    skip_cyclic_teardown()
    exit_on_sigterm()
    cli.main(args=argv, prog_name="salesplan")


if __name__ == "__main__":
    main()
