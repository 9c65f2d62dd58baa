"""``salesplan serve``: the HTTP API and the browser cockpit on one port."""

from __future__ import annotations

import click

from salesplan.core.app import AppContext
from salesplan.core.cli.context import pass_app
from salesplan.core.errors import DataError
from salesplan.core.i18n import N_, _


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help=N_("Interface to listen on (put a TLS reverse proxy in front for others)."))
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True,
              help=N_("Port to listen on."))
@click.option("--public-url", metavar="URL",
              help=N_("The URL users reach the server at (https://… behind a TLS proxy)."))
@pass_app
def serve_command(app: AppContext, host: str, port: int, public_url: str | None) -> None:
    """Serve the cockpit in a browser at / (members sign in with their password) and the
    JSON API under /api/v1 (Bearer tokens: salesplan token create)."""
    if public_url is not None and not public_url.lower().startswith(("http://", "https://")):
        raise DataError(_("--public-url: not an http(s) URL: {public_url!r}").format(
            public_url=public_url))
    from salesplan.core.server.run import serve

    try:
        serve(app, host=host, port=port, public_url=public_url)
    except OSError as exc:
        raise DataError(_("cannot listen on {host}:{port}: {value}").format(
            host=host, port=port, value=exc.strerror or exc)) from None


COMMANDS: dict[str, click.Command] = {"serve": serve_command}
