"""The morning digest as a typed model, built from report results.

``build_digest`` never queries the activity tables itself: it runs the ``activity`` report for
the day, takes objectives progress from ``compute_objectives`` and the due reminders from the
services, and arranges them into a ``Digest``. Renderers (``digest_render``) turn that model
into text and HTML, so what the e-mail says is exactly what the reports say.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from salesplan.core.calendar import is_working_day, to_local
from salesplan.core.errors import PluginError, SalesplanError
from salesplan.core.i18n import translator
from salesplan.core.i18n_types import Label
from salesplan.plugins.email_digest.sections import DigestSection

_ = translator("email_digest")

if TYPE_CHECKING:
    from sqlmodel import Session

    from salesplan.core.action_types import ActionTypeSpec
    from salesplan.core.context import AppContext
    from salesplan.plugins.objectives.progress import ObjectiveProgress

TEAM = "team"
SECTIONS_HOOK = "salesplan_digest_sections"


class OutcomeCount(BaseModel):
    """How many actions of a type ended with one outcome."""

    outcome: str
    label: Label
    color: str = "default"
    count: int


class TypeActivity(BaseModel):
    """Actions of one type, with their outcome breakdown (actions with an outcome only)."""

    action_type: str
    label: Label
    color: str = "default"
    icon: str = ""
    count: int
    outcomes: list[OutcomeCount] = Field(default_factory=list)


class ObjectiveLine(BaseModel):
    """One objective's progress for a member (or the team) at the digest's day."""

    who: str
    name: str
    metric: str
    label: Label
    per: str
    period: str
    target: float
    actual: float
    expected: float
    status: str
    needed_per_day: float | None = None
    money: bool = False

    @property
    def met(self) -> bool:
        return self.status == "met"

    @property
    def behind_by(self) -> float:
        """How far actual is below what was expected by the end of the day."""
        return max(self.expected - self.actual, 0.0)


class MemberDay(BaseModel):
    """What one member did on the day."""

    member: str
    name: str
    segment: str
    role: str
    email: str | None = None
    actions: list[TypeActivity] = Field(default_factory=list)
    total_actions: int = 0
    leads_created: int = 0
    leads_managed: int = 0
    leads_won: int = 0
    amount_won: float = 0.0
    day_objectives: list[ObjectiveLine] = Field(default_factory=list)


class TeamTotals(BaseModel):
    """The activity report's totals, plus the team's own day objectives.

    ``leads_managed`` is None for the team: distinct leads per member do not add up.
    """

    actions: list[TypeActivity] = Field(default_factory=list)
    total_actions: int = 0
    leads_created: int = 0
    leads_managed: int | None = None
    leads_won: int = 0
    amount_won: float = 0.0
    day_objectives: list[ObjectiveLine] = Field(default_factory=list)


class ReminderLine(BaseModel):
    """A reminder due by the end of the morning the digest is read."""

    member: str
    name: str
    action_type: str
    label: Label
    color: str = "default"
    due: datetime
    overdue: bool
    target: str
    note: str = ""


class Digest(BaseModel):
    """Everything the morning e-mail says about ``day``; ``today`` is the day after."""

    team: str
    currency: str
    day: date
    today: date
    working_day: bool
    members: list[MemberDay]
    totals: TeamTotals
    behind: list[ObjectiveLine] = Field(default_factory=list)
    week_period: str = ""
    reminders: list[ReminderLine] = Field(default_factory=list)
    sections: list[DigestSection] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)
    """Sections that could not be built (their plugin named): said on the command line."""
    personal_for: str | None = None


def _type_activity(
    type_id: str,
    count: int,
    outcomes: dict[str, int],
    types: dict[str, ActionTypeSpec],
) -> TypeActivity:
    spec = types.get(type_id)
    order = list(spec.outcome_ids) if spec else []
    ordered = [o for o in order if o in outcomes] + [o for o in outcomes if o not in order]
    lines = []
    for outcome_id in ordered:
        outcome_spec = spec.outcome(outcome_id) if spec else None
        lines.append(
            OutcomeCount(
                outcome=outcome_id,
                label=outcome_spec.label if outcome_spec else outcome_id.replace("_", " "),
                color=outcome_spec.color if outcome_spec else "default",
                count=int(outcomes[outcome_id]),
            )
        )
    return TypeActivity(
        action_type=type_id,
        label=spec.label if spec else type_id.replace("_", " ").capitalize(),
        color=spec.color if spec else "default",
        icon=spec.icon if spec else "",
        count=int(count),
        outcomes=lines,
    )


def _activities(
    actions: dict[str, int],
    outcomes: dict[str, dict[str, int]],
    types: dict[str, ActionTypeSpec],
) -> list[TypeActivity]:
    """Types in registry order, then any type the base knows and the config no longer has."""
    order = [t for t in types if actions.get(t)] + [
        t for t in actions if t not in types and actions[t]
    ]
    return [_type_activity(t, actions[t], outcomes.get(t, {}), types) for t in order]


def metric_label(app: AppContext, metric: str) -> str:
    """``call:reached`` → ``Call reached``; ``leads_won`` → ``leads won``."""
    type_id, _sep, outcome_id = metric.partition(":")
    spec = app.registry.action_types.get(type_id)
    if spec is None:
        return metric.replace("_", " ")
    if outcome_id:
        outcome = spec.outcome(outcome_id)
        return f"{spec.label} {outcome.label if outcome else outcome_id}"
    return spec.label


def _objective_line(app: AppContext, progress: ObjectiveProgress) -> ObjectiveLine:
    member = app.config.member(progress.who)
    return ObjectiveLine(
        who=progress.who,
        name="Team" if progress.who == TEAM else (member.name if member else progress.who),
        metric=progress.metric,
        label=metric_label(app, progress.metric),
        per=progress.per,
        period=progress.period.label,
        target=progress.target,
        actual=progress.actual,
        expected=progress.expected,
        status=progress.status,
        needed_per_day=progress.needed_per_day,
        money=progress.metric == "revenue",
    )


def _add(into: dict[str, int], more: dict[str, Any]) -> None:
    for key, value in more.items():
        into[key] = into.get(key, 0) + int(value)


def _reminder_lines(session: Session, app: AppContext, today: date) -> list[ReminderLine]:
    from salesplan.core import services

    reminders = services.due_reminders(session, app, day=today)
    targets = services.reminder_targets(session, reminders)
    lines = []
    for reminder in reminders:
        spec = app.registry.action_types.get(reminder.action_type)
        member = app.config.member(reminder.member)
        due = to_local(reminder.due_at, app.tz)
        lines.append(
            ReminderLine(
                member=reminder.member,
                name=member.name if member else reminder.member,
                action_type=reminder.action_type,
                label=spec.label if spec else reminder.action_type,
                color=spec.color if spec else "default",
                due=due,
                overdue=due.date() < today,
                target=targets.get(reminder.id or 0, ""),
                note=reminder.note,
            )
        )
    return lines


def build_digest(session: Session, app: AppContext, day: date) -> Digest:
    """The digest for ``day``: the activity report's rows, objectives at ``day`` and the
    reminders due by the end of the next day (the morning the digest is read)."""
    from salesplan.core.reports.runner import execute_report
    from salesplan.plugins.objectives.progress import compute_objectives

    report = app.registry.reports.get("activity")
    if report is None:
        raise PluginError(
            _("the digest needs the 'activity' report: enable plugin activity_report"))
    result = execute_report(session.connection(), app, report, day, day, {})
    types = app.registry.action_types
    progress = compute_objectives(session, app, day=day)
    working = is_working_day(day, app.config.team.working_days, app.config.team.holidays)
    day_lines: dict[str, list[ObjectiveLine]] = {}
    behind: list[ObjectiveLine] = []
    week_period = ""
    for entry in progress:
        if entry.per == "day" and working:
            day_lines.setdefault(entry.who, []).append(_objective_line(app, entry))
        elif entry.per == "week":
            week_period = entry.period.label
            if entry.status == "behind":
                behind.append(_objective_line(app, entry))

    members: list[MemberDay] = []
    totals = TeamTotals(day_objectives=day_lines.get(TEAM, []))
    total_actions: dict[str, int] = {}
    total_outcomes: dict[str, dict[str, int]] = {}
    for row in result.rows:
        member_id = str(row["member"])
        config_member = app.config.member(member_id)
        actions = {k: int(v) for k, v in (row.get("actions") or {}).items()}
        outcomes = {
            t: {o: int(n) for o, n in by_outcome.items()}
            for t, by_outcome in (row.get("outcomes") or {}).items()
        }
        members.append(
            MemberDay(
                member=member_id,
                name=config_member.name if config_member else member_id,
                segment=config_member.segment if config_member else "",
                role=config_member.role if config_member else "rep",
                email=config_member.email if config_member else None,
                actions=_activities(actions, outcomes, types),
                total_actions=sum(actions.values()),
                leads_created=int(row.get("leads_created") or 0),
                leads_managed=int(row.get("leads_managed") or 0),
                leads_won=int(row.get("leads_won") or 0),
                amount_won=float(row.get("amount_won") or 0.0),
                day_objectives=day_lines.get(member_id, []),
            )
        )
        _add(total_actions, actions)
        for type_id, by_outcome in outcomes.items():
            _add(total_outcomes.setdefault(type_id, {}), by_outcome)
        totals.leads_created += members[-1].leads_created
        totals.leads_won += members[-1].leads_won
        totals.amount_won += members[-1].amount_won
    if result.totals is not None:  # the report's own totals win over the sum of its rows
        report_totals = result.totals
        total_actions = {k: int(v) for k, v in (report_totals.get("actions") or {}).items()}
        total_outcomes = {
            t: {o: int(n) for o, n in by_outcome.items()}
            for t, by_outcome in (report_totals.get("outcomes") or {}).items()
        }
        totals.leads_created = int(report_totals.get("leads_created") or 0)
        totals.leads_won = int(report_totals.get("leads_won") or 0)
        totals.amount_won = float(report_totals.get("amount_won") or 0.0)
        managed = report_totals.get("leads_managed")
        totals.leads_managed = None if managed is None else int(managed)
    totals.actions = _activities(total_actions, total_outcomes, types)
    totals.total_actions = sum(total_actions.values())
    today = day + timedelta(days=1)
    return Digest(
        team=app.config.team.name,
        currency=app.config.team.currency,
        day=day,
        today=today,
        working_day=working,
        members=members,
        totals=totals,
        behind=behind,
        week_period=week_period,
        reminders=_reminder_lines(session, app, today),
        **_plugin_sections(app, day),
    )


def _plugin_sections(app: AppContext, day: date) -> dict[str, Any]:
    """Every active plugin's ``salesplan_digest_sections`` for ``day``, each contained: one
    that raises or returns something else is left out and named in ``problems``."""
    sections: list[DigestSection] = []
    problems: list[str] = []
    for plugin, function, argnames in app.plugins.implementations(SECTIONS_HOOK):
        arguments = {"app": app, "day": day}
        try:
            returned = function(**{name: arguments[name] for name in argnames})
            found = [DigestSection.model_validate(item) for item in returned or []]
        except Exception as exc:  # a plugin's bug never stops the digest
            detail = exc.message if isinstance(exc, SalesplanError) else (
                f"{type(exc).__name__}: {exc}")
            problems.append(f"plugin {plugin!r} failed in {SECTIONS_HOOK}: {detail}")
            continue
        sections += [section.model_copy(update={"plugin": plugin}) for section in found]
    return {"sections": sections, "problems": problems}


def personal_digest(digest: Digest, member_id: str) -> Digest:
    """The part of a team digest that concerns one member: their day, their pace, their
    reminders; the totals are their own."""
    mine = [m for m in digest.members if m.member == member_id]
    own = mine[0] if mine else None
    totals = TeamTotals(
        actions=own.actions if own else [],
        total_actions=own.total_actions if own else 0,
        leads_created=own.leads_created if own else 0,
        leads_managed=own.leads_managed if own else 0,
        leads_won=own.leads_won if own else 0,
        amount_won=own.amount_won if own else 0.0,
    )
    return digest.model_copy(
        update={
            "members": mine,
            "totals": totals,
            "behind": [b for b in digest.behind if b.who == member_id],
            "reminders": [r for r in digest.reminders if r.member == member_id],
            "sections": [
                section.model_copy(update={"lines": section.members[member_id]})
                for section in digest.sections if section.members.get(member_id)
            ],
            "personal_for": member_id,
        }
    )
