"""Composing the main screens off screen, once the app has nothing else to do.

Textual builds a mode's screen the first time the user switches to it: importing its module,
composing and mounting its widgets, styling and laying them out takes 0.5–1.5 s on a loaded
machine, while a screen already built comes back in a fraction of that. ``ScreenPreparer``
builds the screens the user has not opened yet *before* they ask: one at a time, only when
no worker is running (the dashboard's first load, a report, a write) and after a short pause
between screens, so keys pressed meanwhile still get an answer at once.

A prepared screen is mounted and laid out but not shown; its data loads the first time it is
shown (``SalesplanScreen.on_screen_resume``), as if it had been built then.

Textual has no public call to mount a screen without showing it, so this module uses the
internals that ``App._init_mode`` uses (mode stacks, screen registration, screen CSS, layout).
If a Textual version lacks them, nothing is prepared and screens are built on demand as usual.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

if TYPE_CHECKING:
    from textual.app import App

# The first screen waits this long after start-up (the dashboard paints and loads first).
START_DELAY = 0.6
# Pause between two screens: input and timers run in between.
GAP = 0.15
# Layout passes of a new screen (each one lets the resized widgets react), a tick apart.
LAYOUT_ROUNDS = 3
LAYOUT_TICK = 0.02
# While workers run (data loading), check again after this long.
BUSY_RETRY = 0.25
# The internals used; checked once so an unexpected Textual version just skips preparing.
_APP_INTERNALS = ("_screen_stacks", "_modes", "_get_screen", "_load_screen_css",
                  "_css_update_count")
_SCREEN_INTERNALS = ("_css_update_count", "_size", "_layout_required", "_refresh_layout",
                     "_compositor")


class ScreenPreparer:
    """Builds ``modes`` (in order) off screen, then imports ``modules`` (screens that are
    pushed, not modes), one step per idle moment of ``app``."""

    def __init__(self, app: App[Any], modes: Sequence[str], modules: Sequence[str] = ()) -> None:
        self.app = app
        self.pending = list(modes)
        self.modules = list(modules)
        self.prepared: list[str] = []
        self.stopped = not all(hasattr(app, name) for name in _APP_INTERNALS)

    def start(self, delay: float = START_DELAY) -> None:
        if not self.stopped:
            self.app.set_timer(delay, self._step)

    def stop(self) -> None:
        """No more preparing (the app is closing)."""
        self.stopped = True

    def _busy(self) -> bool:
        """Something the user waits for is running: data loading, a write, a rebuild."""
        return any(worker.is_running for worker in self.app.workers)

    def _later(self, delay: float) -> None:
        if not self.stopped and (self.pending or self.modules):
            self.app.set_timer(delay, self._step)

    async def _step(self) -> None:
        if self.stopped or not self.app.is_running:
            return
        if self._busy():
            self._later(BUSY_RETRY)
            return
        if self.pending:
            await self._prepare(self.pending.pop(0))
        elif self.modules:
            # A pushed screen's module (the lead file and its dialogs) costs its import the
            # first time; importing it here is all that can be done ahead.
            _import(self.modules.pop(0))
        self._later(GAP)

    async def _prepare(self, mode: str) -> None:
        """Build the base screen of ``mode`` and lay it out at the app's size, unless the user
        opened the mode already."""
        app: Any = self.app
        if mode in app._screen_stacks or mode not in app._modes:
            return
        factory: Callable[[], Screen[Any]] = app._modes[mode]
        try:
            screen = factory()
        except Exception:
            # Shown on demand instead, where the error becomes the error dialog.
            return
        if not isinstance(screen, Screen) or mode in app._screen_stacks:
            return
        if not all(hasattr(screen, name) for name in _SCREEN_INTERNALS):
            self.stop()
            return
        css_version = app._css_update_count
        screen, await_mount = app._get_screen(screen)
        app._screen_stacks[mode] = [screen]
        app._load_screen_css(screen)
        await await_mount
        # Styled as it mounted: the switch need not restyle the whole app (unless the theme
        # changed since, which bumps the app's count).
        screen._css_update_count = css_version
        for _ in range(LAYOUT_ROUNDS):
            # Widgets mounting and resizing ask for more layout: settle it here, as the first
            # switch would (a screen not shown is never laid out by Textual itself).
            await asyncio.sleep(LAYOUT_TICK)
            if screen.is_current or not screen.is_attached:
                return
            if screen._size == app.size and not screen._layout_required:
                break
            screen._refresh_layout(app.size)
            screen._layout_required = False
        # Render it once: widgets keep their rendered lines, so the switch mostly composites.
        screen._compositor.render_strips(app.size)
        self.prepared.append(mode)


def _import(module: str) -> None:
    try:
        importlib.import_module(module)
    except Exception:
        return  # the error shows when the screen is opened
