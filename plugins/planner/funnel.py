"""The reverse funnel (SPEC §7): from a revenue target to the actions each segment and member
must do, rounding up at every stage.

All arithmetic is exact (``fractions.Fraction``): config floats enter through their decimal
repr, so ``0.1`` is exactly one tenth and ``3 × 0.1`` never becomes ``0.30000000000000004``
(whose ceiling would be 1 instead of… still 1, but ``30 × 0.1`` would round up to 4 instead of
3). A ratio can be *unknown* (``None``): that only happens for a measured ratio without data,
and the plan then uses the configured ratio and records the fallback.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from salesplan.core.calendar import (
    Period,
    count_working_days,
    period_containing,
    working_days_in,
)
from salesplan.core.config.models import TeamConfig
from salesplan.core.errors import ConfigError, DataError
from salesplan.core.fields import MAX_AMOUNT
from salesplan.core.i18n import plural_translator, translator
from salesplan.plugins.planner.settings import Funnel

_ = translator("planner")
ngettext = plural_translator("planner")

Ratio = Fraction | None
StageRatios = dict[str, dict[str, Ratio]]
"""Per stage: segment → action type → ratio (unknown = None)."""

PROSPECTS = "prospects"
SCALAR_RATIOS = ("deal_size", "opportunities_per_sale", "prospects_per_opportunity")


def exact(value: float | int | str | Fraction) -> Fraction:
    """A config or CLI number as an exact fraction (floats through their shortest repr)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        raise DataError(_("not a finite number: {value!r}").format(value=value))
    if isinstance(value, float):
        return Fraction(repr(value))
    try:
        number = Fraction(str(value).strip().replace("_", ""))
    except (ValueError, ZeroDivisionError):
        raise DataError(_("not a number: {value!r}").format(value=value)) from None
    if abs(number) > MAX_AMOUNT:
        raise DataError(_("too large: {value!r} (at most {MAX_AMOUNT:,})").format(
            value=value, MAX_AMOUNT=MAX_AMOUNT))
    return number


def ceil(value: Fraction) -> int:
    """Round up (exact: ``Fraction`` has no float noise)."""
    return math.ceil(value)


def ratio_number(value: Ratio) -> float | None:
    """A ratio for JSON and tables: a float rounded to 4 places, or None when unknown."""
    return None if value is None else round(float(value), 4)


@dataclass
class FunnelRatios:
    """Every ratio the plan needs. Scalars may be None only for measured ratios."""

    deal_size: Ratio
    opportunities_per_sale: Ratio
    prospects_per_opportunity: Ratio
    per_prospect: StageRatios = field(default_factory=dict)
    per_opportunity: StageRatios = field(default_factory=dict)
    prospects_by: str | None = None
    """The segment that brings the prospects (``[funnel] prospects_by``)."""

    def scalar(self, name: str) -> Ratio:
        value: Ratio = getattr(self, name)
        return value

    def to_json(self) -> dict[str, object]:
        return {
            **{name: ratio_number(self.scalar(name)) for name in SCALAR_RATIOS},
            "per_prospect": _stage_json(self.per_prospect),
            "per_opportunity": _stage_json(self.per_opportunity),
        }


def _stage_json(stage: StageRatios) -> dict[str, dict[str, float | None]]:
    return {seg: {t: ratio_number(r) for t, r in types.items()} for seg, types in stage.items()}


def configured_ratios(funnel: Funnel | None) -> FunnelRatios:
    """The ``[funnel]`` section as exact ratios; a ``ConfigError`` when there is none."""
    if funnel is None:
        raise ConfigError(_("the config has no [funnel] section: the planner needs deal_size, "
                          "opportunities_per_sale and prospects_per_opportunity"))
    ratios = FunnelRatios(
        deal_size=exact(funnel.deal_size),
        opportunities_per_sale=exact(funnel.opportunities_per_sale),
        prospects_per_opportunity=exact(funnel.prospects_per_opportunity),
        prospects_by=funnel.prospects_by,
    )
    if funnel.per_prospect is not None:
        ratios.per_prospect = {
            funnel.per_prospect.segment: {
                t: exact(v) for t, v in (funnel.per_prospect.model_extra or {}).items()
            }
        }
    if funnel.per_opportunity is not None:
        ratios.per_opportunity = {
            funnel.per_opportunity.segment: {
                t: exact(v) for t, v in (funnel.per_opportunity.model_extra or {}).items()
            }
        }
    return ratios


@dataclass
class Choice:
    """Which ratio the plan used for one key, and why."""

    key: str
    configured: Ratio
    measured: Ratio
    used: Fraction
    source: str  # "configured" | "measured" | "configured (measured unknown)"


