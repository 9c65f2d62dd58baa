"""Report rollups: per-day counts and per-month distinct sets, kept exact by a watermark.

Why: the activity and prospecting reports over half a year of a big team would otherwise
group hundreds of thousands of actions (joined to prospects and leads) at every run. The
rollup tables (``salesplan.core.reports.tables``) hold a few rows per member and day, and the
distinct (member, month, lead/prospect) sets that distinct counts need.

How they stay exact without trusting every writer: they cover exactly the actions whose id is
at most a *watermark* (``activity_rollup_upto`` in ``salesplan_meta``), with days in the time
zone stored beside it (``activity_rollup_tz``). Readers add the actions above the watermark
from the raw table, so a writer that does not refresh only makes reports a little slower,
never wrong. When the team time zone changes, the stored days are meaningless: readers then
ignore the rollups (watermark treated as 0) until the next refresh rebuilds them.

Distinct counts (leads managed, prospects worked) use the month sets for the whole months
inside the range, and the raw actions for the partial months at its edges and above the
watermark, without counting a key twice (``salesplan.core.reports.touch_sets``).

Assumptions: actions are append-only (anything that ever edits or deletes an action at or
below the watermark must call ``invalidate_activity_rollup`` in the same transaction); a
prospect's list and a lead's origin prospect never change after the row is created.

On PostgreSQL ids are not committed in order; ``refresh_activity_rollup`` therefore takes a
``SHARE ROW EXCLUSIVE`` lock on ``actions`` (waits for in-flight writers, blocks new ones for
the duration of the refresh), so no action below the new watermark can appear later. Call it
in its *own* transaction (``refresh_activity_rollup_now``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, case, delete, func, literal, select, text

from salesplan.core.calendar import day_range_utc, local_date
from salesplan.core.db.query_tables import actions as actions_table
from salesplan.core.db.query_tables import meta as meta_table
from salesplan.core.reports.sql import dialect_name
from salesplan.core.reports.tables import (
    ROLLUP_TABLES,
    activity_rollup,
    lead_touch_month,
)
from salesplan.core.reports.touch_sets import (
    TouchSet,
    count_distinct,
    link_months,
    literal_groups,
    month_start,
    next_month,
)

if TYPE_CHECKING:
    from sqlalchemy import Select, Table

    from salesplan.core.context import AppContext
    from salesplan.core.reports.sql import Executor

TZ_KEY = "activity_rollup_tz"
UPTO_KEY = "activity_rollup_upto"
NO_OUTCOME = ""
SMALL_TAIL = 50_000
"""Up to this many unrolled ids, readers find them by primary key rather than by date."""
ANALYZE_AFTER = 20_000
"""Folded actions from which a refresh on PostgreSQL refreshes the rollups' statistics."""
REFRESH_THRESHOLD = 2000
"""Ids above the watermark a reader tolerates before a front end refreshes the rollups."""

CountKey = tuple[str, str, str | None]


@dataclass(frozen=True)
class RollupState:
    """What the rollups cover: actions with ``id <= upto``, days in time zone ``tz``."""

    tz: str
    upto: int

    def usable_upto(self, tz_name: str) -> int:
        """The watermark a reader may trust in ``tz_name`` (0 = ignore the rollups)."""
        return self.upto if self.tz == tz_name else 0


@dataclass(frozen=True)
class Window:
    """What a reader sees: rollups cover ids ``<= upto``; raw actions go up to ``top``."""

    upto: int
    top: int

    @property
    def has_tail(self) -> bool:
        return self.top > self.upto

    def tail_at(self, at_column: Any) -> Any:
        """The ``at`` expression for a query over the ids above the watermark. When they are
        few, ``COALESCE`` hides ``at`` from the planner so it walks them by primary key
        instead of scanning the whole date range through an ``at`` index."""
        if self.upto and self.top - self.upto <= SMALL_TAIL:
            return func.coalesce(at_column, at_column)
        return at_column


def rollup_state(session: Executor, *, for_update: bool = False) -> RollupState:
    """The stored state; a base without the rows yet reads as empty (tz '', upto 0)."""
    meta = meta_table
    statement = select(meta.c.key, meta.c.value).where(meta.c.key.in_((TZ_KEY, UPTO_KEY)))
    if for_update:
        statement = statement.with_for_update()
    values = dict(session.execute(statement).all())
    upto_text = values.get(UPTO_KEY, "0") or "0"
    return RollupState(tz=values.get(TZ_KEY, ""), upto=int(upto_text))


def _tz_name(app: AppContext) -> str:
    return app.config.team.timezone


def reader_window(session: Executor, app: AppContext) -> Window:
    """The watermark usable in the team's time zone and the newest action id."""
    upto = rollup_state(session).usable_upto(_tz_name(app))
    top = int(session.execute(select(func.max(actions_table.c.id))).scalar() or 0)
    return Window(upto=upto, top=top)


