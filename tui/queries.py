"""Read-only queries the screens need and no report gives: the dashboard's day, the pipeline
board's pages of cards, a prospecting list's prospects.

Each function runs in a worker thread on its own session and returns plain dataclasses, so
nothing lazy-loads later on the UI thread. Each takes the app's actor and shows only what the
services would let them see (``salesplan.core.access``: ``owner_clause`` for leads and
prospects, ``member_clause`` for actions and reminders, as the HTTP API). Board columns
are paged (``PAGE_SIZE`` cards and a count)
so a pipeline with thousands of open leads stays instant.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from salesplan.core.access import LOCAL_ADMIN, Actor, member_clause, owner_clause
from salesplan.core.calendar import day_range_utc, period_containing, to_local
from salesplan.core.db.models import Action, Lead, Prospect, ProspectingList, Reminder
from salesplan.core.services.search import lead_match, prospect_match
from salesplan.core.statuses import OPEN_STATUSES

if TYPE_CHECKING:
    from salesplan.core.context import AppContext

PAGE_SIZE = 40


@dataclass(frozen=True)
class ReminderRow:
    """A due reminder, with what it is about."""

    due: datetime
    action_type: str
    member: str
    target: str
    lead_key: str | None
    prospect_key: str | None
    note: str


@dataclass
class DashboardData:
    """What the dashboard's own boxes show for one day (plugins' panels load apart)."""

    day: date
    week_label: str
    actions_by_type: dict[str, int]
    outcomes_by_type: dict[str, dict[str, int]]
    created_count: int
    created_amount: float
    won_count: int
    won_amount: float
    reminders: list[ReminderRow]


def _visible(clause: ColumnElement[bool] | None) -> list[ColumnElement[bool]]:
    """A visibility condition as a list of WHERE conditions (none: everything)."""
    return [] if clause is None else [clause]


def dashboard_data(app: AppContext, day: date, actor: Actor = LOCAL_ADMIN) -> DashboardData:
    """The day's actions (the configured members', as every report counts them), this
    week's leads and the reminders due by then; a rep's own."""
    from salesplan.core.reports.action_counts import action_counts
    from salesplan.core.reports.rollups import repair, rollup_view

    config = app.config
    week = period_containing("week", day, config.team.week_starts)
    _day_start, day_end = day_range_utc(day, day, app.tz)
    week_start, week_end = day_range_utc(week.start, week.end, app.tz)
    repair(app, [], day, day)
    with app.session() as session:
        connection = session.connection()
        usable = rollup_view(connection, app, [], day, day)
        actions: dict[str, int] = {}
        outcomes: dict[str, dict[str, int]] = defaultdict(dict)
        for (member, type_id, outcome), count in action_counts(
            connection, app, usable, day, day
        ).items():
            if not actor.sees_all and member != actor.member:
                continue
            actions[type_id] = actions.get(type_id, 0) + count
            if outcome:
                outcomes[type_id][outcome] = outcomes[type_id].get(outcome, 0) + count
        own_leads = _visible(owner_clause(actor, col(Lead.owner)))
        created_count, created_amount = session.exec(
            select(func.count(col(Lead.id)), func.coalesce(func.sum(Lead.amount), 0.0)).where(
                col(Lead.created_at) >= week_start, col(Lead.created_at) < week_end,
                *own_leads,
            )
        ).one()
        won_count, won_amount = session.exec(
            select(func.count(col(Lead.id)), func.coalesce(func.sum(Lead.amount), 0.0)).where(
                col(Lead.status) == "won", col(Lead.closed_at) >= week_start,
                col(Lead.closed_at) < week_end, *own_leads,
            )
        ).one()
        reminders = due_reminder_rows(session, app, day_end, actor=actor)
    order = list(app.registry.action_types)
    sorted_actions = dict(
        sorted(actions.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
    )
    return DashboardData(
        day=day,
        week_label=week.label,
        actions_by_type=sorted_actions,
        outcomes_by_type=dict(outcomes),
        created_count=int(created_count),
        created_amount=float(created_amount),
        won_count=int(won_count),
        won_amount=float(won_amount),
        reminders=reminders,
    )


def due_reminder_rows(
    session: Session, app: AppContext, before: datetime, limit: int = 200,
    actor: Actor = LOCAL_ADMIN,
) -> list[ReminderRow]:
    """Open reminders due before ``before`` (oldest first), with their lead or prospect; a
    rep's own (as ``services.due_reminders``)."""
    query = (
        # sqlmodel types select() for at most four entities (five work at run time).
        select(  # type: ignore[call-overload]
            Reminder, col(Lead.key), col(Lead.title), col(Prospect.key), col(Prospect.name)
        )
        .outerjoin(Lead, col(Lead.id) == Reminder.lead_id)
        .outerjoin(Prospect, col(Prospect.id) == Reminder.prospect_id)
        .where(Reminder.done == False, Reminder.due_at < before,  # noqa: E712
               *_visible(member_clause(actor, col(Reminder.member))))
        .order_by(col(Reminder.due_at), col(Reminder.id))
        .limit(limit)
    )
    result = []
    for reminder, lead_key, lead_title, prospect_key, prospect_name in session.exec(query):
        result.append(
            ReminderRow(
                due=to_local(reminder.due_at, app.tz),
                action_type=reminder.action_type,
                member=reminder.member,
                target=lead_title or prospect_name or "",
                lead_key=lead_key,
                prospect_key=prospect_key,
                note=reminder.note,
            )
        )
    return result