def choose_ratios(
    configured: FunnelRatios, measured: FunnelRatios | None
) -> tuple[FunnelRatios, list[Choice]]:
    """The ratios the plan uses: measured where known, else configured (recorded)."""
    choices: list[Choice] = []

    def pick(key: str, conf: Ratio, meas: Ratio, have_measure: bool) -> Fraction | None:
        if have_measure and meas is not None:
            choices.append(Choice(key, conf, meas, meas, "measured"))
            return meas
        if conf is None:
            return None
        source = "configured (measured unknown)" if have_measure else "configured"
        choices.append(Choice(key, conf, meas, conf, source))
        return conf

    has = measured is not None
    used = FunnelRatios(deal_size=None, opportunities_per_sale=None,
                        prospects_per_opportunity=None, prospects_by=configured.prospects_by)
    for name in SCALAR_RATIOS:
        value = pick(name, configured.scalar(name), measured.scalar(name) if measured else None,
                     has)
        setattr(used, name, value)
    for stage in ("per_prospect", "per_opportunity"):
        conf_stage: StageRatios = getattr(configured, stage)
        meas_stage: StageRatios = getattr(measured, stage) if measured else {}
        result: StageRatios = {}
        for segment in [*conf_stage, *(s for s in meas_stage if s not in conf_stage)]:
            types = [*conf_stage.get(segment, {})]
            types += [t for t in meas_stage.get(segment, {}) if t not in types]
            for type_id in types:
                value = pick(
                    f"{stage}.{segment}.{type_id}",
                    conf_stage.get(segment, {}).get(type_id),
                    meas_stage.get(segment, {}).get(type_id),
                    has,
                )
                if value is not None:
                    result.setdefault(segment, {})[type_id] = value
        setattr(used, stage, result)
    return used, choices


@dataclass
class PlanLine:
    """One step of the computation, with its explanation."""

    text: str
    segment: str | None = None
    metric: str | None = None
    count: int = 0


@dataclass(frozen=True)
class Cadence:
    """A target at a cadence: ``target`` per ``per`` (day, week or the plan's period)."""

    per: str
    target: int


@dataclass
class Plan:
    """The reverse funnel for one revenue target and one period."""

    revenue: Fraction
    ratios: FunnelRatios
    sales: int
    opportunities: int
    prospects: int
    segments: dict[str, dict[str, int]]
    members: dict[str, dict[str, int]]
    member_segment: dict[str, str]
    period: Period
    working_days: int
    per_day: dict[str, dict[str, int]]
    lines: list[PlanLine]
    notes: list[str]
    weeks: int = 0
    """Weeks of the period holding one of its working days."""
    cadence: dict[str, dict[str, Cadence]] = field(default_factory=dict)
    """Per member and metric, the figure at its natural cadence."""


def _fmt(value: Fraction | int) -> str:
    number = float(value)
    if number.is_integer():
        return f"{int(number):,}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def _plural(word: str, count: int) -> str:
    return word if count == 1 else f"{word}s"


