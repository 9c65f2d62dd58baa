"""The raw side of the rollups' freshness check: actions per UTC day and member.

``action_tally`` (see ``tables``) is kept by triggers on ``actions`` for every write, and by
bulk writers for what they load (``TallyBuffer``). Counting a month's raw actions is then a
sum over its UTC days' tally rows — a few thousand small rows for a half-year of a large
team — plus, at each end of the month, the raw actions between the month's local midnight and
the nearest UTC midnight (an index range of an hour or two in Europe: usually none at night).
The answer is exact for any time zone, DST included.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, cast, delete, func, literal, select, union_all

from salesplan.core.calendar import day_range_utc
from salesplan.core.db.query_tables import actions
from salesplan.core.reports.bulk_kit import upsert_counts
from salesplan.core.reports.sql import dialect_name
from salesplan.core.reports.tables import action_tally

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from sqlalchemy import Connection

    from salesplan.core.reports.sql import Executor

TALLY_KEYS = ("day", "member")


def nearest_midnight(instant: datetime) -> datetime:
    """The UTC midnight nearest to ``instant`` (an aware datetime)."""
    utc = instant.astimezone(UTC)
    midnight = datetime.combine(utc.date(), time(), tzinfo=UTC)
    return midnight + timedelta(days=1) if utc - midnight >= timedelta(hours=12) else midnight


def _raw_between(db: Executor, spans: list[tuple[datetime, datetime]]) -> list[int]:
    """Raw actions in each ``[lo, hi)`` (one round trip)."""
    if not spans:
        return []
    parts = [
        select(literal(index).label("part"), func.count().label("n"))
        .where(actions.c.at >= lo, actions.c.at < hi).select_from(actions)
        for index, (lo, hi) in enumerate(spans)
    ]
    query = parts[0] if len(parts) == 1 else union_all(*parts)
    counts = dict(db.execute(query).all())
    return [int(counts.get(index) or 0) for index in range(len(spans))]


def raw_counts(db: Executor, tz: ZoneInfo, parts: list[tuple[date, date, date]]
               ) -> dict[date, int]:
    """Raw actions per month part ``(month, first day, last day)`` (local days), from the
    tally and the short raw edges between local and UTC midnights."""
    bounds = [(month, *day_range_utc(first, last, tz)) for month, first, last in parts]
    edges = sorted({lo for _m, lo, _h in bounds} | {hi for _m, _l, hi in bounds})
    midnight = {edge: nearest_midnight(edge) for edge in edges}
    uneven = [edge for edge in edges if midnight[edge] != edge]
    raw = _raw_between(db, [(min(e, midnight[e]), max(e, midnight[e])) for e in uneven])
    # signed[e] = raw actions in [e, midnight(e)), negative when midnight(e) comes first
    signed = dict.fromkeys(edges, 0)
    for edge, count in zip(uneven, raw, strict=True):
        signed[edge] = count if midnight[edge] > edge else -count
    first_day = midnight[edges[0]].date()
    last_day = midnight[edges[-1]].date()
    per_day: dict[date, int] = {
        day if isinstance(day, date) else date.fromisoformat(str(day)): int(total or 0)
        for day, total in db.execute(
            select(action_tally.c.day, func.sum(action_tally.c.actions))
            .where(action_tally.c.day >= first_day, action_tally.c.day < last_day)
            .group_by(action_tally.c.day))
    }
    counts: dict[date, int] = {}
    for month, lo, hi in bounds:
        start, end = midnight[lo].date(), midnight[hi].date()
        tallied = sum(count for day, count in per_day.items() if start <= day < end)
        counts[month] = tallied + signed[lo] - signed[hi]
    return counts


def _utc_day(db: Executor) -> Any:
    if dialect_name(db) == "postgresql":
        return cast(func.timezone("UTC", actions.c.at), Date)
    return func.substr(actions.c.at, 1, 10)


def recount(db: Executor, lo: datetime, hi: datetime) -> None:
    """Count the tally again from the raw actions for every UTC day touching ``[lo, hi)``."""
    first = lo.astimezone(UTC).date()
    last = (hi.astimezone(UTC) - timedelta(microseconds=1)).date()
    start = datetime.combine(first, time(), tzinfo=UTC)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=UTC)
    db.execute(delete(action_tally).where(action_tally.c.day >= first,
                                          action_tally.c.day <= last))
    day = _utc_day(db)
    db.execute(action_tally.insert().from_select(
        ["day", "member", "actions"],
        select(day, actions.c.member, func.count())
        .where(actions.c.at >= start, actions.c.at < end)
        .group_by(day, actions.c.member)))


class TallyBuffer:
    """What a bulk writer adds to the tally: ``counts[(UTC day as ISO text, member)]``."""

    def __init__(self, db: Connection) -> None:
        self.db = db
        self.counts: dict[tuple[str, str], int] = {}

    def flush(self) -> None:
        rows = [(day, member, count) for (day, member), count in self.counts.items()]
        self.counts = {}
        upsert_counts(self.db, action_tally, TALLY_KEYS, "actions", rows)
