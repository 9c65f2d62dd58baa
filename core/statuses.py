"""Lead statuses (SPEC §4), as noCRM has them: open ones and closed ones."""

from typing import Literal

LeadStatus = Literal["todo", "standby", "won", "lost", "cancelled"]
LEAD_STATUSES: tuple[LeadStatus, ...] = ("todo", "standby", "won", "lost", "cancelled")
OPEN_STATUSES: tuple[LeadStatus, ...] = ("todo", "standby")
"""Open: ``standby`` carries the date it comes back as ``todo``."""
CLOSED_STATUSES: tuple[LeadStatus, ...] = ("won", "lost", "cancelled")
"""Closed: ``closed_at`` is set."""
