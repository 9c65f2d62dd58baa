"""End to end through the real CLI, on SQLite and PostgreSQL: ``log``, ``lead``, ``prospect``
and ``todo`` on the standard test team."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import func, select

from salesplan.core import services
from salesplan.core.context import AppContext
from salesplan.core.db.models import (
    Action,
    Lead,
    Prospect,
    ProspectingList,
    Reminder,
    StepChange,
)
from tests.conftest import CliResult

Run = Callable[..., CliResult]


@pytest.fixture
def sp(run_cli: Run, config_path: Path) -> Run:
    """``salesplan --config <test config> ARGS``."""

    def run(*args: str, env: dict[str, str] | None = None) -> CliResult:
        return run_cli("--config", str(config_path), *args, env=env)

    return run


@pytest.fixture
def db(make_app: Callable[..., AppContext], config_path: Path) -> AppContext:
    """The test base, to look at what the CLI wrote."""
    return make_app(config_path)


def _counts(app: AppContext) -> dict[str, int]:
    models = (ProspectingList, Prospect, Lead, StepChange, Action, Reminder)
    with app.session() as session:
        return {
            model.__name__: session.exec(select(func.count()).select_from(model)).one()
            for model in models
        }


def _ok(result: CliResult) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def _squash(text: str) -> str:
    """Table output with runs of spaces collapsed, so assertions do not depend on widths."""
    return re.sub(r" +", " ", text)


def _lead(sp: Run, title: str = "Acme deal", *extra: str) -> None:
    _ok(sp("lead", "add", title, "--pipeline", "acquisition", "--owner", "alice",
           "--at", "2026-03-02 09:00", *extra))


def test_todo_limit_and_summary(sp: Run, db: AppContext) -> None:
    """Five calls due for bob (two of them late on the 16th), one for carol; ``--limit 2`` shows the
    first two by due date and the summary counts all six."""
    for number, (member, day) in enumerate(
        [("bob", "03-10"), ("bob", "03-11"), ("bob", "03-12"), ("bob", "03-13"),
         ("bob", "03-13"), ("carol", "03-13")], start=1):
        _lead(sp, f"Deal {number}")
        _ok(sp("log", "call", "--lead", f"L{number}", "--outcome", "not_reached", "--member",
               member, "--at", f"2026-{day} 10:00"))
    # not_reached: a call 2 days later, moved to a working day (from Tue 10, Wed 11, Thu 12,
    # Fri 13): due Thu 12, Fri 13, then Mon 16 four times; on Mon 16 the first two are late.
    out = _squash(_ok(sp("todo", "--date", "2026-03-16", "--limit", "2")))
    assert out.count("│ call │") == 2
    assert "lead L1 Deal 1" in out and "lead L2 Deal 2" in out and "lead L3" not in out
    assert ("6 reminders due (2 late) for 2 members, 0 standby leads back; showing the first "
            "2: --limit 6 lists them all.") in out
    out = _squash(_ok(sp("todo", "--date", "2026-03-16", "--member", "bob")))
    assert "5 reminders due (2 late) for 1 member, 0 standby leads back." in out
    bad = sp("todo", "--limit", "0")
    assert bad.exit_code == 2 and "--limit" in bad.stderr


def test_cold_call_not_reached_schedules_a_call(sp: Run, db: AppContext) -> None:
    _lead(sp)
    out = _ok(sp("log", "call", "--lead", "L1", "--outcome", "not_reached", "--member", "bob",
                 "--at", "2026-03-10 10:15"))
    assert out.splitlines() == [
        "✓ Logged A1: call (not_reached) by bob on lead L1 at 2026-03-10 10:15",
        "  → call scheduled in 2 days (due 2026-03-12)",
    ]
    with db.session() as session:
        reminder = session.exec(select(Reminder)).one()
        assert (reminder.member, reminder.action_type) == ("bob", "call")
        assert reminder.due_at == datetime(2026, 3, 12, 9, 15, tzinfo=UTC)
    todo = _squash(_ok(sp("todo", "--member", "bob", "--date", "2026-03-12")))
    assert "2026-03-12 10:15 │ bob │ call │ lead L1 Acme deal" in todo
    assert "1 reminder due (0 late) for 1 member, 0 standby leads back." in todo
    assert "Nothing due by 2026-03-11." in _ok(sp("todo", "--date", "2026-03-11"))
    assert "Nothing due by 2026-03-12." in _ok(sp("todo", "--member", "alice",
                                                  "--date", "2026-03-12"))
    # logging the scheduled call closes the reminder
    _ok(sp("log", "call", "--lead", "L1", "--outcome", "reached", "--member", "bob",
           "--at", "2026-03-12 11:00"))
    assert "Nothing due by 2026-03-12." in _ok(sp("todo", "--date", "2026-03-12"))
    with db.session() as session:
        reminder = session.exec(select(Reminder)).one()
        assert reminder.done and reminder.done_at == datetime(2026, 3, 12, 10, 0, tzinfo=UTC)


def test_good_discovery_call_moves_to_qualified_with_answers(sp: Run, db: AppContext) -> None:
    _lead(sp)
    out = _ok(sp("log", "discovery_call", "--lead", "L1", "--outcome", "good",
                 "--member", "alice", "--at", "2026-03-11 14:00", "--note", "keen",
                 "--answer", "budget=yes", "--answer", "seats=25",
                 "--answer", "start=1-3 months", "--answer", "decider=Jane Roe"))
    assert out.splitlines()[1] == "  → moved to Qualified"
    with db.session() as session:
        lead = services.get_lead(session, "L1")
        assert lead.step == "Qualified"
        assert lead.fields == {"budget": True, "decider": "Jane Roe", "seats": 25,
                               "start": "1-3 months"}
        steps = session.exec(select(StepChange.step, StepChange.at).order_by(StepChange.at))
        assert [tuple(s) for s in steps.all()] == [
            ("Incoming", datetime(2026, 3, 2, 8, 0, tzinfo=UTC)),
            ("Qualified", datetime(2026, 3, 11, 13, 0, tzinfo=UTC)),
        ]
        action = session.exec(select(Action)).one()
        assert action.answers == lead.fields and action.note == "keen"
    shown = _squash(_ok(sp("lead", "show", "L1")))
    assert "L1 Acme deal" in shown
    assert "step Qualified · status todo · owner Alice Martin (alice)" in shown
    for line in (" budget: yes", " decider: Jane Roe", " seats: 25", " start: 1-3 months",
                 " 2026-03-02 09:00 │ Incoming", " 2026-03-11 14:00 │ Qualified"):
        assert line in shown
    assert ("A1 │ 2026-03-11 14:00 │ alice │ discovery_call │ good (Good opportunity) │ "
            "budget=yes, decider=Jane Roe, seats=25, start=1-3 months │ keen") in shown


def test_bad_discovery_call_sets_lost(sp: Run, db: AppContext) -> None:
    _lead(sp)
    out = _ok(sp("log", "discovery_call", "--lead", "L1", "--outcome", "bad",
                 "--at", "2026-03-11 14:00", env={"SALESPLAN_MEMBER": "dave"}))
    assert out.splitlines() == [
        "✓ Logged A1: discovery_call (bad) by dave on lead L1 at 2026-03-11 14:00",
        "  → status set to lost",
    ]
    with db.session() as session:
        lead = services.get_lead(session, "L1")
        assert lead.status == "lost"
        assert lead.closed_at == datetime(2026, 3, 11, 13, 0, tzinfo=UTC)
    assert "status lost" in _ok(sp("lead", "show", "L1"))
    listed = _squash(_ok(sp("lead", "list", "--status", "lost")))
    assert "L1 │ Acme deal │ acquisition │ Incoming │ Alice Martin (alice) │ 0 │ lost" in listed
    assert "1 lead" in listed
    assert "0 leads" in _ok(sp("lead", "list", "--status", "todo"))


def test_list_status_filters_standby_by_its_date(sp: Run, db: AppContext) -> None:
    """``--status todo`` takes open leads plus standby leads whose date has come; ``--status
    standby`` only those still waiting (the filter runs in SQL)."""
    _lead(sp, "Open one")
    _lead(sp, "Waiting", "--amount", "100")
    _lead(sp, "Come back", "--amount", "200")
    _ok(sp("lead", "status", "L2", "standby", "--remind", "2999-01-01"))
    _ok(sp("lead", "status", "L3", "standby", "--remind", "2026-03-20"))
    todo = _squash(_ok(sp("lead", "list", "--status", "todo")))
    assert "2 leads" in todo
    assert "Open one" in todo and "Come back" in todo and "Waiting" not in todo
    assert "│ 200 │ todo" in todo
    standby = _squash(_ok(sp("lead", "list", "--status", "standby")))
    assert "1 lead" in standby and "2 leads" not in standby
    assert "L2 │ Waiting │ acquisition │ Incoming │ Alice Martin (alice) │ 100 │ standby" in standby
    everything = _squash(_ok(sp("lead", "list")))
    assert "3 leads" in everything


def test_converted_prospect_keeps_its_link(sp: Run, db: AppContext) -> None:
    out = _ok(sp("prospect", "add", "Jo Bloggs", "--list", "Trade fair", "--company",
                 "Bloggs SA", "--email", "jo@bloggs.test", "--owner", "bob"))
    assert out.strip() == "✓ Added prospect P1 “Jo Bloggs” to list Trade fair"
    _ok(sp("log", "call", "--prospect", "P1", "--outcome", "reached", "--member", "bob",
           "--at", "2026-03-09 10:00"))
    out = _ok(sp("prospect", "convert", "P1", "--pipeline", "acquisition", "--owner", "alice",
                 "--amount", "12000", "--at", "2026-03-09 11:00"))
    assert out.strip() == "✓ Converted prospect P1 into lead L1 “Bloggs SA”"
    with db.session() as session:
        lead = services.get_lead(session, "L1")
        prospect = services.get_prospect(session, "P1")
        assert lead.prospect_id == prospect.id
        assert (lead.owner, lead.amount, lead.step) == ("alice", 12000.0, "Incoming")
    listed = _squash(_ok(sp("prospect", "list", "--list", "Trade fair")))
    assert "P1 │ Jo Bloggs │ Bloggs SA │ Trade fair │ Bob Durand (bob) │ L1" in listed
    shown = _ok(sp("lead", "show", "L1"))
    assert "From prospect P1 Jo Bloggs (Bloggs SA) in list Trade fair" in shown
    assert "Actions on the prospect" in shown
    again = sp("prospect", "convert", "P1", "--pipeline", "renewal")
    assert again.exit_code == 2
    assert again.stderr == "Error: prospect 'P1' is already converted into lead 'L1'\n"


def test_move_status_and_list(sp: Run, db: AppContext) -> None:
    _lead(sp)
    _lead(sp, "Renewal", "--amount", "300")
    assert _ok(sp("lead", "move", "L1", "Proposal", "--at", "2026-03-05 10:00")).strip() == (
        "✓ L1: Incoming → Proposal"
    )
    assert _ok(sp("lead", "status", "L2", "standby", "--remind", "2026-03-20")).strip() == (
        "✓ L2: status standby until 2026-03-20"
    )
    with db.session() as session:
        lead = services.get_lead(session, "L2")
        assert lead.remind_at == datetime(2026, 3, 19, 23, 0, tzinfo=UTC)
    # 2026-03-20 is long past in the real calendar: the standby lead is shown as todo
    listed = _squash(_ok(sp("lead", "list", "--status", "todo")))
    assert "2 leads" in listed
    assert "│ 300 │ todo" in listed
    assert "0 leads" in _ok(sp("lead", "list", "--status", "standby"))
    mine = _ok(sp("lead", "list", "--owner", "alice", "--pipeline", "acquisition",
                  "--status", "won"))
    assert mine.strip() == "0 leads"
    todo = _squash(_ok(sp("todo", "--date", "2026-03-20")))
    assert "2026-03-20 00:00 │ alice │ L2 Renewal" in todo
    assert "Nothing due by 2026-03-19." in _ok(sp("todo", "--date", "2026-03-19"))
    won = _ok(sp("lead", "status", "L1", "won", "--at", "2026-03-25 17:00"))
    assert won.strip() == "✓ L1: status won"
    with db.session() as session:
        assert services.get_lead(session, "L1").closed_at == datetime(
            2026, 3, 25, 16, 0, tzinfo=UTC
        )
    _ok(sp("lead", "status", "L1", "todo"))
    with db.session() as session:
        assert services.get_lead(session, "L1").closed_at is None


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (("log", "discovery_call", "--lead", "L1", "--outcome", "great", "--member", "alice"),
         None,
         "Error: unknown outcome 'great' for action type 'discovery_call' (outcomes: good, bad)"),
        (("log", "call", "--lead", "L9", "--member", "alice"), None, "Error: unknown lead 'L9'"),
        (("log", "discovery_call", "--lead", "L1", "--outcome", "good", "--member", "alice",
          "--answer", "budget=yes", "--answer", "seats=many"),
         None, "Error: answer to 'seats' must be a number, not 'many'"),
        (("log", "discovery_call", "--lead", "L1", "--answer", "budget"), {"SALESPLAN_MEMBER":
                                                                             "alice"},
         "Error: --answer 'budget': use QUESTION=VALUE"),
        (("log", "call", "--lead", "L1"), {"SALESPLAN_MEMBER": ""},
         "Error: who did it? pass --member M (or set $SALESPLAN_MEMBER)"),
        (("log", "call", "--lead", "L1", "--prospect", "P1", "--member", "alice"), None,
         "Error: give exactly one of --lead REF or --prospect REF"),
        (("log", "fax", "--lead", "L1", "--member", "alice"), None,
         "Error: unknown action type 'fax' (known: "),
        (("log", "call", "--lead", "L1", "--member", "zoe"), None,
         "Error: unknown member 'zoe' (members: alice, bob, carol, dave)"),
        (("log", "call", "--lead", "L1", "--member", "alice", "--at", "yesterday"), None,
         "Error: --at: not a date-time: 'yesterday'"),
        (("lead", "add", "X", "--pipeline", "sales", "--owner", "alice"), None,
         "Error: unknown pipeline 'sales' (pipelines: acquisition, renewal)"),
        (("lead", "add", "X", "--pipeline", "renewal", "--step", "Qualified", "--owner",
          "alice"), None,
         "Error: unknown step 'Qualified' in pipeline 'renewal' (steps: Due, Contacted, Signed)"),
        (("lead", "add", "X", "--pipeline", "renewal", "--owner", "alice", "--amount", "lots"),
         None, "Error: amount must be a number, not 'lots'"),
        (("lead", "move", "L1", "Signed"), None,
         "Error: unknown step 'Signed' in pipeline 'acquisition'"),
        (("lead", "status", "L1", "standby"), None,
         "Error: standby needs a reminder date (lead 'L1')"),
        (("lead", "status", "L1", "done"), None, "Error: unknown status 'done'"),
        (("lead", "status", "L1", "standby", "--remind", "soon"), None,
         "Error: --remind: not a date: 'soon' (use YYYY-MM-DD)"),
        (("todo", "--date", "tomorrow"), None,
         "Error: --date: not a date: 'tomorrow' (use YYYY-MM-DD)"),
        (("lead", "show", "L2"), None, "Error: unknown lead 'L2'"),
        (("lead", "list", "--owner", "zed"), None, "Error: unknown owner 'zed'"),
        (("prospect", "add", "Ann", "--list", "Cold", "--owner", "zed"), None,
         "Error: unknown owner 'zed'"),
        (("prospect", "convert", "P4", "--pipeline", "acquisition"), None,
         "Error: unknown prospect 'P4'"),
        (("prospect", "list", "--list", "Nope"), None, "Error: unknown prospecting list 'Nope'"),
        (("todo", "--member", "zed"), None, "Error: unknown member 'zed'"),
    ],
)
def test_bad_input_exit_2_one_message_nothing_written(
    sp: Run, db: AppContext, args: tuple[str, ...], env: dict[str, str] | None, message: str
) -> None:
    _lead(sp)
    before = _counts(db)
    result = sp(*args, env=env)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1
    assert _counts(db) == before


def test_lead_list_limit_counts_all(
    config_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    for index in range(3):
        result = run_cli("--config", str(config_path), "lead", "add", f"Deal {index}",
                         "--pipeline", "acquisition", "--owner", "alice",
                         "--at", f"2026-03-0{index + 1} 10:00")
        assert result.exit_code == 0, result.stderr
    result = run_cli("--config", str(config_path), "lead", "list", "--limit", "2")
    assert result.exit_code == 0
    assert "Deal 2" in result.stdout and "Deal 1" in result.stdout
    assert "Deal 0" not in result.stdout
    assert "3 leads (showing the newest 2; use --limit)" in result.stdout
