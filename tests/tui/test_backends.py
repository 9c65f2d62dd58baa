"""The core flows of the TUI on both databases (the other TUI tests use the SQLite copy)."""

from __future__ import annotations

import os
from pathlib import Path

from sqlmodel import select
from textual.widgets import Select

from salesplan.core.context import load_app
from salesplan.core.db.models import Action, Lead, Reminder
from salesplan.tui.app import SalesplanApp
from salesplan.tui.screens.lead_file import LeadFileScreen
from salesplan.tui.screens.pipeline import PipelineScreen
from tests.tui.conftest import settle
from tests.tui.snapshot_app import DATA, TODAY, fill


async def test_log_and_move_on_each_backend(db_url: str, tmp_path: Path) -> None:
    config = tmp_path / "salesplan.toml"
    config.write_text((DATA / "base.toml").read_text(encoding="utf-8"), encoding="utf-8")
    env = {**os.environ, "SALESPLAN_DATABASE_URL": db_url}
    setup = load_app(config, env=env)
    try:
        fill(setup)
    finally:
        setup.dispose()
    app = SalesplanApp(load_app(config, env=env), today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_lead("L5")
        await settle(pilot)
        assert isinstance(app.screen, LeadFileScreen)
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one("#outcome", Select).value = "not_reached"  # a call
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "call scheduled" in " ".join(app.screen.last_effects)  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PipelineScreen)
        await pilot.press("greater_than_sign")  # the first card: Café Central (L5)
        await settle(pilot)
        with app.ctx.session() as session:
            lead = session.exec(select(Lead).where(Lead.key == "L5")).one()
            assert lead.step == "Qualified"
            calls = session.exec(select(Action).where(Action.lead_id == lead.id,
                                                      Action.action_type == "call")).all()
            assert [c.outcome for c in calls] == ["not_reached", "not_reached"]
            reminders = session.exec(select(Reminder).where(Reminder.lead_id == lead.id)
                                     .order_by(Reminder.id)).all()  # type: ignore[arg-type]
            # The first reminder (due the 18th) is closed by today's call; a new one is open.
            assert [r.done for r in reminders] == [True, False]
