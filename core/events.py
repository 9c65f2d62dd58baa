"""What the write-event hooks hand over: an import's batch.

The other write events (``salesplan_action_logged``, ``salesplan_step_changed``,
``salesplan_lead_closed``) pass the ORM rows themselves.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IdRange:
    """Rows with ids in ``[first, last]`` (an empty range has ``first > last``)."""

    first: int
    last: int

    @property
    def empty(self) -> bool:
        return self.first > self.last

    def __len__(self) -> int:
        return 0 if self.empty else self.last - self.first + 1


EMPTY = IdRange(1, 0)


@dataclass(frozen=True)
class ImportBatch:
    """The rows one ``salesplan import`` inserted: each table's new rows have consecutive
    ids, so a plugin folds them set-based (``WHERE id BETWEEN first AND last``)."""

    prospects: IdRange = EMPTY
    leads: IdRange = EMPTY
    step_changes: IdRange = EMPTY
    actions: IdRange = EMPTY
    reminders: IdRange = EMPTY
