"""The database opens on both backends, migrates to head, and stores aware UTC times."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
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


def test_a_new_sqlite_base_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    """The base will hold password hashes and tokens: 0600, its WAL and SHM files too."""
    import stat

    from salesplan.core.context import load_app
    from tests.conftest import base_config_text

    config = tmp_path / "salesplan.toml"
    config.write_text(base_config_text(), encoding="utf-8")
    app = load_app(config, env={"SALESPLAN_DATABASE_URL": f"sqlite:///{tmp_path / 'team.db'}"})
    try:
        with app.write_connection() as connection:
            connection.exec_driver_sql("CREATE TABLE probe (x INTEGER)")
        for name in ("team.db", "team.db-wal", "team.db-shm"):
            mode = stat.S_IMODE((tmp_path / name).stat().st_mode)
            assert mode == 0o600, (name, oct(mode))
    finally:
        app.dispose()
