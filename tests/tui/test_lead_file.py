"""Pilot tests of the lead file: log an action with a call script, see the rule's effect."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import select
from textual.widgets import DataTable, Input, Select, Static

from salesplan.core.db.models import Action, Lead, StepChange
from salesplan.tui.app import SalesplanApp
from salesplan.tui.screens.lead_file import LeadFileScreen
from salesplan.tui.screens.log_action import LogActionModal
from tests.tui.conftest import settle


async def test_log_discovery_call_with_script_moves_lead(
    tui: Callable[..., SalesplanApp],
) -> None:
    app = tui()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_lead("L5")  # Café Central, Incoming, owner dave
        await settle(pilot)
        assert isinstance(app.screen, LeadFileScreen)
        await pilot.press("a")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, LogActionModal)
        modal.query_one("#action-type", Select).value = "discovery_call"
        await settle(pilot)
        outcome = modal.query_one("#outcome", Select)
        # Only the discovery call's outcomes are offered (plus "no outcome").
        assert [value for _label, value in outcome._options if value is not Select.NULL] == [
            "good", "bad", "__none__"
        ]
        outcome.value = "good"
        modal.query_one("#q-budget", Select).value = True
        modal.query_one("#q-decider", Input).value = "Mme Central"
        modal.query_one("#q-seats", Input).value = "4"
        modal.query_one("#q-start", Select).value = "< 1 month"
        modal.query_one("#note", Input).value = "Very keen"
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LeadFileScreen), getattr(screen, "message", screen)
        effects = str(screen.query_one("#lead-effects", Static).render())
        assert "Discovery call logged" in effects
        assert "Qualified" in effects
        timeline = screen.query_one("#lead-actions", DataTable)
        assert timeline.row_count == 2
        with app.ctx.session() as session:
            lead = session.exec(select(Lead).where(Lead.key == "L5")).one()
            assert lead.step == "Qualified"
            assert lead.fields == {
                "budget": True, "decider": "Mme Central", "seats": 4, "start": "< 1 month"
            }
            action = session.exec(
                select(Action).where(Action.lead_id == lead.id,
                                     Action.action_type == "discovery_call")
            ).one()
            assert action.outcome == "good"
            assert action.member == "dave"
            assert action.note == "Very keen"
            steps = session.exec(
                select(StepChange.step).where(StepChange.lead_id == lead.id)
                .order_by(StepChange.at, StepChange.id)
            ).all()
            assert steps == ["Incoming", "Qualified"]


async def test_bad_answer_shows_error_dialog_and_logs_nothing(
    tui: Callable[..., SalesplanApp],
) -> None:
    app = tui()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_lead("L5")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        modal = app.screen
        modal.query_one("#action-type", Select).value = "discovery_call"
        await settle(pilot)
        modal.query_one("#q-seats", Input).value = "-"
        modal.query_one("#note", Input).value = "Long call, wants a demo"
        outcome = modal.query_one("#outcome", Select).value
        await pilot.press("ctrl+s")
        await settle(pilot)
        from salesplan.tui.screens.error import ErrorModal
        from salesplan.tui.screens.log_action import LogActionModal

        assert isinstance(app.screen, ErrorModal)
        assert "seats" in app.screen.message
        await pilot.press("enter")
        await settle(pilot)
        # Nothing logged, and the dialog is back with what was typed.
        with app.ctx.session() as session:
            count = len(session.exec(select(Action).where(Action.action_type ==
                                                          "discovery_call")).all())
        assert count == 1
        again = app.screen
        assert isinstance(again, LogActionModal)
        assert again.query_one("#action-type", Select).value == "discovery_call"
        assert again.query_one("#note", Input).value == "Long call, wants a demo"
        assert again.query_one("#outcome", Select).value == outcome
        assert again.query_one("#q-seats", Input).value == "-"
        again.query_one("#q-seats", Input).value = "12"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LeadFileScreen)
        with app.ctx.session() as session:
            logged = session.exec(select(Action).where(
                Action.action_type == "discovery_call").order_by(Action.id.desc())  # type: ignore[union-attr]
            ).first()
        assert logged is not None and logged.note == "Long call, wants a demo"
        assert logged.answers is not None and logged.answers["seats"] == 12