@dataclass(frozen=True)
class LeadCard:
    """A lead as the pipeline board shows it."""

    key: str
    title: str
    amount: float
    owner: str
    status: str
    next_reminder: datetime | None


@dataclass
class BoardColumn:
    """One step of the board: its first cards and how many open leads it holds."""

    step: str
    total: int
    amount: float
    cards: list[LeadCard] = field(default_factory=list)


def _open_leads(app: AppContext, pipeline: str, owner: str | None, actor: Actor,
                search: str | None) -> list[ColumnElement[bool]]:
    """The open leads of a pipeline the actor sees, of ``owner`` and found by ``search``."""
    conditions = [col(Lead.pipeline) == pipeline, col(Lead.status).in_(OPEN_STATUSES),
                  *_visible(owner_clause(actor, col(Lead.owner)))]
    if owner:
        conditions.append(col(Lead.owner) == owner)
    if search:
        conditions.append(lead_match(app, search))
    return conditions


def board_page(
    session: Session,
    app: AppContext,
    *,
    pipeline: str,
    step: str,
    owner: str | None,
    offset: int = 0,
    limit: int = PAGE_SIZE,
    actor: Actor = LOCAL_ADMIN,
    search: str | None = None,
) -> list[LeadCard]:
    """A page of open leads of one step the actor sees (found by ``search`` if given),
    newest first, with their next open reminder."""
    conditions = [*_open_leads(app, pipeline, owner, actor, search), col(Lead.step) == step]
    leads = session.exec(
        select(Lead)
        .where(*conditions)
        .order_by(col(Lead.created_at).desc(), col(Lead.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return _cards(session, app, list(leads))


def _cards(session: Session, app: AppContext, leads: list[Lead]) -> list[LeadCard]:
    """Cards of ``leads`` (in that order), each with its next open reminder."""
    ids = [lead.id for lead in leads]
    next_due: dict[int, datetime] = {}
    if ids:
        for lead_id, due in session.exec(
            select(col(Reminder.lead_id), func.min(Reminder.due_at))
            .where(col(Reminder.lead_id).in_(ids), col(Reminder.done) == False)  # noqa: E712
            .group_by(col(Reminder.lead_id))
        ):
            if lead_id is not None and due is not None:
                next_due[lead_id] = due
    cards = []
    for lead in leads:
        candidates = [d for d in (next_due.get(lead.id or 0), lead.remind_at) if d is not None]
        reminder = min(candidates) if candidates else None
        cards.append(
            LeadCard(
                key=lead.key,
                title=lead.title,
                amount=lead.amount,
                owner=lead.owner,
                status=lead.status,
                next_reminder=to_local(reminder, app.tz) if reminder else None,
            )
        )
    return cards


def board(
    app: AppContext, *, pipeline: str, owner: str | None, limit: int = PAGE_SIZE,
    actor: Actor = LOCAL_ADMIN, search: str | None = None,
) -> list[BoardColumn]:
    """Every step of a pipeline: open-lead count and amount and the first page of cards, of
    the leads the actor sees (and ``search`` finds, if given) — one ranked query over the
    pipeline's open leads, then the cards' rows by id."""
    spec = app.config.pipeline(pipeline)
    steps = spec.steps if spec else []
    with app.session() as session:
        step_column = col(Lead.step)
        ranked = (
            sa_select(col(Lead.id).label("id"), step_column.label("step"),
                      func.row_number().over(
                          partition_by=step_column,
                          order_by=(col(Lead.created_at).desc(), col(Lead.id).desc()),
                      ).label("rank"),
                      func.count().over(partition_by=step_column).label("total"),
                      func.sum(Lead.amount).over(partition_by=step_column).label("amount"))
            .where(*_open_leads(app, pipeline, owner, actor, search))
            .subquery()
        )
        first = session.execute(
            sa_select(ranked.c.id, ranked.c.step, ranked.c.total, ranked.c.amount)
            .where(ranked.c.rank <= limit).order_by(ranked.c.step, ranked.c.rank)).all()
        totals: dict[str, tuple[int, float]] = {}
        order: dict[str, list[int]] = defaultdict(list)
        for lead_id, step, total, amount in first:
            totals[step] = (int(total), float(amount or 0))
            order[step].append(int(lead_id))
        wanted = [lead_id for ids in order.values() for lead_id in ids]
        rows = {lead.id: lead for lead in session.exec(
            select(Lead).where(col(Lead.id).in_(wanted))).all()} if wanted else {}
        columns = []
        for step in steps:
            total, amount = totals.get(step, (0, 0.0))
            leads = [rows[lead_id] for lead_id in order.get(step, []) if lead_id in rows]
            columns.append(BoardColumn(step=step, total=total, amount=amount,
                                       cards=_cards(session, app, leads)))
    return columns


@dataclass(frozen=True)
class ProspectRow:
    """A prospect of a list, with whether it was converted and its last action."""

    key: str
    name: str
    company: str
    phone: str
    email: str
    owner: str
    actions: int
    lead_key: str | None


def list_names(app: AppContext) -> list[str]:
    """Every prospecting list, by name."""
    with app.session() as session:
        return list(
            session.exec(select(ProspectingList.name).order_by(col(ProspectingList.name))).all()
        )


def prospects_of(
    app: AppContext, list_name: str, limit: int = 500, actor: Actor = LOCAL_ADMIN,
    search: str | None = None,
) -> tuple[int, list[ProspectRow]]:
    """How many prospects of a list the actor sees (and ``search`` finds, if given) and the
    first ``limit`` of them (by name)."""
    with app.session() as session:
        plist = session.exec(
            select(ProspectingList).where(ProspectingList.name == list_name)
        ).first()
        if plist is None:
            return 0, []
        seen = _visible(owner_clause(actor, col(Prospect.owner)))
        if search:
            seen.append(prospect_match(app, search))
        total = session.exec(
            select(func.count(col(Prospect.id))).where(col(Prospect.list_id) == plist.id,
                                                       *seen)
        ).one()
        counts = (
            select(col(Action.prospect_id), func.count(col(Action.id)).label("n"))
            .join(Prospect, col(Prospect.id) == Action.prospect_id)
            .where(col(Prospect.list_id) == plist.id)
            .group_by(col(Action.prospect_id))
            .subquery()
        )
        rows = session.exec(
            select(Prospect, counts.c.n, Lead.key)
            .outerjoin(counts, counts.c.prospect_id == Prospect.id)
            .outerjoin(Lead, col(Lead.prospect_id) == Prospect.id)
            .where(Prospect.list_id == plist.id, *seen)
            .order_by(col(Prospect.name), col(Prospect.id))
            .limit(limit)
        ).all()
    return int(total), [
        ProspectRow(
            key=p.key,
            name=p.name,
            company=p.company,
            phone=p.phone,
            email=p.email,
            owner=p.owner or "",
            actions=int(n or 0),
            lead_key=lead_key,
        )
        for p, n, lead_key in rows
    ]
