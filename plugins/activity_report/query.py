"""The activity report (SPEC §6): what each configured member did in a range of local days.

One row per configured member, in config order, members without activity included:
``member``; ``actions`` {type: count} (every enabled type, zeros included, then any other type
found in the base); ``outcomes`` {type: {outcome: count}} (only actions with an outcome, only
non-zero counts, in the type's outcome order); ``leads_created`` (owned by the member, created
in range); ``leads_managed`` (distinct leads the member acted on in range); ``leads_won`` and
``amount_won`` (owned by the member, status won, closed in range). Actions count by their
``at``, on leads and prospects alike.

Totals: sums, except ``leads_managed`` which is null: distinct counts do not add up across
members (two members on one lead), and a team-wide distinct count would cost a second pass.
Actions by members no longer in the config are not reported (they have no row).

Four grouped queries: action counts from the daily rollup plus the raw newer actions
(``rollups.action_counts``), distinct leads per member (``rollups.leads_touched``: whole
months from the monthly touch rollup, edge days from the partial index
``ix_actions_lead_touch``), and two on ``leads`` through its created/closed indexes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from salesplan.core.db.query_tables import leads
from salesplan.core.i18n import lazy_translator, translator
from salesplan.core.reporting import ChartSeries, Column, ReportResult
from salesplan.core.reports.action_counts import action_counts, leads_touched
from salesplan.core.reports.rollups import rollup_view
from salesplan.core.reports.sql import add_count, in_range, int_map, member_ids, request_range_utc

N_ = lazy_translator("activity_report")
_ = translator("activity_report")

if TYPE_CHECKING:
    from salesplan.core.registry import Registry
    from salesplan.core.reporting import ReportRequest

COLUMNS: tuple[Column, ...] = (
    Column(key="member", label=N_("Member"), kind="member"),
    Column(key="actions", label=N_("Actions"), kind="counts"),
    Column(key="outcomes", label=N_("Outcomes"), kind="outcomes"),
    Column(key="leads_created", label=N_("Leads created"), kind="int"),
    Column(key="leads_managed", label=N_("Leads managed"), kind="int"),
    Column(key="leads_won", label=N_("Won"), kind="int"),
    Column(key="amount_won", label=N_("Amount won"), kind="money"),
)


def _type_order(registry: Registry, found: set[str]) -> list[str]:
    configured = list(registry.action_types)
    return configured + sorted(found - set(configured))


def _outcome_order(registry: Registry, type_id: str, found: set[str]) -> list[str]:
    spec = registry.action_types.get(type_id)
    configured = list(spec.outcome_ids) if spec else []
    return [o for o in configured if o in found] + sorted(found - set(configured))


def _nested(
    registry: Registry, counts: dict[tuple[str, str | None], int]
) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """``actions`` and ``outcomes`` of one member from ``{(type, outcome): count}``."""
    per_type: dict[str, int] = {}
    per_outcome: dict[str, dict[str, int]] = {}
    for (type_id, outcome), count in counts.items():
        add_count(per_type, type_id, count)
        if outcome is not None and count:
            add_count(per_outcome.setdefault(type_id, {}), outcome, count)
    types = _type_order(registry, set(per_type))
    actions = {type_id: per_type.get(type_id, 0) for type_id in types}
    outcomes = {
        type_id: {
            outcome: per_outcome[type_id][outcome]
            for outcome in _outcome_order(registry, type_id, set(per_outcome[type_id]))
        }
        for type_id in types
        if type_id in per_outcome
    }
    return actions, outcomes


def run_activity(request: ReportRequest) -> ReportResult:
    """Compute the activity report; pure (no output), reused by the CLI, TUI and digest."""
    session, app = request.connection, request.app
    registry = app.registry
    members = member_ids(request)
    bounds = request_range_utc(request)

    by_member: dict[str, dict[tuple[str, str | None], int]] = {m: {} for m in members}
    usable = rollup_view(session, app, [], request.start, request.end)
    for (member, type_id, outcome), count in action_counts(
        session, app, usable, request.start, request.end, members=members
    ).items():
        by_member[member][(type_id, outcome)] = count

    managed = leads_touched(session, app, usable, request.start, request.end, members)
    created = int_map(session.execute(
        select(leads.c.owner, func.count())
        .where(in_range(leads.c.created_at, bounds), leads.c.owner.in_(members))
        .group_by(leads.c.owner)
    ))
    won: dict[str, tuple[int, float]] = {
        owner: (int(count), float(amount or 0.0))
        for owner, count, amount in session.execute(
            select(leads.c.owner, func.count(), func.sum(leads.c.amount))
            .where(leads.c.status == "won", in_range(leads.c.closed_at, bounds),
                   leads.c.owner.in_(members))
            .group_by(leads.c.owner)
        )
    }

    team_counts: dict[tuple[str, str | None], int] = {}
    for counts in by_member.values():
        for key, count in counts.items():
            team_counts[key] = team_counts.get(key, 0) + count
    all_types = {type_id for type_id, _ in team_counts}

    rows: list[dict[str, Any]] = []
    for member in members:
        actions, outcomes = _nested(registry, by_member[member])
        for type_id in _type_order(registry, all_types):
            actions.setdefault(type_id, 0)
        actions = {t: actions[t] for t in _type_order(registry, all_types)}
        leads_won, amount_won = won.get(member, (0, 0.0))
        rows.append({
            "member": member,
            "actions": actions,
            "outcomes": outcomes,
            "leads_created": created.get(member, 0),
            "leads_managed": managed.get(member, 0),
            "leads_won": leads_won,
            "amount_won": amount_won,
        })
    team_actions, team_outcomes = _nested(registry, team_counts)
    totals = {
        "member": "Total",
        "actions": team_actions,
        "outcomes": team_outcomes,
        "leads_created": sum(r["leads_created"] for r in rows),
        "leads_managed": None,  # distinct per member: not additive across members
        "leads_won": sum(r["leads_won"] for r in rows),
        "amount_won": sum(r["amount_won"] for r in rows),
    }
    series = [
        ChartSeries(
            name=registry.action_types[t].label if t in registry.action_types else t,
            x=members,
            y=[float(row["actions"].get(t, 0)) for row in rows],
        )
        for t in _type_order(registry, all_types)
    ]
    return ReportResult(
        report="activity",
        title=_("Activity"),
        start=request.start,
        end=request.end,
        columns=list(COLUMNS),
        rows=rows,
        totals=totals,
        series=series,
    )
