"""The morning digest e-mail: what each member did yesterday, who is behind pace, what is due.

``salesplan digest`` (``command``) builds the digest of a day from the ``activity`` report,
objectives progress and due reminders (``build``), renders it as text and HTML (``render``),
and delivers it exactly once per (date, recipient) (``send``) through a notifier: the ``smtp``
notifier this plugin provides (``settings``, ``smtp``), or any other one named by ``via``
(e.g. ``file`` from the file_notifier plugin). Other plugins add sections through the hook
``salesplan_digest_sections`` (``hookspecs``, ``sections``). Only this module (and the hook
specification) loads with the plugin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from salesplan.core.i18n import lazy_translator
from salesplan.core.manifest import PluginManifest
from salesplan.core.markers import hookimpl
from salesplan.core.notify import NotifierSpec
from salesplan.plugins.email_digest import hookspecs

N_ = lazy_translator("email_digest")

HOOKSPECS = hookspecs
"""``salesplan_digest_sections``: other plugins add lines to the digest."""

if TYPE_CHECKING:
    import click

MANIFEST = PluginManifest(
    name="email_digest",
    version="0.1.0",
    summary=N_("Morning digest e-mail over SMTP."),
    depends=("activity_report", "objectives"),
    locale="locale",
)


@hookimpl
def salesplan_cli_commands() -> list[click.Command]:
    from salesplan.plugins.email_digest.command import digest_command

    return [digest_command]


@hookimpl
def salesplan_notifiers() -> list[NotifierSpec]:
    from salesplan.plugins.email_digest.notifier import SMTP_NOTIFIER

    return [SMTP_NOTIFIER]


@hookimpl
def salesplan_config_sections() -> dict[str, type[BaseModel]]:
    from salesplan.plugins.email_digest.settings import SECTION, EmailDigestSettings

    return {SECTION: EmailDigestSettings}
