"""The coaching report (SPEC §6): where each rep loses deals, against the team and the best.

Cohort as in the conversion report: the leads of ``--pipeline`` created in the range, here
grouped by owner. Per member (configured members owning a cohort lead, in config order) and
for the whole ``team`` (every cohort lead): ``created``, ``won`` (cohort leads now won),
``win_rate`` (won / created), and per step in pipeline order ``entered`` (cohort leads ever
at the step), ``passed`` (their *last* stay there ended by moving to a later step or by the
lead being won), ``pass_rate`` (passed / entered, null when 0) and ``median_days`` (the
median length in days, to 0.1, of the *finished* stays at the step — every stay, not only the
last, that ended with a move or with the lead closing there; null when none).

``best`` (a top-level key): the member with the highest win rate among those with at least
``--min-cohort`` created leads (ties: more won, then config order); null when none.
``blocking_step`` of a member: the step with the largest ``(team pass_rate − member
pass_rate) × member entered`` — the deals lost there against the team's rate — when that is
above 0 (the first such step in pipeline order on a tie), else null; ``blocking_gap`` is that
number to 0.1. The team row has neither.

Choices where SPEC §6 is silent, as in the conversion report: a lead without step changes
entered its current step at its creation; two changes in a row to the same step are one stay;
step changes to steps no longer configured are left out; ties in time are broken by id.

Everything is aggregated by the database, medians included (``ROW_NUMBER`` and ``COUNT`` over
a window, portable to SQLite and PostgreSQL): one statement (the cohort's stays walked once,
as a materialized CTE, then grouped four ways), whatever the cohort size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Float, Integer, and_, case, cast, func, literal, null, or_, select, union_all

from salesplan.core.db.query_tables import leads, step_changes
from salesplan.core.i18n import translator
from salesplan.core.reporting import ChartSeries, Column, ReportResult
from salesplan.core.reports.cohort import count_if, created_in, find_pipeline, range_utc, rate
from salesplan.core.reports.sql import dialect_name
from salesplan.core.statuses import CLOSED_STATUSES

_ = translator("coaching")

if TYPE_CHECKING:
    from sqlalchemy import Select, Subquery

    from salesplan.core.reporting import ReportRequest
    from salesplan.core.reports.sql import Executor

TEAM = "team"
DEFAULT_MIN_COHORT = 10


@dataclass
class StepNumbers:
    """One member's (or the team's) numbers at one step."""

    entered: int = 0
    passed: int = 0
    median_days: float | None = None

    @property
    def pass_rate(self) -> float | None:
        return rate(self.passed, self.entered)


@dataclass
class Funnel:
    """One member's (or the team's) cohort numbers, step by step."""

    who: str
    created: int = 0
    won: int = 0
    steps: dict[str, StepNumbers] = field(default_factory=dict)

    @property
    def win_rate(self) -> float | None:
        return rate(self.won, self.created)


def _days(db: Executor, end: Any, start: Any) -> Any:
    """``end - start`` in days, as a float, on both databases."""
    if dialect_name(db) == "postgresql":
        return func.extract("epoch", end - start) / 86400.0
    return func.julianday(end) - func.julianday(start)


def _history(request: ReportRequest, steps: list[str]) -> Subquery:
    """Every configured step change of each cohort lead (a lead without history: one row at
    its current step), with the step's position, the owner, status and closing time, and
    the previous change's position (to merge repeats)."""
    start, end = range_utc(request)
    step = func.coalesce(step_changes.c.step, leads.c.step)
    position = case({name: index for index, name in enumerate(steps)}, value=step)
    at = func.coalesce(step_changes.c.at, leads.c.created_at)
    change_id = func.coalesce(step_changes.c.id, 0)
    rows = (
        select(
            leads.c.id.label("lead_id"), leads.c.owner.label("owner"),
            leads.c.status.label("status"), leads.c.closed_at.label("closed_at"),
            at.label("at"), change_id.label("change_id"), position.label("position"),
        )
        .select_from(leads)
        .outerjoin(step_changes, step_changes.c.lead_id == leads.c.id)
        .where(leads.c.pipeline == str(request.options["pipeline"]), created_in(start, end),
               step.in_(steps))
        .subquery("coaching_history")
    )
    return select(
        rows,
        func.lag(rows.c.position).over(
            partition_by=rows.c.lead_id, order_by=(rows.c.at, rows.c.change_id)
        ).label("previous"),
    ).subquery("coaching_changes")


