"""The period kinds a company report row can be (``--by``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from salesplan.core.calendar import PeriodKind

GROUPINGS: tuple[PeriodKind, ...] = ("week", "month", "quarter")
