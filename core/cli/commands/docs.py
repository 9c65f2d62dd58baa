"""``salesplan docs [PAGE] [--path]``: where the shipped documentation is, or one page."""

from __future__ import annotations

import click

from salesplan.core.i18n import N_, _
from salesplan.core.manual import docs_folder, page, pages


@click.command("docs")
@click.argument("name", metavar="[PAGE]", required=False)
@click.option("--path", "path_only", is_flag=True,
              help=N_("Print only the path (of the folder, or of PAGE)."))
def docs_command(name: str | None, path_only: bool) -> None:
    """Show where salesplan's documentation is installed, or print PAGE (plugins,
    internals, architecture, digest)."""
    if name is None:
        folder = docs_folder()
        if path_only:
            click.echo(str(folder))
            return
        click.echo(_("salesplan's documentation is in {folder}:").format(folder=folder))
        listed = pages()
        width = max(len(item.path.name) for item in listed)
        for item in listed:
            click.echo(f"  {item.path.name:<{width}}  {item.title}")
        click.echo(_("`salesplan docs PAGE` prints a page; `--path` prints only where it is."))
        return
    found = page(name)
    if path_only:
        click.echo(str(found.path))
        return
    click.echo(found.path.read_text(encoding="utf-8"), nl=False)


COMMANDS = {"docs": docs_command}
