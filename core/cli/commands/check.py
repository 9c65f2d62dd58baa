"""``salesplan check``: validate a config and print a summary of it."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from salesplan.core.app import AppContext
from salesplan.core.cli.context import pass_app
from salesplan.core.config.loader import display_path
from salesplan.core.db.engine import safe_url
from salesplan.core.db.status import describe_database
from salesplan.core.i18n import N_, _


@click.command("check")
@click.option("--rollups", is_flag=True,
              help=N_("Also recount every report rollup from the raw actions and compare "
                   "(exit status 2 when one differs)."))
@click.option("--repair", is_flag=True,
              help=N_("With --rollups: rebuild the rollups from history when one differs."))
@pass_app
def check_command(app: AppContext, rollups: bool, repair: bool) -> None:
    """Validate the config (syntax, keys, references, plugins) and summarise it."""
    status = _summary(app)
    # A base not created yet holds nothing to strand (and check does not create it).
    stranded = not status.startswith(("not created", "reachable, empty")) and _check_strandings(
        app)
    if rollups or repair:
        _check_rollups(app, repair)
    if stranded:
        click.get_current_context().exit(2)


def _check_strandings(app: AppContext) -> bool:
    """Say what the base holds that the config no longer describes; whether anything."""
    from salesplan.core.services.strandings import find_strandings

    with app.session() as session:
        found = find_strandings(session, app)
    console = Console(highlight=False)
    if not found:
        console.print("[bold green]✓[/] " + _("The base holds nothing the config no longer "
                                            "describes."))
        return False
    console.print("[bold red]✗[/] " + _("The config strands data in the base:"))
    for sentence in found:
        console.print(Text(f"  • {sentence}"))
    return True


def _check_rollups(app: AppContext, repair: bool) -> None:
    """``--rollups``: compare with a full recount; ``--repair``: rebuild when they differ."""
    from salesplan.core.progress import terminal_progress
    from salesplan.core.reports.rollups import repair_all, verify

    console = Console(highlight=False)
    progress = terminal_progress()
    problems = verify(app, progress)
    if not problems:
        console.print("[bold green]✓[/] Rollups match a full recount of the raw actions.")
        return
    for problem in problems:
        console.print(f"[bold red]✗[/] {problem}")
    if not repair:
        console.print("Run [bold]salesplan check --rollups --repair[/] to rebuild them.")
        click.get_current_context().exit(2)
    repair_all(app, progress)
    remaining = verify(app, progress)
    if remaining:
        for problem in remaining:
            console.print(f"[bold red]✗[/] after rebuilding: {problem}")
        click.get_current_context().exit(2)
    console.print("[bold green]✓[/] Rollups rebuilt from history; they now match a recount.")


def _summary(app: AppContext) -> str:
    """Print the config's summary; the database's one-line status."""
    config = app.config
    console = Console(highlight=False)
    files = " ← ".join(display_path(p) for p in app.raw.files)
    console.print(f"[bold green]✓[/] {files} is valid.")
    console.print(
        f"[bold]Team[/] {config.team.name} · {config.team.currency} · {config.team.timezone} · "
        f"weeks start {config.team.week_starts} · working days "
        f"{', '.join(config.team.working_days)}"
    )
    status = describe_database(app.database_url)
    console.print(f"[bold]Database[/] {safe_url(app.database_url)} — {status}")

    members = Table(title=_("Members by segment"), title_justify="left", show_edge=False)
    members.add_column(_("Segment"))
    members.add_column(_("Members"))
    for segment in config.segments:
        names = [
            f"{m.name} ({m.id}{', manager' if m.role == 'manager' else ''})"
            for m in config.members_of(segment.id)
        ]
        members.add_row(segment.title, ", ".join(names) or "—")
    console.print(members)

    console.print(
        f"[bold]Plugins[/] {', '.join(n for n in app.plugins.active if n != 'core') or 'none'}"
    )

    types = Table(title=_("Action types"), title_justify="left", show_edge=False)
    types.add_column(_("Id"))
    types.add_column(_("Label"))
    types.add_column(_("Outcomes"))
    types.add_column(_("Script"))
    for spec in app.registry.action_types.values():
        outcomes = Text(", ").join(Text(o.label, style=o.color) for o in spec.outcomes)
        types.add_row(
            Text(f"{spec.icon} {spec.id}", style=spec.color),
            spec.label,
            outcomes if spec.outcomes else Text("—"),
            spec.script or "—",
        )
    console.print(types)

    for pipeline in config.pipelines:
        console.print(
            f"[bold]Pipeline[/] {pipeline.id} ({pipeline.title}): {' → '.join(pipeline.steps)}"
        )
    sections = []
    for path, section in app.sections.items():
        entries = getattr(section, "root", None)
        sections.append(f"{path} ({len(entries)})" if isinstance(entries, list) else path)
    console.print(
        f"[bold]Rules[/] {len(app.rules)} · [bold]Sections[/] {', '.join(sections) or 'none'} · "
        f"[bold]Reports[/] {', '.join(app.registry.reports) or 'none'}"
    )
    return status


COMMANDS = {"check": check_command}
