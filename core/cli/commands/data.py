"""``salesplan import DIR`` and ``salesplan export DIR``: the data folder (SPEC §5)."""

from __future__ import annotations

from pathlib import Path

import click

from salesplan.core.app import AppContext
from salesplan.core.cli.context import pass_app
from salesplan.core.dataio import export_folder, import_folder
from salesplan.core.dataio.progress import Progress
from salesplan.core.i18n import _


@click.command("import")
@click.argument("folder", type=click.Path(path_type=Path))
@pass_app
def import_command(app: AppContext, folder: Path) -> None:
    """Import a data folder (prospects, leads, step changes, actions, answers, reminders).

    One transaction: the first bad row stops the import with file:line and nothing is
    written. No rules or notifications fire for imported history.
    """
    summary = import_folder(app, folder, progress=Progress.for_terminal)
    click.echo(
        _("Imported from {folder}: {prospects} prospects ({lists} new lists), "
        "{leads} leads, {step_changes} step changes, "
        "{actions} actions, {answers} answers, {reminders} reminders.").format(
            folder=folder, prospects=summary.prospects, lists=summary.lists,
            leads=summary.leads, step_changes=summary.step_changes, actions=summary.actions,
            answers=summary.answers, reminders=summary.reminders)

    )


@click.command("export")
@click.argument("folder", type=click.Path(path_type=Path))
@pass_app
def export_command(app: AppContext, folder: Path) -> None:
    """Export the base to a data folder of CSV files (timestamps in the team timezone)."""
    summary = export_folder(app, folder)
    parts = ", ".join(f"{name} {count}" for name, count in summary.counts.items())
    click.echo(_("Exported to {folder}: {parts}.").format(folder=folder, parts=parts))


COMMANDS: dict[str, click.Command] = {"import": import_command, "export": export_command}
