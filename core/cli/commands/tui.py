"""``salesplan tui``: open the terminal UI on the loaded config (also the default command).

The UI package is imported here, lazily, and nowhere else in the core, so every other
command starts without loading Textual. Started by ``salesplan serve`` for a browser
session, it runs as the member who signed in (``salesplan.core.server.ticket``: the
launch ticket in its environment), else as ``--as MEMBER`` or the local admin.
"""

from __future__ import annotations

import click

from salesplan.core.app import AppContext
from salesplan.core.cli.context import current_actor, get_state, pass_app


@click.command("tui")
@pass_app
def tui_command(app: AppContext) -> None:
    """Open the terminal UI (dashboard, pipeline, lead files, reports, planner, settings)."""
    from salesplan.core.server.ticket import cockpit_actor

    actor = cockpit_actor(app, get_state().as_member) or current_actor()
    from salesplan.core.startup import default_sigterm
    from salesplan.tui.app import SalesplanApp

    default_sigterm()  # a SIGTERM ends the app at once (the cockpit's server relies on it)
    SalesplanApp(app, actor=actor).run()


COMMANDS = {"tui": tui_command}