def _stays(request: ReportRequest, steps: list[str]) -> Subquery:
    """One row per stay: where it went next, when it ended, whether it is the lead's last
    stay at that step, and its length in days when it is finished."""
    changes = _history(request, steps)
    stays = select(changes).where(
        or_(changes.c.previous.is_(None), changes.c.previous != changes.c.position)
    ).subquery("coaching_entries")
    in_time: dict[str, Any] = {
        "partition_by": stays.c.lead_id, "order_by": (stays.c.at, stays.c.change_id)}
    next_position = func.lead(stays.c.position).over(**in_time)
    next_at = func.lead(stays.c.at).over(**in_time)
    from_last = func.row_number().over(
        partition_by=(stays.c.lead_id, stays.c.position),
        order_by=(stays.c.at.desc(), stays.c.change_id.desc()),
    )
    walked = select(
        stays.c.owner, stays.c.status, stays.c.closed_at, stays.c.position, stays.c.at,
        next_position.label("next_position"), next_at.label("next_at"),
        from_last.label("from_last"),
    ).subquery("coaching_walked")
    closed_there = and_(walked.c.next_position.is_(None), walked.c.status.in_(CLOSED_STATUSES))
    ended = case((walked.c.next_at.is_not(None), walked.c.next_at),
                 (closed_there, walked.c.closed_at))
    return select(
        walked.c.owner, walked.c.position, walked.c.from_last,
        or_(walked.c.next_position > walked.c.position,
            and_(walked.c.next_position.is_(None), walked.c.status == "won")).label("passed"),
        cast(_days(request.connection, ended, walked.c.at), Float).label("days"),
    ).subquery("coaching_stays")


def _pass_counts(stays: Any, by_owner: bool) -> Select[Any]:
    """``(kind, owner or '', position, entered, passed, NULL)`` over the last stays."""
    owner = stays.c.owner if by_owner else literal("")
    keys = [stays.c.owner, stays.c.position] if by_owner else [stays.c.position]
    return (
        select(literal(f"pass:{by_owner}").label("kind"), owner.label("owner"),
               stays.c.position, func.count().label("entered"),
               count_if(stays.c.passed).label("passed"),
               cast(null(), Float).label("median"))
        .where(stays.c.from_last == 1).group_by(*keys)
    )


