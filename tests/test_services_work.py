"""The pipeline services on both backends: leads, steps, statuses, prospects, answers, keys."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from salesplan.core import services
from salesplan.core.context import AppContext
from salesplan.core.db.models import Action, Lead, Prospect, StepChange
from salesplan.core.errors import DataError, NotFoundError

PARIS = ZoneInfo("Europe/Paris")


def _lead(app: AppContext, **kwargs: object) -> str:
    with app.write_session() as session:
        params: dict[str, object] = {
            "title": "Acme deal",
            "pipeline": "acquisition",
            "owner": "alice",
            "at": datetime(2026, 3, 10, 9, 0),
        }
        params.update(kwargs)
        lead = services.create_lead(session, app, **params)  # type: ignore[arg-type]
        session.commit()
        return lead.key


def test_create_lead_gets_key_first_step_and_first_step_change(app: AppContext) -> None:
    key = _lead(app, amount=1200.5)
    with app.session() as session:
        lead = services.get_lead(session, key)
        assert key == f"L{lead.id}"
        assert lead.step == "Incoming"
        assert lead.status == "todo"
        assert lead.amount == 1200.5
        # 09:00 in Paris in March (CET, UTC+1) is 08:00 UTC
        assert lead.created_at == datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
        changes = session.exec(select(StepChange).where(StepChange.lead_id == lead.id)).all()
        assert [(c.step, c.at) for c in changes] == [("Incoming", lead.created_at)]
        assert services.get_lead(session, str(lead.id)).key == key


def test_create_lead_rejects_bad_references(app: AppContext) -> None:
    with app.write_session() as session:
        with pytest.raises(NotFoundError, match=r"unknown pipeline 'nope' \(pipelines: "
                           r"acquisition, renewal\)"):
            services.create_lead(session, app, title="x", pipeline="nope", owner="alice")
        with pytest.raises(NotFoundError, match=r"unknown step 'Signed' in pipeline "
                           r"'acquisition'"):
            services.create_lead(
                session, app, title="x", pipeline="acquisition", owner="alice", step="Signed"
            )
        with pytest.raises(NotFoundError, match=r"unknown owner 'zed' \(members: alice, bob, "
                           r"carol, dave\)"):
            services.create_lead(session, app, title="x", pipeline="acquisition", owner="zed")
        with pytest.raises(DataError, match="amount must be a number >= 0"):
            services.create_lead(
                session, app, title="x", pipeline="acquisition", owner="alice", amount=-1
            )
    with app.session() as session:
        assert session.exec(select(Lead)).all() == []


def test_unknown_lead_and_prospect(app: AppContext) -> None:
    with app.session() as session:
        with pytest.raises(NotFoundError, match="unknown lead 'L9'"):
            services.get_lead(session, "L9")
        with pytest.raises(NotFoundError, match="unknown prospect 'P9'"):
            services.get_prospect(session, "P9")


def test_generated_key_never_collides_with_an_imported_key(app: AppContext) -> None:
    with app.write_session() as session:
        imported = Lead(key="L2", title="Imported", pipeline="acquisition", step="Incoming",
                        owner="alice", created_at=datetime(2026, 1, 5, tzinfo=UTC))
        session.add(imported)
        session.commit()
    key = _lead(app)
    with app.session() as session:
        lead = services.get_lead(session, key)
        assert lead.id == 2
        assert key == "L2-2"
        assert services.get_lead(session, "L2").title == "Imported"


def test_move_lead_adds_step_change_and_refuses_nonsense(app: AppContext) -> None:
    key = _lead(app)
    with app.write_session() as session:
        lead = services.get_lead(session, key)
        change = services.move_lead(
            session, app, lead=lead, step="Proposal", at=datetime(2026, 3, 12, 14, 30)
        )
        assert change.at == datetime(2026, 3, 12, 13, 30, tzinfo=UTC)
        with pytest.raises(DataError, match="already in step 'Proposal'"):
            services.move_lead(session, app, lead=lead, step="Proposal")
        with pytest.raises(NotFoundError, match="unknown step 'Due' in pipeline 'acquisition'"):
            services.move_lead(session, app, lead=lead, step="Due")
        with pytest.raises(DataError) as early:
            services.move_lead(
                session, app, lead=lead, step="Qualified", at=datetime(2026, 3, 11, 9, 0)
            )
        # Instants in the team's time zone, as they were typed, never raw UTC.
        assert early.value.message == (
            f"lead {key!r} cannot move to 'Qualified' at 2026-03-11 09:00 (Europe/Paris): it "
            "entered 'Proposal' later, at 2026-03-12 14:30 (Europe/Paris)")
        session.commit()
    with app.session() as session:
        lead = services.get_lead(session, key)
        assert lead.step == "Proposal"
        steps = session.exec(
            select(StepChange.step).where(StepChange.lead_id == lead.id).order_by(StepChange.at)
        ).all()
        assert list(steps) == ["Incoming", "Proposal"]


def test_status_closing_reopening_and_standby(app: AppContext) -> None:
    key = _lead(app)
    with app.write_session() as session:
        lead = services.get_lead(session, key)
        services.set_status(session, app, lead=lead, status="won",
                            at=datetime(2026, 4, 1, 18, 0))
        assert lead.closed_at == datetime(2026, 4, 1, 16, 0, tzinfo=UTC)  # CEST, UTC+2
        services.set_status(session, app, lead=lead, status="todo")
        assert lead.closed_at is None
        with pytest.raises(DataError, match="standby needs a reminder date"):
            services.set_status(session, app, lead=lead, status="standby")
        with pytest.raises(DataError, match=r"unknown status 'open' \(statuses: todo, "
                           r"standby, won, lost, cancelled\)"):
            services.set_status(session, app, lead=lead, status="open")
        services.set_status(session, app, lead=lead, status="standby",
                            remind_at=date(2026, 5, 4))
        session.commit()
    with app.session() as session:
        lead = services.get_lead(session, key)
        assert lead.status == "standby"
        assert lead.closed_at is None
        assert lead.remind_at == datetime(2026, 5, 3, 22, 0, tzinfo=UTC)  # local midnight
        assert services.effective_status(app, lead, date(2026, 5, 3)) == "standby"
        assert services.effective_status(app, lead, date(2026, 5, 4)) == "todo"
        assert [x.key for x in services.due_standby_leads(session, app, day=date(2026, 5, 4))] \
            == [key]
        assert services.due_standby_leads(session, app, day=date(2026, 5, 3)) == []
        assert services.due_standby_leads(session, app, owner="dave", day=date(2026, 5, 4)) == []


def test_prospect_conversion_keeps_the_link(app: AppContext) -> None:
    with app.write_session() as session:
        prospect = services.add_prospect(
            session, app, list_name="Trade fair", name="Jo Bloggs", company="Bloggs SA",
            email="jo@bloggs.test", owner="bob", at=datetime(2026, 3, 2, 10, 0),
        )
        again = services.ensure_list(session, app, name="Trade fair")
        assert again.id == prospect.list_id
        lead = services.convert_prospect(
            session, app, prospect=prospect, pipeline="acquisition", owner="alice",
            amount=5000, at=datetime(2026, 3, 3, 11, 0),
        )
        assert lead.title == "Bloggs SA"
        with pytest.raises(DataError, match=rf"prospect '{prospect.key}' is already converted "
                           rf"into lead '{lead.key}'"):
            services.convert_prospect(session, app, prospect=prospect, pipeline="renewal")
        session.commit()
        prospect_key, lead_key = prospect.key, lead.key
    with app.session() as session:
        lead = services.get_lead(session, lead_key)
        prospect = services.get_prospect(session, prospect_key)
        assert prospect_key == f"P{prospect.id}"
        assert lead.prospect_id == prospect.id
        assert services.converted_lead(session, prospect).key == lead_key  # type: ignore[union-attr]
        file = services.lead_file(session, app, lead)
        assert file.prospect is not None and file.prospect.key == prospect_key
        assert file.prospect_list == "Trade fair"


def test_convert_needs_an_owner(app: AppContext) -> None:
    with app.write_session() as session:
        prospect = services.add_prospect(session, app, list_name="Cold", name="Nobody")
        with pytest.raises(DataError, match="has no owner: give the lead an owner"):
            services.convert_prospect(session, app, prospect=prospect, pipeline="acquisition")


def test_script_answers_typed_stored_on_action_and_lead(app: AppContext) -> None:
    key = _lead(app)
    with app.write_session() as session:
        logged = services.log_action(
            session, app, action_type="discovery_call", member="alice", lead=key,
            at=datetime(2026, 3, 11, 10, 0),
            answers={"budget": "Yes", "seats": "12", "decider": " the CFO ",
                     "start": "1-3 months"},
        )
        second = services.log_action(
            session, app, action_type="discovery_call", member="alice", lead=key,
            at=datetime(2026, 3, 12, 10, 0), answers={"budget": "false", "seats": 2.5},
        )
        session.commit()
        action_key, second_key = logged.action.key, second.action.key
    with app.session() as session:
        action = session.exec(select(Action).where(Action.key == action_key)).one()
        assert action.answers == {
            "budget": True, "decider": "the CFO", "seats": 12, "start": "1-3 months"
        }
        again = session.exec(select(Action).where(Action.key == second_key)).one()
        assert again.answers == {"budget": False, "seats": 2.5}
        lead = services.get_lead(session, key)
        assert lead.fields == {
            "budget": False, "decider": "the CFO", "seats": 2.5, "start": "1-3 months"
        }


@pytest.mark.parametrize(
    ("action_type", "answers", "message"),
    [
        ("discovery_call", {"budget": "maybe"}, "answer to 'budget' must be yes or no, not "
         "'maybe'"),
        ("discovery_call", {"seats": "ten"}, "answer to 'seats' must be a number, not 'ten'"),
        ("discovery_call", {"seats": True}, "answer to 'seats' must be a number, not True"),
        ("discovery_call", {"start": "soon"}, "answer to 'start' must be one of: < 1 month, "
         "1-3 months, > 3 months (not 'soon')"),
        ("discovery_call", {"decider": 3}, "answer to 'decider' must be text, not 3"),
        ("discovery_call", {"color": "red"}, "unknown question 'color' in script 'discovery' "
         "(questions: budget, decider, seats, start)"),
        ("call", {"budget": "yes"}, "action type 'call' has no call script: it takes no "
         "answers"),
    ],
)
def test_bad_answers_are_refused(
    app: AppContext, action_type: str, answers: dict[str, object], message: str
) -> None:
    key = _lead(app)
    with app.write_session() as session, pytest.raises(DataError) as caught:
        services.log_action(
            session, app, action_type=action_type, member="alice", lead=key, answers=answers
        )
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"action_type": "fax"}, "unknown action type 'fax' (known: "),
        ({"outcome": "maybe"}, "unknown outcome 'maybe' for action type 'call' (outcomes: "
         "reached, not_reached)"),
        ({"action_type": "proposal", "outcome": "good"}, "action type 'proposal' has no "
         "outcomes (got 'good')"),
        ({"member": "zed"}, "unknown member 'zed' (members: alice, bob, carol, dave)"),
        ({"lead": "L77"}, "unknown lead 'L77'"),
        ({"prospect": "P1"}, "an action is on exactly one lead or prospect: give one of them"),
    ],
)
def test_bad_actions_are_refused_and_nothing_is_written(
    app: AppContext, kwargs: dict[str, object], message: str
) -> None:
    key = _lead(app)
    params: dict[str, object] = {"action_type": "call", "member": "alice", "lead": key}
    params.update(kwargs)
    with pytest.raises(DataError) as caught:
        services.record_action(app, **params)
    assert caught.value.message.startswith(message)
    with app.session() as session:
        assert session.exec(select(Action)).all() == []


def test_action_on_prospect_stores_answers_on_prospect(make_app, write_config) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import base_config_text

    text = base_config_text().replace('id = "proposal"\nlabel = "Proposal"',
                                      'id = "proposal"\nlabel = "Proposal"\nscript = "discovery"')
    app = make_app(write_config(text))
    with app.write_session() as session:
        prospect = services.add_prospect(session, app, list_name="Cold", name="Ann",
                                         owner="bob")
        session.commit()
        key = prospect.key
    logged = services.record_action(app, action_type="proposal", member="bob", prospect=key,
                                    answers={"budget": "no"})
    assert logged.effects == []
    with app.session() as session:
        assert services.get_prospect(session, key).fields == {"budget": False}
        assert session.exec(select(Prospect)).one().fields == {"budget": False}
