"""Pilot tests of Settings: edits are previewed, written keeping comments, and reloaded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import tomlkit
from sqlalchemy import text
from sqlmodel import select
from textual.widgets import DataTable, Input, TabbedContent

from salesplan.core.db.models import Lead, StepChange
from salesplan.core.errors import ConfigError
from salesplan.core.services.strandings import find_strandings
from salesplan.tui import config_edit
from salesplan.tui.app import SalesplanApp
from salesplan.tui.screens.action_type_form import ActionTypeForm, parse_outcomes
from salesplan.tui.screens.choose import ChoiceModal
from salesplan.tui.screens.confirm import ConfirmModal
from salesplan.tui.screens.error import ErrorModal
from salesplan.tui.screens.settings import SettingsScreen
from tests.tui.conftest import settle


def test_parse_outcomes() -> None:
    assert parse_outcomes("good:Good:green, bad , maybe:Maybe") == [
        {"id": "good", "label": "Good", "color": "green"}, {"id": "bad"},
        {"id": "maybe", "label": "Maybe"},
    ]
    with pytest.raises(ConfigError, match="listed twice"):
        parse_outcomes("a, a")
    with pytest.raises(ConfigError, match="lowercase id"):
        parse_outcomes("Bad One")


def test_edits_keep_comments_and_override_by_id(tmp_path: Path) -> None:
    path = tmp_path / "team.toml"
    path.write_text('# top comment\n[team]\nname = "X"  # inline\n\n[[action_types]]\n'
                    'id = "call"\ncolor = "red"\n', encoding="utf-8")
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    config_edit.set_action_type("call", label="Phone")(document)
    config_edit.set_pipeline_steps("renewal", ["Due", "Signed"])(document)
    config_edit.set_enabled_plugins(["calls"])(document)
    text = tomlkit.dumps(document)
    assert text.startswith('# top comment\n[team]\nname = "X"  # inline\n')
    parsed = tomlkit.parse(text).unwrap()
    assert parsed["action_types"] == [{"id": "call", "color": "red", "label": "Phone"}]
    assert parsed["pipelines"] == [{"id": "renewal", "steps": ["Due", "Signed"]}]
    assert parsed["plugins"] == {"enabled": ["calls"]}


async def test_edit_action_type_writes_file_and_reloads(
    tui: Callable[..., SalesplanApp],
) -> None:
    app = tui()
    async with app.run_test(size=(130, 44)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        types = screen.query_one("#types", DataTable)
        types.focus()
        await pilot.press("e")  # first row: call
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ActionTypeForm)
        assert form.query_one("#type-outcomes", Input).value == (
            "reached:Reached:green, not_reached:Not reached:orange")
        form.query_one("#type-label", Input).value = "Phone call"
        form.query_one("#type-color", Input).value = "#ff0000"
        form.query_one("#type-outcomes", Input).value = (
            "reached:Reached:green, not_reached:Not reached:orange, voicemail:Voicemail")
        await pilot.press("ctrl+s")
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, ConfirmModal)
        assert "+id = \"call\"" in str(confirm.body.code)  # type: ignore[attr-defined]
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        text = app.ctx.config_path.read_text(encoding="utf-8")
        assert text.startswith("# The test suite's standard team: small, every feature")
        parsed = tomlkit.parse(text).unwrap()
        call = next(t for t in parsed["action_types"] if t["id"] == "call")
        assert call == {
            "id": "call", "label": "Phone call", "color": "#ff0000",
            "outcomes": [{"id": "reached", "label": "Reached", "color": "green"},
                         {"id": "not_reached", "label": "Not reached", "color": "orange"},
                         {"id": "voicemail", "label": "Voicemail"}],
        }
        spec = app.ctx.registry.action_types["call"]
        assert (spec.label, spec.color, spec.outcome_ids) == (
            "Phone call", "#ff0000", ("reached", "not_reached", "voicemail"))
        assert app.generation == 1
        assert str(types.get_row_at(0)[1]) == "Phone call"

        # Disabling a type a rule uses is refused by validation: nothing is written.
        types.move_cursor(row=0)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ErrorModal)
        assert app.screen.error_title == "Not saved"
        assert "call" in app.screen.message
        assert app.ctx.config_path.read_text(encoding="utf-8") == text


async def test_new_type_segment_and_plugin(tui: Callable[..., SalesplanApp]) -> None:
    app = tui()
    async with app.run_test(size=(130, 44)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        screen.query_one("#types", DataTable).focus()
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        form.query_one("#type-id", Input).value = "demo"
        form.query_one("#type-label", Input).value = "Product demo"
        form.query_one("#type-icon", Input).value = "🎬"
        form.query_one("#type-outcomes", Input).value = "done:Done:green, cancelled"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        demo = app.ctx.registry.action_types["demo"]
        assert (demo.label, demo.icon, demo.outcome_ids) == ("Product demo", "🎬",
                                                             ("done", "cancelled"))

        screen.query_one(TabbedContent).active = "tab-members"
        await settle(pilot)
        members = screen.query_one("#members", DataTable)
        members.focus()
        members.move_cursor(row=1)  # bob, prospecting
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("end", "enter")  # sales
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.ctx.config.member("bob").segment == "sales"  # type: ignore[union-attr]

        screen.query_one(TabbedContent).active = "tab-plugins"
        await settle(pilot)
        plugins = screen.query_one("#plugins", DataTable)
        plugins.focus()
        names = [str(plugins.get_row_at(i)[1]) for i in range(plugins.row_count)]
        plugins.move_cursor(row=names.index("email_digest"))
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "email_digest" in app.ctx.config.plugins.enabled
        assert str(plugins.get_row_at(names.index("email_digest"))[0]) == "✔"


async def test_removing_a_step_with_open_leads_asks_where_they_go(
    tui: Callable[..., SalesplanApp],
) -> None:
    app = tui()
    async with app.run_test(size=(130, 44)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        screen.query_one(TabbedContent).active = "tab-pipelines"
        await settle(pilot)
        pipelines = screen.query_one("#pipelines", DataTable)
        pipelines.focus()
        pipelines.move_cursor(row=0)  # acquisition: Incoming, Qualified, Proposal, Negotiation
        await pilot.press("e")
        await settle(pilot)
        # "Proposal" holds L2 (open): removing it asks where L2 goes, before the diff.
        app.screen.query_one(Input).value = "Incoming, Qualified, Negotiation, Signed"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceModal)
        assert "1 open lead" in app.screen.dialog_title and "Proposal" in app.screen.dialog_title
        await pilot.press("down", "down", "enter")  # Negotiation
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await settle(pilot, rounds=6)
        assert app.ctx.config.pipeline("acquisition").steps == [  # type: ignore[union-attr]
            "Incoming", "Qualified", "Negotiation", "Signed"]
        with app.ctx.session() as session:
            lead = session.exec(select(Lead).where(Lead.key == "L2")).one()
            assert lead.step == "Negotiation"
            changes = session.exec(select(StepChange.step).where(
                StepChange.lead_id == lead.id).order_by(StepChange.id)).all()  # type: ignore[arg-type]
            assert changes[-1] == "Negotiation"
            assert find_strandings(session, app.ctx) == []


async def test_strandings_are_found_in_the_base(tui: Callable[..., SalesplanApp]) -> None:
    app = tui()
    with app.ctx.write_session() as session:
        session.exec(text("UPDATE leads SET step = 'Gone' WHERE key = 'L4'"))  # type: ignore[call-overload]
        session.exec(text("UPDATE leads SET owner = 'zed' WHERE key = 'L2'"))  # type: ignore[call-overload]
        session.commit()
    with app.ctx.session() as session:
        found = find_strandings(session, app.ctx)
    assert len(found) == 2
    assert found[0].startswith("1 open lead (") and "step 'Gone'" in found[0]
    assert found[1].startswith("1 open lead owned by 'zed'")


async def test_members_are_added_and_removed_handing_over_what_they_own(
    tui: Callable[..., SalesplanApp],
) -> None:
    app = tui()
    async with app.run_test(size=(130, 44)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        screen.query_one(TabbedContent).active = "tab-members"
        await settle(pilot)
        members = screen.query_one("#members", DataTable)
        members.focus()
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one(Input).value = "erin, Erin Blanc"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("end", "enter")  # the last segment: sales
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot, rounds=6)
        erin = app.ctx.config.member("erin")
        assert erin is not None and (erin.name, erin.segment) == ("Erin Blanc", "sales")

        # Carol owns two prospects (Yann Le Goff, Emma Roux): removing her asks who takes them.
        ids = [str(members.get_row_at(i)[0]) for i in range(members.row_count)]
        members.move_cursor(row=ids.index("carol"))
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceModal)
        assert "2 prospects" in app.screen.dialog_title
        choices = [value for value, _label in app.screen.choices]
        assert "carol" not in choices
        app.screen.dismiss("erin")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await settle(pilot, rounds=6)
        assert app.ctx.config.member("carol") is None
        with app.ctx.session() as session:
            from salesplan.core.db.models import Prospect

            owners = session.exec(select(Prospect.owner).where(
                Prospect.name.in_(["Yann Le Goff", "Emma Roux"]))).all()  # type: ignore[attr-defined]
            assert owners == ["erin", "erin"]
            assert find_strandings(session, app.ctx) == []
