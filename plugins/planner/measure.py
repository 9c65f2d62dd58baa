"""The measured funnel: every planner ratio derived from history with SQL aggregates.

Over the inclusive team-timezone days ``[start, end]``, for the whole team or one member:

- ``deal_size`` = average amount of leads won (closed in range, owned by the member);
- ``opportunities_per_sale`` = leads created in range / leads won in range;
- ``prospects_per_opportunity`` = prospects worked (≥ 1 action in range, by the member) /
  prospects converted (into a lead created in range; owned by the member);
- ``per_prospect[segment][type]`` = actions of that type on prospects in range by members of
  the segment / prospects worked; ``per_opportunity`` likewise with actions on leads / leads
  worked (distinct leads acted on in range).

A ratio whose denominator is 0, or a deal size or ratio that comes out as 0 where the plan
needs a positive number, is *unknown* (None), never 0: the plan then falls back to the
configured ratio. For one member, only their own segment's action ratios are measured.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from salesplan.core.calendar import day_range_utc
from salesplan.core.db.models import Action, Lead, Prospect
from salesplan.core.errors import DataError
from salesplan.core.i18n import translator
from salesplan.core.reports.action_counts import Target, action_counts
from salesplan.core.reports.rollups import rollup_view
from salesplan.core.services.common import check_member
from salesplan.plugins.planner.funnel import FunnelRatios, Ratio, StageRatios, exact
from salesplan.plugins.planner.settings import funnel_settings

_ = translator("planner")

if TYPE_CHECKING:
    from salesplan.core.context import AppContext


@dataclass
class MeasuredFunnel:
    """Measured ratios plus the raw counts they came from."""

    start: date
    end: date
    member: str | None
    ratios: FunnelRatios
    counts: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    best: bool = False
    """``member`` is the coaching report's best performer (``plan --best``)."""

    def info(self) -> dict[str, object]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(),
                "member": self.member, "best": self.best, "counts": self.counts,
                "notes": self.notes}


def _positive(value: Fraction | None) -> Ratio:
    return value if value is not None and value > 0 else None


def measure_funnel(
    session: Session, app: AppContext, *, start: date, end: date, member: str | None = None
) -> MeasuredFunnel:
    """Derive the funnel ratios from history (see the module docstring)."""
    config = app.config
    funnel = funnel_settings(app)
    if end < start:
        raise DataError(_("--measured: {isoformat} is before {isoformat2}").format(
            isoformat=end.isoformat(), isoformat2=start.isoformat()))
    if member is not None:
        check_member(app, member)
    low, high = day_range_utc(start, end, app.tz)

    won_query = select(
        func.count(col(Lead.id)), func.coalesce(func.sum(Lead.amount), 0.0)
    ).where(col(Lead.status) == "won", col(Lead.closed_at) >= low, col(Lead.closed_at) < high)
    created_query = select(func.count(col(Lead.id))).where(
        col(Lead.created_at) >= low, col(Lead.created_at) < high
    )
    worked_query = select(func.count(func.distinct(Action.prospect_id))).where(
        col(Action.prospect_id).is_not(None), col(Action.at) >= low, col(Action.at) < high
    )
    leads_worked_query = select(func.count(func.distinct(Action.lead_id))).where(
        col(Action.lead_id).is_not(None), col(Action.at) >= low, col(Action.at) < high
    )
    converted_query = (
        select(func.count(col(Prospect.id)))
        .join(Lead, col(Lead.prospect_id) == Prospect.id)
        .where(col(Lead.created_at) >= low, col(Lead.created_at) < high)
    )
    if member is not None:
        won_query = won_query.where(col(Lead.owner) == member)
        created_query = created_query.where(col(Lead.owner) == member)
        worked_query = worked_query.where(col(Action.member) == member)
        leads_worked_query = leads_worked_query.where(col(Action.member) == member)
        converted_query = converted_query.where(col(Prospect.owner) == member)
    won_count, won_amount = session.exec(won_query).one()
    created = int(session.exec(created_query).one())
    worked = int(session.exec(worked_query).one())
    leads_worked = int(session.exec(leads_worked_query).one())
    converted = int(session.exec(converted_query).one())
    won_count = int(won_count)

    counts: dict[str, Any] = {
        "leads_won": won_count,
        "amount_won": float(won_amount),
        "leads_created": created,
        "prospects_worked": worked,
        "prospects_converted": converted,
        "leads_worked": leads_worked,
    }
    ratios = FunnelRatios(
        deal_size=_positive(exact(float(won_amount)) / won_count) if won_count else None,
        opportunities_per_sale=_positive(Fraction(created, won_count)) if won_count else None,
        prospects_per_opportunity=(
            _positive(Fraction(worked, converted)) if converted else None
        ),
    )
    segment_of = {m.id: m.segment for m in config.members}
    notes: list[str] = []
    scope_segments = (
        [segment_of[member]] if member is not None else [s.id for s in config.segments]
    )
    members = [member] if member is not None else [m.id for m in config.members]
    connection = session.connection()
    usable = rollup_view(connection, app, [], start, end)
    stages: tuple[tuple[str, Target, int], ...] = (
        ("per_prospect", "prospect", worked),
        ("per_opportunity", "lead", leads_worked),
    )
    for stage, target, denominator in stages:
        per_member_type: dict[tuple[str, str], int] = {}
        for (who, type_id, _outcome), count in action_counts(
            connection, app, usable, start, end, members=members, on=target
        ).items():
            per_member_type[(who, type_id)] = per_member_type.get((who, type_id), 0) + count
        by_segment: dict[str, dict[str, int]] = {}
        for (who, type_id), count in per_member_type.items():
            segment = segment_of.get(who)
            if segment is None:
                notes.append(f"{stage}: {count} {type_id} by {who!r}, not a member, left out")
                continue
            bucket = by_segment.setdefault(segment, {})
            bucket[type_id] = bucket.get(type_id, 0) + int(count)
        configured_stage = getattr(funnel, stage, None) if funnel else None
        stage_ratios: StageRatios = {}
        segments = list(by_segment)
        if configured_stage is not None and configured_stage.segment not in segments:
            segments.insert(0, configured_stage.segment)
        for segment in segments:
            types = list(by_segment.get(segment, {}))
            if configured_stage is not None and configured_stage.segment == segment:
                types = [*configured_stage.ratios, *(t for t in types if t not in
                                                     configured_stage.ratios)]
            measurable = denominator > 0 and segment in scope_segments
            stage_ratios[segment] = {
                type_id: (
                    Fraction(by_segment.get(segment, {}).get(type_id, 0), denominator)
                    if measurable else None
                )
                for type_id in types
            }
        setattr(ratios, stage, stage_ratios)
        counts[f"{stage}_actions"] = by_segment
    return MeasuredFunnel(start, end, member, ratios, counts, notes)