def build_plan(
    config: TeamConfig,
    revenue: Fraction,
    ratios: FunnelRatios,
    period: Period,
    prospects_by: str | None = None,
) -> Plan:
    """Compute the plan. Every stage rounds up; members split their segment's counts (each
    rounded up), and each member's count is spread over the period's working days (rounded
    up)."""
    if revenue <= 0:
        raise DataError(_("--revenue must be > 0, got {revenue}").format(revenue=_fmt(revenue)))
    for name in SCALAR_RATIOS:
        value = ratios.scalar(name)
        if value is None or value <= 0:
            raise ConfigError(_("funnel.{name}: must be a number > 0 to plan").format(name=name))
    assert ratios.deal_size and ratios.opportunities_per_sale
    assert ratios.prospects_per_opportunity
    lines: list[PlanLine] = []
    notes: list[str] = []
    sales = ceil(revenue / ratios.deal_size)
    lines.append(PlanLine(
        ngettext("{revenue} revenue ÷ {deal_size} deal size = {sales} sale",
                 "{revenue} revenue ÷ {deal_size} deal size = {sales} sales", sales).format(
            revenue=_fmt(revenue), deal_size=_fmt(ratios.deal_size), sales=sales),
        None, "sales", sales))
    opportunities = ceil(sales * ratios.opportunities_per_sale)
    lines.append(PlanLine(
        ngettext("{sales} sale × {ratio} opportunities = {opportunities} opportunities",
                 "{sales} sales × {ratio} opportunities = {opportunities} opportunities",
                 sales).format(sales=sales, ratio=_fmt(ratios.opportunities_per_sale),
                               opportunities=opportunities),
        None, "opportunities", opportunities))
    prospects = ceil(opportunities * ratios.prospects_per_opportunity)
    by = prospects_by if prospects_by is not None else ratios.prospects_by
    lines.append(PlanLine(
        _("{opportunities} opportunities × {ratio} prospects = {prospects} prospects").format(
            opportunities=opportunities, ratio=_fmt(ratios.prospects_per_opportunity),
            prospects=prospects) + (f" ({by})" if by else ""), by, PROSPECTS, prospects))
    segments: dict[str, dict[str, int]] = {}
    if by:
        segments.setdefault(by, {})[PROSPECTS] = prospects
    for stage, base, unit in (
        ("per_prospect", prospects, "prospects"),
        ("per_opportunity", opportunities, "opportunities"),
    ):
        stage_ratios: StageRatios = getattr(ratios, stage)
        for segment, types in stage_ratios.items():
            for type_id, ratio in types.items():
                assert ratio is not None
                count = ceil(base * ratio)
                bucket = segments.setdefault(segment, {})
                bucket[type_id] = bucket.get(type_id, 0) + count
                unit_name = _plural(type_id, 1 if ratio == 1 else 2)
                text = (_("{base} prospects × {ratio} {unit} = {count} {units} ({segment})")
                        if unit == "prospects" else
                        _("{base} opportunities × {ratio} {unit} = {count} {units} ({segment})"))
                lines.append(PlanLine(text.format(
                    base=base, ratio=_fmt(ratio), unit=unit_name, count=count,
                    units=_plural(type_id, count), segment=segment), segment, type_id, count))
    members: dict[str, dict[str, int]] = {}
    member_segment: dict[str, str] = {}
    for segment, counts in segments.items():
        people = config.members_of(segment)
        if not people:
            notes.append(_("segment {segment!r} has no members: its counts are not split").format(
                segment=segment))
            continue
        for person in people:
            member_segment[person.id] = segment
            members[person.id] = {
                metric: ceil(Fraction(count, len(people))) for metric, count in counts.items()
            }
    team = config.team
    working = count_working_days(period.start, period.end, team.working_days, team.holidays)
    weeks = working_weeks(period, team.working_days, team.holidays, team.week_starts)
    per_day: dict[str, dict[str, int]] = {}
    if working:
        per_day = {
            member: {metric: ceil(Fraction(count, working)) for metric, count in counts.items()}
            for member, counts in members.items()
        }
    else:
        notes.append(_("period {label} has no working day: no per-day figures").format(
            label=period.label))
    cadence = {
        member: {metric: natural_cadence(count, working, weeks, period.kind)
                 for metric, count in counts.items()}
        for member, counts in members.items()
    }
    return Plan(
        revenue=revenue, ratios=ratios, sales=sales, opportunities=opportunities,
        prospects=prospects, segments=segments, members=members, member_segment=member_segment,
        period=period, working_days=working, per_day=per_day, lines=lines, notes=notes,
        weeks=weeks, cadence=cadence,
    )


def working_weeks(period: Period, working_days: Sequence[str], holidays: Collection[date],
                  week_starts: str) -> int:
    """The weeks of ``period`` that hold at least one of its working days."""
    days = working_days_in(period.start, period.end, working_days, holidays)
    return len({period_containing("week", day, week_starts).start for day in days})


def natural_cadence(share: int, working: int, weeks: int, kind: str) -> Cadence:
    """A member's share of a period at the cadence a person says it (SPEC §7): per day when it
    is at least one a working day, else per week when at least one a week, else per period;
    the target is the share over the number of such periods, rounded up."""
    if working and share >= working:
        return Cadence("day", ceil(Fraction(share, working)))
    if weeks and share >= weeks and kind != "week":
        return Cadence("week", ceil(Fraction(share, weeks)))
    return Cadence(kind, share)


def plan_json(plan: Plan, choices: list[Choice], configured: FunnelRatios,
              measured: FunnelRatios | None, measured_info: dict[str, object] | None
              ) -> dict[str, object]:
    """SPEC §7 JSON: ``revenue, sales, opportunities, prospects, segments, members`` first,
    then the period, per-day figures, ratios and fallbacks."""
    revenue = float(plan.revenue)
    data: dict[str, object] = {
        "revenue": int(revenue) if revenue.is_integer() else revenue,
        "sales": plan.sales,
        "opportunities": plan.opportunities,
        "prospects": plan.prospects,
        "segments": plan.segments,
        "members": plan.members,
        "period": {
            "kind": plan.period.kind,
            "label": plan.period.label,
            "start": plan.period.start.isoformat(),
            "end": plan.period.end.isoformat(),
            "working_days": plan.working_days,
            "weeks": plan.weeks,
        },
        "per_day": plan.per_day,
        "cadence": {
            member: {metric: {"per": c.per, "target": c.target} for metric, c in metrics.items()}
            for member, metrics in plan.cadence.items()
        },
        "ratios": plan.ratios.to_json(),
        "configured": configured.to_json(),
        "fallbacks": [c.key for c in choices if c.source.startswith("configured (")],
        "explanation": [line.text for line in plan.lines],
        "notes": plan.notes,
    }
    if measured is not None:
        data["measured"] = {**(measured_info or {}), "ratios": measured.to_json()}
    return data
