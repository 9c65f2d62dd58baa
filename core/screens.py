"""TUI screen contract, kept free of Textual imports so the core never loads the UI."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ScreenSpec:
    """A terminal-UI screen a plugin adds.

    ``factory(app)`` receives the running ``SalesplanApp`` and returns a Textual ``Screen``.
    ``key`` is an optional global key binding that opens it.
    """

    name: str
    title: str
    factory: Callable[[Any], Any]
    key: str | None = None
    description: str = ""
