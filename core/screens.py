"""TUI screen contract, kept free of Textual imports so the core never loads the UI."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from salesplan.core.access import Permission


@dataclass(frozen=True)
class ScreenSpec:
    """A terminal-UI screen a plugin adds.

    ``factory(app)`` receives the running ``SalesplanApp`` and returns a Textual ``Screen``.
    ``key`` is an optional global key binding that opens it. ``permission`` is what a member
    needs to use it (``salesplan.core.access.PERMISSIONS``: ``"plan"``, ``"coach"``,
    ``"settings"``…; None: everyone): for a member whose role lacks it, the screen, its key,
    its tab and its command-palette entry are not there at all.
    """

    name: str
    title: str
    factory: Callable[[Any], Any]
    key: str | None = None
    description: str = ""
    permission: Permission | None = None
