"""``salesplan demo``: build (or reuse) the demo team and open the terminal UI on it."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import click

from salesplan.core.cli.context import get_state
from salesplan.core.demo.build import DEFAULT_DIR, build_demo
from salesplan.core.demo.generator import SIZES
from salesplan.core.i18n import N_, _
from salesplan.core.progress import terminal_progress


@click.command("demo")
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=DEFAULT_DIR,
              show_default=True, help=N_("Folder for the demo config and its SQLite base."))
@click.option("--reset", is_flag=True, help=N_("Rebuild the demo even if one is there."))
@click.option("--no-tui", is_flag=True, help=N_("Only build; print what to try."))
@click.option("--size", type=click.Choice(list(SIZES)), default="small", show_default=True,
              help=N_("small: 8 people, six months; large: team-year scale for benchmarks."))
@click.option("--seed", type=int, default=1, show_default=True,
              help=N_("Same seed and same day, same demo."))
@click.option("--today", "today_text", metavar="YYYY-MM-DD", hidden=True,
              help=N_("Pretend today is this day (tests)."))
def demo_command(folder: Path, reset: bool, no_tui: bool, size: str, seed: int,
                 today_text: str | None) -> None:
    """Build a realistic demo team with months of history and open it."""
    from salesplan.core.calendar import parse_day

    today: date | None = parse_day(today_text) if today_text else None
    started = time.monotonic()
    if not reset and (folder / "salesplan.toml").is_file() and (folder / "demo.db").is_file():
        click.echo(_("Demo already built in {folder}, use --reset to rebuild.").format(
            folder=folder))
    else:
        click.echo(_("Building the {size} demo team in {folder} …").format(
            size=size, folder=folder), err=True)
    result = build_demo(folder, size=size, seed=seed, today=today, reset=reset,
                        progress=terminal_progress())
    if result.built:
        counts = result.counts
        click.echo(
            _("Demo built in {folder} in {value:.1f} s: "
            "{prospects} prospects, {leads} leads, "
            "{actions} actions, {reminders} open reminders.").format(
                folder=folder, value=time.monotonic() - started,
                prospects=counts["prospects"], leads=counts["leads"],
                actions=counts["actions"], reminders=counts["reminders"])

        )
    config = result.config_path
    if not no_tui:
        from salesplan.core.cli.main import _load_core_command

        tui = _load_core_command("tui")
        if tui is not None:
            state = get_state()
            state.close()
            state.config_option = str(config)
            state._app = None
            click.get_current_context().invoke(tui)
            return
    day = date.today()
    month_start = day.replace(day=1).isoformat()
    click.echo(
        _("Try:\n"
        "  salesplan --config {config} tui\n"
        "  salesplan --config {config} todo\n"
        "  salesplan --config {config} lead list\n"
        "  salesplan --config {config} reports\n"
        "  salesplan --config {config} report activity --from {month_start} --to {day}\n"
        "  salesplan --config {config} objectives\n"
        "  salesplan --config {config} export {value}").format(
            config=config, month_start=month_start, day=day, value=folder / 'export')
    )


COMMANDS: dict[str, click.Command] = {"demo": demo_command}
