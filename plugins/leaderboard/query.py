"""The leaderboard report (SPEC §6 ``leaderboard``): who did best over a range.

One row per configured member:

- ``actions``: their actions in range (every type, on leads and prospects), from the kernel's
  action-count read model (``action_counts``), as in the activity report;
- ``leads_won``, ``amount_won``: leads they own, won, with ``closed_at`` in range;
- ``objectives``: the (objective, period) pairs of the objectives that apply to them — ``who``
  is their id or ``segment:<their segment>``; team objectives do not count — whose period ends
  in the range or holds its last day, i.e. every period of the objective's ``per`` touching
  the range (a ``per = "day"`` objective over a week is five or seven pairs);
- ``objectives_met``: those pairs whose objectives status (``progress.pace``: met, ahead,
  on_track, behind) is ``met`` or ``ahead``, taken at the end of the range — or at the end of
  the period when it ended before — with the actual counted from the period's first day (which
  may be before the range) up to that day, exactly as the objectives report would on that day;
- ``attainment``: the mean over those pairs of min(actual / target, 2) — a target of 0 counts
  as 1 —, a fraction (tables show a percentage); null when the member has no pair.

Order: ``amount_won`` descending, then ``attainment`` descending (null last), then member id;
``rank`` is the position in that order, 1..n: ties get distinct ranks, in that order (a
leaderboard names one person per place). ``totals`` (the table's footer): the sums, and the
team's attainment, the mean over every member's pairs.

Pair actuals come from per-day and per-window aggregates (``actuals``), never one query per
period; everything else is one grouped statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from salesplan.core.calendar import day_range_utc
from salesplan.core.db.query_tables import leads
from salesplan.core.i18n import lazy_translator, translator
from salesplan.core.reporting import ChartSeries, Column, ReportResult
from salesplan.core.reports.action_counts import action_counts
from salesplan.core.reports.rollups import rollup_view
from salesplan.core.reports.sql import in_range
from salesplan.plugins.leaderboard.actuals import objective_pairs, pair_actuals
from salesplan.plugins.objectives.progress import pace

N_ = lazy_translator("leaderboard")
_ = translator("leaderboard")

if TYPE_CHECKING:
    from salesplan.core.context import AppContext
    from salesplan.core.reporting import ReportRequest
    from salesplan.core.reports.sql import Executor

MAX_RATIO = 2.0
MET_STATUSES = ("met", "ahead")

COLUMNS: tuple[Column, ...] = (
    Column(key="rank", label="#", kind="int"),
    Column(key="member", label=N_("Member"), kind="member"),
    Column(key="actions", label=N_("Actions"), kind="int"),
    Column(key="leads_won", label=N_("Won"), kind="int"),
    Column(key="amount_won", label=N_("Amount won"), kind="money"),
    Column(key="objectives", label=N_("Objectives"), kind="int"),
    Column(key="objectives_met", label=N_("Met"), kind="int"),
    Column(key="attainment", label=N_("Attainment"), kind="percent"),
)


@dataclass
class Score:
    """One member's standing while it is being computed."""

    member: str
    actions: int = 0
    leads_won: int = 0
    amount_won: float = 0.0
    objectives: int = 0
    objectives_met: int = 0
    ratio_sum: float = 0.0

    @property
    def attainment(self) -> float | None:
        return self.ratio_sum / self.objectives if self.objectives else None

    def row(self, rank: int) -> dict[str, Any]:
        return {
            "rank": rank,
            "member": self.member,
            "actions": self.actions,
            "leads_won": self.leads_won,
            "amount_won": round(self.amount_won, 2),
            "objectives": self.objectives,
            "objectives_met": self.objectives_met,
            "attainment": self.attainment,
        }


def ratio(actual: float, target: float) -> float:
    """min(actual / target, 2); a target of 0 counts as 1."""
    if target <= 0:
        return 1.0
    return min(actual / target, MAX_RATIO)


def _order(score: Score) -> tuple[float, bool, float, str]:
    attainment = score.attainment
    return (-score.amount_won, attainment is None, -(attainment or 0.0), score.member)


def compute_leaderboard(db: Executor, app: AppContext, start: date, end: date) -> list[Score]:
    """Every configured member's score over ``[start, end]``, in leaderboard order."""
    members = [m.id for m in app.config.members]
    scores = {member: Score(member) for member in members}
    if not members:
        return []
    usable = rollup_view(db, app, [], start, end)
    for (member, _type, _outcome), count in action_counts(
            db, app, usable, start, end, members=members).items():
        scores[member].actions += count
    bounds = day_range_utc(start, end, app.tz)
    for owner, count, amount in db.execute(
        select(leads.c.owner, func.count(), func.coalesce(func.sum(leads.c.amount), 0.0))
        .where(leads.c.status == "won", in_range(leads.c.closed_at, bounds),
               leads.c.owner.in_(members))
        .group_by(leads.c.owner)
    ):
        scores[str(owner)].leads_won = int(count)
        scores[str(owner)].amount_won = float(amount or 0.0)

    pairs = [pair for pair in objective_pairs(app, start, end) if pair.who in scores]
    if pairs:
        first = min(pair.period.start for pair in pairs)
        span_usable = usable if first >= start else rollup_view(db, app, [], first, end)
        working = app.config.team.working_days
        for pair, actual in zip(pairs, pair_actuals(db, app, span_usable, pairs, start, end),
                                strict=True):
            target = float(pair.objective.target)
            status = pace(target, actual, pair.period, pair.day, working,
                          app.config.team.holidays).status
            score = scores[pair.who]
            score.objectives += 1
            score.objectives_met += int(status in MET_STATUSES)
            score.ratio_sum += ratio(actual, target)
    return sorted(scores.values(), key=_order)


def leaderboard_result(scores: list[Score], start: date, end: date) -> ReportResult:
    """The leaderboard as a plain, renderable result."""
    rows = [score.row(rank) for rank, score in enumerate(scores, start=1)]
    pairs = sum(s.objectives for s in scores)
    totals: dict[str, Any] = {
        "member": "Team",
        "actions": sum(s.actions for s in scores),
        "leads_won": sum(s.leads_won for s in scores),
        "amount_won": round(sum(s.amount_won for s in scores), 2),
        "objectives": pairs,
        "objectives_met": sum(s.objectives_met for s in scores),
        "attainment": sum(s.ratio_sum for s in scores) / pairs if pairs else None,
    }
    names = [str(r["member"]) for r in rows]
    return ReportResult(
        report="leaderboard",
        title=_("Leaderboard"),
        start=start,
        end=end,
        columns=list(COLUMNS),
        rows=rows,
        totals=totals,
        series=[
            ChartSeries(name="amount won", x=names, y=[float(r["amount_won"]) for r in rows]),
            ChartSeries(name="attainment", x=names,
                        y=[float(r["attainment"] or 0.0) for r in rows]),
        ],
    )


def run_leaderboard(request: ReportRequest[AppContext]) -> ReportResult:
    """The ``leaderboard`` report (SPEC §6); its spec is in the plugin's ``__init__``."""
    scores = compute_leaderboard(request.connection, request.app, request.start, request.end)
    return leaderboard_result(scores, request.start, request.end)
