"""Editing and deleting a lead (issue 21), on SQLite and PostgreSQL: the services
(``edit_lead``, ``delete_lead``), the roles, the rollups kept exact, and ``salesplan lead
edit|delete`` through the real CLI."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import func, select

from salesplan.core import services
from salesplan.core.access import Actor
from salesplan.core.cli.commands import lead_edit as lead_edit_command
from salesplan.core.context import AppContext
from salesplan.core.dataio import import_folder
from salesplan.core.db.models import Action, Lead, Prospect, Reminder, StepChange
from salesplan.core.errors import DataError, ForbiddenError, NotFoundError, SalesplanError
from salesplan.core.reports.rollups import repair_all, rollup_view, verify
from salesplan.core.reports.runner import run_report
from tests.conftest import CliResult
from tests.reports.history_fixtures import history_folder

ALICE = Actor(member="alice", role="rep")
BOB = Actor(member="bob", role="rep")
DAVE = Actor(member="dave", role="manager")

Run = Callable[..., CliResult]


# --------------------------------------------------------------------------- helpers


def _prospect(app: AppContext, name: str = "Jane Doe", owner: str | None = "alice") -> str:
    with app.write_session() as session:
        prospect = services.add_prospect(session, app, list_name="Fair", name=name,
                                         company="Foo", email="jane@foo.test",
                                         phone="+33 1 23", owner=owner,
                                         at=datetime(2026, 3, 2, 9, 0))
        session.commit()
        return prospect.key


def _convert(app: AppContext, prospect: str, owner: str = "alice") -> str:
    with app.write_session() as session:
        lead = services.convert_prospect(
            session, app, prospect=services.get_prospect(session, prospect),
            pipeline="acquisition", owner=owner, amount=1000, at=datetime(2026, 3, 3, 9, 0))
        session.commit()
        return lead.key


def _lead(app: AppContext, title: str = "Plain deal", owner: str = "alice") -> str:
    with app.write_session() as session:
        lead = services.create_lead(session, app, title=title, pipeline="acquisition",
                                    owner=owner, amount=500, at=datetime(2026, 3, 2, 10, 0))
        session.commit()
        return lead.key


def _log(app: AppContext, lead: str, outcome: str, day: int, member: str = "alice") -> None:
    services.record_action(app, action_type="call", member=member, lead=lead,
                           outcome=outcome, at=datetime(2026, 3, day, 11, 0))


def _edit(app: AppContext, key: str, actor: Actor | None = None, **values: Any) -> None:
    with app.write_session() as session:
        if actor is None:
            services.edit_lead(session, app, key, **values)
        else:
            services.edit_lead(session, app, key, actor=actor, **values)
        session.commit()


def _delete(app: AppContext, key: str, with_actions: bool,
            actor: Actor | None = None) -> services.DeletedLead:
    with app.write_session() as session:
        if actor is None:
            done = services.delete_lead(session, app, key, with_actions=with_actions)
        else:
            done = services.delete_lead(session, app, key, with_actions=with_actions,
                                        actor=actor)
        session.commit()
        return done


def _lead_row(app: AppContext, key: str) -> dict[str, Any]:
    with app.session() as session:
        lead = session.exec(select(Lead).where(Lead.key == key)).one()
        return lead.model_dump()


def _prospect_row(app: AppContext, key: str) -> dict[str, Any]:
    with app.session() as session:
        return session.exec(select(Prospect).where(Prospect.key == key)).one().model_dump()


def _counts(app: AppContext) -> dict[str, int]:
    with app.session() as session:
        return {model.__name__: session.exec(select(func.count()).select_from(model)).one()
                for model in (Lead, StepChange, Action, Reminder, Prospect)}


def _refused(error: type[SalesplanError], call: Callable[[], object]) -> SalesplanError:
    with pytest.raises(error) as raised:
        call()
    return raised.value


# --------------------------------------------------------------------------- edit


def test_edit_changes_exactly_the_given_fields_and_the_contact_on_the_prospect(
    app: AppContext,
) -> None:
    prospect = _prospect(app)
    key = _convert(app, prospect)
    before, prospect_before = _lead_row(app, key), _prospect_row(app, prospect)
    _edit(app, key, title="  Foo, 40 seats  ", amount="12500.5", owner="bob",
          contact={"name": "Jane Roe", "email": "", "phone": "+33 6 00"})
    after = _lead_row(app, key)
    assert after == {**before, "title": "Foo, 40 seats", "amount": 12500.5, "owner": "bob"}
    assert _prospect_row(app, prospect) == {**prospect_before, "name": "Jane Roe", "email": "",
                                            "phone": "+33 6 00"}
    with app.session() as session:  # what the lead file and the API show as its contact
        lead = services.get_lead(session, key)
        assert services.lead_contact(session, lead) == {
            "name": "Jane Roe", "company": "Foo", "email": "", "phone": "+33 6 00"}
        assert services.lead_file(session, app, lead).prospect.name == "Jane Roe"  # type: ignore[union-attr]
    _edit(app, key, amount=0)  # one field alone; zero is an amount
    assert _lead_row(app, key) == {**after, "amount": 0.0}


def test_edit_refuses_bad_input_naming_the_field_and_writes_nothing(app: AppContext) -> None:
    prospect = _prospect(app)
    converted, plain = _convert(app, prospect), _lead(app)
    rows = (_lead_row(app, converted), _lead_row(app, plain), _prospect_row(app, prospect))
    cases: list[tuple[str, dict[str, Any], type[SalesplanError], str | None, str]] = [
        (plain, {"title": "   "}, DataError, "title", "a lead needs a title"),
        (plain, {"title": "x" * 301}, DataError, "title", "title: longer than 300 characters"),
        (plain, {"title": "two\nlines"}, DataError, "title", "title: contains a line break"),
        (plain, {"amount": -1}, DataError, "amount", "amount must be a number >= 0"),
        (plain, {"amount": "lots"}, DataError, "amount", "amount must be a number, not 'lots'"),
        (plain, {"amount": float("nan")}, DataError, "amount", "amount must be a number >= 0"),
        (plain, {"owner": "zed"}, NotFoundError, "owner",
         "unknown owner 'zed' (members: alice, bob, carol, dave)"),
        (plain, {"contact": {"email": "a@b.test"}}, DataError, "contact",
         f"lead {plain} has no contact: it was not converted from a prospect"),
        (converted, {"contact": {"fax": "1"}}, DataError, "contact",
         "unknown contact field 'fax' (fields: name, company, email, phone)"),
        (converted, {"contact": {"name": " "}}, DataError, "name", "a prospect needs a name"),
        (converted, {"contact": {"email": "e" * 201}}, DataError, "email",
         "email: longer than 200 characters"),
        (converted, {"contact": {"phone": "1" * 65}}, DataError, "phone",
         "phone: longer than 64 characters"),
        # A good value beside a bad one is not written either.
        (converted, {"title": "New", "contact": {"email": "e" * 201}}, DataError, "email",
         "email: longer than 200 characters"),
        (plain, {}, DataError, None, f"nothing to change on lead {plain}"),
        (plain, {"title": "Plain deal", "amount": 500, "owner": "alice"}, DataError, None,
         f"nothing to change on lead {plain}"),
        (converted, {"contact": {"name": "Jane Doe", "company": "Foo"}}, DataError, None,
         f"nothing to change on lead {converted}"),
        ("L99", {"title": "x"}, NotFoundError, None, "unknown lead 'L99'"),
    ]
    for key, values, error, field, message in cases:
        with pytest.raises(error) as raised:
            _edit(app, key, **values)
        refused = raised.value
        assert (refused.field, refused.message[:len(message)]) == (field, message), values
    assert (_lead_row(app, converted), _lead_row(app, plain),
            _prospect_row(app, prospect)) == rows


def test_a_rep_edits_their_own_leads_only_and_keeps_them(app: AppContext) -> None:
    mine, bobs = _lead(app, "Mine", "alice"), _lead(app, "Bob's", "bob")
    _edit(app, mine, ALICE, title="Mine, renamed", owner="alice", amount=700)
    assert _lead_row(app, mine)["title"] == "Mine, renamed"
    # Another rep's lead does not exist for her (SPEC §11: its existence is not revealed).
    refused = _refused(NotFoundError, lambda: _edit(app, bobs, ALICE, title="Taken"))
    assert refused.message == f"unknown lead {bobs!r}"
    # She may not give her lead away (reps give leads to themselves only).
    refused = _refused(ForbiddenError, lambda: _edit(app, mine, ALICE, owner="bob"))
    assert refused.field == "owner"
    assert refused.message == "alice (rep) may create leads for themselves only, not for 'bob'"
    assert _lead_row(app, mine)["owner"] == "alice"
    # A manager edits anyone's and gives leads to anyone.
    _edit(app, bobs, DAVE, owner="alice", title="Bob's, now Alice's")
    row = _lead_row(app, bobs)
    assert (row["owner"], row["title"]) == ("alice", "Bob's, now Alice's")
    _edit(app, bobs, ALICE, amount=1)  # hers now


def test_a_rep_may_not_change_a_contact_that_is_not_theirs(app: AppContext) -> None:
    prospect = _prospect(app, owner="bob")
    key = _convert(app, prospect, owner="alice")  # a manager's conversion for alice
    refused = _refused(ForbiddenError,
                       lambda: _edit(app, key, ALICE, contact={"email": "new@foo.test"}))
    assert (refused.field, refused.message) == (
        "contact", f"alice (rep) may not change the contact of lead {key}: it is prospect "
                   f"{prospect}'s, which is not theirs")
    _edit(app, key, ALICE, title="Hers to rename")
    _edit(app, key, DAVE, contact={"email": "new@foo.test"})
    assert _prospect_row(app, prospect)["email"] == "new@foo.test"


# --------------------------------------------------------------------------- delete


def _worked_lead(app: AppContext, key: str) -> None:
    """Three calls on the lead: a not-reached one (its rule schedules a call), a reached one
    that does that call, and another not-reached one (an open reminder); and a move."""
    _log(app, key, "not_reached", 4)
    _log(app, key, "reached", 6)
    _log(app, key, "not_reached", 9)
    with app.write_session() as session:
        services.move_lead(session, app, lead=services.get_lead(session, key),
                           step="Qualified", at=datetime(2026, 3, 10, 9, 0))
        session.commit()


def _on(app: AppContext, model: type[Action] | type[Reminder], **where: Any) -> int:
    with app.session() as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int(session.exec(query).one())


def test_delete_keeps_the_actions_on_the_prospect_which_can_be_converted_again(
    app: AppContext,
) -> None:
    prospect = _prospect(app)
    key = _convert(app, prospect)
    other = _lead(app, "Other")
    _worked_lead(app, key)
    _log(app, other, "reached", 5)
    with app.session() as session:
        lead_id = services.get_lead(session, key).id
        prospect_id = services.get_prospect(session, prospect).id
    assert (_on(app, Action, lead_id=lead_id), _on(app, Reminder, lead_id=lead_id),
            _on(app, Reminder, lead_id=lead_id, done=False)) == (3, 2, 1)
    before = _counts(app)

    with app.session() as session:  # the preview says what will happen, writing nothing
        planned = services.plan_lead_deletion(session, app, key, with_actions=False)
    assert _counts(app) == before
    done = _delete(app, key, with_actions=False)
    assert replace(done, months_refolded=0, warnings=None) == planned  # counts alike
    assert (done.key, done.prospect, done.step_changes, done.actions_deleted,
            done.actions_moved, done.reminders_deleted, done.reminders_moved) == (
        key, prospect, 2, 0, 3, 1, 1)
    assert done.summary() == [
        "2 step changes deleted", "3 actions moved onto prospect P1", "1 reminder deleted",
        "1 open reminder moved onto prospect P1", "prospect P1 can be converted again"]
    assert _counts(app) == {**before, "Lead": before["Lead"] - 1,
                            "StepChange": before["StepChange"] - 2,
                            "Reminder": before["Reminder"] - 1}
    assert _on(app, Action, prospect_id=prospect_id) == 3
    assert _on(app, Reminder, prospect_id=prospect_id, done=False) == 1
    with app.session() as session:
        assert session.exec(select(Lead).where(Lead.key == key)).first() is None
        assert services.converted_lead(session, services.get_prospect(session, prospect)) \
            is None
    # The moved open reminder is done by a call on the prospect, as any of its own.
    services.record_action(app, action_type="call", member="alice", prospect=prospect,
                           outcome="reached", at=datetime(2026, 3, 12, 9, 0))
    assert _on(app, Reminder, prospect_id=prospect_id, done=False) == 0
    again = _convert(app, prospect)
    with app.session() as session:
        assert services.get_lead(session, again).prospect_id == prospect_id
    assert _on(app, Action, lead_id=None) == 4  # the other lead's action is untouched


def test_delete_with_actions_deletes_them_all(app: AppContext) -> None:
    prospect = _prospect(app)
    key = _convert(app, prospect)
    _worked_lead(app, key)
    before = _counts(app)
    done = _delete(app, key, with_actions=True)
    assert (done.prospect, done.step_changes, done.actions_deleted, done.actions_moved,
            done.reminders_deleted, done.reminders_moved) == (prospect, 2, 3, 0, 2, 0)
    assert _counts(app) == {**before, "Lead": before["Lead"] - 1,
                            "StepChange": before["StepChange"] - 2,
                            "Action": before["Action"] - 3, "Reminder": before["Reminder"] - 2}
    _convert(app, prospect)  # free again


def test_delete_of_a_lead_with_actions_and_no_prospect_needs_with_actions(
    app: AppContext,
) -> None:
    key, empty = _lead(app), _lead(app, "Never worked")
    _worked_lead(app, key)
    before = _counts(app)
    refused = _refused(DataError, lambda: _delete(app, key, with_actions=False))
    assert refused.field == "with_actions"
    assert refused.message == (
        f"lead {key} has 3 actions and was not converted from a prospect, so they cannot be "
        "kept: pass --with-actions to delete them with the lead, or close the lead instead "
        f"(lead status {key} cancelled)")
    assert _counts(app) == before
    done = _delete(app, empty, with_actions=False)  # nothing to keep: fine
    assert (done.prospect, done.step_changes, done.actions_deleted) == (None, 1, 0)
    assert _delete(app, key, with_actions=True).actions_deleted == 3
    assert _counts(app)["Action"] == 0


def test_a_rep_deletes_their_own_leads_only(app: AppContext) -> None:
    mine, bobs = _lead(app, "Mine", "alice"), _lead(app, "Bob's", "bob")
    assert _refused(NotFoundError, lambda: _delete(app, bobs, True, ALICE)).message == (
        f"unknown lead {bobs!r}")
    with app.session() as session:
        assert _refused(NotFoundError, lambda: services.plan_lead_deletion(
            session, app, bobs, with_actions=True, actor=ALICE)).message == (
            f"unknown lead {bobs!r}")
    assert _delete(app, mine, True, ALICE).key == mine
    assert _delete(app, bobs, True, DAVE).key == bobs
    assert _counts(app)["Lead"] == 0


# --------------------------------------------------------------------------- rollups

HALF = (date(2026, 1, 1), date(2026, 6, 30))
REPORTS = [("activity", {}), ("prospecting", {}), ("conversion", {"pipeline": "acquisition"}),
           ("conversion", {"pipeline": "renewal"}), ("performance", {}),
           ("company", {"by": "month"})]


def _reports(app: AppContext) -> list[object]:
    return [run_report(app, name, *HALF, options).rows for name, options in REPORTS]


def _actions_in_activity(app: AppContext) -> int:
    rows = run_report(app, "activity", *HALF).rows
    return sum(sum(row["actions"].values()) for row in rows)


def test_rollups_stay_exact_after_deletes_and_equal_a_rebuild_from_scratch(
    app: AppContext, tmp_path: Path, config_path: Path, run_cli: Run,
) -> None:
    import_folder(app, history_folder(tmp_path / "history"))
    _reports(app)  # every rollup current (the conversion cohorts counted)
    with app.session() as session:
        worked = session.exec(
            select(Lead.key, Lead.prospect_id, func.count(Action.id))  # type: ignore[arg-type]
            .join(Action, Action.lead_id == Lead.id)  # type: ignore[arg-type]
            .group_by(Lead.key, Lead.prospect_id)  # type: ignore[arg-type]
            .order_by(func.count(Action.id).desc())  # type: ignore[arg-type]
        ).all()
    converted = next(key for key, prospect, _n in worked if prospect is not None)
    plain = next(key for key, prospect, _n in worked if prospect is None)
    total = _actions_in_activity(app)

    moved = _delete(app, converted, with_actions=False)
    deleted = _delete(app, plain, with_actions=True)
    assert moved.actions_moved > 0 and deleted.actions_deleted > 0
    assert moved.months_refolded >= 2 and deleted.months_refolded >= 2  # several months
    assert moved.warnings == [] and deleted.warnings == []

    assert verify(app) == []
    check = run_cli("--config", str(config_path), "check", "--rollups")
    assert check.exit_code == 0, check.output
    assert "Rollups match a full recount of the raw actions." in check.stdout
    with app.read_connection() as connection:  # the reports still read the rollups
        assert rollup_view(connection, app, ["prospecting"], *HALF)
    assert _actions_in_activity(app) == total - deleted.actions_deleted

    after = _reports(app)
    repair_all(app)  # from scratch: every rollup, and the conversion cohorts, rebuilt
    with app.write_connection() as connection:
        connection.execute(text("DELETE FROM salesplan_meta WHERE key = 'conversion_cohorts'"))
    assert _reports(app) == after


def test_a_rollup_that_cannot_be_counted_again_is_left_stale_and_the_delete_goes_on(
    app: AppContext, monkeypatch: pytest.MonkeyPatch,
) -> None:
    prospect = _prospect(app)
    key = _convert(app, prospect)
    _worked_lead(app, key)
    spec = app.rollups["prospecting"]

    def broken(db: object, scope: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(app.rollups, "prospecting", replace(spec, fold=broken))
    done = _delete(app, key, with_actions=False)
    assert done.actions_moved == 3
    assert done.warnings == [
        "rollup 'prospecting' (plugin 'prospecting_report') could not be counted again "
        "(RuntimeError: disk on fire); the next report rebuilds 2026-03"]
    with app.read_connection() as connection:
        stale = connection.execute(text("SELECT rollup, month FROM rollup_stale")).all()
        assert [(name, str(month)[:7]) for name, month in stale] == [("prospecting", "2026-03")]
    monkeypatch.setitem(app.rollups, "prospecting", spec)
    run_report(app, "prospecting", *HALF)  # rebuilds the stale month
    assert verify(app) == []


# --------------------------------------------------------------------------- CLI


@pytest.fixture
def sp(run_cli: Run, config_path: Path) -> Run:
    def run(*args: str, input: str | None = None) -> CliResult:
        return run_cli("--config", str(config_path), *args, input=input)

    return run


def _ok(result: CliResult) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def _error(result: CliResult) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.stderr.strip()


def test_cli_lead_edit_prints_what_changed(sp: Run, app: AppContext) -> None:
    prospect = _prospect(app)
    key = _convert(app, prospect)
    out = _ok(sp("lead", "edit", key, "--title", "Foo, 40 seats", "--amount", "12500",
                 "--owner", "bob", "--contact-name", "Jane Roe", "--company", "Foo SA",
                 "--email", "", "--phone", "+33 6 00"))
    assert out == (
        f"✓ Edited lead {key}:\n"
        "  title: Foo → Foo, 40 seats\n"
        "  amount: €1,000 → €12,500\n"
        "  owner: alice → bob\n"
        "  contact name: Jane Doe → Jane Roe\n"
        "  company: Foo → Foo SA\n"
        "  e-mail: jane@foo.test → —\n"
        "  phone: +33 1 23 → +33 6 00\n")
    row = _lead_row(app, key)
    assert (row["title"], row["amount"], row["owner"]) == ("Foo, 40 seats", 12500.0, "bob")
    assert _prospect_row(app, prospect)["email"] == ""
    # Only what changed is printed.
    assert _ok(sp("lead", "edit", key, "--title", "Foo, 40 seats", "--amount", "9000")) == (
        f"✓ Edited lead {key}:\n  amount: €12,500 → €9,000\n")


def test_cli_lead_edit_bad_input_is_one_message_exit_2_nothing_written(
    sp: Run, app: AppContext,
) -> None:
    key = _lead(app)
    bobs = _lead(app, "Bob's", "bob")
    row = _lead_row(app, key)
    assert _error(sp("lead", "edit", key)) == f"Error: nothing to change on lead {key}"
    assert _error(sp("lead", "edit", key, "--title", "New", "--amount", "-5")) == (
        "Error: amount must be a number >= 0, not '-5'")
    assert _error(sp("lead", "edit", key, "--owner", "zed")) == (
        "Error: unknown owner 'zed' (members: alice, bob, carol, dave)")
    assert _error(sp("lead", "edit", key, "--title", "")) == "Error: a lead needs a title"
    assert _error(sp("lead", "edit", key, "--email", "a@b.test")) == (
        f"Error: lead {key} has no contact: it was not converted from a prospect")
    assert _error(sp("lead", "edit", "L99", "--title", "x")) == "Error: unknown lead 'L99'"
    assert _error(sp("--as", "alice", "lead", "edit", bobs, "--title", "x")) == (
        f"Error: unknown lead {bobs!r}")
    assert _error(sp("--as", "alice", "lead", "edit", key, "--owner", "bob")) == (
        "Error: alice (rep) may create leads for themselves only, not for 'bob'")
    assert _lead_row(app, key) == row


def test_cli_lead_delete_asks_on_a_terminal_and_needs_yes_elsewhere(
    sp: Run, app: AppContext, monkeypatch: pytest.MonkeyPatch,
) -> None:
    prospect = _prospect(app)
    key = _convert(app, prospect)
    _worked_lead(app, key)
    before = _counts(app)
    # Not a terminal (a script, a pipe, the test runner): --yes or nothing.
    assert _error(sp("lead", "delete", key)) == (
        f"Error: lead delete asks for confirmation on a terminal: pass --yes to delete lead "
        f"{key} without asking")
    assert _counts(app) == before

    monkeypatch.setattr(lead_edit_command, "_interactive", lambda: True)
    out = _ok(sp("lead", "delete", key, input="n\n"))
    assert out.startswith(f"Deleting lead {key} “Foo” will do this:\n"
                          "  2 step changes deleted\n  3 actions moved onto prospect P1\n")
    assert f"Delete lead {key}? [y/N]: n\nNothing deleted.\n" in out
    assert _counts(app) == before
    out = _ok(sp("lead", "delete", key, "--with-actions", input="y\n"))
    assert "  3 actions deleted\n" in out
    assert out.endswith(f"✓ Deleted lead {key} “Foo”:\n  2 step changes deleted\n"
                        "  3 actions deleted\n  2 reminders deleted\n"
                        "  prospect P1 can be converted again\n")
    assert _counts(app)["Action"] == before["Action"] - 3


def test_cli_lead_delete_with_yes_prints_what_moved(sp: Run, app: AppContext) -> None:
    prospect = _prospect(app)
    key, plain, bobs = _convert(app, prospect), _lead(app), _lead(app, "Bob's", "bob")
    _worked_lead(app, key)
    _log(app, plain, "reached", 5)
    assert _error(sp("lead", "delete", plain, "--yes")) == (
        f"Error: lead {plain} has 1 action and was not converted from a prospect, so it "
        "cannot be kept: pass --with-actions to delete it with the lead, or close the lead "
        f"instead (lead status {plain} cancelled)")
    assert _error(sp("--as", "alice", "lead", "delete", bobs, "--yes")) == (
        f"Error: unknown lead {bobs!r}")
    assert _ok(sp("lead", "delete", key, "--yes")) == (
        f"✓ Deleted lead {key} “Foo”:\n"
        "  2 step changes deleted\n"
        "  3 actions moved onto prospect P1\n"
        "  1 reminder deleted\n"
        "  1 open reminder moved onto prospect P1\n"
        "  prospect P1 can be converted again\n")
    assert _error(sp("lead", "show", key)) == f"Error: unknown lead {key!r}"
    assert "3 actions" not in _ok(sp("prospect", "list"))
    shown = _ok(sp("prospect", "convert", prospect, "--pipeline", "acquisition"))
    assert shown.startswith(f"✓ Converted prospect {prospect} into lead")
    assert _ok(sp("--as", "bob", "lead", "delete", bobs, "--yes")).startswith(
        f"✓ Deleted lead {bobs} “Bob's”:")


def test_the_timestamps_of_moved_actions_are_kept(app: AppContext) -> None:
    prospect = _prospect(app)
    key = _convert(app, prospect)
    _log(app, key, "reached", 4)
    _delete(app, key, with_actions=False)
    with app.session() as session:
        action = session.exec(select(Action)).one()
        assert (action.lead_id, action.at) == (None, datetime(2026, 3, 4, 10, 0, tzinfo=UTC))
        assert action.prospect_id == services.get_prospect(session, prospect).id


def test_a_deleted_leads_key_is_not_given_to_the_next_lead(app: AppContext, backend: str
                                                           ) -> None:
    """Keys are what users and integrations hold on to: one that comes back names another
    lead. PostgreSQL's sequences never give an id twice; SQLite gives the largest deleted
    rowid again, and ``services.keys.insert_with_key`` derives the key from the id."""
    key = _lead(app)
    _delete(app, key, with_actions=True)
    new = _lead(app, "Another deal")
    assert new != key and int(new[1:]) == int(key[1:]) + 1
    # The same for an action deleted with its lead, and for ids an import hands out.
    _log(app, new, "reached", 4)
    with app.session() as session:
        logged = session.exec(select(Action.key)).one()
    _delete(app, new, with_actions=True)
    third = _lead(app, "Third deal")
    _log(app, third, "reached", 5)
    with app.session() as session:
        assert session.exec(select(Action.key)).one() != logged
    assert third not in (key, new)
