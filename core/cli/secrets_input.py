"""Reading a password for ``salesplan user add|passwd``: asked twice with hidden input on a
terminal, else the first line of standard input (scripts, tests). Never echoed or printed."""

from __future__ import annotations

import sys

import click

from salesplan.core.errors import DataError
from salesplan.core.i18n import _


def read_password(prompt: str = "Password") -> str:
    stdin = sys.stdin
    if stdin is not None and stdin.isatty():
        password: str = click.prompt(prompt, hide_input=True, confirmation_prompt=True,
                                     err=True)
        return password
    line = stdin.readline() if stdin is not None else ""
    if not line:
        raise DataError(_("no password given: type it on a terminal, or give it as the first "
                        "line of standard input"))
    return line.rstrip("\r\n")
