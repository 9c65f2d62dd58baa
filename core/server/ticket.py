"""The launch ticket, on the app process's side: who a browser cockpit's app runs as, and
not outliving the server.

The cockpit plugin's server side starts ``salesplan --config PATH tui`` for each browser
session with a launch ticket in ``SALESPLAN_COCKPIT_TICKET`` (see
``salesplan.core.services.sessions``).
``cockpit_actor`` takes it out of the environment (the app's own children never see it),
checks it against the base and returns the session's member with their account's role; a
bad or expired ticket is an ``AuthenticationError``, so the process ends with a message
rather than ever falling back to the local admin. On Linux the process also asks the kernel
for a SIGTERM when the server dies (``PR_SET_PDEATHSIG``), so even a killed server leaves no
app process behind.

Kept in the kernel and light: ``salesplan tui`` imports it at start-up, with no web
library, whether or not the cockpit plugin is enabled.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import MutableMapping
from typing import TYPE_CHECKING

from salesplan.core.errors import DataError

if TYPE_CHECKING:
    from salesplan.core.access import Actor
    from salesplan.core.app import AppContext

TICKET_ENV = "SALESPLAN_COCKPIT_TICKET"
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """SIGTERM this process when its parent dies (Linux; elsewhere a no-op)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before we asked
        os.kill(os.getpid(), signal.SIGTERM)


def cockpit_actor(
    app: AppContext, as_member: str | None,
    environ: MutableMapping[str, str] = os.environ,
) -> Actor | None:
    """The actor of a cockpit app process, or None outside the cockpit (no ticket)."""
    ticket = environ.pop(TICKET_ENV, None)
    if ticket is None:
        return None
    die_with_parent()
    if as_member is not None:
        raise DataError("--as cannot be used by a cockpit app process (it runs as the "
                        "member who signed in)")
    from salesplan.core.services.sessions import ticket_actor

    return ticket_actor(app, ticket)
