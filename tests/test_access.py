"""Roles and visibility at the service level (SPEC §11), on SQLite and PostgreSQL: what a rep,
a manager and an admin see and may do through every service that reads or writes leads,
prospects, actions and reminders, and how a rep's reports keep their own rows and the team's."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlmodel import col, func, select

from salesplan.core import services
from salesplan.core.access import LOCAL_ADMIN, Actor, require
from salesplan.core.context import AppContext
from salesplan.core.db.models import Action, Lead, Reminder
from salesplan.core.errors import DataError, ForbiddenError, NotFoundError
from salesplan.core.reporting import ChartSeries, ReportResult
from salesplan.core.reports.runner import run_report
from salesplan.core.reports.visibility import own_rows

ALICE = Actor("alice", "rep")
BOB = Actor("bob", "rep")
DAVE = Actor("dave", "manager")
CAROL = Actor("carol", "admin")
MARCH = datetime(2026, 3, 2, 9, 0)


def _lead(app: AppContext, title: str, owner: str) -> str:
    with app.write_session() as session:
        lead = services.create_lead(session, app, title=title, pipeline="acquisition",
                                    owner=owner, at=MARCH)
        session.commit()
        return lead.key


def _prospect(app: AppContext, name: str, owner: str | None) -> str:
    with app.write_session() as session:
        prospect = services.add_prospect(session, app, list_name="Fair", name=name,
                                         owner=owner if owner is not None else "")
        session.commit()
        return prospect.key


def _actions(app: AppContext) -> int:
    with app.session() as session:
        return session.exec(select(func.count(col(Action.id)))).one()


def test_actors_and_permissions() -> None:
    assert LOCAL_ADMIN.sees_all and DAVE.sees_all and not ALICE.sees_all
    with pytest.raises(DataError, match="unknown role 'boss'"):
        Actor("alice", "boss")  # type: ignore[arg-type]
    with pytest.raises(DataError, match="only the local admin acts without a member"):
        Actor(None, "rep")
    for actor in (DAVE, CAROL, LOCAL_ADMIN):
        require(actor, "plan")
        require(actor, "digest")
    with pytest.raises(ForbiddenError, match=r"alice \(rep\) may not use the planner: it "
                                             "needs the manager role"):
        require(ALICE, "plan")
    with pytest.raises(ForbiddenError, match="needs the admin role"):
        require(DAVE, "users")
    require(CAROL, "tokens")


def test_a_rep_sees_their_own_leads_as_if_the_others_did_not_exist(app: AppContext) -> None:
    mine, theirs = _lead(app, "Mine", "alice"), _lead(app, "Theirs", "bob")
    with app.session() as session:
        assert services.get_lead(session, mine, actor=ALICE).title == "Mine"
        with pytest.raises(NotFoundError) as hidden:
            services.get_lead(session, theirs, actor=ALICE)
        with pytest.raises(NotFoundError) as unknown:
            services.get_lead(session, "L999", actor=ALICE)
        assert hidden.value.message == f"unknown lead '{theirs}'"
        assert unknown.value.message == "unknown lead 'L999'"
        lead_id = session.exec(select(Lead.id).where(Lead.key == theirs)).one()
        with pytest.raises(NotFoundError, match=f"unknown lead '{lead_id}'"):
            services.get_lead(session, str(lead_id), actor=ALICE)  # by id: same answer
        for actor in (DAVE, CAROL, LOCAL_ADMIN):
            assert services.get_lead(session, theirs, actor=actor).owner == "bob"
        rows = session.exec(services.lead_select(app, actor=ALICE)).all()
        assert [lead.key for lead in rows] == [mine]
        everything = session.exec(services.lead_select(app, actor=DAVE)).all()
        assert {lead.key for lead in everything} == {mine, theirs}
        assert session.exec(services.lead_select(app, actor=ALICE, owner="bob")).all() == []
        lead = services.get_lead(session, theirs)
        with pytest.raises(NotFoundError, match=f"unknown lead '{theirs}'"):
            services.lead_file(session, app, lead, actor=ALICE)


def test_a_rep_sees_their_own_and_unassigned_prospects(app: AppContext) -> None:
    mine = _prospect(app, "Mine", "alice")
    open_one = _prospect(app, "Nobody's", None)
    theirs = _prospect(app, "Theirs", "bob")
    with app.session() as session:
        rows = session.exec(services.prospect_select(app, actor=ALICE)).all()
        assert [prospect.key for prospect, _list, _lead in rows] == [mine, open_one]
        assert len(session.exec(services.prospect_select(app, actor=DAVE)).all()) == 3
        with pytest.raises(NotFoundError, match=f"unknown prospect '{theirs}'"):
            services.get_prospect(session, theirs, actor=ALICE)
        assert services.get_prospect(session, open_one, actor=BOB).owner is None


def test_a_rep_logs_as_themselves_on_what_they_see(app: AppContext) -> None:
    mine, theirs = _lead(app, "Mine", "alice"), _lead(app, "Theirs", "bob")
    logged = services.record_action(app, action_type="call", member="alice", lead=mine,
                                    outcome="not_reached", actor=ALICE)
    assert logged.effects[0].startswith("call scheduled in 2 days")
    with pytest.raises(NotFoundError, match=f"unknown lead '{theirs}'"):
        services.record_action(app, action_type="call", member="alice", lead=theirs,
                               actor=ALICE)
    with pytest.raises(ForbiddenError, match="may log actions as themselves only") as exc:
        services.record_action(app, action_type="call", member="bob", lead=mine, actor=ALICE)
    assert exc.value.field == "member"
    assert _actions(app) == 1
    unassigned = _prospect(app, "Open", None)
    services.record_action(app, action_type="email", member="alice", prospect=unassigned,
                           actor=ALICE)
    services.record_action(app, action_type="call", member="bob", lead=mine, actor=DAVE)
    services.record_action(app, action_type="call", member="carol", lead=theirs, actor=CAROL)
    assert _actions(app) == 4
    with app.session() as session:  # rows given directly are checked too
        row = services.get_lead(session, theirs)
        with pytest.raises(NotFoundError):
            services.log_action(session, app, action_type="call", member="alice", lead=row,
                                actor=ALICE)


def test_a_rep_moves_closes_and_converts_their_own_only(app: AppContext) -> None:
    mine, theirs = _lead(app, "Mine", "alice"), _lead(app, "Theirs", "bob")
    with app.write_session() as session:
        lead = services.get_lead(session, mine, actor=ALICE)
        services.move_lead(session, app, lead=lead, step="Qualified", actor=ALICE)
        services.set_status(session, app, lead=lead, status="won", actor=ALICE)
        other = services.get_lead(session, theirs)
        with pytest.raises(NotFoundError):
            services.move_lead(session, app, lead=other, step="Qualified", actor=ALICE)
        with pytest.raises(NotFoundError):
            services.set_status(session, app, lead=other, status="lost", actor=ALICE)
        services.set_status(session, app, lead=other, status="lost", actor=DAVE)
        session.commit()

    own, open_one, bobs = (_prospect(app, "Own", "alice"), _prospect(app, "Open", None),
                           _prospect(app, "Bob's", "bob"))
    with app.write_session() as session:
        converted = services.convert_prospect(
            session, app, prospect=services.get_prospect(session, open_one, actor=ALICE),
            pipeline="acquisition", actor=ALICE)
        assert converted.owner == "alice"  # an unassigned prospect becomes the rep's lead
        with pytest.raises(ForbiddenError, match="may create leads for themselves only"):
            services.convert_prospect(
                session, app, prospect=services.get_prospect(session, own, actor=ALICE),
                pipeline="acquisition", owner="bob", actor=ALICE)
        with pytest.raises(NotFoundError):
            services.convert_prospect(session, app, prospect=services.get_prospect(session, bobs),
                                      pipeline="acquisition", actor=ALICE)
        assert services.convert_prospect(
            session, app, prospect=services.get_prospect(session, bobs), pipeline="acquisition",
            actor=DAVE).owner == "bob"
        session.commit()


def test_a_rep_creates_leads_and_prospects_for_themselves(app: AppContext) -> None:
    with app.write_session() as session:
        lead = services.create_lead(session, app, title="Own", pipeline="acquisition",
                                    actor=ALICE)
        assert lead.owner == "alice"
        with pytest.raises(ForbiddenError) as exc:
            services.create_lead(session, app, title="For Bob", pipeline="acquisition",
                                 owner="bob", actor=ALICE)
        assert exc.value.field == "owner"
        assert services.create_lead(session, app, title="For Bob", pipeline="acquisition",
                                    owner="bob", actor=DAVE).owner == "bob"
        with pytest.raises(DataError, match="a lead needs an owner"):
            services.create_lead(session, app, title="Nobody's", pipeline="acquisition")
        assert services.add_prospect(session, app, list_name="L", name="P",
                                     actor=ALICE).owner == "alice"
        assert services.add_prospect(session, app, list_name="L", name="Q", owner="",
                                     actor=ALICE).owner is None
        with pytest.raises(ForbiddenError):
            services.add_prospect(session, app, list_name="L", name="R", owner="bob",
                                  actor=ALICE)
        assert services.add_prospect(session, app, list_name="L", name="S").owner is None
        session.rollback()


def test_a_reps_todo_and_actions_are_their_own(app: AppContext) -> None:
    mine, theirs = _lead(app, "Mine", "alice"), _lead(app, "Theirs", "bob")
    services.record_action(app, action_type="call", member="alice", lead=mine,
                           outcome="not_reached", at=datetime(2026, 3, 2, 10, 0))
    services.record_action(app, action_type="call", member="bob", lead=theirs,
                           outcome="not_reached", at=datetime(2026, 3, 2, 11, 0))
    services.record_action(app, action_type="call", member="bob", lead=mine,
                           outcome="reached", at=datetime(2026, 3, 2, 12, 0))
    day = date(2026, 3, 5)
    with app.write_session() as session:
        assert {r.member for r in services.due_reminders(session, app, day=day,
                                                        actor=ALICE)} == {"alice"}
        assert services.due_reminders(session, app, day=day, member="bob", actor=ALICE) == []
        assert len(services.due_reminders(session, app, day=day, actor=DAVE)) == 2
        services.set_status(session, app, lead=services.get_lead(session, theirs),
                            status="standby", remind_at=date(2026, 3, 3))
        assert services.due_standby_leads(session, app, day=day, actor=ALICE) == []
        assert len(services.due_standby_leads(session, app, day=day, actor=DAVE)) == 1
        lead = services.get_lead(session, mine)
        reminder = services.schedule_reminder(session, app, action_type="call", member="alice",
                                              due=day, lead=lead, actor=ALICE)
        assert isinstance(reminder, Reminder)
        with pytest.raises(ForbiddenError, match="may schedule reminders as themselves only"):
            services.schedule_reminder(session, app, action_type="call", member="bob",
                                       due=day, lead=lead, actor=ALICE)
        with pytest.raises(NotFoundError):
            services.schedule_reminder(session, app, action_type="call", member="alice",
                                       due=day, lead=services.get_lead(session, theirs),
                                       actor=ALICE)
        session.commit()
        # the actions a rep lists: on what they see, whoever did them
        seen = session.exec(services.action_select(app, actor=ALICE)).all()
        assert sorted((a.member, lead_key) for a, lead_key, _p in seen) == [
            ("alice", mine), ("bob", mine)]
        assert len(session.exec(services.action_select(app, actor=DAVE)).all()) == 3
        on_day = services.action_select(app, actor=DAVE, start=date(2026, 3, 2),
                                        end=date(2026, 3, 2), member="bob")
        assert len(session.exec(on_day).all()) == 2
        with pytest.raises(DataError, match="unknown action type 'fax'"):
            services.action_select(app, action_type="fax")


def test_a_reps_reports_hold_their_own_rows_and_the_teams(app: AppContext) -> None:
    mine, theirs = _lead(app, "Mine", "alice"), _lead(app, "Theirs", "bob")
    for member, key in (("alice", mine), ("bob", theirs), ("bob", theirs)):
        services.record_action(app, action_type="call", member=member, lead=key,
                               at=datetime(2026, 3, 3, 10, 0))
    start, end = date(2026, 3, 1), date(2026, 3, 31)
    rep = run_report(app, "activity", start, end, actor=ALICE)
    assert [row["member"] for row in rep.rows] == ["alice"]
    assert rep.totals is not None and rep.totals["actions"]["call"] == 3  # team totals
    assert rep.series and all(series.x == ["alice"] for series in rep.series)
    manager = run_report(app, "activity", start, end, actor=DAVE)
    assert [row["member"] for row in manager.rows] == ["alice", "bob", "carol", "dave"]
    assert run_report(app, "activity", start, end).rows == manager.rows
    # reports about steps or periods have no member rows: unchanged
    assert (run_report(app, "conversion", start, end, {"pipeline": "acquisition"},
                       actor=ALICE).rows
            == run_report(app, "conversion", start, end, {"pipeline": "acquisition"}).rows)
    objectives = run_report(app, "objectives", None, None, {"date": "2026-03-03"}, actor=BOB)
    assert {row["who"] for row in objectives.rows} == {"bob", "team"}


def test_own_rows_filters_nested_member_lists_flat_rows_and_series() -> None:
    result = ReportResult(
        report="x", title="X",
        rows=[{"list": "Fair", "members": [{"member": "alice", "worked": 1},
                                            {"member": "bob", "worked": 2}]},
              {"member": "bob", "n": 1}, {"member": "team", "n": 3}, {"who": "alice", "n": 2},
              {"who": "segment:sales", "n": 4}],
        table_rows=[{"member": "alice"}, {"member": "bob"}, {"member": "Total"}],
        series=[ChartSeries(name="calls", x=["alice", "bob", "team"], y=[1, 2, 3]),
                ChartSeries(name="bob", x=["Incoming"], y=[0.5])],
        totals={"member": "Total", "n": 6},
    )
    members = ["alice", "bob", "carol"]
    seen = own_rows(result, ALICE, members)
    assert seen.rows == [{"list": "Fair", "members": [{"member": "alice", "worked": 1}]},
                         {"member": "team", "n": 3}, {"who": "alice", "n": 2},
                         {"who": "segment:sales", "n": 4}]
    assert seen.table_rows == [{"member": "alice"}, {"member": "Total"}]
    assert [(s.name, s.x, s.y) for s in seen.series] == [("calls", ["alice", "team"], [1, 3])]
    assert seen.totals == result.totals
    assert own_rows(result, DAVE, members) is result