def action_counts(
    session: Executor,
    app: AppContext,
    window: Window,
    start: date,
    end: date,
    *,
    members: Iterable[str] | None = None,
) -> dict[CountKey, int]:
    """Actions per (member, type, outcome) whose ``at`` falls in the inclusive local days
    ``[start, end]``: rollup rows for ids up to the watermark plus the raw newer actions,
    both aggregated by the database."""
    member_list = list(members) if members is not None else None
    counts: dict[CountKey, int] = {}
    if window.upto:
        roll = activity_rollup.c
        rolled = (
            select(roll.member, roll.action_type, roll.outcome, func.sum(roll.actions))
            .where(roll.day >= start, roll.day <= end)
            .group_by(roll.member, roll.action_type, roll.outcome)
        )
        if member_list is not None:
            rolled = rolled.where(roll.member.in_(member_list))
        for member, type_id, outcome, count in session.execute(rolled):
            key = (member, type_id, outcome or None)
            counts[key] = counts.get(key, 0) + int(count)
    if not window.has_tail:
        return counts
    table = actions_table
    lo, hi = day_range_utc(start, end, app.tz)
    at = window.tail_at(table.c.at)
    raw = (
        select(table.c.member, table.c.action_type, table.c.outcome, func.count())
        .where(at >= lo, at < hi, table.c.id > window.upto)
        .group_by(table.c.member, table.c.action_type, table.c.outcome)
    )
    if member_list is not None:
        raw = raw.where(table.c.member.in_(member_list))
    for member, type_id, outcome, count in session.execute(raw):
        key = (member, type_id, outcome or None)
        counts[key] = counts.get(key, 0) + int(count)
    return counts


LEAD_TOUCHES = TouchSet(lead_touch_month, groups=("member",), key="lead_id")


def leads_touched(
    session: Executor, app: AppContext, window: Window, start: date, end: date,
    members: list[str],
) -> dict[str, int]:
    """Distinct leads each member acted on in the inclusive local days ``[start, end]``
    (month sets plus raw edge days through the partial index ``ix_actions_lead_touch``)."""
    table = actions_table

    def raw(lo: datetime, hi: datetime, window: Window | None) -> Select[Any]:
        at = window.tail_at(table.c.at) if window else table.c.at
        newer = (table.c.id > window.upto,) if window else ()
        return select(table.c.member, table.c.lead_id).where(
            table.c.member.in_(members), table.c.lead_id.is_not(None), at >= lo, at < hi,
            *newer)

    counts = count_distinct(
        session, app, window, start, end, touch=LEAD_TOUCHES, raw=raw,
        groups=literal_groups("member", members))
    return {member: count for (member,), count in counts.items()}


# --- writing -------------------------------------------------------------------------


def dialect_insert(session: Executor) -> Any:
    """The dialect's ``insert`` (for ``ON CONFLICT``) — SQLite and PostgreSQL alike."""
    if dialect_name(session) == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def add_counts(session: Executor, table: Table, rows: list[dict[str, Any]],
               keys: list[str], count_column: str) -> None:
    """Upsert rows, adding ``count_column`` to an existing row with the same keys."""
    if not rows:
        return
    statement = dialect_insert(session)(table).values(rows)
    column = table.c[count_column]
    session.execute(statement.on_conflict_do_update(
        index_elements=keys, set_={count_column: column + statement.excluded[count_column]}))


def add_set_rows(session: Executor, table: Table, columns: list[str],
                 rows: Select[Any]) -> None:
    """``INSERT … SELECT … ON CONFLICT DO NOTHING``: add the selected rows to a set table."""
    session.execute(
        dialect_insert(session)(table).from_select(columns, rows).on_conflict_do_nothing())


def _write_state(session: Executor, state: RollupState) -> None:
    statement = dialect_insert(session)(meta_table).values(
        [{"key": TZ_KEY, "value": state.tz}, {"key": UPTO_KEY, "value": str(state.upto)}])
    session.execute(statement.on_conflict_do_update(
        index_elements=["key"], set_={"value": statement.excluded.value}))


def _lock_actions(session: Executor) -> None:
    if dialect_name(session) == "postgresql":
        session.execute(text("LOCK TABLE actions IN SHARE ROW EXCLUSIVE MODE"))


DaySpans = list[tuple[date, datetime, datetime]]
"""Consecutive local days with their UTC bounds ``[lo, hi)``, in order."""


def local_day(at: Any, days: DaySpans) -> Any:
    """The local day of ``at`` among ``days`` (rows must be filtered to their span), as SQL:
    one statement then folds a whole month instead of one statement per day."""
    *earlier, (last_day, _lo, _hi) = days
    if not earlier:
        return literal(last_day, Date)
    return case(*[(at < hi, literal(day, Date)) for day, _lo, hi in earlier],
                else_=literal(last_day, Date))


def _fold_activity_days(session: Executor, days: DaySpans, newer: tuple[Any, ...]) -> None:
    table = actions_table
    day = local_day(table.c.at, days).label("day")
    grouped = session.execute(
        select(day, table.c.member, table.c.action_type, table.c.outcome, func.count())
        .where(table.c.at >= days[0][1], table.c.at < days[-1][2], *newer)
        .group_by(day, table.c.member, table.c.action_type, table.c.outcome)
    )
    rows = [
        {"day": local, "member": member, "action_type": type_id,
         "outcome": outcome or NO_OUTCOME, "actions": int(count)}
        for local, member, type_id, outcome, count in grouped
    ]
    add_counts(session, activity_rollup, rows, ["day", "member", "action_type", "outcome"],
               "actions")


