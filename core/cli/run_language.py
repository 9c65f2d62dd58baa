"""The language of one command-line run: ``--lang`` / ``$SALESPLAN_LANG`` when given, else the
config's once it is loaded; reset when the run ends (a test runner invoking the CLI many times in
one process never carries a language over)."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

import click

from salesplan.core.i18n import check_language, current_language, reset_language, set_language

EXPLICIT_KEY = "salesplan.language"
"""``ctx.meta`` key of the language given by ``--lang`` / ``$SALESPLAN_LANG`` (if any)."""


def explicit_language(ctx: click.Context) -> str | None:
    """The language ``--lang`` or ``$SALESPLAN_LANG`` asked for in this run, if any."""
    value = ctx.find_root().meta.get(EXPLICIT_KEY)
    return value if isinstance(value, str) else None


def choose_language(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    """``--lang`` callback (eager, so it applies to ``--help`` too): use ``value`` until the
    run ends."""
    if not value:
        return
    try:
        chosen = check_language(value, "--lang")
    except Exception as exc:  # a DataError: click shows it as a bad value
        raise click.BadParameter(str(exc).split(": ", 1)[-1]) from None
    root = ctx.find_root()
    root.meta[EXPLICIT_KEY] = chosen
    token = set_language(chosen)
    root.call_on_close(lambda: _reset(token))


def use_config_language(ctx: click.Context, language: str) -> None:
    """The config's language for the rest of the run, unless ``--lang`` chose one."""
    if explicit_language(ctx) is not None or language == current_language():
        return
    token = set_language(language)
    ctx.find_root().call_on_close(lambda: _reset(token))


def _reset(token: Any) -> None:
    with suppress(ValueError):  # set in another context (a thread): nothing to undo here
        reset_language(token)