def _medians(stays: Any, by_owner: bool) -> Select[Any]:
    """``(kind, owner or '', position, NULL, NULL, median days)`` over the finished stays,
    in SQL: the middle row (or the mean of the two middle rows) of each group in order of
    length."""
    keys = [stays.c.owner, stays.c.position] if by_owner else [stays.c.position]
    finished = select(
        *keys, stays.c.days,
        func.row_number().over(partition_by=keys, order_by=stays.c.days).label("rn"),
        func.count().over(partition_by=keys).label("n"),
    ).where(stays.c.days.is_not(None)).subquery(f"coaching_finished_{int(by_owner)}")
    group = [finished.c[key.name] for key in keys]
    owner = finished.c.owner if by_owner else literal("")
    middle = finished.c.rn.in_([(finished.c.n + 1) // 2, (finished.c.n + 2) // 2])
    return (
        select(literal(f"median:{by_owner}").label("kind"), owner.label("owner"),
               finished.c.position, cast(null(), Integer).label("entered"),
               cast(null(), Integer).label("passed"),
               cast(func.avg(finished.c.days), Float).label("median"))
        .where(middle).group_by(*group)
    )


def _stay_numbers(db: Executor, stays: Subquery) -> list[Any]:
    """Every figure of the stays in one statement: the stays are a materialized CTE, walked
    once instead of once per figure (per owner and for the team, passes and medians)."""
    walked = select(stays).cte("coaching_stays_once").prefix_with("MATERIALIZED",
                                                                  dialect="postgresql")
    parts = [_pass_counts(walked, True), _pass_counts(walked, False), _medians(walked, True),
             _medians(walked, False)]
    return list(db.execute(union_all(*parts)))


def _cohort_counts(request: ReportRequest) -> list[Any]:
    """``(owner, created, won)`` of the cohort."""
    start, end = range_utc(request)
    return list(request.connection.execute(
        select(leads.c.owner, func.count(), count_if(leads.c.status == "won"))
        .where(leads.c.pipeline == str(request.options["pipeline"]), created_in(start, end))
        .group_by(leads.c.owner)
    ))


def funnels(request: ReportRequest, steps: list[str]) -> tuple[dict[str, Funnel], Funnel]:
    """Each owner's funnel (every owner of a cohort lead) and the team's."""
    db = request.connection
    stays = _stays(request, steps)
    owners: dict[str, Funnel] = {}
    team = Funnel(TEAM, steps={step: StepNumbers() for step in steps})

    def funnel(owner: str) -> Funnel:
        if owner not in owners:
            owners[owner] = Funnel(owner, steps={step: StepNumbers() for step in steps})
        return owners[owner]

    for owner, created, won in _cohort_counts(request):
        mine = funnel(owner)
        mine.created, mine.won = int(created), int(won)
        team.created += int(created)
        team.won += int(won)
    for kind, owner, position, entered, passed, median in _stay_numbers(db, stays):
        who = funnel(owner) if kind.endswith("True") else team
        numbers = who.steps[steps[int(position)]]
        if kind.startswith("pass"):
            numbers.entered, numbers.passed = int(entered), int(passed)
        else:
            numbers.median_days = round(float(median), 1)
    return owners, team


def best_member(members: list[Funnel], min_cohort: int) -> str | None:
    """The highest win rate among members with ``min_cohort`` created leads or more (ties:
    more won, then config order — the order of ``members``)."""
    eligible = [(index, f) for index, f in enumerate(members) if f.created >= min_cohort]
    if not eligible:
        return None
    _index, chosen = max(eligible, key=lambda item: (item[1].win_rate or 0.0, item[1].won,
                                                     -item[0]))
    return chosen.who


def blocking(member: Funnel, team: Funnel, steps: list[str]) -> tuple[str | None, float | None]:
    """The step where the member loses the most deals against the team's pass rate."""
    found: tuple[str, float] | None = None
    for step in steps:
        mine, theirs = member.steps[step], team.steps[step]
        if mine.pass_rate is None or theirs.pass_rate is None:
            continue
        gap = (theirs.pass_rate - mine.pass_rate) * mine.entered
        if gap > 1e-9 and (found is None or gap > found[1] + 1e-9):
            found = (step, gap)
    if found is None:
        return None, None
    return found[0], round(found[1], 1)


def _row(funnel: Funnel, steps: list[str], block: tuple[str | None, float | None]) -> dict[
    str, Any
]:
    return {
        "member": funnel.who,
        "created": funnel.created,
        "won": funnel.won,
        "win_rate": funnel.win_rate,
        "steps": [
            {"step": step, "entered": n.entered, "passed": n.passed, "pass_rate": n.pass_rate,
             "median_days": n.median_days}
            for step in steps for n in [funnel.steps[step]]
        ],
        "blocking_step": block[0],
        "blocking_gap": block[1],
    }


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """A row for the table and CSV: one key per step and figure."""
    flat = {key: value for key, value in row.items() if key != "steps"}
    for numbers in row["steps"]:
        for key in ("entered", "passed", "pass_rate", "median_days"):
            flat[f"{numbers['step']}.{key}"] = numbers[key]
    return flat


def run_coaching(request: ReportRequest) -> ReportResult:
    """Build the coaching result (see the module docstring)."""
    pipeline = find_pipeline(request, required=True)
    assert pipeline is not None  # required=True raises instead
    steps = list(pipeline.steps)
    min_cohort = request.options.get("min_cohort")
    min_cohort = DEFAULT_MIN_COHORT if min_cohort is None else int(min_cohort)
    owners, team = funnels(request, steps)
    members = [owners[m.id] for m in request.app.config.members if m.id in owners]
    rows = [_row(f, steps, blocking(f, team, steps)) for f in members]
    rows.append(_row(team, steps, (None, None)))
    columns = [
        Column(key="member", label=_("Member"), kind="member"),
        Column(key="created", label=_("Created"), kind="int"),
        Column(key="won", label=_("Won"), kind="int"),
        Column(key="win_rate", label=_("Win %"), kind="percent"),
        *(Column(key=f"{step}.pass_rate", label=_("{step} pass %").format(
            step=step), kind="percent")
          for step in steps),
        Column(key="blocking_step", label=_("Blocking step")),
        Column(key="blocking_gap", label=_("Deals lost there"), kind="number"),
    ]
    series = [
        ChartSeries(name=row["member"], x=steps,
                    y=[float(s["pass_rate"] or 0.0) * 100 for s in row["steps"]], kind="line")
        for row in rows
    ]
    return ReportResult(
        report="coaching",
        title=_("Coaching · {value}").format(value=pipeline.label or pipeline.id),
        start=request.start,
        end=request.end,
        columns=columns,
        rows=rows,
        table_rows=[_flat(row) for row in rows],
        series=series,
        options={"pipeline": pipeline.id, "min_cohort": min_cohort},
        extra={"best": best_member(members, min_cohort)},
    )
