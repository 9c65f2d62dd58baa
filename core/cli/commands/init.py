"""``salesplan init [DIR]``: write a commented starter config."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from salesplan.core.config.writer import atomic_write_text
from salesplan.core.context import DEFAULT_CONFIG_NAME
from salesplan.core.errors import SalesplanError
from salesplan.core.i18n import N_, _


def starter_config_text() -> str:
    return resources.files("salesplan.core").joinpath("templates/salesplan.toml").read_text(
        encoding="utf-8"
    )


@click.command("init")
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help=N_("Overwrite an existing salesplan.toml."))
def init_command(directory: str, force: bool) -> None:
    """Write a commented starter salesplan.toml into DIRECTORY (default: here)."""
    folder = Path(directory)
    target = folder / DEFAULT_CONFIG_NAME
    if target.exists() and not force:
        raise SalesplanError(_("{target}: already exists (use --force to overwrite)").format(
            target=target))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Atomic: ``--force`` over an existing config never leaves half a file behind.
        atomic_write_text(target, starter_config_text())
    except OSError as exc:
        raise SalesplanError(_("{target}: cannot write: {strerror}").format(
            target=target, strerror=exc.strerror)) from None
    click.echo(_("Wrote {target}.").format(target=target))
    click.echo(_("Next: edit it, then `salesplan check` to validate it."))


COMMANDS = {"init": init_command}
