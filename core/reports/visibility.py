"""What a rep sees of a report (SPEC §11): their own rows, and the team's.

A row is about a member when it carries a ``member`` key (``who`` for objectives) naming a
configured member; a rep keeps the rows about themselves and every row about no member
(``team``, ``Total``, steps, periods, lists), so team totals stay. Nested lists of such rows
(the prospecting report's ``members``) are filtered the same way, and so are the flat table
rows and the chart series (a series or a point labelled with another member).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from salesplan.core.access import Actor, sees_member_row
from salesplan.core.reporting import ChartSeries, ReportResult

MEMBER_KEYS = ("member", "who")


def _about(row: dict[str, Any]) -> object:
    for key in MEMBER_KEYS:
        if key in row:
            return row[key]
    return None


def _member_rows(value: Any) -> bool:
    return (isinstance(value, list) and bool(value)
            and all(isinstance(item, dict) and _about(item) is not None for item in value))


class _Filter:
    def __init__(self, actor: Actor, members: Collection[str]) -> None:
        self.actor = actor
        self.members = frozenset(members)

    def shown(self, value: object) -> bool:
        return sees_member_row(self.actor, value, self.members)

    def rows(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [self.row(row) for row in rows if self.shown(_about(row))]

    def row(self, row: dict[str, Any]) -> dict[str, Any]:
        if not any(_member_rows(value) for value in row.values()):
            return row
        return {key: self.rows(value) if _member_rows(value) else value
                for key, value in row.items()}

    def series(self, series: list[ChartSeries]) -> list[ChartSeries]:
        kept: list[ChartSeries] = []
        for one in series:
            if not self.shown(one.name):
                continue
            points = [(x, y) for x, y in zip(one.x, one.y, strict=False) if self.shown(x)]
            kept.append(one.model_copy(update={"x": [x for x, _ in points],
                                               "y": [y for _, y in points]}))
        return kept


def own_rows(result: ReportResult, actor: Actor, members: Collection[str]) -> ReportResult:
    """``result`` as ``actor`` may see it (unchanged for managers and admins)."""
    if actor.sees_all:
        return result
    keep = _Filter(actor, members)
    update: dict[str, Any] = {"rows": keep.rows(result.rows), "series": keep.series(result.series)}
    if result.table_rows is not None:
        update["table_rows"] = keep.rows(result.table_rows)
    return result.model_copy(update=update)
