"""The database opens on both backends, migrates to head, and stores aware UTC times."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlmodel import select

from salesplan.core.context import AppContext
from salesplan.core.db.migrate import current_revision
from salesplan.core.db.migrations import HEAD_REVISION
from salesplan.core.db.models import Action, Lead, StepChange


def test_open_migrates_to_head_and_round_trips_utc(app: AppContext) -> None:
    assert current_revision(app.engine) == HEAD_REVISION
    created = datetime(2026, 3, 29, 0, 30, tzinfo=ZoneInfo("Europe/Paris"))
    with app.write_session() as session:
        lead = Lead(key="L1", title="Big deal", pipeline="acquisition", step="Incoming",
                    owner="alice", amount=1200.5, created_at=created)
        session.add(lead)
        session.flush()
        session.add(StepChange(lead_id=lead.id, at=created, step="Incoming"))
        session.add(Action(key="A1", at=created, member="alice", action_type="call",
                           outcome="reached", lead_id=lead.id))
        session.commit()
    with app.session() as session:
        stored = session.exec(select(Lead)).one()
        assert stored.created_at == datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
        assert stored.created_at.tzinfo is not None
        action = session.exec(select(Action)).one()
        assert action.lead_id == stored.id and action.prospect_id is None
