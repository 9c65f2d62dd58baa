"""Hand-built histories for the activity and prospecting report tests (team time zone Paris).

Rows are inserted through the models in one write session, with explicit UTC instants, so
every expected number in the tests can be checked against the comments here by hand.

The "week" history covers Monday 2026-03-02 → Sunday 2026-03-08 (Paris, UTC+1):

Prospecting lists and prospects (owner in brackets)::

    Cold A: pA1 (bob) → L1, pA2 (bob) → L2, pA3 (carol)
    Cold B: pB1 (carol) → L3, pB2 (no owner)
    Empty list: nothing

Leads (acquisition)::

    L1 alice  created 03-02 10:00 Paris  won  03-05  1000.0   from pA1 (converted in range)
    L2 alice  created 02-20              won  03-03  2500.5   from pA2 (converted before)
    L3 dave   created 03-04              lost 03-06           from pB1 (converted in range)
    L4 alice  created 03-01 23:30 UTC = 03-02 00:30 Paris (in range), open
    L5 alice  created 02-10              won  03-08 23:30 UTC = 03-09 Paris (out), 999.0

Actions (UTC)::

    a1 alice call reached      L1  03-02 09:00
    a2 alice call not_reached  L1  03-03 10:00
    a3 alice email             L2  03-03 11:00
    a4 alice meeting held      L3  03-04 09:00
    a5 alice call reached      pA3 03-05 09:00
    a6 alice call not_reached  L4  03-01 23:30  (= 03-02 00:30 Paris: in range)
    a7 alice call reached      L1  03-08 23:30  (= 03-09 00:30 Paris: out of range)
    a8 alice call reached      L1  03-01 22:30  (= 03-01 23:30 Paris: out of range)
    b1 bob call reached        pA1 03-02 10:00
    b2 bob call not_reached    pA1 03-03 10:00
    b3 bob call reached        pA2 03-03 14:00
    b4 bob email               pB1 03-04 10:00
    b5 bob discovery_call good L1  03-04 15:00
    b6 bob call reached        pA3 02-27 10:00  (out of range)
    c1 carol email             pB2 03-10 10:00  (out of range)
    d1 dave proposal           L3  03-05 10:00
    d2 dave call reached       L3  03-06 10:00
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from salesplan.core.db.models import Action, Lead, Prospect, ProspectingList, StepChange

if TYPE_CHECKING:
    from sqlmodel import Session

    from salesplan.core.context import AppContext


def utc(text: str) -> datetime:
    """``'2026-03-02 09:00'`` as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class HistoryBuilder:
    """Adds rows through the models and remembers them by a short name."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.lists: dict[str, ProspectingList] = {}
        self.prospects: dict[str, Prospect] = {}
        self.leads: dict[str, Lead] = {}
        self.actions: dict[str, Action] = {}

    def add_list(self, name: str) -> ProspectingList:
        row = ProspectingList(name=name, created_at=utc("2026-01-01 08:00"))
        self.session.add(row)
        self.session.flush()
        self.lists[name] = row
        return row

    def prospect(self, key: str, list_name: str, owner: str | None) -> Prospect:
        row = Prospect(key=key, list_id=self.lists[list_name].id, name=f"Prospect {key}",
                       owner=owner, created_at=utc("2026-01-05 09:00"))
        self.session.add(row)
        self.session.flush()
        self.prospects[key] = row
        return row

    def lead(self, key: str, owner: str, created: str, *, status: str = "todo",
             closed: str | None = None, amount: float = 0.0, prospect: str | None = None,
             pipeline: str = "acquisition", step: str = "Incoming") -> Lead:
        row = Lead(key=key, title=f"Deal {key}", pipeline=pipeline, step=step, owner=owner,
                   amount=amount, status=status, created_at=utc(created),
                   closed_at=utc(closed) if closed else None,
                   prospect_id=self.prospects[prospect].id if prospect else None)
        self.session.add(row)
        self.session.flush()
        self.session.add(StepChange(lead_id=row.id, at=utc(created), step=step))
        self.leads[key] = row
        return row

    def action(self, key: str, member: str, type_id: str, at: str, *,
               outcome: str | None = None, lead: str | None = None,
               prospect: str | None = None) -> Action:
        row = Action(key=key, member=member, action_type=type_id, outcome=outcome, at=utc(at),
                     lead_id=self.leads[lead].id if lead else None,
                     prospect_id=self.prospects[prospect].id if prospect else None)
        self.session.add(row)
        self.session.flush()
        self.actions[key] = row
        return row


WEEK_START = "2026-03-02"
WEEK_END = "2026-03-08"


def build_week(app: AppContext) -> None:
    """Insert the "week" history described in the module docstring and commit."""
    with app.write_session() as session:
        h = HistoryBuilder(session)
        for name in ("Cold B", "Empty list", "Cold A"):  # inserted out of name order
            h.add_list(name)
        h.prospect("pA1", "Cold A", "bob")
        h.prospect("pA2", "Cold A", "bob")
        h.prospect("pA3", "Cold A", "carol")
        h.prospect("pB1", "Cold B", "carol")
        h.prospect("pB2", "Cold B", None)
        h.lead("L1", "alice", "2026-03-02 09:00", status="won", closed="2026-03-05 14:00",
               amount=1000.0, prospect="pA1")
        h.lead("L2", "alice", "2026-02-20 09:00", status="won", closed="2026-03-03 14:00",
               amount=2500.5, prospect="pA2")
        h.lead("L3", "dave", "2026-03-04 09:00", status="lost", closed="2026-03-06 14:00",
               amount=7000.0, prospect="pB1")
        h.lead("L4", "alice", "2026-03-01 23:30")
        h.lead("L5", "alice", "2026-02-10 09:00", status="won", closed="2026-03-08 23:30",
               amount=999.0)
        h.action("a1", "alice", "call", "2026-03-02 09:00", outcome="reached", lead="L1")
        h.action("a2", "alice", "call", "2026-03-03 10:00", outcome="not_reached", lead="L1")
        h.action("a3", "alice", "email", "2026-03-03 11:00", lead="L2")
        h.action("a4", "alice", "meeting", "2026-03-04 09:00", outcome="held", lead="L3")
        h.action("a5", "alice", "call", "2026-03-05 09:00", outcome="reached", prospect="pA3")
        h.action("a6", "alice", "call", "2026-03-01 23:30", outcome="not_reached", lead="L4")
        h.action("a7", "alice", "call", "2026-03-08 23:30", outcome="reached", lead="L1")
        h.action("a8", "alice", "call", "2026-03-01 22:30", outcome="reached", lead="L1")
        h.action("b1", "bob", "call", "2026-03-02 10:00", outcome="reached", prospect="pA1")
        h.action("b2", "bob", "call", "2026-03-03 10:00", outcome="not_reached", prospect="pA1")
        h.action("b3", "bob", "call", "2026-03-03 14:00", outcome="reached", prospect="pA2")
        h.action("b4", "bob", "email", "2026-03-04 10:00", prospect="pB1")
        h.action("b5", "bob", "discovery_call", "2026-03-04 15:00", outcome="good", lead="L1")
        h.action("b6", "bob", "call", "2026-02-27 10:00", outcome="reached", prospect="pA3")
        h.action("c1", "carol", "email", "2026-03-10 10:00", prospect="pB2")
        h.action("d1", "dave", "proposal", "2026-03-05 10:00", lead="L3")
        h.action("d2", "dave", "call", "2026-03-06 10:00", outcome="reached", lead="L3")
        session.commit()


def zero_actions(app: AppContext) -> dict[str, int]:
    """``{type: 0}`` for every enabled action type, in registry order."""
    return dict.fromkeys(app.registry.action_types, 0)


def expected_week_activity(app: AppContext) -> list[dict[str, object]]:
    """The activity rows for the week, computed by hand from the docstring."""
    zero = zero_actions(app)
    return [
        {"member": "alice",
         "actions": {**zero, "call": 4, "email": 1, "meeting": 1},
         "outcomes": {"call": {"reached": 2, "not_reached": 2}, "meeting": {"held": 1}},
         "leads_created": 2, "leads_managed": 4, "leads_won": 2, "amount_won": 3500.5},
        {"member": "bob",
         "actions": {**zero, "call": 3, "email": 1, "discovery_call": 1},
         "outcomes": {"call": {"reached": 2, "not_reached": 1}, "discovery_call": {"good": 1}},
         "leads_created": 0, "leads_managed": 1, "leads_won": 0, "amount_won": 0.0},
        {"member": "carol", "actions": dict(zero), "outcomes": {},
         "leads_created": 0, "leads_managed": 0, "leads_won": 0, "amount_won": 0.0},
        {"member": "dave",
         "actions": {**zero, "call": 1, "proposal": 1},
         "outcomes": {"call": {"reached": 1}},
         "leads_created": 1, "leads_managed": 1, "leads_won": 0, "amount_won": 0.0},
    ]


def expected_week_prospecting() -> list[dict[str, object]]:
    """The prospecting rows for the week, by list name, computed by hand."""
    return [
        {"list": "Cold A", "prospects": 3, "worked": 3, "converted": 1,
         "conversion_rate": 1 / 3, "actions": {"call": 4}, "lead_actions": 4,
         "members": [
             {"member": "alice", "actions": 1, "worked": 1, "converted": 0, "lead_actions": 3},
             {"member": "bob", "actions": 3, "worked": 2, "converted": 1, "lead_actions": 1},
         ]},
        {"list": "Cold B", "prospects": 2, "worked": 1, "converted": 1,
         "conversion_rate": 1.0, "actions": {"email": 1}, "lead_actions": 3,
         "members": [
             {"member": "alice", "actions": 0, "worked": 0, "converted": 0, "lead_actions": 1},
             {"member": "bob", "actions": 1, "worked": 1, "converted": 0, "lead_actions": 0},
             {"member": "carol", "actions": 0, "worked": 0, "converted": 1, "lead_actions": 0},
             {"member": "dave", "actions": 0, "worked": 0, "converted": 0, "lead_actions": 2},
         ]},
        {"list": "Empty list", "prospects": 0, "worked": 0, "converted": 0,
         "conversion_rate": None, "actions": {}, "lead_actions": 0, "members": []},
    ]


def build_dst(app: AppContext) -> None:
    """Actions on both sides of the Paris DST days 2026-03-29 and 2026-10-25.

    2026-03-29 (23 h) runs 03-28 23:00 UTC → 03-29 22:00 UTC; 2026-10-25 (25 h) runs
    10-24 22:00 UTC → 10-25 23:00 UTC. Each day gets two actions just inside and two just
    outside; alice acts on lead D1, bob on prospect dp.
    """
    with app.write_session() as session:
        h = HistoryBuilder(session)
        h.add_list("DST")
        h.prospect("dp", "DST", "bob")
        h.lead("D1", "alice", "2026-03-28 23:00")  # 03-29 00:00 Paris: created on the 29th
        h.lead("D2", "alice", "2026-10-25 22:59", status="won", closed="2026-10-25 22:59",
               amount=10.0)  # 23:59 Paris on the 25th
        moments = {
            "s_out1": "2026-03-28 22:59", "s_in1": "2026-03-28 23:00",
            "s_in2": "2026-03-29 21:59", "s_out2": "2026-03-29 22:00",
            "f_out1": "2026-10-24 21:59", "f_in1": "2026-10-24 22:00",
            "f_in2": "2026-10-25 22:59", "f_out2": "2026-10-25 23:00",
        }
        for key, at in moments.items():
            h.action(key, "alice", "call", at, outcome="reached", lead="D1")
            h.action(key + "_b", "bob", "email", at, prospect="dp")
        session.commit()
