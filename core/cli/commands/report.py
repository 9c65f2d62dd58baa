"""``salesplan report NAME --from D --to D [--format …] [report options]`` and ``reports``.

Each enabled report is a click subcommand built on the fly from its ``ReportSpec``: the
common ``--from``/``--to``/``--format`` plus one flag per ``ReportOption``, so
``salesplan report NAME --help`` shows exactly that report's options and click names the
option in every usage error (exit status 2). Values are converted by
``salesplan.core.reporting.convert_option`` — the same rules the TUI uses.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import click

from salesplan.core.calendar import parse_day
from salesplan.core.cli.context import get_state
from salesplan.core.errors import DataError, SalesplanError
from salesplan.core.reporting import (
    ReportOption,
    ReportSpec,
    convert_option,
    option_choices,
    option_flag,
)

if TYPE_CHECKING:
    from salesplan.core.app import AppContext
    from salesplan.core.render import OutputFormat
from salesplan.core.i18n import _

FORMATS = ("table", "json", "csv")


class DayParam(click.ParamType):
    """``YYYY-MM-DD`` → ``date``; a bad value is a usage error naming the option."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_day(str(value))
        except DataError as exc:
            self.fail(exc.message, param, ctx)


class OptionParam(click.ParamType):
    """A report option's value, converted and checked against the config."""

    def __init__(self, option: ReportOption, app: AppContext) -> None:
        self.option = option
        self.app = app
        self.name = option.kind.upper() if option.kind != "text" else "TEXT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return convert_option(self.option, value, self.app.config)
        except DataError as exc:
            message = exc.message.removeprefix(f"{option_flag(self.option)}: ")
            self.fail(message, param, ctx)


def _option_help(option: ReportOption, app: AppContext) -> str:
    text = option.help or option.name
    choices = option_choices(option, app.config)
    if choices:
        text += f" One of: {', '.join(choices)}."
    if option.default not in (None, ""):
        text += f" Default: {option.default}."
    return text


def _build_command(spec: ReportSpec, app: AppContext) -> click.Command:
    range_help = "inclusive, in team-timezone calendar days"
    params: list[click.Parameter] = [
        click.Option(["--from", "start"], type=DayParam(), required=spec.needs_range,
                     help=_("First day ({range_help}).").format(range_help=range_help)
                     + ("" if spec.needs_range else _(" Default: today."))),
        click.Option(["--to", "end"], type=DayParam(), required=spec.needs_range,
                     help=_("Last day ({range_help}).").format(range_help=range_help)
                     + ("" if spec.needs_range else _(" Default: the --from day."))),
        click.Option(["--format", "output_format"], type=click.Choice(FORMATS),
                     default="table", show_default=True, help=_("Output format.")),
    ]
    for option in spec.options:
        params.append(click.Option(
            [option_flag(option), f"opt_{option.name}"], type=OptionParam(option, app),
            required=option.required, default=None, help=_option_help(option, app),
        ))

    def callback(start: date | None, end: date | None, output_format: OutputFormat,
                 **values: Any) -> None:
        options = {o.name: values[f"opt_{o.name}"] for o in spec.options}
        for option in spec.options:
            if options[option.name] is None:
                options[option.name] = option.default
        run_report(app, spec, start, end, output_format, options)

    return click.Command(
        spec.name, params=params, callback=callback,
        help=f"{spec.title}: {spec.summary}" if spec.summary else spec.title,
        short_help=spec.summary or spec.title,
    )


def run_report(app: AppContext, spec: ReportSpec, start: date | None, end: date | None,
               output_format: OutputFormat, options: dict[str, Any]) -> None:
    """Run the report through the kernel's runner, as the command's actor, and print it."""
    from salesplan.core.calendar import today
    from salesplan.core.reports.runner import execute_report, prepare_report, report_range
    from salesplan.core.startup import pause_gc_until_exit

    if start is not None and end is not None and start > end:
        raise click.BadParameter(
            _("{start} is after --to {end}").format(
                start=start.isoformat(), end=end.isoformat()), param_hint="'--from'")
    first, last = report_range(spec, start, end, today(app.tz))
    actor = get_state().actor
    pause_gc_until_exit()
    prepare_report(app, spec, first, last)
    with app.read_connection() as connection:
        result = execute_report(connection, app, spec, first, last, options, actor=actor)
    from salesplan.core.render import render_result

    render_result(result, output_format, action_types=app.registry.action_types,
                  members={member.id: member.name for member in app.config.members})


class ReportGroup(click.Group):
    """``report``'s subcommands are the enabled reports of the loaded config."""

    def _reports(self, ctx: click.Context) -> dict[str, ReportSpec]:
        reports: dict[str, ReportSpec] = get_state(ctx).app.registry.reports
        return reports

    def list_commands(self, ctx: click.Context) -> list[str]:
        try:
            return list(self._reports(ctx))
        except SalesplanError:
            return []

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        try:
            spec = self._reports(ctx).get(cmd_name)
        except SalesplanError:
            if ctx.resilient_parsing:
                return None
            raise
        if spec is None:
            return None
        return _build_command(spec, get_state(ctx).app)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        command = self.get_command(ctx, name)
        if command is None:
            enabled = ", ".join(self._reports(ctx)) or "none"
            raise click.UsageError(_("unknown report {name!r} (enabled reports: {enabled})").format(
                name=name, enabled=enabled), ctx)
        return name, command, args[1:]


@click.group("report", cls=ReportGroup)
def report_command() -> None:
    """Run a report over an inclusive range of team-timezone days.

    salesplan report NAME --from YYYY-MM-DD --to YYYY-MM-DD [--format table|json|csv]
    [report options]. `salesplan reports` lists the enabled reports and their options;
    `salesplan report NAME --help` shows one report's options.
    """


def _describe_option(option: ReportOption, app: AppContext) -> str:
    choices = option_choices(option, app.config)
    value = "|".join(choices) if choices else option.kind.upper()
    text = f"{option_flag(option)} {value}"
    return text if option.required else f"[{text}]"


@click.command("reports")
def reports_command() -> None:
    """List the enabled reports with their options."""
    from rich.console import Console
    from rich.table import Table

    app = get_state().app
    table = Table(title=_("Enabled reports"), title_justify="left")
    table.add_column(_("Report"), style="bold")
    table.add_column(_("What it shows"))
    table.add_column(_("Options"))
    for name, spec in app.registry.reports.items():
        common = "--from D --to D" if spec.needs_range else "[--from D] [--to D]"
        options = " ".join([common, *(_describe_option(o, app) for o in spec.options)])
        table.add_row(name, spec.summary or spec.title, options)
    Console(highlight=False).print(table)


COMMANDS: dict[str, click.Command] = {"report": report_command, "reports": reports_command}
