"""Hand-built lead histories for the cohort reports (conversion, performance, company).

Team: tests/data/base.toml (Europe/Paris; acquisition = Incoming, Qualified, Proposal,
Negotiation; renewal = Due, Contacted, Signed). Paris is UTC+1 until 2026-03-29 01:00 UTC and
UTC+2 after, so 23:30 UTC is already the next day in Paris.

``build_history(app)`` inserts these leads (times UTC; "Paris" gives the local day; Inc, Qua,
Pro, Neg = Incoming, Qualified, Proposal, Negotiation; a history without time starts at
creation):

| key | pipeline | owner | created (UTC) → Paris day | history | status (closed) | amount |
| --- | --- | --- | --- | --- | --- | --- |
| L1 | acq | alice | 03-02 10:00 | Inc, Qua 03-05, Inc 03-06, Qua 03-08, Pro 03-10 | todo | 1000 |
| L2 | acq | alice | 03-03 09:00 | none (step Qualified) | lost (03-20) | 0 |
| L3 | acq | dave | 03-04 09:00 | Inc, Inc 03-05 (repeat), Qua 03-07 | won (03-25 10:00) | 30000 |
| L4 | acq | bob | 03-31 21:30 → 03-31 | Incoming | cancelled (04-02) | 0 |
| L5 | acq | alice | 03-31 22:30 → 04-01 | Incoming | todo | 0 |
| L6 | acq | dave | 02-28 23:30 → 03-01 | Inc, Qua 03-02, Pro 03-03, Neg 03-04 | standby | 0 |
| L7 | acq | alice | 02-28 22:30 → 02-28 | Incoming | todo | 0 |
| L8 | renewal | alice | 03-05 09:00 | Due, Signed 03-20 | won (03-31 21:45 → 03-31) | 5000 |
| L9 | acq | dave | 03-06 09:00 | Incoming, Proposal 03-08, Qualified 03-09 | lost (03-12) | 0 |
| L10 | acq | bob | 03-07 09:00 | Incoming, Legacy 03-08 (removed step), Proposal 03-09 | todo | 0 |
| L11 | acq | alice | 01-10 09:00 | Incoming | won (03-31 22:15 → 04-01) | 7000 |
| L12 | renewal | bob | 03-29 21:30 → 03-29 (Sun, CEST) | Due | todo | 0 |
| L13 | renewal | bob | 03-29 22:30 → 03-30 (Mon) | Due | todo | 0 |
| L14 | acq | alice | 02-10 09:00 | Incoming | todo | 0 |
| L15 | acq | dave | 01-05 09:00 | Incoming | won (04-20 09:00) | 9000 |

Every expected number in the report tests is counted by hand from this table.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlmodel import Session

from salesplan.core.context import AppContext
from salesplan.core.db.models import Lead, StepChange


def utc(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2026) -> datetime:
    """An aware UTC instant (2026 unless told)."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def add_lead(
    session: Session,
    key: str,
    *,
    owner: str,
    created: datetime,
    pipeline: str = "acquisition",
    history: Sequence[tuple[datetime, str]] = (),
    step: str | None = None,
    status: str = "todo",
    closed: datetime | None = None,
    amount: float = 0.0,
) -> Lead:
    """Insert a lead and its step changes (none when ``history`` is empty).

    ``step`` defaults to the last step of ``history``; it is required without history.
    """
    current = step or (history[-1][1] if history else None)
    assert current is not None, "a lead without history needs an explicit step"
    lead = Lead(
        key=key,
        title=f"Deal {key}",
        pipeline=pipeline,
        step=current,
        owner=owner,
        amount=amount,
        status=status,
        created_at=created,
        closed_at=closed,
    )
    session.add(lead)
    session.flush()
    assert lead.id is not None
    for at, step_name in history:
        session.add(StepChange(lead_id=lead.id, at=at, step=step_name))
    return lead


def build_history(app: AppContext) -> None:
    """Insert the leads of the module docstring's table."""
    with app.write_session() as s:
        add_lead(s, "L1", owner="alice", created=utc(3, 2, 10), amount=1000.0, history=[
            (utc(3, 2, 10), "Incoming"), (utc(3, 5), "Qualified"), (utc(3, 6), "Incoming"),
            (utc(3, 8), "Qualified"), (utc(3, 10), "Proposal"),
        ])
        add_lead(s, "L2", owner="alice", created=utc(3, 3), step="Qualified", status="lost",
                 closed=utc(3, 20))
        add_lead(s, "L3", owner="dave", created=utc(3, 4), status="won", closed=utc(3, 25, 10),
                 amount=30000.0, history=[
                     (utc(3, 4), "Incoming"), (utc(3, 5), "Incoming"), (utc(3, 7), "Qualified"),
                 ])
        add_lead(s, "L4", owner="bob", created=utc(3, 31, 21, 30), status="cancelled",
                 closed=utc(4, 2), history=[(utc(3, 31, 21, 30), "Incoming")])
        add_lead(s, "L5", owner="alice", created=utc(3, 31, 22, 30),
                 history=[(utc(3, 31, 22, 30), "Incoming")])
        add_lead(s, "L6", owner="dave", created=utc(2, 28, 23, 30), status="standby", history=[
            (utc(2, 28, 23, 30), "Incoming"), (utc(3, 2), "Qualified"), (utc(3, 3), "Proposal"),
            (utc(3, 4), "Negotiation"),
        ])
        add_lead(s, "L7", owner="alice", created=utc(2, 28, 22, 30),
                 history=[(utc(2, 28, 22, 30), "Incoming")])
        add_lead(s, "L8", owner="alice", created=utc(3, 5), pipeline="renewal", status="won",
                 closed=utc(3, 31, 21, 45), amount=5000.0,
                 history=[(utc(3, 5), "Due"), (utc(3, 20), "Signed")])
        add_lead(s, "L9", owner="dave", created=utc(3, 6), status="lost", closed=utc(3, 12),
                 history=[
                     (utc(3, 6), "Incoming"), (utc(3, 8), "Proposal"), (utc(3, 9), "Qualified"),
                 ])
        add_lead(s, "L10", owner="bob", created=utc(3, 7), history=[
            (utc(3, 7), "Incoming"), (utc(3, 8), "Legacy"), (utc(3, 9), "Proposal"),
        ])
        add_lead(s, "L11", owner="alice", created=utc(1, 10), status="won",
                 closed=utc(3, 31, 22, 15), amount=7000.0, history=[(utc(1, 10), "Incoming")])
        add_lead(s, "L12", owner="bob", created=utc(3, 29, 21, 30), pipeline="renewal",
                 history=[(utc(3, 29, 21, 30), "Due")])
        add_lead(s, "L13", owner="bob", created=utc(3, 29, 22, 30), pipeline="renewal",
                 history=[(utc(3, 29, 22, 30), "Due")])
        add_lead(s, "L14", owner="alice", created=utc(2, 10),
                 history=[(utc(2, 10), "Incoming")])
        add_lead(s, "L15", owner="dave", created=utc(1, 5), status="won", closed=utc(4, 20),
                 amount=9000.0, history=[(utc(1, 5), "Incoming")])
        s.commit()
