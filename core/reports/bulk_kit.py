"""Buffers for bulk folds: count many actions in memory, write each rollup row once.

A ``RollupSpec.bulk`` fold (see ``rollup_kit``) receives actions as plain rows. Counting them
row by row in SQL (one upsert per action) or re-reading them month by month (one grouped
statement per month and table) costs several times the import itself; counting in Python
dicts and writing each rollup row once costs about a microsecond an action. Memory stays
bounded: a buffer writes itself out when it grows past its limit (counts add up, set rows are
inserted once), so it never holds more than ``LIMIT`` keys, whatever the size of the history.

- ``CountBuffer``: ``counts[key] += n``, then an upsert that adds to existing rows.
- ``TouchBuffer``: the monthly sets of a ``TouchSet``, written with their ``prev_month``
  already computed when months arrive in order (an import of an export, the demo, a rebuild:
  the usual case); when they do not, the rows are relinked afterwards (``link_months``).
- ``LocalDays``: the team-timezone day of UTC timestamps, cached per UTC hour.

Writes use the fastest path of each database: the DBAPI's ``executemany`` on SQLite, ``COPY``
into a temporary table then one ``INSERT … SELECT`` on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from salesplan.core.reports.touch_sets import TouchSet, link_months, month_start

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from sqlalchemy import Connection, Table

LIMIT = 50_000
"""Keys a buffer holds before it writes them out."""


def _raw(db: Connection) -> Any:
    raw = db.connection.dbapi_connection
    assert raw is not None  # a connection in use holds its DBAPI connection
    return raw


def _sqlite(db: Connection) -> bool:
    return db.dialect.name == "sqlite"


def _value(value: Any) -> Any:
    """A value as the SQLite DBAPI takes it for the rollups' columns (dates as ISO text, the
    way SQLAlchemy's ``Date`` stores them)."""
    return value.isoformat() if isinstance(value, date) else value


def _staged(db: Connection, table: Table, columns: Sequence[str],
            rows: Iterable[Sequence[Any]]) -> str:
    """PostgreSQL: ``COPY`` rows into an empty temporary twin of ``table``; its name."""
    stage = f"bulk_stage_{table.name}"
    db.exec_driver_sql(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} "
        f"(LIKE {table.name} INCLUDING DEFAULTS) ON COMMIT DROP")
    db.exec_driver_sql(f"TRUNCATE {stage}")
    with _raw(db).cursor() as cursor, cursor.copy(
        f"COPY {stage} ({', '.join(columns)}) FROM STDIN"
    ) as copy:
        for row in rows:
            copy.write_row(row)
    return stage


def upsert_counts(db: Connection, table: Table, keys: Sequence[str], count_column: str,
                  rows: Sequence[Sequence[Any]]) -> None:
    """Add ``(key..., count)`` rows to ``table``: new keys are inserted, existing ones get
    the count added (keys must be unique within ``rows``)."""
    if not rows:
        return
    columns = [*keys, count_column]
    conflict = f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {count_column} = " \
               f"{table.name}.{count_column} + excluded.{count_column}"
    if _sqlite(db):
        marks = ", ".join("?" * len(columns))
        cursor = _raw(db).cursor()
        cursor.executemany(
            f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks}) {conflict}",
            [tuple(_value(v) for v in row) for row in rows])
        cursor.close()
        return
    stage = _staged(db, table, columns, rows)
    names = ", ".join(columns)
    db.exec_driver_sql(f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {stage} "
                       f"{conflict}")


def insert_touch_rows(db: Connection, touch: TouchSet, month: date,
                      identities: Iterable[tuple[Any, ...]]) -> None:
    """Insert the set rows ``(identity..., month)`` that are not there yet, each with its
    ``prev_month``: the latest earlier month of the same identity already in the table."""
    table = touch.table.name
    identity = list(touch.identity)
    names = ", ".join(identity)
    if _sqlite(db):
        same = " AND ".join(f"{name} = ?" for name in identity)
        sql = (f"INSERT INTO {table} ({names}, month, prev_month) VALUES "
               f"({', '.join('?' * len(identity))}, ?, (SELECT max(month) FROM {table} "
               f"WHERE {same} AND month < ?)) ON CONFLICT DO NOTHING")
        text = month.isoformat()
        cursor = _raw(db).cursor()
        # In key order: the primary key's pages are then visited once each, in order.
        cursor.executemany(sql, [(*key, text, *key, text) for key in sorted(identities)])
        cursor.close()
        return
    stage = _staged(db, touch.table, [*identity, "month"],
                    ((*key, month) for key in identities))
    # The previous month is the primary-key row just before (identity..., month), kept only
    # if it has the same identity. Written as one row comparison so that only the primary key
    # can serve it: with `identity = … AND month < …` the planner (no statistics yet during
    # an import) picks the (groups..., month) index and filters the key, a scan of every
    # earlier month of the group per row (111 s per 50,000 rows at 1.3M actions).
    #
    # The rows go in in descending key order. The subquery does not see the rows its own
    # statement inserted, but its backward scan still meets their index entries, each checked
    # against the heap: in ascending order a run of keys new to the table (first touches)
    # made every row walk back over all of the run inserted before it, quadratic (5,300 heap
    # fetches per row, 14.6 s per 31,477 rows at 1.3M actions). Descending, the entries
    # inserted so far all lie above the scan's start.
    staged = ", ".join(f"s.{name}" for name in identity)
    mine = ", ".join(f"p.{name}" for name in identity)
    backwards = ", ".join(f"p.{name} DESC" for name in (*identity, "month"))
    staged_backwards = ", ".join(f"s.{name} DESC" for name in identity)
    db.exec_driver_sql(
        f"INSERT INTO {table} ({names}, month, prev_month) "
        f"SELECT {staged}, s.month, "
        f"(SELECT CASE WHEN ({mine}) = ({staged}) THEN p.month END FROM {table} p "
        f"WHERE ({mine}, p.month) < ({staged}, s.month) ORDER BY {backwards} LIMIT 1) "
        f"FROM {stage} s ORDER BY {staged_backwards} ON CONFLICT DO NOTHING")


