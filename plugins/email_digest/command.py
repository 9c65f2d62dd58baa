"""``salesplan digest [--date D] [--send | --dry-run] [--force]``: the morning digest."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import click

from salesplan.core.calendar import parse_day, today
from salesplan.core.cli.context import parse_option, pass_app
from salesplan.core.i18n import lazy_translator, translator

_ = translator("email_digest")
N_ = lazy_translator("email_digest")

if TYPE_CHECKING:
    from salesplan.core.context import AppContext


def _day(app: AppContext, value: str | None) -> date:
    if value is None:
        return today(app.tz) - timedelta(days=1)
    return parse_option("--date", parse_day, value)


@click.command("digest")
@click.option("--date", "day", metavar="YYYY-MM-DD",
              help=N_("Day to report on (default: yesterday)."))
@click.option(
    "--send/--dry-run",
    default=False,
    help=N_("Deliver it, or (default) only print the text part and write nothing."),
)
@click.option("--force", is_flag=True, help=N_("Send again to recipients who already had it."))
@pass_app
def digest_command(app: AppContext, day: str | None, send: bool, force: bool) -> None:
    """The morning digest of a day: what each member did, objectives, pace and reminders.

    Meant for cron every morning: a digest already sent for a date and recipient is not sent
    again unless --force; a delivery failure exits with status 2 and the next run retries.
    """
    from salesplan.plugins.email_digest.send import (
        build,
        digest_settings,
        plan_messages,
        send_digest,
    )

    when = _day(app, day)
    if not send:
        settings = digest_settings(app)
        digest = build(app, when)
        for problem in digest.problems:
            click.echo(_("warning: {problem}").format(problem=problem), err=True)
        messages = plan_messages(app, digest, settings)
        for index, message in enumerate(messages):
            if index:
                click.echo("")
            click.echo(message.text, nl=False)
            to = ", ".join(message.recipients) or "nobody (no `to` and no manager with an email)"
            click.echo(
                _("(dry run: would send {subject!r} to {to} via {via}; nothing written)").format(
                    subject=message.subject, to=to, via=settings.via),
                err=True,
            )
        return
    from salesplan.plugins.email_digest.send import DigestDeliveryError

    try:
        run = send_digest(app, when, force=force)
    except DigestDeliveryError as exc:
        for line in exc.run.lines:
            click.echo(line)
        raise
    for line in run.lines:
        click.echo(line)
