"""Progress of long kernel work (rollup builds, imports), reported to whoever shows it.

Work calls ``report(label, done, total)`` as it goes; the CLI shows a bar on a terminal's
stderr (``terminal_progress``), the terminal UI a notification, tests and pipes nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

ProgressCallback = Callable[[str, int, int], None]
"""``report(label, done, total)``: ``done`` of ``total`` steps of the work named ``label``."""


def quiet(_label: str, _done: int, _total: int) -> None:
    """Report nothing."""


class TerminalProgress:
    """A Rich bar on stderr, one task per label, removed when the work is done."""

    def __init__(self) -> None:
        self._bar: Any = None
        self._tasks: dict[str, Any] = {}

    def __call__(self, label: str, done: int, total: int) -> None:
        if self._bar is None:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._bar = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), console=Console(stderr=True), transient=True,
            )
            self._bar.start()
        task = self._tasks.get(label)
        if task is None:
            task = self._tasks[label] = self._bar.add_task(label, total=total)
        self._bar.update(task, completed=done, total=total)
        if done >= total:
            self._bar.remove_task(task)
            del self._tasks[label]
            if not self._tasks:
                self._bar.stop()
                self._bar = None


def terminal_progress() -> ProgressCallback:
    """A bar when stderr is a terminal, else ``quiet``."""
    return TerminalProgress() if sys.stderr.isatty() else quiet
