"""Process start-up and shutdown costs of the installed ``salesplan`` script.

A CLI report runs as a whole process, and two costs there belong to the interpreter rather
than to the work: the cyclic garbage collector re-walking the import graph while it is being
built, and the same collector tearing that graph down at exit. Both are switched off here for
the script's process only (``salesplan.core.cli.main.main`` calls ``pause_gc`` and
``skip_cyclic_teardown``); tests and library users that drive ``cli`` or ``load_app``
in-process never pause anything, and ``resume_gc`` is then a no-op.

This module imports nothing heavy, so the script can pause collection before the heavy
imports (pydantic, SQLAlchemy, the plugins) happen.
"""

from __future__ import annotations

import atexit
import gc
import signal
from types import FrameType


class _Pause:
    """Whether ``pause_gc`` disabled collection (and ``resume_gc`` has not yet re-enabled it),
    and whether it was ever called (this process is the installed script)."""

    active = False
    script = False


def pause_gc() -> None:
    """Disable cyclic garbage collection until ``resume_gc``.

    Why: a command's start is an import burst (pydantic, SQLAlchemy, click, the plugins) that
    allocates a few hundred thousand long-lived objects and almost no garbage, yet it triggers
    some 170 collections that walk them again and again: about a tenth of a CLI report's
    whole-process time. The first ``load_app`` — which every command that does real work
    (the reports, ``demo``, the TUI, data import) calls before doing it — resumes collection,
    also when loading fails.
    """
    _Pause.script = True
    if gc.isenabled():
        gc.disable()
        _Pause.active = True


def resume_gc() -> None:
    """End a ``pause_gc``: freeze what exists (the imported modules, the loaded config) and
    re-enable collection; a no-op when nothing was paused.

    Freezing moves every current object to the permanent generation, so later collections do
    not walk the start-up objects again (without it, the first collection after resuming
    would traverse all of them at once). The price is that the little cyclic garbage made
    during start-up is never reclaimed — the objects of a fully loaded app, which live until
    exit anyway, are almost all of it.
    """
    if _Pause.active:
        _Pause.active = False
        gc.freeze()
        gc.enable()


def pause_gc_until_exit() -> None:
    """In the installed script only, disable cyclic collection for the rest of the process.

    For one-shot commands (a CLI report): what remains after loading the config is mostly
    an import burst (SQLAlchemy, some 0.3 s that would otherwise trigger dozens of
    collections over the objects it builds) and a few queries, which make little cyclic
    garbage before the process exits. Long-running commands (the TUI, imports, the demo)
    never call this; in-process callers (tests, library users) are never affected.
    """
    if _Pause.script and gc.isenabled():
        gc.disable()


def skip_cyclic_teardown() -> None:
    """At interpreter exit, move every object to the permanent generation.

    Why: after a command, CPython's shutdown garbage-collects the import graph (SQLAlchemy,
    pydantic and click build large reference cycles), which costs a CLI report 0.1–0.2 s of
    its whole-process time for memory the operating system reclaims anyway. Frozen objects
    are simply not collected. Every ``atexit`` handler still runs (freezing only changes what
    the collector looks at), the database engine is disposed when the click context closes,
    and the interpreter flushes the standard streams as usual; only ``__del__`` of objects
    caught in cycles is skipped, which Python never guarantees at exit anyway. Calling it
    twice registers the hook once.
    """
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)


SIGTERM_EXIT_STATUS = 128 + signal.SIGTERM


def _exit_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(SIGTERM_EXIT_STATUS)


def exit_on_sigterm() -> None:
    """Make SIGTERM (``kill``, a service manager stopping a job) end the command as an exit:
    open transactions roll back and ``finally`` blocks run (an export removes its temporary
    files), instead of the process vanishing mid-write. The terminal UI puts the default back
    (``default_sigterm``)."""
    signal.signal(signal.SIGTERM, _exit_on_sigterm)


def default_sigterm() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
