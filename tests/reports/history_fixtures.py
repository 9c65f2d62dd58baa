"""A deterministic few-month history as a data folder, for the rollup upkeep tests.

Four months around the spring daylight-saving change (Paris), the standard test team: 60
prospects in two lists, 30 leads (half converted from prospects, moving forward and back
through their steps, some closed), and about 1,500 actions on prospects and leads at any
hour, including around local and UTC midnights at the months' edges. Small enough to import
in well under a second, varied enough for every rollup's every kind of row.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.test_import_helpers import write_folder

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 1, 20, tzinfo=UTC)
DAYS = 110  # to early May
MEMBERS = ("alice", "bob", "carol", "dave")
STEPS = {"acquisition": ["Incoming", "Qualified", "Proposal", "Negotiation"],
         "renewal": ["Due", "Contacted", "Signed"]}
OUTCOMES = {"call": ["reached", "not_reached", ""], "email": [""], "meeting": ["held", "no_show"],
            "discovery_call": ["good", "bad"], "proposal": [""]}


def stamp(moment: datetime) -> str:
    """The folder's format: local time with its offset."""
    return moment.astimezone(PARIS).isoformat()


def history_files(seed: int = 7, actions: int = 1500) -> dict[str, str]:
    rng = random.Random(seed)

    def moment(after: datetime | None = None) -> datetime:
        base = after or START
        span = (START + timedelta(days=DAYS) - base).total_seconds()
        return base + timedelta(seconds=int(rng.random() * max(span, 60)))

    prospects = ["id,list,name,company,email,phone,owner,created_at,lead_id"]
    leads = ["id,title,pipeline,step,owner,amount,status,created_at,closed_at,prospect_id"]
    changes = ["lead_id,at,step"]
    lead_of: dict[int, str] = {}
    rows: list[tuple[str, ...]] = []
    for number in range(1, 31):
        pipeline = "acquisition" if number % 3 else "renewal"
        steps = STEPS[pipeline]
        created = moment()
        prospect = number * 2 if number % 2 else None
        at, position, history = created, 0, [(created, steps[0])]
        for _ in range(rng.randrange(0, 5)):
            at = at + timedelta(hours=rng.randrange(1, 200))
            position = max(0, min(len(steps) - 1, position + rng.choice((1, 1, 1, -1))))
            if steps[position] != history[-1][1]:
                history.append((at, steps[position]))
        status = rng.choice(("todo", "todo", "standby", "won", "lost", "cancelled"))
        closed = stamp(at + timedelta(hours=5)) if status in ("won", "lost", "cancelled") else ""
        key = f"L{number}"
        leads.append(f"{key},Deal {number},{pipeline},{history[-1][1]},"
                     f"{MEMBERS[number % 4]},{rng.randrange(1, 90) * 500},{status},"
                     f"{stamp(created)},{closed},{f'P{prospect}' if prospect else ''}")
        changes.extend(f"{key},{stamp(when)},{step}" for when, step in history)
        if prospect:
            lead_of[prospect] = key
    for number in range(1, 61):
        lead = lead_of.get(number, "")
        prospects.append(f"P{number},{'Fair' if number % 3 else 'Web'},Person {number},,,,"
                         f"{MEMBERS[number % 2 + 1]},{stamp(START)},{lead}")
    for number in range(1, actions + 1):
        at = moment()
        if number % 40 == 0:  # right at a month's local or UTC midnight
            edge = datetime(2026, rng.choice((2, 3, 4)), 1, tzinfo=UTC)
            at = edge - timedelta(minutes=rng.choice((1, 30, 61, 90, 119, 121)))
        action = rng.choice(tuple(OUTCOMES))
        outcome = rng.choice(OUTCOMES[action])
        on_lead = rng.random() < 0.5
        target = (f"L{rng.randrange(1, 31)}", "") if on_lead else ("", f"P{rng.randrange(1, 61)}")
        rows.append((f"A{number}", stamp(at), rng.choice(MEMBERS), action, outcome, *target, ""))
    actions_csv = ["id,at,member,action,outcome,lead_id,prospect_id,note"]
    actions_csv.extend(",".join(row) for row in rows)
    return {
        "prospects.csv": "\n".join(prospects) + "\n",
        "leads.csv": "\n".join(leads) + "\n",
        "step_changes.csv": "\n".join(changes) + "\n",
        "actions.csv": "\n".join(actions_csv) + "\n",
    }


def history_folder(folder: Path, seed: int = 7, actions: int = 1500) -> Path:
    return write_folder(folder, history_files(seed, actions))
