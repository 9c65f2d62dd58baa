"""The data folder is a backup (SPEC §5, issue 21): script answers, open and done reminders and
standby dates survive export → import into an empty base → export, byte for byte."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import aliased

from salesplan.core import services
from salesplan.core.context import AppContext
from salesplan.core.dataio import export_folder, import_folder
from salesplan.core.dataio.formats import FILES
from salesplan.core.db.models import Action, Lead, Prospect, Reminder
from tests.conftest import CliResult
from tests.test_import_helpers import VALID, counts, empty_base, write_folder

Run = Callable[..., CliResult]
TODO_DAY = "2026-03-25"


def _at(day: int, hour: int = 10) -> datetime:
    """A March 2026 time in Paris (UTC+1 in March before the 29th)."""
    return datetime(2026, 3, day, hour - 1, tzinfo=UTC)


def _build(app: AppContext) -> None:
    """A base made through the services: answers on a prospect and on its lead, rules that
    schedule reminders, a manual reminder, a done one and a standby lead."""
    with app.write_session() as session:
        prospect = services.add_prospect(session, app, list_name="Fair", name="Jean Dupont",
                                         company="ACME", owner="bob", at=_at(2))
        services.log_action(session, app, action_type="call", member="bob",
                            prospect=prospect, outcome="not_reached", at=_at(2, 11))
        services.log_action(session, app, action_type="discovery_call", member="bob",
                            prospect=prospect, outcome="good", at=_at(3),
                            answers={"budget": "yes", "seats": "12"})
        lead = services.convert_prospect(session, app, prospect=prospect,
                                         pipeline="acquisition", amount=1200.5, at=_at(4))
        services.log_action(session, app, action_type="discovery_call", member="bob",
                            lead=lead, outcome="good", at=_at(5),
                            note="two\nlines",
                            answers={"decider": " Jane Roe ", "start": "1-3 months",
                                     "seats": 12.5, "budget": False})
        # A follow-up the rule schedules, then done by the next call.
        services.log_action(session, app, action_type="call", member="alice", lead=lead,
                            outcome="not_reached", at=_at(6))
        services.log_action(session, app, action_type="call", member="alice", lead=lead,
                            outcome="reached", at=_at(9, 15))
        other = services.create_lead(session, app, title="Renew X", pipeline="renewal",
                                     owner="dave", at=_at(5))
        services.set_status(session, app, lead=other, status="standby",
                            remind_at=date(2026, 3, 20), at=_at(6))
        services.schedule_reminder(session, app, action_type="proposal", member="dave",
                                   due=date(2026, 3, 18), lead=other,
                                   note="send the \"gold\" offer, second try", at=_at(6))
        services.schedule_reminder(session, app, action_type="email", member="carol",
                                   due=_at(30, 9), prospect=services.add_prospect(
                                       session, app, list_name="Web", name="Ana Roux",
                                       at=_at(7)), at=_at(7))
        session.commit()


def _state(app: AppContext) -> dict[str, Any]:
    """What the user sees: answers (typed), reminders, standby dates and custom fields."""
    lead, prospect, action = aliased(Lead), aliased(Prospect), aliased(Action)
    with app.session() as session:
        answers = dict(session.execute(
            select(Action.key, Action.answers).where(Action.answers.is_not(None))  # type: ignore[union-attr]
            .order_by(Action.id)).all())
        reminders = session.execute(
            select(Reminder.due_at, Reminder.member, Reminder.action_type, lead.key,
                   prospect.key, Reminder.done, Reminder.done_at, Reminder.note,
                   Reminder.source, action.key)
            .outerjoin(lead, lead.id == Reminder.lead_id)
            .outerjoin(prospect, prospect.id == Reminder.prospect_id)
            .outerjoin(action, action.id == Reminder.created_by_action_id)
            .order_by(Reminder.id)).all()
        leads = session.execute(
            select(Lead.key, Lead.status, Lead.remind_at, Lead.fields).order_by(Lead.id)).all()
        prospects = session.execute(
            select(Prospect.key, Prospect.fields).order_by(Prospect.id)).all()
    return {"answers": {k: v for k, v in answers.items() if v},
            "reminders": [tuple(r) for r in reminders], "leads": [tuple(r) for r in leads],
            "prospects": [tuple(r) for r in prospects]}


def _files(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in FILES}


def test_export_import_export_keeps_answers_reminders_and_standby_dates(
    app: AppContext, run_cli: Run, config_path: Path, db_url: str, tmp_path: Path
) -> None:
    _build(app)
    before = _state(app)
    todo_args = ("--config", str(config_path), "todo", "--date", TODO_DAY)
    todo = run_cli(*todo_args)
    assert todo.exit_code == 0, todo.output
    assert "2 reminders due (2 late) for 2 members, 1 standby lead back" in todo.stdout
    export_folder(app, tmp_path / "first")
    first = _files(tmp_path / "first")
    assert first["answers.csv"].decode() == (
        "action_id,question,answer\n"
        "A2,budget,yes\n"
        "A2,seats,12\n"
        "A3,budget,no\n"
        "A3,decider,Jane Roe\n"
        "A3,seats,12.5\n"
        "A3,start,1-3 months\n"
    )
    assert first["reminders.csv"].decode() == (
        "id,due_at,member,action,lead_id,prospect_id,done_at,source_action_id,note,source\n"
        "R1,2026-03-04T11:00:00+01:00,bob,call,,P1,,A1,,rule\n"
        "R2,2026-03-09T10:00:00+01:00,alice,call,L1,,2026-03-09T15:00:00+01:00,A4,,rule\n"
        "R3,2026-03-18T00:00:00+01:00,dave,proposal,L2,,,,\"send the \"\"gold\"\" offer, "
        "second try\",manual\n"
        "R4,2026-03-30T10:00:00+02:00,carol,email,,P2,,,,manual\n"
    )
    assert b",standby,2026-03-05T10:00:00+01:00,,,2026-03-20\n" in first["leads.csv"]

    empty_base(app)
    summary = import_folder(app, tmp_path / "first")
    assert (summary.answers, summary.reminders) == (6, 4)
    export_folder(app, tmp_path / "second")
    assert _files(tmp_path / "second") == first
    after = _state(app)
    assert after == before
    assert after["answers"]["A3"] == {"budget": False, "decider": "Jane Roe", "seats": 12.5,
                                      "start": "1-3 months"}
    assert type(after["answers"]["A2"]["seats"]) is int
    assert dict((k, f) for k, _s, _r, f in after["leads"])["L1"] == {
        "budget": False, "seats": 12.5, "decider": "Jane Roe", "start": "1-3 months"}
    assert run_cli(*todo_args).stdout == todo.stdout


def test_a_folder_of_an_earlier_version_still_imports(app: AppContext, tmp_path: Path) -> None:
    """No answers.csv, no remind_on; a reminders.csv without note and source."""
    files = dict(VALID)
    files["leads.csv"] += "L3,Later,renewal,Signed,dave,0,standby,2026-03-06 09:00,,\n"
    files["reminders.csv"] = ("id,due_at,member,action,lead_id,prospect_id,done_at,"
                              "source_action_id\n"
                              "call-back,2026-03-07 09:00,alice,call,L1,,,A2\n")
    import_folder(app, write_folder(tmp_path / "data", files))
    with app.session() as session:
        assert session.execute(select(Lead.remind_at).where(Lead.key == "L3")).scalar() is None
        reminder = session.execute(select(Reminder)).scalar_one()
    assert (reminder.note, reminder.source, reminder.done) == ("", "manual", False)
    export_folder(app, tmp_path / "out")
    assert (tmp_path / "out" / "reminders.csv").read_text(encoding="utf-8").splitlines()[1] == (
        f"R{reminder.id},2026-03-07T09:00:00+01:00,alice,call,L1,,,A2,,manual")


def _with(extra: dict[str, str]) -> dict[str, str]:
    files = dict(VALID)
    for name, text in extra.items():
        files[name] = files[name] + text if name in files else text
    return files


ANSWERS = "action_id,question,answer\n"
REMINDERS = ("id,due_at,member,action,lead_id,prospect_id,done_at,source_action_id,note,"
             "source\n")

BAD = [
    ({"answers.csv": ANSWERS + "A9,budget,yes\n"},
     "answers.csv:2: action_id: unknown action 'A9'"),
    ({"answers.csv": ANSWERS + "A2,budget,yes\nA2,colour,red\n"},
     "answers.csv:3: question: unknown question 'colour' for 'discovery_call'"),
    ({"answers.csv": ANSWERS + "A2,budget,maybe\n"},
     "answers.csv:2: answer: answer to 'budget' must be yes or no, not 'maybe'"),
    ({"answers.csv": ANSWERS + "A2,seats,a dozen\n"},
     "answers.csv:2: answer: answer to 'seats' must be a number, not 'a dozen'"),
    ({"answers.csv": ANSWERS + "A2,start,tomorrow\n"},
     "answers.csv:2: answer: answer to 'start' must be one of"),
    ({"answers.csv": ANSWERS + "A2,seats,1\nA2,seats,2\n"},
     "answers.csv:3: question: 'seats' is already answered on line 2"),
    ({"answers.csv": ANSWERS + "A2,seats,1\nA3,x,y\n"},
     "answers.csv:3: question: action type 'email' has no call script"),
    ({"answers.csv": ANSWERS + "A2,seats,1\nA1,seats,3\nA2,budget,no\n"},
     "answers.csv:3: question: action type 'call' has no call script"),
    ({"actions.csv": "A4,2026-03-06 10:00,alice,discovery_call,,L1,,\n",
      "answers.csv": ANSWERS + "A2,seats,1\nA4,seats,2\nA2,budget,no\n"},
     "answers.csv:4: action_id: the answers of action 'A2' are given before on line 2: "
     "keep an action's answers together"),
    ({"answers.csv": ANSWERS + "A2,seats,1\nA2 ,budget,no\n"},
     "answers.csv:3: action_id: id 'A2 ' has spaces around it"),
    ({"reminders.csv": REMINDERS + "R1,2026-03-07 09:00,alice,call,L9,,,,,\n"},
     "reminders.csv:2: lead_id: unknown lead 'L9'"),
    ({"reminders.csv": REMINDERS + "R1,2026-03-07 09:00,alice,call,,P9,,,,\n"},
     "reminders.csv:2: prospect_id: unknown prospect 'P9'"),
    ({"reminders.csv": REMINDERS + "R1,2026-03-07 09:00,alice,call,L1,,,A9,,\n"},
     "reminders.csv:2: source_action_id: unknown action 'A9'"),
    ({"reminders.csv": REMINDERS + "R1,soon,alice,call,L1,,,,,\n"},
     "reminders.csv:2: due_at: not a date-time: 'soon'"),
    ({"reminders.csv": REMINDERS + "R1,2026-03-07 09:00,zoe,call,L1,,,,,\n"},
     "reminders.csv:2: member: unknown member 'zoe'"),
    ({"reminders.csv": REMINDERS + "R1,2026-03-07 09:00,alice,fax,L1,,,,,\n"},
     "reminders.csv:2: action: unknown action type 'fax'"),
    ({"reminders.csv": REMINDERS + "R1,2026-03-07 09:00,alice,call,L1,P1,,,,\n"},
     "reminders.csv:2: prospect_id: set lead_id or prospect_id, not both"),
    ({"reminders.csv": REMINDERS + "R1,2026-03-07 09:00,alice,call,,,,,,\n"},
     "reminders.csv:2: lead_id: one of lead_id or prospect_id is required"),
    ({"reminders.csv": REMINDERS + "R1,2026-03-07 09:00,alice,call,L1,,yesterday,,,\n"},
     "reminders.csv:2: done_at: not a date-time: 'yesterday'"),
    ({"reminders.csv": REMINDERS + "R1,2026-03-07 09:00,alice,call,L1,,,,\x1b[31m,\n"},
     "reminders.csv:2: note: contains the control character"),
    ({"reminders.csv": REMINDERS + "R1,2026-03-07 09:00,alice,call,L1,,,,,\n"
      "R2,2026-03-07 09:00,alice,call,L1,,,,,\nR1,2026-03-08 09:00,alice,call,L1,,,,,\n"},
     "reminders.csv:4: id: reminder 'R1' is already on line 2"),
    ({"reminders.csv": REMINDERS + "x,2026-03-07 09:00,alice,call,L1,,,,,\n"
      "x,2026-03-07 09:00,alice,call,L1,,,,,\n"},
     "reminders.csv:3: id: reminder 'x' is already on line 2"),
    ({"reminders.csv": REMINDERS + "R0,2026-03-07 09:00,alice,call,L9,,,,,\n"},
     "reminders.csv:2: lead_id: unknown lead 'L9'"),
    ({"leads.csv": "L3,Later,renewal,Signed,dave,0,standby,2026-03-06 09:00,,\n".replace(
        ",,\n", ",,,next week\n")},
     "leads.csv:4: remind_on: not a day: 'next week' (use YYYY-MM-DD)"),
    ({"leads.csv": "L3,Later,renewal,Signed,dave,0,todo,2026-03-06 09:00,,,2026-04-01\n"},
     "leads.csv:4: remind_on: only a standby lead has one (status 'todo')"),
]


def _remind_on_header(files: dict[str, str]) -> dict[str, str]:
    """leads.csv with the remind_on column (empty for VALID's leads)."""
    lines = files["leads.csv"].splitlines()
    head = [lines[0] + ",remind_on"] + [line + "," for line in lines[1:3]]
    files["leads.csv"] = "\n".join(head + lines[3:]) + "\n"
    return files


@pytest.mark.parametrize(("extra", "message"), BAD, ids=[m for _e, m in BAD])
def test_bad_cells_are_named_and_nothing_is_written(
    app: AppContext, run_cli: Run, config_path: Path, db_url: str, tmp_path: Path,
    extra: dict[str, str], message: str,
) -> None:
    files = _with(extra)
    if "leads.csv" in extra:
        files = _remind_on_header(files)
    folder = write_folder(tmp_path / "data", files)
    result = run_cli("--config", str(config_path), "import", str(folder))
    assert result.exit_code == 2, result.output
    assert message in result.stderr, result.stderr
    assert set(counts(app).values()) == {0}


def test_a_reminder_id_taken_in_the_base_is_an_error(
    app: AppContext, run_cli: Run, config_path: Path, db_url: str, tmp_path: Path
) -> None:
    reminder = REMINDERS + "R1,2026-03-07 09:00,alice,call,L1,,,,,\n"
    import_folder(app, write_folder(tmp_path / "one", _with({"reminders.csv": reminder})))
    before = counts(app)
    again = {"reminders.csv": REMINDERS + "R1,2026-03-07 09:00,alice,call,L1,,,,,\n"}
    folder = write_folder(tmp_path / "two", again)
    result = run_cli("--config", str(config_path), "import", str(folder))
    assert result.exit_code == 2
    assert "reminders.csv:2: id: reminder 'R1' is already in the base" in result.stderr
    assert counts(app) == before
    # Answers come with their action: one of the base is refused.
    folder = write_folder(tmp_path / "three", {"answers.csv": ANSWERS + "A2,budget,yes\n"})
    result = run_cli("--config", str(config_path), "import", str(folder))
    assert result.exit_code == 2
    assert ("answers.csv:2: action_id: action 'A2' is in the base, not in actions.csv"
            in result.stderr)


def test_chunks_and_deferred_indexes_keep_every_answer_and_reminder(
    app: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    """Small chunks (groups of answers never split, references looked up per chunk) and, on
    SQLite, the actions' indexes dropped during the load: the same folder comes back."""
    monkeypatch.setattr("salesplan.core.dataio.import_answers.CHUNK", 7)
    monkeypatch.setattr("salesplan.core.dataio.import_reminders.CHUNK", 5)
    monkeypatch.setattr("salesplan.core.dataio.import_state.DEFER_INDEXES_MIN_ROWS", 1)
    leads = ["id,title,pipeline,step,owner,amount,status,created_at,closed_at,prospect_id,"
             "remind_on"]
    actions = ["id,at,member,action,outcome,lead_id,prospect_id,note"]
    answers = ["action_id,question,answer"]
    reminders = ["id,due_at,member,action,lead_id,prospect_id,done_at,source_action_id,note,"
                 "source"]
    for n in range(1, 41):
        status, remind = ("standby", f"2026-04-{n % 28 + 1:02d}") if n % 3 else ("todo", "")
        leads.append(f"L{n},Deal {n},acquisition,Incoming,alice,{n},{status},"
                     f"2026-03-02T10:00:00+01:00,,,{remind}")
        actions.append(f"A{n},2026-03-03T10:00:00+01:00,alice,discovery_call,,L{n},,")
        answers += [f"A{n},seats,{n}", f"A{n},budget,{'yes' if n % 2 else 'no'}"][: 1 + n % 2]
        done = "2026-03-05T10:00:00+01:00" if n % 4 == 0 else ""
        reminders.append(f"R{n * 2},2026-03-04T10:00:00+01:00,alice,call,L{n},,{done},A{n},"
                         f"note {n},rule")
    folder = write_folder(tmp_path / "data", {
        "leads.csv": "\n".join(leads) + "\n", "actions.csv": "\n".join(actions) + "\n",
        "answers.csv": "\n".join(answers) + "\n", "reminders.csv": "\n".join(reminders) + "\n",
    })
    summary = import_folder(app, folder)
    assert (summary.answers, summary.reminders) == (len(answers) - 1, 40)
    export_folder(app, tmp_path / "out")
    for name in ("leads.csv", "answers.csv", "reminders.csv"):
        assert (tmp_path / "out" / name).read_text(encoding="utf-8") == (
            folder / name).read_text(encoding="utf-8"), name
    with app.session() as session:
        fields = dict(session.execute(select(Lead.key, Lead.fields)).all())
        done = session.execute(select(Reminder.id).where(Reminder.done.is_(True))
                               .order_by(Reminder.id)).scalars().all()
    assert fields["L3"] == {"seats": 3, "budget": True} and fields["L4"] == {"seats": 4}
    assert done == [n * 2 for n in range(4, 41, 4)]
