"""Actuals of many (objective, period) pairs at once, without one query per period.

A leaderboard range can hold many periods of an objective (a ``per = "day"`` objective over a
month is twenty-odd pairs per member). Instead of measuring each pair, this module asks the
database for small grouped aggregates and adds them up per pair in Python:

- action metrics (``call``, ``call:reached``) without a pipeline: actions per member, type,
  outcome and *local day* over the whole span, from the kernel's action-count rollup
  (``activity_rollup``) when ``rollup_view`` says it may serve the span, else from the raw
  actions grouped by local day (``rollup_kit.local_day``, one statement per local month);
- action metrics with a pipeline: the raw actions on leads of that pipeline, grouped the same
  way (the rollup does not know pipelines);
- lead metrics (``leads_created``, ``leads_won``, ``revenue``, ``prospects_converted``): per
  (period kind, pipeline) one grouped statement per family of metrics, by owner and by the
  index of the evaluation window a timestamp falls in (a ``CASE`` over the windows' UTC ends,
  a balanced binary search, DST-correct through ``day_range_utc``).

Each pair's actual is what the objectives plugin would measure for it on its evaluation day
(``progress.compute_objectives``): the metric from the period's first day up to that day.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, literal, select

from salesplan.core.calendar import Period, day_range_utc, periods_touching
from salesplan.core.db.query_tables import actions, leads, prospects
from salesplan.core.reports.rollup_kit import local_day
from salesplan.core.reports.rollups import day_spans, month_parts
from salesplan.core.reports.tables import activity_rollup
from salesplan.plugins.objectives.config import TEAM, Objective, configured_objectives
from salesplan.plugins.objectives.progress import is_action_metric, who_rows

if TYPE_CHECKING:
    from salesplan.core.config.models import Per
    from salesplan.core.context import AppContext
    from salesplan.core.reports.sql import Executor

DayKey = tuple[str, str, str | None]
"""(member, action type, outcome or None)"""
DayCounts = dict[DayKey, dict[date, int]]


@dataclass(frozen=True)
class Pair:
    """One objective, one member it applies to, one of its periods, and the day its status
    is taken on: the range's last day, or the period's last day when it ended earlier."""

    objective_index: int
    objective: Objective
    who: str
    period: Period
    day: date


def objective_pairs(app: AppContext, start: date, end: date) -> list[Pair]:
    """The (objective, member, period) pairs of the leaderboard: the objectives applying to a
    member (their id or their segment, never ``team``), each period of the objective's ``per``
    that ends in ``[start, end]`` or holds ``end`` — that is, every period touching the range."""
    week_starts = app.config.team.week_starts
    pairs: list[Pair] = []
    for index, objective in enumerate(configured_objectives(app)):
        if objective.who == TEAM:
            continue
        periods = periods_touching(objective.per, start, end, week_starts)
        for who in who_rows(app, objective):
            pairs.extend(Pair(index, objective, who, period, min(period.end, end))
                         for period in periods)
    return pairs


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def daily_action_counts(
    db: Executor, app: AppContext, usable: bool, first: date, last: date, members: list[str],
    *, pipelines: Sequence[str] = (),
) -> dict[str | None, DayCounts]:
    """Actions per local day, keyed by pipeline: under None every action of ``members``
    (rollup when ``usable``, else raw), under each of ``pipelines`` the raw actions on its
    leads."""
    result: dict[str | None, DayCounts] = {None: defaultdict(dict)}
    result.update({pipeline: defaultdict(dict) for pipeline in pipelines})

    def add(pipeline: str | None, day: Any, member: str, type_id: str, outcome: str | None,
            count: Any) -> None:
        per_day = result[pipeline][(member, type_id, outcome or None)]
        key = _as_date(day)
        per_day[key] = per_day.get(key, 0) + int(count)

    if not members:
        return result
    if usable:
        roll = activity_rollup.c
        for day, member, type_id, outcome, count in db.execute(
            select(roll.day, roll.member, roll.action_type, roll.outcome, func.sum(roll.actions))
            .where(roll.day >= first, roll.day <= last, roll.member.in_(members))
            .group_by(roll.day, roll.member, roll.action_type, roll.outcome)
        ):
            add(None, day, member, type_id, outcome, count)
        if not pipelines:
            return result
    for _month, lo_day, hi_day in month_parts(first, last):
        spans = day_spans(app, lo_day, hi_day)
        lo, hi = spans[0][1], spans[-1][2]
        day = local_day(actions.c.at, spans).label("day")
        in_span = (actions.c.at >= lo, actions.c.at < hi, actions.c.member.in_(members))
        if not usable:
            for local, member, type_id, outcome, count in db.execute(
                select(day, actions.c.member, actions.c.action_type, actions.c.outcome,
                       func.count())
                .where(*in_span)
                .group_by(day, actions.c.member, actions.c.action_type, actions.c.outcome)
            ):
                add(None, local, member, type_id, outcome, count)
        if pipelines:
            for local, pipeline, member, type_id, outcome, count in db.execute(
                select(day, leads.c.pipeline, actions.c.member, actions.c.action_type,
                       actions.c.outcome, func.count())
                .join_from(actions, leads, leads.c.id == actions.c.lead_id)
                .where(*in_span, leads.c.pipeline.in_(list(pipelines)))
                .group_by(day, leads.c.pipeline, actions.c.member, actions.c.action_type,
                          actions.c.outcome)
            ):
                add(str(pipeline), local, member, type_id, outcome, count)
    return result


def _window_index(moment: Any, ends: list[datetime]) -> Any:
    """The index of the window (contiguous, ordered, ending at ``ends``) holding ``moment``."""

    def search(low: int, high: int) -> Any:
        if low == high:
            return literal(low)
        middle = (low + high) // 2
        return case((moment < ends[middle], search(low, middle)), else_=search(middle + 1, high))

    return search(0, len(ends) - 1)


LeadTotals = dict[tuple[str, int], float]
"""(owner, window index) → value"""


def lead_metric_windows(
    db: Executor, app: AppContext, metrics: Iterable[str], windows: list[tuple[date, date]],
    members: list[str], pipeline: str | None,
) -> dict[str, LeadTotals]:
    """Lead metrics per owner and window: ``{metric: {(owner, window index): value}}`` for
    the contiguous local-day ``windows`` (one statement per family: created, won, converted)."""
    wanted = set(metrics)
    ends = [day_range_utc(last, last, app.tz)[1] for _first, last in windows]
    lo = day_range_utc(windows[0][0], windows[0][0], app.tz)[0]
    hi = ends[-1]
    out: dict[str, LeadTotals] = {metric: {} for metric in wanted}
    on_pipeline = [leads.c.pipeline == pipeline] if pipeline is not None else []
    if "leads_created" in wanted:
        index = _window_index(leads.c.created_at, ends).label("window")
        for owner, window, count in db.execute(
            select(leads.c.owner, index, func.count())
            .where(leads.c.created_at >= lo, leads.c.created_at < hi,
                   leads.c.owner.in_(members), *on_pipeline)
            .group_by(leads.c.owner, index)
        ):
            out["leads_created"][(str(owner), int(window))] = float(count)
    if wanted & {"leads_won", "revenue"}:
        index = _window_index(leads.c.closed_at, ends).label("window")
        for owner, window, count, amount in db.execute(
            select(leads.c.owner, index, func.count(),
                   func.coalesce(func.sum(leads.c.amount), 0.0))
            .where(leads.c.status == "won", leads.c.closed_at >= lo, leads.c.closed_at < hi,
                   leads.c.owner.in_(members), *on_pipeline)
            .group_by(leads.c.owner, index)
        ):
            key = (str(owner), int(window))
            if "leads_won" in wanted:
                out["leads_won"][key] = float(count)
            if "revenue" in wanted:
                out["revenue"][key] = float(amount or 0.0)
    if "prospects_converted" in wanted:
        index = _window_index(leads.c.created_at, ends).label("window")
        for owner, window, count in db.execute(
            select(prospects.c.owner, index, func.count(prospects.c.id))
            .join_from(prospects, leads, leads.c.prospect_id == prospects.c.id)
            .where(leads.c.created_at >= lo, leads.c.created_at < hi,
                   prospects.c.owner.in_(members), *on_pipeline)
            .group_by(prospects.c.owner, index)
        ):
            out["prospects_converted"][(str(owner), int(window))] = float(count)
    return out


class DaySeries:
    """Counts per day, summed over any day range by bisection on running totals."""

    def __init__(self, per_day: dict[date, int]) -> None:
        self.days = sorted(per_day)
        self.running = list(accumulate(per_day[day] for day in self.days))

    def total(self, first: date, last: date) -> int:
        """The counts of the days ``[first, last]``."""
        low, high = bisect_left(self.days, first), bisect_right(self.days, last)
        if high <= low:
            return 0
        return self.running[high - 1] - (self.running[low - 1] if low else 0)


def _series(counts: DayCounts, member: str, metric: str) -> DaySeries:
    """One member's per-day counts of an action metric (``type`` or ``type:outcome``)."""
    type_id, _, outcome = metric.partition(":")
    merged: dict[date, int] = {}
    for (who, counted_type, counted_outcome), per_day in counts.items():
        if who != member or counted_type != type_id or (outcome and counted_outcome != outcome):
            continue
        for day, count in per_day.items():
            merged[day] = merged.get(day, 0) + count
    return DaySeries(merged)


