"""A hand-computed day for the digest tests, inserted through the models.

Team: tests/data/base.toml (alice rep/sales, bob rep/prospecting, carol rep/marketing, dave
manager/sales), timezone Europe/Paris (UTC+1 in March 2026, before the DST change of 29 March).
The day is Wednesday 11 March 2026. What happened, in local time:

- alice: call reached 09:30 and call not reached 10:00 on L1, discovery call good 15:00 on L1,
  meeting held 11:00 and proposal (no outcome) 14:00 on L2 → 5 actions; created L1 (09:00);
  won L2 (closed 16:00, 12 500 EUR) → leads created 1, managed 2 (L1, L2), won 1.
- bob, on prospect P1: calls reached at 00:05 (23:05 UTC the day before: still the 11th
  locally), 09:00 and 09:10, not reached at 23:30 (22:30 UTC), e-mail 12:00 → 5 actions,
  call 4 (reached 3, not reached 1). His call at 00:10 on the 12th belongs to the next day.
- carol: nothing. dave: call reached 17:00 on L3 (created the day before) → managed 1.
- Team: 11 actions; call 7 (reached 5, not reached 2), meeting 1, proposal 1, discovery call
  1, e-mail 1; leads created 1; won 1 for 12 500 EUR.

Objectives added by ``DIGEST_OBJECTIVES``: alice ``call:reached`` per day, target 1 → 1 of 1,
met; bob (segment prospecting) ``call`` per day, target 10 (base.toml) → 4 of 10, missed;
segment sales ``meeting`` per week, target 5: week 2026-W11 (Mon 9 – Sun 15), 3 of 5 working
days elapsed → expected 3; alice 1 → behind by 2, 4 left over 2 days → 2 a day; dave 0 →
behind by 3, 2.5 a day.

Reminders due by the end of Thursday 12 March: bob's call on P1 at 10:00 on the 12th, and
alice's overdue call on L1 from 10:00 on the 10th. Not shown: a done one, one due on the 13th.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from salesplan.core.db.models import Action, Lead, Prospect, ProspectingList, Reminder, StepChange

DAY = date(2026, 3, 11)
PARIS = ZoneInfo("Europe/Paris")

DIGEST_OBJECTIVES = """
[[objectives]]
who = "alice"
metric = "call:reached"
per = "day"
target = 1
[[objectives]]
who = "segment:sales"
metric = "meeting"
per = "week"
target = 5
"""

# (member, type, outcome, target, local time)
ACTIONS: list[tuple[str, str, str | None, str, datetime]] = [
    ("alice", "call", "reached", "L1", datetime(2026, 3, 11, 9, 30)),
    ("alice", "call", "not_reached", "L1", datetime(2026, 3, 11, 10, 0)),
    ("alice", "meeting", "held", "L2", datetime(2026, 3, 11, 11, 0)),
    ("alice", "proposal", None, "L2", datetime(2026, 3, 11, 14, 0)),
    ("alice", "discovery_call", "good", "L1", datetime(2026, 3, 11, 15, 0)),
    ("bob", "call", "reached", "P1", datetime(2026, 3, 11, 0, 5)),
    ("bob", "call", "reached", "P1", datetime(2026, 3, 11, 9, 0)),
    ("bob", "call", "reached", "P1", datetime(2026, 3, 11, 9, 10)),
    ("bob", "call", "not_reached", "P1", datetime(2026, 3, 11, 23, 30)),
    ("bob", "email", None, "P1", datetime(2026, 3, 11, 12, 0)),
    ("bob", "call", "reached", "P1", datetime(2026, 3, 12, 0, 10)),  # next day
    ("bob", "call", "reached", "P1", datetime(2026, 3, 10, 23, 50)),  # day before
    ("dave", "call", "reached", "L3", datetime(2026, 3, 11, 17, 0)),
]

EXPECTED_ROWS = {
    "alice": {
        "actions": {"call": 2, "meeting": 1, "proposal": 1, "discovery_call": 1},
        "outcomes": {
            "call": {"reached": 1, "not_reached": 1},
            "meeting": {"held": 1},
            "discovery_call": {"good": 1},
        },
        "leads_created": 1,
        "leads_managed": 2,
        "leads_won": 1,
        "amount_won": 12500.0,
    },
    "bob": {
        "actions": {"call": 4, "email": 1},
        "outcomes": {"call": {"reached": 3, "not_reached": 1}},
        "leads_created": 0,
        "leads_managed": 0,
        "leads_won": 0,
        "amount_won": 0.0,
    },
    "carol": {
        "actions": {},
        "outcomes": {},
        "leads_created": 0,
        "leads_managed": 0,
        "leads_won": 0,
        "amount_won": 0.0,
    },
    "dave": {
        "actions": {"call": 1},
        "outcomes": {"call": {"reached": 1}},
        "leads_created": 0,
        "leads_managed": 1,
        "leads_won": 0,
        "amount_won": 0.0,
    },
}


def utc(local: datetime) -> datetime:
    return local.replace(tzinfo=PARIS).astimezone(ZoneInfo("UTC"))


def insert_day(session: Session) -> None:
    """Insert the day described in the module docstring and commit."""
    cold = ProspectingList(name="cold", created_at=utc(datetime(2026, 3, 1, 9, 0)))
    session.add(cold)
    session.flush()
    assert cold.id is not None
    prospect = Prospect(
        key="P1", list_id=cold.id, name="Pierre Client", company="Client SA", owner="bob",
        created_at=utc(datetime(2026, 3, 1, 9, 0)),
    )
    leads = {
        "L1": Lead(key="L1", title="Big deal", pipeline="acquisition", step="Incoming",
                   owner="alice", amount=30000, created_at=utc(datetime(2026, 3, 11, 9, 0))),
        "L2": Lead(key="L2", title="Won deal", pipeline="acquisition", step="Negotiation",
                   owner="alice", amount=12500, status="won",
                   created_at=utc(datetime(2026, 2, 1, 10, 0)),
                   closed_at=utc(datetime(2026, 3, 11, 16, 0))),
        "L3": Lead(key="L3", title="Late lead", pipeline="renewal", step="Due",
                   owner="dave", created_at=utc(datetime(2026, 3, 10, 23, 30))),
    }
    session.add(prospect)
    session.add_all(leads.values())
    session.flush()
    for lead in leads.values():
        assert lead.id is not None
        session.add(StepChange(lead_id=lead.id, at=lead.created_at, step=lead.step))
    for index, (member, type_id, outcome, target, local) in enumerate(ACTIONS, start=1):
        lead = leads.get(target)
        session.add(
            Action(
                key=f"A{index}", at=utc(local), member=member, action_type=type_id,
                outcome=outcome, lead_id=lead.id if lead else None,
                prospect_id=None if lead else prospect.id,
            )
        )
    created = utc(datetime(2026, 3, 9, 8, 0))
    session.add_all(
        [
            Reminder(action_type="call", member="bob", prospect_id=prospect.id,
                     due_at=utc(datetime(2026, 3, 12, 10, 0)), note="call back",
                     created_at=created),
            Reminder(action_type="call", member="alice", lead_id=leads["L1"].id,
                     due_at=utc(datetime(2026, 3, 10, 10, 0)), created_at=created),
            Reminder(action_type="call", member="alice", lead_id=leads["L1"].id,
                     due_at=utc(datetime(2026, 3, 9, 10, 0)), created_at=created, done=True,
                     done_at=utc(datetime(2026, 3, 9, 11, 0))),
            Reminder(action_type="meeting", member="dave", lead_id=leads["L3"].id,
                     due_at=utc(datetime(2026, 3, 13, 10, 0)), created_at=created),
        ]
    )
    session.commit()
