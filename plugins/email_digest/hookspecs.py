"""The hook the digest offers other plugins (added to the plugin manager with this plugin)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from salesplan.core.markers import hookspec

if TYPE_CHECKING:
    from salesplan.core.app import AppContext
    from salesplan.plugins.email_digest.sections import DigestSection


@hookspec
def salesplan_digest_sections(app: AppContext, day: date) -> list[DigestSection]:
    """Sections to add to the digest of ``day`` (the day reported on; it is read the next
    morning).

    :param app: the application context.
    :param day: the digest's day, in the team time zone.
    :return: a list of ``DigestSection`` (an empty list to add nothing that day). Implement
        with ``@hookimpl(optionalhook=True)``. A section that fails is left out, with its
        plugin named in the digest's log lines; the digest is still sent.
    """
    raise NotImplementedError
