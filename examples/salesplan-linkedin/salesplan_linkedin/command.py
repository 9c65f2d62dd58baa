"""``salesplan linkedin deliver``: POST the LinkedIn messages still queued (a retry)."""

from __future__ import annotations

import click
from salesplan.core.cli.context import pass_app
from salesplan.core.context import AppContext
from salesplan.core.errors import DataError
from salesplan.core.i18n import translator

_ = translator("linkedin")


@click.group("linkedin")
def linkedin_group() -> None:
    """LinkedIn messages and their webhook deliveries."""


@linkedin_group.command("deliver")
@pass_app
def deliver_command(app: AppContext) -> None:
    """POST the queued LinkedIn messages to the webhook (each once, under its message id)."""
    from salesplan_linkedin.outbox import deliver_queued, forwarding

    settings = forwarding(app)
    if settings is None:
        raise DataError(_("forwarding is off: set forward_messages = true in [notifiers.webhook]"))
    delivered = deliver_queued(app, settings)
    click.echo(_("Delivered {delivered} queued LinkedIn message(s) to {url}").format(
        delivered=delivered, url=settings.url))
