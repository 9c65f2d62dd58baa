"""The language of a command-line run, and ``--help`` pages in it.

``--lang`` (or ``$SALESPLAN_LANG``) chooses the language of one run; without it the config
decides once it is loaded (the ``--as`` member's own ``language``, else ``[team] language``),
else English. The language is reset when the run ends, so a test runner invoking the CLI many
times in one process never carries a language over.

Click copies every ``help=`` text into a plain ``str`` (it cleans the indentation up) when the
command is built, which happens when its module is imported — before the language of the run
is known. So help texts are marked with ``N_`` (for the catalogs) and translated when a help
page or a usage line is written: ``SalesplanContext`` translates the texts of the command tree
from their English source, in whichever domain knows them (the kernel's, a plugin's), and its
formatter translates the headings click writes itself (``Usage:``, ``Options``).
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from typing import Any

import click

from salesplan.core.cli.run_language import explicit_language
from salesplan.core.i18n import (
    N_,
    _,
    translate_any,
)

CLICK_TEXTS = (
    N_("Usage:"), N_("Options"), N_("Commands"), N_("Show this message and exit."),
    N_("Show the version and exit."), N_("Error: {message}"),
)
"""Texts click writes itself on a help page or an error, translated by the formatter."""

_SOURCE = "_salesplan_source_help"


def _translated(holder: object, attribute: str) -> None:
    sources: dict[str, Any] = holder.__dict__.setdefault(_SOURCE, {})
    if attribute not in sources:
        sources[attribute] = getattr(holder, attribute, None)
    source = sources[attribute]
    if isinstance(source, str) and source:
        setattr(holder, attribute, translate_any(source))


def localize(command: click.Command) -> None:
    """Put the help texts of ``command`` and everything under it in the current language
    (from their English source, kept on the objects), and make their contexts
    ``SalesplanContext`` so their own help pages are translated as well."""
    command.context_class = SalesplanContext
    for attribute in ("help", "short_help", "epilog"):
        _translated(command, attribute)
    for param in command.params:
        _translated(param, "help")
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            localize(sub)


def localize_all(commands: Iterable[click.Command]) -> None:
    for command in commands:
        localize(command)


class TranslatedHelpFormatter(click.HelpFormatter):
    """Click's formatter, writing click's own headings in the current language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None:
            prefix = _("Usage:") + " "
        super().write_usage(prog, args, prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(translate_any(heading))


class SalesplanContext(click.Context):
    """A context whose help page and usage line are in the language of the run."""

    formatter_class = TranslatedHelpFormatter

    def _prepare_language(self) -> None:
        if explicit_language(self) is None:
            from salesplan.core.cli.context import get_state
            from salesplan.core.errors import SalesplanError

            with suppress(SalesplanError):  # the config's language, when a config is usable
                get_state(self).app  # noqa: B018 - loads the app, which sets the language
        localize(self.command)

    def get_help(self) -> str:
        self._prepare_language()
        return super().get_help()

    def get_usage(self) -> str:
        localize(self.command)
        return super().get_usage()