def pair_actuals(
    db: Executor, app: AppContext, usable: bool, pairs: list[Pair], start: date, end: date,
) -> list[float]:
    """The actual of every pair, in order (module docstring); ``usable`` is ``rollup_view``
    over the pairs' whole span."""
    if not pairs:
        return []
    members = sorted({pair.who for pair in pairs})
    action_pairs = [p for p in pairs if is_action_metric(p.objective.metric)]
    daily: dict[str | None, DayCounts] = {}
    if action_pairs:
        first = min(pair.period.start for pair in action_pairs)
        pipelines = sorted({str(p.objective.pipeline) for p in action_pairs
                            if p.objective.pipeline is not None})
        daily = daily_action_counts(db, app, usable, first, end, members, pipelines=pipelines)

    # Lead metrics: one set of statements per (period kind, pipeline).
    lead_groups: dict[tuple[Per, str | None], set[str]] = defaultdict(set)
    for pair in pairs:
        if not is_action_metric(pair.objective.metric):
            lead_groups[(pair.objective.per, pair.objective.pipeline)].add(pair.objective.metric)
    week_starts = app.config.team.week_starts
    lead_values: dict[tuple[Per, str | None], tuple[list[Period], dict[str, LeadTotals]]] = {}
    for (per, pipeline), metrics in lead_groups.items():
        periods = periods_touching(per, start, end, week_starts)
        windows = [(period.start, min(period.end, end)) for period in periods]
        lead_values[(per, pipeline)] = (
            periods, lead_metric_windows(db, app, metrics, windows, members, pipeline))

    series: dict[tuple[str | None, str, str], DaySeries] = {}
    actuals: list[float] = []
    for pair in pairs:
        objective = pair.objective
        if is_action_metric(objective.metric):
            key = (objective.pipeline, pair.who, objective.metric)
            if key not in series:
                series[key] = _series(daily[objective.pipeline], pair.who, objective.metric)
            actuals.append(float(series[key].total(pair.period.start, pair.day)))
        else:
            periods, values = lead_values[(objective.per, objective.pipeline)]
            window = periods.index(pair.period)
            actuals.append(values[objective.metric].get((pair.who, window), 0.0))
    return actuals
