"""The demo team's history, simulated deterministically from a seed and "today".

Every prospect and lead follows a plausible path (cold calls reached about a third of the
time, discovery calls good about 40 %, meetings, proposals, negotiations — some going back a
step — and a final status). Time is counted in minutes on a calendar of the team's working
days (``day_index * 1440 + minute_of_day``), always inside working hours, so nothing happens
on a weekend or at night. History stops at a cutoff (today 13:00 on a working day, or the moment
of the build when that is earlier: nothing that happened is ever in the future): the next thing
each open prospect or lead was going to get becomes an open reminder, which is what puts
reminders due today (and later) on the dashboard.

The generator only produces plain rows; ``salesplan.core.demo.build`` writes them.
"""

from __future__ import annotations

import contextlib
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from salesplan.core.calendar import working_days_in
from salesplan.core.config.models import Pipeline, TeamConfig
from salesplan.core.demo import names
from salesplan.core.demo.rows import (
    NONE,
    ActionRows,
    Companies,
    LeadRows,
    ProspectRows,
    StepRows,
    pack_phone,
)
from salesplan.core.errors import ConfigError
from salesplan.core.i18n import _

MORNING = (9 * 60, 12 * 60 + 30)
AFTERNOON = (14 * 60, 18 * 60)
WORK_MINUTES = (MORNING[1] - MORNING[0]) + (AFTERNOON[1] - AFTERNOON[0])
CUTOFF_MINUTE = 13 * 60
HORIZON_DAYS = 60  # future working days on the calendar, for reminders
REQUIRED_TYPES = ("call", "email", "meeting", "discovery_call", "proposal")


@dataclass(frozen=True)
class DemoSize:
    """How big a demo is: history length and volumes."""

    days: int
    prospects: int
    convert_rate: float  # of reached prospects, how many become leads
    renewals: int
    call_attempts: int
    intro_email: float  # share of prospects marketing e-mails when adding them
    documentation: float  # share of reached, unconverted prospects sent documentation


SIZES: dict[str, DemoSize] = {
    "small": DemoSize(days=182, prospects=2_400, convert_rate=0.16, renewals=110,
                      call_attempts=3, intro_email=0.35, documentation=0.3),
    "large": DemoSize(days=365, prospects=200_000, convert_rate=0.30, renewals=48_000,
                      call_attempts=6, intro_email=1.0, documentation=0.6),
    # Five times the team (see ``salesplan.core.demo.team``) over 30 months: ~6.5M actions.
    "history": DemoSize(days=913, prospects=850_000, convert_rate=0.30, renewals=200_000,
                        call_attempts=6, intro_email=1.0, documentation=0.6),
}


@dataclass
class DemoData:
    """Rows to write; times are minutes on the working-day calendar (see ``to_utc``).

    Typed columns (``salesplan.core.demo.rows``), read back as rows: ``actions`` (time,
    member, type, outcome, lead index or -1, prospect index or -1, note, answers),
    ``leads`` and ``prospects`` (dicts), ``step_changes`` (lead index, time, step).
    ``reminders``: (due time, created time, member, type, lead index or -1, prospect index or
    -1, source).
    """

    days: list[date]
    tz: ZoneInfo
    leads: LeadRows
    prospects: ProspectRows = field(default_factory=ProspectRows)
    step_changes: StepRows = field(default_factory=StepRows)
    actions: ActionRows = field(default_factory=ActionRows)
    reminders: list[tuple[Any, ...]] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)
    _offsets: dict[int, timedelta] = field(default_factory=dict)

    def to_utc(self, moment: int) -> datetime:
        """A calendar time as aware UTC (the day's offset is taken at noon: working hours
        never straddle a daylight-saving change)."""
        day_index, minute = divmod(moment, 1440)
        offset = self._offsets.get(day_index)
        if offset is None:
            noon = datetime.combine(self.days[day_index], time(12), tzinfo=self.tz)
            offset = self._offsets[day_index] = noon.utcoffset() or timedelta(0)
        local = datetime.combine(self.days[day_index], time(0)) + timedelta(minutes=minute)
        return (local - offset).replace(tzinfo=UTC)


class _Frozen(Exception):
    """The next event of a prospect or lead falls after the cutoff: its story stops here."""


