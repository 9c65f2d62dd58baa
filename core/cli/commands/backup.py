"""``salesplan backup FILE`` and ``salesplan restore FILE``: the whole base, every table."""

from __future__ import annotations

from pathlib import Path

import click

from salesplan.core.access import require
from salesplan.core.app import AppContext
from salesplan.core.cli.context import current_actor, pass_app
from salesplan.core.dataio.backup import backup_base, restore_base
from salesplan.core.i18n import N_, _


@click.command("backup")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--overwrite", is_flag=True, help=N_("Replace FILE if it exists."))
@pass_app
def backup_command(app: AppContext, file: Path, overwrite: bool) -> None:
    """Copy the whole base (every table, accounts included) into FILE, while others keep
    working: SQLite's backup API, or pg_dump for PostgreSQL. FILE is readable by you only.

    From cron: salesplan --config /srv/sales/salesplan.toml backup
    /backups/sales-$(date +%F).db
    """
    require(current_actor(), "data")
    summary = backup_base(app, file, overwrite=overwrite)
    click.echo(_("Backed up {tables} tables to {path} ({size:,} bytes).").format(
        tables=summary.tables, path=summary.path, size=summary.size))


@click.command("restore")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--replace", is_flag=True,
              help=N_("Replace a base that holds data already (its content is lost)."))
@pass_app
def restore_command(app: AppContext, file: Path, replace: bool) -> None:
    """Put the content of a backup FILE back into the base, and bring its schema up to
    this salesplan's."""
    require(current_actor(), "data")
    restore_base(app, file, replace=replace)
    click.echo(_("Restored {path}.").format(path=file))


COMMANDS: dict[str, click.Command] = {"backup": backup_command, "restore": restore_command}