def _fold_lead_month(session: Executor, month: date, lo: datetime, hi: datetime,
                     newer: tuple[Any, ...]) -> None:
    table = actions_table
    add_set_rows(session, lead_touch_month, ["member", "lead_id", "month"], (
        select(table.c.member, table.c.lead_id, literal(month, Date))
        .where(table.c.lead_id.is_not(None), table.c.at >= lo, table.c.at < hi, *newer)
        .distinct()
    ))


def _refresh_statistics(session: Executor, folded: int) -> None:
    """After a big fold on PostgreSQL, ``ANALYZE`` the rollup tables before relinking them.

    Why: statistics taken while the tables were nearly empty (a first build, a big import)
    make the planner expect a handful of rows and look rows up through the wrong index, one
    group at a time, turning ``link_months`` quadratic. SQLite plans without statistics.
    """
    if folded < ANALYZE_AFTER or dialect_name(session) != "postgresql":
        return
    for table in ROLLUP_TABLES:
        session.execute(text(f"ANALYZE {table.name}"))


def _day_spans(app: AppContext, first: date, last: date) -> DaySpans:
    spans: DaySpans = []
    day = first
    while day <= last:
        spans.append((day, *day_range_utc(day, day, app.tz)))
        day += timedelta(days=1)
    return spans


def refresh_activity_rollup(session: Executor, app: AppContext) -> int:
    """Fold every action above the watermark into the rollups (rebuilding them first when
    the team time zone changed); returns how many actions were folded in. Caller commits.

    Works one local month at a time: per-day counts grouped by a ``CASE`` that names each
    action's local day, and the month sets; each step is a grouped statement over an index
    range, so even a first build over a year of history never brings actions into Python.
    """
    from salesplan.core.reports.prospecting_rollup import (
        PROSPECT_TOUCH_SETS,
        fold_prospecting_days,
        fold_prospecting_month,
    )

    _lock_actions(session)
    state = rollup_state(session, for_update=True)
    tz_name = _tz_name(app)
    upto = state.upto
    if state.tz != tz_name and upto:
        for table in ROLLUP_TABLES:
            session.execute(delete(table))
        upto = 0
    actions = actions_table
    top = int(session.execute(select(func.max(actions.c.id))).scalar() or 0)
    folded = 0
    if top > upto:
        newer = (actions.c.id > upto, actions.c.id <= top)
        first, last, folded = session.execute(
            select(func.min(actions.c.at), func.max(actions.c.at), func.count()).where(*newer)
        ).one()
        first_day, last_day = local_date(first, app.tz), local_date(last, app.tz)
        month = month_start(first_day)
        while month <= last_day:
            following = next_month(month)
            days = _day_spans(app, max(month, first_day),
                              min(following - timedelta(days=1), last_day))
            _fold_activity_days(session, days, newer)
            fold_prospecting_days(session, days, newer)
            lo, hi = day_range_utc(month, following - timedelta(days=1), app.tz)
            _fold_lead_month(session, month, lo, hi, newer)
            fold_prospecting_month(session, month, lo, hi, newer)
            month = following
        _refresh_statistics(session, int(folded))
        for touch in (LEAD_TOUCHES, *PROSPECT_TOUCH_SETS):
            link_months(session, touch, month_start(first_day))
    _write_state(session, RollupState(tz=tz_name, upto=max(top, upto)))
    return int(folded)


def refresh_activity_rollup_now(app: AppContext) -> int:
    """``refresh_activity_rollup`` in its own write transaction, committed."""
    with app.write_connection() as connection:
        return refresh_activity_rollup(connection, app)


def invalidate_activity_rollup(session: Executor) -> None:
    """Forget the rollups (after editing or deleting actions); the next refresh rebuilds."""
    for table in ROLLUP_TABLES:
        session.execute(delete(table))
    _write_state(session, RollupState(tz="", upto=0))


def pending_actions(session: Executor, app: AppContext) -> int:
    """How many ids lie above the usable watermark (an upper bound on unrolled actions)."""
    window = reader_window(session, app)
    return max(0, window.top - window.upto)


def refresh_if_behind(app: AppContext, threshold: int = REFRESH_THRESHOLD) -> int:
    """Refresh the rollups (own transaction) when more than ``threshold`` ids are unrolled;
    the ``prepare`` step of the activity and prospecting reports. Returns actions folded.

    A base that cannot be written now (locked past the busy timeout, read-only user) is not
    an error: the rollups are only a cache and the report stays exact without them.
    """
    from sqlalchemy.exc import OperationalError, ProgrammingError

    with app.read_connection() as connection:
        behind = pending_actions(connection, app)
    if behind <= threshold:
        return 0
    try:
        return refresh_activity_rollup_now(app)
    except (OperationalError, ProgrammingError):
        return 0
