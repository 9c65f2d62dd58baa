"""Outcome rules on both backends: matching, the four built-in effects, reminders closing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import func, select

from salesplan.core import services
from salesplan.core.context import AppContext
from salesplan.core.db.models import Action, Lead, Reminder, StepChange
from salesplan.core.errors import DataError
from tests.conftest import base_config_text

EXTRA_RULES = """
[[rules]]
id = "meeting-proposal"
when = { action = "meeting", outcome = "held" }
then = { move_to_step = "Proposal" }
[[rules]]
id = "email-convert"
when = { action = "email" }
then = [{ convert = "acquisition", step = "Qualified" }, { schedule = "meeting", after_days = 0 }]
[[rules]]
id = "renewal-due"
when = { action = "call", outcome = "reached", pipeline = "renewal", step = "Due" }
then = [{ move_to_step = "Contacted" }, { set_status = "standby", remind_after_days = 7 }]
"""


def _lead(app: AppContext, pipeline: str = "acquisition", owner: str = "alice") -> str:
    with app.write_session() as session:
        lead = services.create_lead(
            session, app, title="Deal", pipeline=pipeline, owner=owner,
            at=datetime(2026, 3, 1, 9, 0),
        )
        session.commit()
        return lead.key


def _prospect(app: AppContext) -> str:
    with app.write_session() as session:
        prospect = services.add_prospect(session, app, list_name="Cold", name="Ann",
                                         company="Ann Co", owner="bob")
        session.commit()
        return prospect.key


def _counts(app: AppContext) -> dict[str, int]:
    with app.session() as session:
        return {
            model.__name__: session.exec(select(func.count()).select_from(model)).one()
            for model in (Lead, StepChange, Action, Reminder)
        }


@pytest.fixture
def rules_app(make_app: Callable[..., AppContext], write_config: Callable[..., Path]) -> AppContext:
    return make_app(write_config(base_config_text() + EXTRA_RULES))


def test_call_not_reached_schedules_a_call_in_two_days(app: AppContext) -> None:
    key = _lead(app)
    logged = services.record_action(app, action_type="call", member="alice", lead=key,
                                    outcome="not_reached", at=datetime(2026, 3, 10, 16, 45))
    assert logged.effects == ["call scheduled in 2 days (due 2026-03-12)"]
    assert logged.warnings == []
    with app.session() as session:
        reminder = session.exec(select(Reminder)).one()
        assert reminder.action_type == "call"
        assert reminder.member == "alice"
        assert reminder.lead_id == services.get_lead(session, key).id
        assert reminder.prospect_id is None
        assert reminder.due_at == datetime(2026, 3, 12, 15, 45, tzinfo=UTC)  # 16:45 Paris
        assert reminder.created_by_action_id == logged.action.id
        assert reminder.done is False and reminder.source == "rule"


def test_schedule_keeps_local_time_across_dst(app: AppContext) -> None:
    key = _lead(app)
    # Saturday 2026-03-28 10:00 CET (UTC+1); Europe/Paris moves to CEST on the 29th.
    logged = services.record_action(app, action_type="call", member="alice", lead=key,
                                    outcome="not_reached", at=datetime(2026, 3, 28, 10, 0))
    assert logged.effects == ["call scheduled in 2 days (due 2026-03-30)"]
    with app.session() as session:
        assert session.exec(select(Reminder.due_at)).one() == datetime(
            2026, 3, 30, 8, 0, tzinfo=UTC
        )


def test_good_discovery_call_moves_to_qualified(app: AppContext) -> None:
    key = _lead(app)
    logged = services.record_action(app, action_type="discovery_call", member="alice",
                                    lead=key, outcome="good", at=datetime(2026, 3, 11, 11, 0))
    assert logged.effects == ["moved to Qualified"]
    with app.session() as session:
        lead = services.get_lead(session, key)
        assert lead.step == "Qualified" and lead.status == "todo"
        changes = session.exec(
            select(StepChange.step, StepChange.at)
            .where(StepChange.lead_id == lead.id)
            .order_by(StepChange.at)
        ).all()
        assert [tuple(c) for c in changes] == [
            ("Incoming", datetime(2026, 3, 1, 8, 0, tzinfo=UTC)),
            ("Qualified", datetime(2026, 3, 11, 10, 0, tzinfo=UTC)),
        ]
    again = services.record_action(app, action_type="discovery_call", member="alice",
                                   lead=key, outcome="good", at=datetime(2026, 3, 12, 11, 0))
    assert again.effects == ["already in Qualified"]
    assert _counts(app)["StepChange"] == 2


def test_bad_discovery_call_sets_lost(app: AppContext) -> None:
    key = _lead(app)
    logged = services.record_action(app, action_type="discovery_call", member="alice",
                                    lead=key, outcome="bad", at=datetime(2026, 3, 11, 11, 0))
    assert logged.effects == ["status set to lost"]
    with app.session() as session:
        lead = services.get_lead(session, key)
        assert lead.status == "lost"
        assert lead.closed_at == datetime(2026, 3, 11, 10, 0, tzinfo=UTC)
        assert lead.step == "Incoming"


def test_logging_the_scheduled_action_closes_the_oldest_open_reminder(app: AppContext) -> None:
    key = _lead(app)
    first = services.record_action(app, action_type="call", member="alice", lead=key,
                                   outcome="not_reached", at=datetime(2026, 3, 10, 9, 0))
    second = services.record_action(app, action_type="call", member="alice", lead=key,
                                    outcome="not_reached", at=datetime(2026, 3, 12, 9, 0))
    # bob's call on the same lead and alice's e-mail close nothing of alice's calls
    services.record_action(app, action_type="call", member="bob", lead=key, outcome="reached",
                           at=datetime(2026, 3, 13, 9, 0))
    services.record_action(app, action_type="email", member="alice", lead=key,
                           at=datetime(2026, 3, 13, 9, 30))
    with app.session() as session:
        reminders = session.exec(select(Reminder).order_by(Reminder.id)).all()
        assert [(r.created_by_action_id, r.done, r.done_by_action_id) for r in reminders] == [
            (first.action.id, True, second.action.id),
            (second.action.id, False, None),
        ]
        assert reminders[0].done_at == datetime(2026, 3, 12, 8, 0, tzinfo=UTC)
    final = services.record_action(app, action_type="call", member="alice", lead=key,
                                   outcome="reached", at=datetime(2026, 3, 14, 9, 0))
    assert final.effects == []
    with app.session() as session:
        assert session.exec(select(Reminder).where(Reminder.done == False)).all() == []  # noqa: E712
        assert services.due_reminders(session, app, day=date(2026, 3, 31)) == []


def test_due_reminders_by_day_and_member(app: AppContext) -> None:
    key = _lead(app)
    services.record_action(app, action_type="call", member="alice", lead=key,
                           outcome="not_reached", at=datetime(2026, 3, 10, 23, 30))
    services.record_action(app, action_type="call", member="bob", lead=key,
                           outcome="not_reached", at=datetime(2026, 3, 9, 8, 0))
    with app.session() as session:
        def due(day: date, member: str | None = None) -> list[tuple[str, datetime]]:
            found = services.due_reminders(session, app, member=member, day=day)
            return [(r.member, r.due_at) for r in found]

        bob_due = datetime(2026, 3, 11, 7, 0, tzinfo=UTC)
        alice_due = datetime(2026, 3, 12, 22, 30, tzinfo=UTC)  # 23:30 local on the 12th
        assert due(date(2026, 3, 10)) == []
        assert due(date(2026, 3, 11)) == [("bob", bob_due)]
        assert due(date(2026, 3, 12)) == [("bob", bob_due), ("alice", alice_due)]
        assert due(date(2026, 3, 12), "alice") == [("alice", alice_due)]
        with pytest.raises(DataError, match="unknown member 'zed'"):
            due(date(2026, 3, 12), "zed")


def test_manual_reminder(app: AppContext) -> None:
    key = _lead(app)
    with app.write_session() as session:
        lead = services.get_lead(session, key)
        services.schedule_reminder(session, app, action_type="meeting", member="alice",
                                   due=date(2026, 3, 20), lead=lead, note="demo")
        session.commit()
    with app.session() as session:
        (reminder,) = services.due_reminders(session, app, day=date(2026, 3, 20))
        assert reminder.due_at == datetime(2026, 3, 19, 23, 0, tzinfo=UTC)
        assert reminder.source == "manual" and reminder.note == "demo"


def test_rule_with_pipeline_and_step_and_standby(rules_app: AppContext) -> None:
    app = rules_app
    acquisition, renewal = _lead(app), _lead(app, pipeline="renewal")
    plain = services.record_action(app, action_type="call", member="alice", lead=acquisition,
                                   outcome="reached", at=datetime(2026, 3, 10, 9, 0))
    assert plain.effects == []
    logged = services.record_action(app, action_type="call", member="alice", lead=renewal,
                                    outcome="reached", at=datetime(2026, 3, 10, 9, 0))
    assert logged.effects == ["moved to Contacted", "status set to standby (remind 2026-03-17)"]
    # the lead is now in Contacted: the same call no longer matches the rule
    later = services.record_action(app, action_type="call", member="alice", lead=renewal,
                                   outcome="reached", at=datetime(2026, 3, 11, 9, 0))
    assert later.effects == []
    with app.session() as session:
        lead = services.get_lead(session, renewal)
        assert (lead.step, lead.status) == ("Contacted", "standby")
        assert lead.remind_at == datetime(2026, 3, 16, 23, 0, tzinfo=UTC)


def test_convert_rule_on_prospect_then_schedules_on_new_lead(rules_app: AppContext) -> None:
    app = rules_app
    prospect_key = _prospect(app)
    logged = services.record_action(app, action_type="email", member="bob",
                                    prospect=prospect_key, at=datetime(2026, 3, 10, 9, 0))
    with app.session() as session:
        prospect = services.get_prospect(session, prospect_key)
        lead = services.converted_lead(session, prospect)
        assert lead is not None
        assert logged.effects == [
            f"converted into lead {lead.key}", "meeting scheduled today (due 2026-03-10)"
        ]
        assert (lead.pipeline, lead.step, lead.owner, lead.title) == (
            "acquisition", "Qualified", "bob", "Ann Co"
        )
        assert lead.created_at == datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
        reminder = session.exec(select(Reminder)).one()
        assert (reminder.lead_id, reminder.prospect_id) == (lead.id, None)
        action = session.exec(select(Action)).one()
        assert (action.prospect_id, action.lead_id) == (prospect.id, None)


@pytest.mark.parametrize(
    ("target", "kwargs", "message"),
    [
        ("prospect", {"action_type": "meeting", "outcome": "held"},
         "rule meeting-proposal (move_to_step) skipped: move_to_step needs an action on a "
         "lead, not on a prospect"),
        ("renewal", {"action_type": "meeting", "outcome": "held"},
         "rule meeting-proposal (move_to_step) skipped: step 'Proposal' is not in pipeline "
         "'renewal' of lead "),
        ("acquisition", {"action_type": "email"},
         "rule email-convert (convert) skipped: convert needs an action on a prospect, not on "
         "a lead"),
    ],
)
def test_effect_that_does_not_apply_is_skipped_and_the_action_kept(
    rules_app: AppContext, target: str, kwargs: dict[str, Any], message: str
) -> None:
    """A rule is an automation, not a constraint: it says why it did not apply, writes
    nothing of its own, and the action is logged."""
    app = rules_app
    if target == "prospect":
        kwargs = {**kwargs, "prospect": _prospect(app)}
    else:
        kwargs = {**kwargs, "lead": _lead(app, pipeline=target)}
    before = _counts(app)
    logged = services.record_action(app, member="alice", at=datetime(2026, 3, 10, 9, 0),
                                    **kwargs)
    assert len(logged.warnings) == 1 and logged.warnings[0].startswith(message)
    assert logged.effects == []
    assert _counts(app) == {**before, "Action": before["Action"] + 1}


def test_matching_rules_uses_outcome_and_type(app: AppContext) -> None:
    key = _lead(app)
    with app.session() as session:
        lead = services.get_lead(session, key)
        action = Action(key="x", at=datetime(2026, 3, 1, tzinfo=UTC), member="alice",
                        action_type="call", outcome="not_reached", lead_id=lead.id)
        assert [r.index for r in services.matching_rules(app, action, lead)] == [0]
        action.outcome = "reached"
        assert services.matching_rules(app, action, lead) == []
        action.action_type, action.outcome = "discovery_call", "bad"
        assert [r.index for r in services.matching_rules(app, action, lead)] == [2]


def test_follow_ups_land_on_working_days(make_app: Callable[..., AppContext],
                                         write_config: Callable[..., Path]) -> None:
    """A call not reached on Friday 13 March is called back 2 days later: Sunday, so Monday
    16 March, same time; with Monday a holiday, Tuesday."""
    text = base_config_text().replace(
        'timezone = "Europe/Paris"', 'timezone = "Europe/Paris"\nholidays = [2026-03-23]')
    app = make_app(write_config(text))
    lead = _lead(app)
    friday = services.record_action(app, action_type="call", member="alice", lead=lead,
                                    outcome="not_reached", at=datetime(2026, 3, 13, 10, 0))
    assert friday.effects == ["call scheduled in 2 days (due 2026-03-16, the next working day)"]
    again = services.record_action(app, action_type="call", member="alice", lead=lead,
                                   outcome="not_reached", at=datetime(2026, 3, 20, 10, 0))
    assert again.effects == ["call scheduled in 2 days (due 2026-03-24, the next working day)"]
    with app.session() as session:
        due = sorted(r.due_at for r in session.exec(select(Reminder)).all())
    assert due[-1] == datetime(2026, 3, 24, 9, 0, tzinfo=UTC)  # 10:00 in Paris