class _Simulation:
    def __init__(self, config: TeamConfig, tz: ZoneInfo, action_types: set[str], size: DemoSize,
                 seed: int, today: date, now: datetime | None = None) -> None:
        missing = [t for t in REQUIRED_TYPES if t not in action_types]
        if missing:
            raise ConfigError(_("the demo needs action types {missing}").format(
                missing=', '.join(missing)))
        self.rng = random.Random(seed)
        self.size = size
        self.config = config
        start = today - timedelta(days=size.days)
        days = working_days_in(start, today + timedelta(days=HORIZON_DAYS),
                               config.team.working_days)
        self.today_index = next(i for i, d in enumerate(days) if d >= today)
        self.data = DemoData(days=days, tz=tz, lists=list(names.LIST_NAMES),
                             leads=LeadRows(renewal_year=days[self.today_index].year))
        on_today = days[self.today_index] == today
        minute = CUTOFF_MINUTE
        if now is not None:
            local = now.astimezone(tz)
            if local.date() == today:
                minute = min(minute, local.hour * 60 + local.minute)
        if on_today:
            self.cutoff = self.today_index * 1440 + minute
        else:
            # A weekend or holiday: the history ends when the last working day closed. (Midnight
            # of the next working day would stamp open reminders in the future.)
            self.cutoff = (self.today_index - 1) * 1440 + AFTERNOON[1]
        everyone = [m.id for m in config.members]
        self.marketing = [m.id for m in config.members_of("marketing")] or everyone
        self.prospecting = [m.id for m in config.members_of("prospecting")] or everyone
        sales = config.members_of("sales") or config.members
        # Managers carry fewer deals.
        self.sales = [m.id for m in sales]
        self.sales_weights = [1 if m.role == "manager" else 3 for m in sales]
        self.acquisition = self._pipeline("acquisition", 0)
        self.renewal = self._pipeline("renewal", 1)
        script = config.script("discovery")
        self.questions = script.questions if script else []
        self.has_email_received = "email_received" in action_types

    def _pipeline(self, pipeline_id: str, fallback: int) -> Pipeline:
        pipeline = self.config.pipeline(pipeline_id)
        if pipeline is None:
            if not self.config.pipelines:
                raise ConfigError(_("the demo needs at least one pipeline"))
            pipeline = self.config.pipelines[min(fallback, len(self.config.pipelines) - 1)]
        return pipeline

    # -- time -------------------------------------------------------------------------------

    def _work_minute(self) -> int:
        value = self.rng.randrange(WORK_MINUTES)
        morning = MORNING[1] - MORNING[0]
        return MORNING[0] + value if value < morning else AFTERNOON[0] + value - morning

    def later(self, moment: int, low: int, high: int) -> int:
        """A working time ``low..high`` working days after ``moment`` (0 = later that day)."""
        day, minute = divmod(moment, 1440)
        day += self.rng.randint(low, high)
        if day == moment // 1440:
            minute += self.rng.randint(10, 50)
            if MORNING[1] <= minute < AFTERNOON[0]:
                minute += AFTERNOON[0] - MORNING[1]
            if minute >= AFTERNOON[1]:
                day, minute = day + 1, self._work_minute()
        else:
            minute = self._work_minute()
        return min(day, len(self.data.days) - 1) * 1440 + minute

    def _last_day(self) -> int:
        """The last calendar day on which something may still start."""
        day, minute = divmod(self.cutoff, 1440)
        return day if minute else day - 1

    # -- events -----------------------------------------------------------------------------

    def act(self, moment: int, member: str, action: str, outcome: str | None = None, *,
            lead: int = -1, prospect: int = -1, note: str = "",
            answers: dict[str, Any] | None = None, source: str = "manual",
            since: int | None = None, remind: bool = True) -> int:
        """Log an action, or (after the cutoff) leave it as an open reminder and stop."""
        if moment > self.cutoff:
            if not remind:
                raise _Frozen
            created = since if since is not None else self.cutoff
            self.data.reminders.append(
                (moment, min(created, self.cutoff), member, action, lead, prospect, source)
            )
            raise _Frozen
        self.data.actions.append(moment, member, action, outcome, lead, prospect, note, answers)
        return moment

    def step(self, lead: int, moment: int, step: str) -> None:
        if moment > self.cutoff:
            raise _Frozen
        self.data.step_changes.append(lead, moment, step)
        self.data.leads.set_step(lead, step)

    def close(self, lead: int, moment: int, status: str) -> None:
        if moment > self.cutoff:
            raise _Frozen
        self.data.leads.set_status(lead, status)
        self.data.leads.closed[lead] = moment

    # -- people and companies ---------------------------------------------------------------

    def _company(self) -> int:
        """A company name, as its ``Companies.code``."""
        rng = self.rng
        form = rng.choice(names.COMPANY_FORMS)
        head = rng.choice(names.COMPANY_HEADS)
        return Companies.code(head, rng.choice(names.COMPANY_TAILS), form)

    def _answers(self, good: bool) -> dict[str, Any]:
        rng = self.rng
        answers: dict[str, Any] = {}
        for question in self.questions:
            if question.kind == "yes_no":
                answers[question.id] = rng.random() < (0.75 if good else 0.3)
            elif question.kind == "number":
                answers[question.id] = rng.randint(2, 60)
            elif question.kind == "choice":
                answers[question.id] = rng.choice(question.choices)
            else:
                answers[question.id] = rng.choice(names.DECIDERS)
        return answers

    # -- stories ----------------------------------------------------------------------------

    def prospects(self) -> None:
        rng, size = self.rng, self.size
        last_day = self._last_day()
        spans = [(0, int(last_day * 0.45)), (0, last_day), (int(last_day * 0.5), last_day)]
        starts = []
        for _n in range(size.prospects):

            which = rng.choices((0, 1, 2), weights=(3, 4, 3))[0]
            low, high = spans[which]
            moment = rng.randint(low, high) * 1440 + self._work_minute()
            starts.append(min(moment, self.cutoff) << 2 | which)  # sorts as (moment, which)
        starts.sort()
        for index, start in enumerate(starts):
            moment, which = start >> 2, start & 3
            first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.LAST_NAMES)
            company = self._company()
            phone = pack_phone([rng.randrange(100) for _ in range(4)], rng.randint(1, 9))
            self.data.prospects.append(which, first, last, company, phone,
                                       rng.choice(self.prospecting), moment)
            with contextlib.suppress(_Frozen):
                self._prospect_story(index, moment)

    def _prospect_story(self, index: int, moment: int) -> None:
        rng = self.rng
        owner = self.data.prospects.owner(index)
        if rng.random() < self.size.intro_email:
            moment = self.act(self.later(moment, 0, 0), rng.choice(self.marketing), "email",
                              prospect=index, note="Intro e-mail")
        for attempt in range(self.size.call_attempts):
            gap = (0, 3) if attempt == 0 else (2, 2)
            since = moment
            moment = self.act(self.later(moment, *gap), owner, "call",
                              "reached" if (reached := rng.random() < 0.35) else "not_reached",
                              prospect=index, note=rng.choice(names.CALL_NOTES) if reached else "",
                              source="rule" if attempt else "manual", since=since)
            if reached:
                break
        else:
            if rng.random() < 0.4:
                self.act(self.later(moment, 1, 3), owner, "email", prospect=index,
                         note="Sorry I missed you")
            return
        if rng.random() < self.size.convert_rate:
            self._acquisition_story(index, self.later(moment, 0, 0))
        elif rng.random() < self.size.documentation:
            moment = self.act(self.later(moment, 0, 1), owner, "email", prospect=index,
                              note="Documentation sent")
            if self.has_email_received and rng.random() < 0.3:
                self.act(self.later(moment, 1, 4), owner, "email_received", prospect=index,
                         remind=False)

    def _new_lead(self, moment: int, pipeline: Pipeline, company: int, need: str | None,
                  amount: float, prospect: int) -> int:
        """A new lead; its title is ``company — need`` (a renewal when ``need`` is None)."""
        if moment > self.cutoff:
            raise _Frozen
        owner = self.rng.choices(self.sales, weights=self.sales_weights)[0]
        index = self.data.leads.append(company, need, pipeline.id, pipeline.steps[0], owner,
                                       amount, moment, prospect)
        self.data.step_changes.append(index, moment, pipeline.steps[0])
        if prospect != NONE:
            self.data.prospects.leads[prospect] = index
        return index

    def _amount(self, median: float) -> float:
        value = self.rng.lognormvariate(math.log(median), 0.45)
        return float(max(1000, round(value / 500) * 500))

    def _acquisition_story(self, prospect: int, moment: int) -> None:
        rng, steps = self.rng, self.acquisition.steps
        company = self.data.prospects.companies[prospect]
        need = rng.choice(names.NEEDS)
        lead = self._new_lead(moment, self.acquisition, company, need, self._amount(30_000),
                              prospect)
        owner = self.data.leads.owner(lead)
        try:
            good = rng.random() < 0.4
            answers = self._answers(good)
            moment = self.act(self.later(moment, 1, 4), owner, "discovery_call",
                              "good" if good else "bad", lead=lead, answers=answers)
            self.data.leads.set_fields(lead, answers)
            if not good:
                self.close(lead, moment, "lost")
                return
            self.step(lead, moment, _at(steps, 1))
            moment = self.act(self.later(moment, 2, 6), owner, "meeting",
                              "held" if (held := rng.random() < 0.85) else "no_show", lead=lead)
            if not held:
                since = moment
                moment = self.act(self.later(moment, 1, 1), owner, "call", "reached",
                                  lead=lead, source="rule", since=since)
                moment = self.act(self.later(moment, 2, 5), owner, "meeting", "held", lead=lead)
            moment = self.act(self.later(moment, 2, 7), owner, "proposal", lead=lead)
            self.step(lead, moment, _at(steps, 2))
            moment = self._follow_up_call(lead, owner, moment)
            self._decide(lead, owner, moment, proposal_step=_at(steps, 2),
                         negotiation_step=steps[3] if len(steps) > 3 else None,
                         won_step=None, won_rate=0.6)
        except _Frozen:
            return

    def _follow_up_call(self, lead: int, owner: str, moment: int) -> int:
        for _attempt in range(3):
            since = moment
            reached = self.rng.random() < 0.6
            moment = self.act(self.later(moment, 2, 6), owner, "call",
                              "reached" if reached else "not_reached", lead=lead,
                              source="manual" if since == moment else "rule", since=since)
            if reached:
                break
        return moment

    def _decide(self, lead: int, owner: str, moment: int, *, proposal_step: str,
                negotiation_step: str | None, won_step: str | None, won_rate: float) -> None:
        """After a proposal: negotiate (sometimes back to a revised proposal) and close, or
        lose, cancel, put on standby, or keep working the lead."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.55:
            if negotiation_step is not None:
                self.step(lead, moment, negotiation_step)
                if rng.random() < 0.2:  # back to the proposal step for a revised offer
                    moment = self.act(self.later(moment, 2, 5), owner, "proposal", lead=lead,
                                      note="Revised proposal")
                    self.step(lead, moment, proposal_step)
                    moment = self._follow_up_call(lead, owner, moment)
                    self.step(lead, moment, negotiation_step)
            moment = self.act(self.later(moment, 2, 8), owner, "meeting", "held", lead=lead)
            close = rng.random()
            if close < won_rate:
                moment = self.act(self.later(moment, 1, 5), owner, "email", lead=lead,
                                  note="Signed order received")
                if won_step is not None:
                    self.step(lead, moment, won_step)
                self.close(lead, moment, "won")
            elif close < won_rate + 0.3:
                self.close(lead, self.later(moment, 1, 5), "lost")
            else:
                self.close(lead, self.later(moment, 1, 5), "cancelled")
        elif roll < 0.72:
            moment = self.act(self.later(moment, 2, 6), owner, "email", lead=lead,
                              note=rng.choice(names.LOST_NOTES))
            self.close(lead, moment, "lost")
        elif roll < 0.78:
            self.close(lead, self.later(moment, 1, 6), "cancelled")
        elif roll < 0.9:
            self.data.leads.set_status(lead, "standby")
            self.data.leads.reminds[lead] = self.later(moment, 8, 30)
        else:  # still being worked: a call every week or two until the cutoff
            while True:
                moment = self.act(self.later(moment, 3, 10), owner, "call",
                                  "reached" if rng.random() < 0.5 else "not_reached",
                                  lead=lead, since=moment)

    def renewals(self) -> None:
        rng, steps = self.rng, self.renewal.steps
        last_day = self._last_day()
        starts = sorted(rng.randint(0, last_day) * 1440 + self._work_minute()
                        for _ in range(self.size.renewals))
        for moment in starts:
            if moment > self.cutoff:
                continue
            company = self._company()
            lead = self._new_lead(moment, self.renewal, company, None, self._amount(18_000),
                                  NONE)
            owner = self.data.leads.owner(lead)
            try:
                moment = self._follow_up_call(lead, owner, moment)
                self.step(lead, moment, _at(steps, 1))
                moment = self.act(self.later(moment, 1, 4), owner, "email", lead=lead,
                                  note="Usage report sent")
                moment = self.act(self.later(moment, 2, 6), owner, "proposal", lead=lead)
                self.step(lead, moment, _at(steps, 2))
                self._decide(lead, owner, moment, proposal_step=_at(steps, 2),
                             negotiation_step=None, won_step=steps[-1], won_rate=0.75)
            except _Frozen:
                continue


def _at(steps: list[str], index: int) -> str:
    return steps[min(index, len(steps) - 1)]


def generate(config: TeamConfig, tz: ZoneInfo, action_types: set[str], *, size: str = "small",
             seed: int = 1, today: date, now: datetime | None = None) -> DemoData:
    """Simulate the demo history; same arguments, same rows. ``now`` (the build's moment)
    ends the history earlier than today 13:00 when it is earlier."""
    simulation = _Simulation(config, tz, action_types, SIZES[size], seed, today, now)
    simulation.prospects()
    simulation.renewals()
    return simulation.data
