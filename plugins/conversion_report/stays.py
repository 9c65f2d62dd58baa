"""The conversion report's one SQL pass over a cohort's step history (``stay_counts``), shared
by the report (raw history) and its rollup (per day of creation). See ``query`` for the rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, ColumnElement, Subquery, and_, case, cast, func, literal, select

from salesplan.core.db.query_tables import leads, step_changes
from salesplan.core.reports.cohort import OPEN_STATUSES, count_if

if TYPE_CHECKING:
    from salesplan.core.reports.sql import Executor

OUTCOMES: tuple[str, ...] = ("advanced", "back", "active", "won", "lost", "cancelled")


def _outcome_counts(status: Any, still_there: Any, position: Any, next_position: Any) -> Any:
    """The six outcome counts of the last stays, as filtered SUMs."""
    conditions = {
        "advanced": next_position > position,
        "back": next_position < position,
        "active": and_(still_there, status.in_(OPEN_STATUSES)),
        "won": and_(still_there, status == "won"),
        "lost": and_(still_there, status == "lost"),
        "cancelled": and_(still_there, status == "cancelled"),
    }
    return [count_if(condition).label(name) for name, condition in conditions.items()]


def _history(cohort: ColumnElement[bool], steps: list[str], group: Any) -> Subquery:
    """One row per configured step change of each cohort lead, with the lead's status.

    ``LEFT JOIN`` so a lead without history is one row at its current step (``at`` and
    ``change_id`` null); the step filter comes after the join, so a lead whose changes are all
    at removed steps has no row at all (its history exists, just not visibly). The step
    position is computed once here, not in every window argument. ``group`` (an expression
    on ``leads``, e.g. the local day it was created) is carried along.
    """
    step = func.coalesce(step_changes.c.step, leads.c.step)
    position = case({name: index for index, name in enumerate(steps)}, value=step)
    return (
        select(
            leads.c.id.label("lead_id"),
            leads.c.status.label("status"),
            step_changes.c.at.label("at"),
            step_changes.c.id.label("change_id"),
            position.label("position"),
            group.label("cohort_group"),
        )
        .select_from(leads)
        .outerjoin(step_changes, step_changes.c.lead_id == leads.c.id)
        .where(cohort, step.in_(steps))
        .subquery("history")
    )


COUNT_FIELD = 2**32
"""Two steps share one running ``SUM``: the even position counts 1, the odd one COUNT_FIELD.
Exact while a lead has fewer than 2**31 step changes (the sum stays a 64-bit integer), and it
halves the window aggregates, which dominate the query's cost on SQLite."""


def _stays(cohort: ColumnElement[bool], steps: list[str], group: Any) -> Subquery:
    """Each history row with its next configured position and running per-step counts of the
    rows at or after it: one window pass, latest change first.

    Walking a lead's history backwards, ``LAG`` is the next position (null: still there) and
    the running counts say whether the row's own step shows up again later (count above 1),
    so "last stay at its step" needs no second window partitioned by step, hence no second
    sort. All functions share one window definition (same partition, order and frame), which
    both databases evaluate in a single pass. Counts are packed two steps per ``SUM``
    (``COUNT_FIELD``); ``_own_count`` unpacks the row's own one.
    """
    history = _history(cohort, steps, group)
    latest_first: dict[str, Any] = {
        "partition_by": history.c.lead_id,
        "order_by": (history.c.at.desc(), history.c.change_id.desc()),
        "rows": (None, 0),  # ROWS UNBOUNDED PRECEDING: running counts, ids break time ties
    }
    packed: list[Any] = []
    for pair, first in enumerate(range(0, len(steps), 2)):
        weights = {first: literal(1, BigInteger), first + 1: literal(COUNT_FIELD, BigInteger)}
        weight = case(weights, value=history.c.position, else_=literal(0, BigInteger))
        running = cast(func.sum(weight).over(**latest_first), BigInteger)
        packed.append(running.label(f"counts_{pair}"))
    return select(
        history.c.status,
        history.c.position,
        history.c.cohort_group,
        func.lag(history.c.position).over(**latest_first).label("next_position"),
        *packed,
    ).subquery("stays")


def _own_count(stays: Subquery, steps: list[str]) -> Any:
    """The running count of the row's own step, unpacked from its pair's ``SUM``."""
    field = literal(COUNT_FIELD, BigInteger)
    counts: dict[int, Any] = {}
    for index in range(len(steps)):
        packed = stays.c[f"counts_{index // 2}"]
        counts[index] = packed % field if index % 2 == 0 else packed // field
    return case(counts, value=stays.c.position)


def stay_counts(db: Executor, cohort: ColumnElement[bool], steps: list[str],
                group: Any = None) -> list[tuple[Any, int, dict[str, int]]]:
    """``(group, position, {"entered": n, outcome: n, ...})`` for the cohort leads, in one
    grouped query (``group``: an expression on ``leads`` to count apart, e.g. the local day
    of creation; None counts the cohort as a whole).

    A row is its lead's last stay at its step when its own step's running count is 1. Repeated
    rows need no de-duplication: the last row of a step is never followed by the same step,
    and the earlier repeats have a count above 1.
    """
    stays = _stays(cohort, steps, literal(0) if group is None else group)
    own_count = _own_count(stays, steps)
    query = (
        select(
            stays.c.cohort_group,
            stays.c.position,
            func.count().label("entered"),
            *_outcome_counts(
                stays.c.status, stays.c.next_position.is_(None), stays.c.position,
                stays.c.next_position,
            ),
        )
        .where(own_count == 1)
        .group_by(stays.c.cohort_group, stays.c.position)  # integers: cheap to group
    )
    return [
        (row["cohort_group"], int(row["position"]),
         {k: int(row[k]) for k in ("entered", *OUTCOMES)})
        for row in db.execute(query).mappings()
    ]