class CountBuffer:
    """Counts per key of a rollup table; ``counts`` is a plain dict for fast loops."""

    def __init__(self, db: Connection, table: Table, keys: Sequence[str],
                 count_column: str, limit: int = LIMIT) -> None:
        self.db = db
        self.table = table
        self.keys = tuple(keys)
        self.count_column = count_column
        self.limit = limit
        self.counts: dict[tuple[Any, ...], int] = {}

    def maybe_flush(self) -> None:
        if len(self.counts) > self.limit:
            self.flush()

    def flush(self) -> None:
        rows = [(*key, count) for key, count in self.counts.items()]
        self.counts = {}
        upsert_counts(self.db, self.table, self.keys, self.count_column, rows)


class TouchBuffer:
    """The monthly sets of one ``TouchSet`` (``add(day, identity)``), with ``prev_month``."""

    def __init__(self, db: Connection, touch: TouchSet, limit: int = LIMIT) -> None:
        self.db = db
        self.touch = touch
        self.limit = limit
        self.sets: dict[date, set[tuple[Any, ...]]] = {}
        self._months: dict[date, set[tuple[Any, ...]]] = {}  # by day: the day's month set
        self._latest: date | None = None
        self._relink: set[date] = set()
        self._later: date | None = db.execute(
            touch.table.select().with_only_columns(touch.table.c.month)
            .order_by(touch.table.c.month.desc()).limit(1)).scalar()

    def add(self, day: date, identity: tuple[Any, ...]) -> None:
        found = self._months.get(day)
        if found is None:
            month = month_start(day)
            found = self._months[day] = self.sets.setdefault(month, set())
        found.add(identity)

    def maybe_flush(self) -> None:
        """Write every month but the latest once the buffer is big (input in time order:
        those months are complete)."""
        if len(self.sets) > 1 and sum(len(rows) for rows in self.sets.values()) > self.limit:
            latest = max(self.sets)
            self._write([month for month in self.sets if month != latest])

    def finish(self) -> None:
        self._write(list(self.sets))
        for month in sorted(self._relink):
            link_months(self.db, self.touch, month, month=month)
        self._relink.clear()

    def _write(self, months: list[date]) -> None:
        for month in sorted(months):
            rows = self.sets.pop(month)
            self._months = {day: found for day, found in self._months.items()
                            if found is not rows}
            insert_touch_rows(self.db, self.touch, month, rows)
            # Later rows of these keys were linked without this month: relink them.
            if (self._latest is not None and month < self._latest) or (
                    self._later is not None and month < self._later):
                self._relink.add(month)
            if self._latest is None or month > self._latest:
                self._latest = month


class LocalDays:
    """The local day of UTC instants in ``tz``, cached per UTC hour.

    An hour holding a local midnight (zones with a fractional offset) is not cached: its
    instants are converted one by one, so the day is always exact.
    """

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self._hours: dict[Any, date | None] = {}

    def _hour(self, start: datetime) -> date | None:
        first = start.astimezone(self.tz).date()
        last = (start + timedelta(minutes=59, seconds=59, microseconds=999_999)).astimezone(
            self.tz).date()
        return first if first == last else None

    def of_text(self, text: str) -> date:
        """``text``: UTC as ``YYYY-MM-DD HH:MM:SS[.ffffff]`` (SQLite's stored form)."""
        key = text[:13]
        day = self._hours.get(key, False)
        if day is False:
            day = self._hours[key] = self._hour(
                datetime.fromisoformat(key + ":00:00").replace(tzinfo=UTC))
        if day is None:
            return datetime.fromisoformat(text).replace(tzinfo=UTC).astimezone(self.tz).date()
        return day  # type: ignore[return-value]

    def of(self, at: datetime) -> date:
        """``at``: an aware datetime."""
        utc = at.astimezone(UTC)
        key = (utc.year, utc.month, utc.day, utc.hour)
        day = self._hours.get(key, False)
        if day is False:
            day = self._hours[key] = self._hour(utc.replace(minute=0, second=0, microsecond=0))
        if day is None:
            return utc.astimezone(self.tz).date()
        return day  # type: ignore[return-value]
