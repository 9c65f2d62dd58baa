"""Pilot tests of the pipeline board: cards, moves, status, owner filter, pipeline switch and
paging of a crowded column."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlmodel import select
from textual.widgets import Input

from salesplan.core.calendar import to_local
from salesplan.core.db.models import Lead, StepChange
from salesplan.tui.app import SalesplanApp
from salesplan.tui.queries import PAGE_SIZE
from salesplan.tui.screens.choose import ChoiceModal
from salesplan.tui.screens.confirm import ConfirmModal
from salesplan.tui.screens.error import ErrorModal
from salesplan.tui.screens.pipeline import PipelineScreen
from salesplan.tui.screens.prompt import PromptModal
from salesplan.tui.widgets.board import MORE, BoardColumnView
from tests.tui.conftest import open_screen, settle, until


def card_keys(view: BoardColumnView) -> list[str]:
    return [o.id for o in view.options.options if o.id]


async def test_board_cards_and_move_next_step(tui: Callable[..., SalesplanApp]) -> None:
    app = tui()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_screen(pilot, "p", PipelineScreen)
        columns = screen.columns
        assert [c.step for c in columns] == ["Incoming", "Qualified", "Proposal", "Negotiation"]
        # Newest first: Café Central (16th), Petit (10th); the hotel is won, so not shown.
        assert [card_keys(c) for c in columns] == [["L5", "L1"], ["L4"], ["L2"], []]
        assert columns[0].border_subtitle == "2 · €24,000"
        assert screen.focused_column is columns[0]
        await pilot.press("greater_than_sign")  # Café Central → Qualified
        await settle(pilot)
        assert [card_keys(c) for c in screen.columns] == [["L1"], ["L5", "L4"], ["L2"], []]
        with app.ctx.session() as session:
            lead = session.exec(select(Lead).where(Lead.key == "L5")).one()
            assert lead.step == "Qualified"
            change = session.exec(
                select(StepChange).where(StepChange.lead_id == lead.id)
                .order_by(StepChange.id.desc())  # type: ignore[union-attr]
            ).first()
            assert change is not None and change.step == "Qualified"
            # Moved "now" on the fixed today: 10:00 in Paris = 09:00 UTC.
            assert change.at.astimezone(UTC) == datetime(2026, 3, 18, 9, 0, tzinfo=UTC)


async def test_move_with_picker_and_mark_won(tui: Callable[..., SalesplanApp]) -> None:
    app = tui()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_screen(pilot, "p", PipelineScreen)
        await pilot.press("right", "right")  # Proposal: Breizh Cycles
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("down", "enter")  # Proposal → Negotiation
        await settle(pilot)
        assert [card_keys(c) for c in screen.columns][2:] == [[], ["L2"]]
        await pilot.press("right")
        await pilot.press("w")
        await settle(pilot)
        # Closing a deal asks first; "no" leaves it on the board.
        assert isinstance(app.screen, ConfirmModal)
        assert "L2" in str(app.screen.body) and "won" in app.screen.dialog_title
        await pilot.press("n")
        await settle(pilot)
        assert [card_keys(c) for c in screen.columns][3] == ["L2"]
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert [card_keys(c) for c in screen.columns][3] == []
        with app.ctx.session() as session:
            lead = session.exec(select(Lead).where(Lead.key == "L2")).one()
            assert (lead.step, lead.status) == ("Negotiation", "won")
            assert lead.closed_at is not None


async def test_slash_searches_the_board(tui: Callable[..., SalesplanApp]) -> None:
    app = tui()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_screen(pilot, "p", PipelineScreen)
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, PromptModal)
        await pilot.press(*"breiz", "enter")
        await settle(pilot)
        assert screen.search == "breiz"
        assert [card_keys(c) for c in screen.columns] == [[], [], ["L2"], []]
        assert str(screen.columns[0].border_subtitle).startswith("0")
        # By key, in another shape.
        await pilot.press("slash")
        await settle(pilot)
        app.screen.query_one(Input).value = "l0005"
        await pilot.press("enter")
        await settle(pilot)
        assert [card_keys(c) for c in screen.columns] == [["L5"], [], [], []]
        # Empty: the whole board again.
        await pilot.press("slash")
        await settle(pilot)
        app.screen.query_one(Input).value = ""
        await pilot.press("enter")
        await settle(pilot)
        assert screen.search is None
        assert [card_keys(c) for c in screen.columns] == [["L5", "L1"], ["L4"], ["L2"], []]


async def test_owner_filter_and_pipeline_switch(tui: Callable[..., SalesplanApp]) -> None:
    app = tui()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_screen(pilot, "p", PipelineScreen)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("down", "down", "down", "down", "enter")  # Everyone, a, b, c, Dave
        await settle(pilot)
        assert screen.owner == "dave"
        assert [card_keys(c) for c in screen.columns] == [["L5"], [], [], []]
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("down", "enter")  # renewal
        await settle(pilot)
        assert screen.pipeline == "renewal"
        assert [c.step for c in screen.columns] == ["Due", "Contacted", "Signed"]
        assert [card_keys(c) for c in screen.columns] == [[], [], []]  # the renewal is alice's
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("home", "enter")  # Everyone
        await settle(pilot)
        assert [card_keys(c) for c in screen.columns] == [["L6"], [], []]


async def test_crowded_column_is_paged(tui: Callable[..., SalesplanApp]) -> None:
    app = tui()
    with app.ctx.write_session() as session:
        for index in range(95):
            session.add(Lead(key=f"BULK{index}", title=f"Bulk lead {index}",
                             pipeline="acquisition", step="Negotiation", owner="alice",
                             amount=1000, created_at=datetime(2026, 1, 1, tzinfo=UTC)))
        session.commit()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_screen(pilot, "p", PipelineScreen)
        column = screen.columns[3]
        assert column.total == 95
        assert column.border_subtitle == "95 · €95,000"
        assert len(column.cards) == PAGE_SIZE
        assert card_keys(column)[-1] == MORE
        column.options.focus()
        column.options.highlighted = column.options.option_count - 1
        await pilot.press("enter")
        await settle(pilot)
        assert len(column.cards) == 2 * PAGE_SIZE
        column.options.highlighted = column.options.option_count - 1
        await pilot.press("enter")
        await settle(pilot)
        assert len(column.cards) == 95
        assert MORE not in card_keys(column)
        assert len(set(card_keys(column))) == 95


async def test_standby_asks_the_reminder_day(tui: Callable[..., SalesplanApp]) -> None:
    app = tui()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_screen(pilot, "p", PipelineScreen)
        await pilot.press("right")  # Qualified: L4
        screen.action_set_status("standby")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, PromptModal)
        assert prompt.query_one(Input).value == "2026-03-25"  # a week from today
        prompt.query_one(Input).value = "2026-02-30"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ErrorModal)
        assert app.screen.message == "not a date: '2026-02-30' (use YYYY-MM-DD)"
        await pilot.press("escape")
        await settle(pilot)
        screen.action_set_status("standby")
        await settle(pilot)
        await pilot.press("enter")  # the default day
        await until(pilot, lambda: app.data_version == 1, "the status to be written")
        with app.ctx.session() as session:
            lead = session.exec(select(Lead).where(Lead.key == "L4")).one()
            assert lead.status == "standby"
            assert lead.remind_at is not None
            assert to_local(lead.remind_at, app.ctx.tz).date() == date(2026, 3, 25)


async def test_u_undoes_the_last_move_or_status(tui: Callable[..., SalesplanApp]) -> None:
    app = tui()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_screen(pilot, "p", PipelineScreen)
        with app.ctx.session() as session:
            lead = session.exec(select(Lead).where(Lead.key == "L5")).one()
            changes_before = len(session.exec(select(StepChange).where(
                StepChange.lead_id == lead.id)).all())
        await pilot.press("greater_than_sign")  # L5: Incoming → Qualified
        await settle(pilot)
        assert [card_keys(c) for c in screen.columns][:2] == [["L1"], ["L5", "L4"]]
        await pilot.press("u")
        await settle(pilot)
        assert [card_keys(c) for c in screen.columns][:2] == [["L5", "L1"], ["L4"]]
        with app.ctx.session() as session:
            lead = session.exec(select(Lead).where(Lead.key == "L5")).one()
            assert lead.step == "Incoming"
            assert len(session.exec(select(StepChange).where(
                StepChange.lead_id == lead.id)).all()) == changes_before
        # Marking won (confirmed) and undoing: open again, no closing date.
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        with app.ctx.session() as session:
            assert session.exec(select(Lead).where(Lead.key == "L5")).one().status == "won"
        await pilot.press("u")
        await settle(pilot)
        with app.ctx.session() as session:
            lead = session.exec(select(Lead).where(Lead.key == "L5")).one()
            assert (lead.status, lead.closed_at) == ("todo", None)
        await pilot.press("u")
        await settle(pilot)
        assert app.last_change is None  # nothing left to undo (a warning says so)
        # A lead changed by someone else since is not overwritten.
        await pilot.press("greater_than_sign")
        await settle(pilot)
        with app.ctx.write_session() as session:
            moved = session.exec(select(Lead).where(Lead.key == "L5")).one()
            moved.status = "lost"
            session.add(moved)
            session.commit()
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, ErrorModal)
        assert "changed since" in app.screen.message
