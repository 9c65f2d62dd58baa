"""Pilot tests of the prospecting lists: report numbers, prospects, a cold call with its
rule, converting a prospect."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import select
from textual.widgets import DataTable, Input, Select

from salesplan.core.db.models import Action, Lead, Prospect, Reminder
from salesplan.tui.app import SalesplanApp
from salesplan.tui.screens.convert import ConvertModal
from salesplan.tui.screens.log_action import LogActionModal
from salesplan.tui.screens.prospecting import ProspectingScreen
from tests.tui.conftest import settle


def plain_row(table: DataTable, row: int) -> list[str]:  # type: ignore[type-arg]
    return [str(getattr(c, "plain", c)) for c in table.get_row_at(row)]


async def test_lists_cold_call_and_convert(tui: Callable[..., SalesplanApp]) -> None:
    app = tui()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ProspectingScreen)
        lists = screen.query_one("#lists", DataTable)
        # March 1–18: Trade show: 3 prospects, 2 worked (Nina, Omar), 1 converted (Nina).
        assert plain_row(lists, 0)[:5] == ["Trade show 2026", "3", "2", "1", "50.0 %"]
        assert plain_row(lists, 1)[:5] == ["Web sign-ups", "2", "1", "0", "0.0 %"]
        prospects = screen.query_one("#prospects", DataTable)
        assert [plain_row(prospects, i)[0] for i in range(prospects.row_count)] == [
            "Léa Fontaine", "Nina Petit", "Omar Haddad"
        ]
        assert plain_row(prospects, 1)[6] == "→ L1"

        prospects.focus()  # Léa Fontaine: cold call, not reached → a call in 2 days
        await pilot.press("c")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, LogActionModal)
        assert modal.query_one("#action-type", Select).value == "call"
        assert modal.query_one("#member", Select).value == "bob"
        modal.query_one("#outcome", Select).value = "not_reached"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ProspectingScreen)
        assert plain_row(prospects, 0)[5] == "1"
        assert plain_row(lists, 0)[2] == "3"  # worked: Léa too now
        with app.ctx.session() as session:
            lea = session.exec(select(Prospect).where(Prospect.name == "Léa Fontaine")).one()
            action = session.exec(select(Action).where(Action.prospect_id == lea.id)).one()
            assert (action.action_type, action.outcome, action.member) == (
                "call", "not_reached", "bob")
            reminder = session.exec(select(Reminder).where(Reminder.prospect_id == lea.id)).one()
            assert reminder.action_type == "call" and not reminder.done

        await pilot.press("v")
        await settle(pilot)
        convert = app.screen
        assert isinstance(convert, ConvertModal)
        assert convert.query_one("#convert-title", Input).value == "Fontaine SARL"
        convert.query_one("#convert-amount", Input).value = "12000"
        convert.query_one("#convert-step", Select).value = "Qualified"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ProspectingScreen)
        assert plain_row(prospects, 0)[6] == "→ L7"
        with app.ctx.session() as session:
            lead = session.exec(select(Lead).where(Lead.key == "L7")).one()
            assert (lead.title, lead.step, lead.owner, lead.amount, lead.pipeline) == (
                "Fontaine SARL", "Qualified", "alice", 12000.0, "acquisition")
            assert lead.prospect_id == lea.id
        assert plain_row(lists, 0)[3] == "2"  # converted: Nina and Léa


async def test_slash_searches_the_list(tui: Callable[..., SalesplanApp]) -> None:
    app = tui()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ProspectingScreen)
        prospects = screen.query_one("#prospects", DataTable)
        await pilot.press("slash")
        await settle(pilot)
        app.screen.query_one(Input).value = "omar"
        await pilot.press("enter")
        await settle(pilot)
        assert [plain_row(prospects, i)[0] for i in range(prospects.row_count)] == [
            "Omar Haddad"]
        assert "search: omar" in str(screen.query_one("#prospects-box").border_title)
        await pilot.press("slash")
        await settle(pilot)
        app.screen.query_one(Input).value = "lea"  # accents fold: Léa
        await pilot.press("enter")
        await settle(pilot)
        assert [plain_row(prospects, i)[0] for i in range(prospects.row_count)] == [
            "Léa Fontaine"]
        await pilot.press("slash")
        await settle(pilot)
        app.screen.query_one(Input).value = ""
        await pilot.press("enter")
        await settle(pilot)
        assert prospects.row_count == 3
