"""Importing the other screens' modules while the app has nothing else to do.

The first visit of a screen costs its module import (Textual widgets, the screen's own
helpers) on top of composing it. ``ScreenPreparer`` imports those modules ahead, one per idle
moment once the dashboard has loaded, so keys pressed meanwhile still get an answer at once.
It uses public API only (timers, workers, ``importlib``): a screen is composed by Textual
itself when it is first shown.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App

# The first import waits this long after start-up (the dashboard paints and loads first).
START_DELAY = 0.6
# Pause between two imports: input and timers run in between.
GAP = 0.15
# While workers run (data loading), check again after this long.
BUSY_RETRY = 0.25


class ScreenPreparer:
    """Imports ``modules`` (in order), one per idle moment of ``app``."""

    def __init__(self, app: App[Any], modules: Sequence[str]) -> None:
        self.app = app
        self.pending = list(modules)
        self.prepared: list[str] = []
        self.stopped = False

    def start(self, delay: float = START_DELAY) -> None:
        if not self.stopped and self.pending:
            self.app.set_timer(delay, self._step)

    def stop(self) -> None:
        """No more importing (the app is closing)."""
        self.stopped = True

    def _busy(self) -> bool:
        """Something the user waits for is running: data loading, a write, a rebuild."""
        return any(worker.is_running for worker in self.app.workers)

    def _step(self) -> None:
        if self.stopped or not self.app.is_running or not self.pending:
            return
        if self._busy():
            self.app.set_timer(BUSY_RETRY, self._step)
            return
        module = self.pending.pop(0)
        try:
            importlib.import_module(module)
        except Exception:
            pass  # the error shows, as a dialog, when the screen is opened
        else:
            self.prepared.append(module)
        if self.pending:
            self.app.set_timer(GAP, self._step)
