"""``salesplan tui``: open the terminal UI on the loaded config (also the default command).

The UI package is imported here, lazily, and nowhere else in the core, so every other
command starts without loading Textual.
"""

from __future__ import annotations

import click

from salesplan.core.app import AppContext
from salesplan.core.cli.context import pass_app


@click.command("tui")
@pass_app
def tui_command(app: AppContext) -> None:
    """Open the terminal UI (dashboard, pipeline, lead files, reports, planner, settings)."""
    from salesplan.tui.app import SalesplanApp

    SalesplanApp(app).run()


COMMANDS = {"tui": tui_command}
