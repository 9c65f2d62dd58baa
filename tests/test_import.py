"""Import of a data folder (SPEC §5): valid folders, every bad cell, one transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from salesplan.core.context import AppContext
from salesplan.core.dataio import import_folder
from salesplan.core.db.models import Action, Lead, Prospect, ProspectingList, StepChange
from salesplan.core.errors import DataError
from tests.test_import_helpers import VALID, counts, write_folder

NOTHING = {"lists": 0, "prospects": 0, "leads": 0, "step_changes": 0, "actions": 0,
           "reminders": 0}


def test_valid_folder_is_imported(app: AppContext, tmp_path: Path) -> None:
    summary = import_folder(app, write_folder(tmp_path / "data", VALID))
    assert (summary.lists, summary.prospects, summary.leads, summary.step_changes,
            summary.actions) == (2, 3, 2, 3, 3)
    # No rule fired: the not-reached call scheduled nothing.
    assert counts(app) == {"lists": 2, "prospects": 3, "leads": 2, "step_changes": 3,
                           "actions": 3, "reminders": 0}
    with app.session() as session:
        l1 = session.execute(select(Lead).where(Lead.key == "L1")).scalar_one()
        p1 = session.execute(select(Prospect).where(Prospect.key == "P1")).scalar_one()
        assert l1.prospect_id == p1.id and l1.amount == 1200.5 and l1.closed_at is None
        l2 = session.execute(select(Lead).where(Lead.key == "L2")).scalar_one()
        assert l2.closed_at == datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
        # L2 had no step change rows: one at its created_at with its step.
        l2_steps = session.execute(
            select(StepChange.at, StepChange.step).where(StepChange.lead_id == l2.id)
        ).all()
        assert l2_steps == [(datetime(2026, 3, 5, 8, 0, tzinfo=UTC), "Signed")]
        a2 = session.execute(select(Action).where(Action.key == "A2")).scalar_one()
        assert (a2.lead_id, a2.prospect_id, a2.note, a2.outcome) == (l1.id, None, "two\nlines",
                                                                      "good")
        a3 = session.execute(select(Action).where(Action.key == "A3")).scalar_one()
        assert a3.outcome is None
        fair = session.execute(
            select(ProspectingList).where(ProspectingList.name == "Fair")
        ).scalar_one()
        # A list is as old as its oldest prospect.
        assert fair.created_at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        assert p1.owner == "bob"
        p2 = session.execute(select(Prospect).where(Prospect.key == "P2")).scalar_one()
        assert (p2.owner, p2.company, p2.list_id) == (None, "Big, Co", fair.id)


def test_rows_added_after_an_import_get_fresh_ids(app: AppContext, tmp_path: Path) -> None:
    """Imported rows carry explicit ids; the id sequences (PostgreSQL) must move past them."""
    import_folder(app, write_folder(tmp_path / "data", VALID))
    with app.write_session() as session:
        fair = session.execute(
            select(ProspectingList).where(ProspectingList.name == "Fair")
        ).scalar_one()
        lst = ProspectingList(name="Later", created_at=datetime(2026, 4, 1, tzinfo=UTC))
        prospect = Prospect(key="P9", list_id=fair.id, name="N",
                            created_at=datetime(2026, 4, 1, tzinfo=UTC))
        lead = Lead(key="L9", title="T", pipeline="renewal", step="Due", owner="dave",
                    created_at=datetime(2026, 4, 1, tzinfo=UTC))
        session.add_all([lst, prospect, lead])
        session.commit()
        assert (lst.id, prospect.id, lead.id) == (3, 4, 3)


def test_any_file_may_be_absent(app: AppContext, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "data", {"prospects.csv": VALID["prospects.csv"].replace(
        ",L1\n", ",\n")})
    summary = import_folder(app, folder)
    assert (summary.prospects, summary.leads, summary.actions) == (3, 0, 0)
    # Actions can then refer to prospects already in the base.
    actions = tmp_path / "more"
    write_folder(actions, {"actions.csv": "id,at,member,action,outcome,lead_id,prospect_id,note\n"
                                          "B1,2026-03-09 10:00,bob,call,reached,,P3,ok\n"})
    assert import_folder(app, actions).actions == 1


def _replace(file: str, old: str, new: str) -> dict[str, str]:
    files = dict(VALID)
    assert old in files[file], old
    files[file] = files[file].replace(old, new, 1)
    return files


BAD_CASES: list[tuple[str, str, str, str]] = [
    # prospects.csv
    ("prospects.csv", "P2,Fair", ",Fair", "prospects.csv:3: id: an id is required"),
    ("prospects.csv", "P2,Fair", "P1,Fair",
     "prospects.csv:3: id: prospect 'P1' is already on line 2"),
    ("prospects.csv", "P2,Fair", "P2 ,Fair", "prospects.csv:3: id: id 'P2 ' has spaces around it"),
    ("prospects.csv", "P2,Fair", "P" * 65 + ",Fair",
     "prospects.csv:3: id: id is longer than 64 characters"),
    ("prospects.csv", "P2,Fair,Marc Petit", "P2,,Marc Petit",
     "prospects.csv:3: list: a value is required"),
    ("prospects.csv", "P2,Fair,Marc Petit", "P2,Fair,",
     "prospects.csv:3: name: a value is required"),
    ("prospects.csv", "ACME,jean", "A" * 201 + ",jean",
     "prospects.csv:2: company: longer than 200 characters"),
    ("prospects.csv", "jean@acme.test", "j" * 201,
     "prospects.csv:2: email: longer than 200 characters"),
    ("prospects.csv", "+33 1 23", "1" * 65, "prospects.csv:2: phone: longer than 64 characters"),
    ("prospects.csv", ",bob,", ",zed,",
     "prospects.csv:2: owner: unknown member 'zed' (members: alice, bob, carol, dave)"),
    ("prospects.csv", "2026-03-03 11:00", "03/03/2026",
     "prospects.csv:4: created_at: not a date-time: '03/03/2026' "
     "(use YYYY-MM-DDTHH:MM:SS, optionally with +HH:MM)"),
    ("prospects.csv", "2026-03-03 11:00", "",
     "prospects.csv:4: created_at: a date-time is required"),
    ("prospects.csv", "2026-03-03 11:00,", "2026-03-03 11:00,L9",
     "prospects.csv:4: lead_id: unknown lead 'L9'"),
    ("prospects.csv", "2026-03-03 11:00,", "2026-03-03 11:00,L2",
     "prospects.csv:4: lead_id: lead 'L2' has prospect_id '' in leads.csv:3"),
    # leads.csv
    ("leads.csv", "L2,Renew", "L1,Renew", "leads.csv:3: id: lead 'L1' is already on line 2"),
    ("leads.csv", "L2,Renew X,", "L2,,", "leads.csv:3: title: a value is required"),
    ("leads.csv", "renewal,Signed", "upsell,Signed",
     "leads.csv:3: pipeline: unknown pipeline 'upsell' (pipelines: acquisition, renewal)"),
    ("leads.csv", "renewal,Signed", "renewal,Qualified",
     "leads.csv:3: step: 'Qualified' is not a step of 'renewal' (Due, Contacted, Signed)"),
    ("leads.csv", "Signed,dave", "Signed,zed",
     "leads.csv:3: owner: unknown member 'zed' (members: alice, bob, carol, dave)"),
    ("leads.csv", ",1200.5,", ",1200;5,",
     "leads.csv:2: amount: not an amount: '1200;5' (use digits with a dot, e.g. 1234.50)"),
    ("leads.csv", ",1200.5,", ",-3,", "leads.csv:2: amount: amount must be ≥ 0, got '-3'"),
    ("leads.csv", ",1200.5,", ",nan,", "leads.csv:2: amount: not an amount: 'nan'"),
    ("leads.csv", ",won,", ",signed,",
     "leads.csv:3: status: unknown status 'signed' (use todo, standby, won, lost, cancelled)"),
    ("leads.csv", "todo,2026-03-04 09:00", "todo,2026-02-30 09:00",
     "leads.csv:2: created_at: not a date-time: '2026-02-30 09:00' "
     "(use YYYY-MM-DDTHH:MM:SS, optionally with +HH:MM)"),
    ("leads.csv", "2026-03-20 10:00", "",
     "leads.csv:3: closed_at: required for a closed lead (status 'won')"),
    ("leads.csv", "2026-03-20 10:00", "20 March",
     "leads.csv:3: closed_at: not a date-time: '20 March' "
     "(use YYYY-MM-DDTHH:MM:SS, optionally with +HH:MM)"),
    ("leads.csv", "09:00,,P1", "09:00,2026-03-05 10:00,P1",
     "leads.csv:2: closed_at: must be empty for an open lead (status 'todo')"),
    ("leads.csv", ",P1\n", ",P7\n", "leads.csv:2: prospect_id: unknown prospect 'P7'"),
    ("leads.csv", "10:00,\n", "10:00,P2\n",
     "leads.csv:3: prospect_id: prospect 'P2' has no lead_id in prospects.csv:3"),
    ("leads.csv", ",P1\n", ",\n",
     "prospects.csv:2: lead_id: lead 'L1' has prospect_id '' in leads.csv:2"),
    # step_changes.csv
    ("step_changes.csv", "L1,2026-03-06", "L3,2026-03-06",
     "step_changes.csv:3: lead_id: unknown lead 'L3'"),
    ("step_changes.csv", "L1,2026-03-06 09:00", "L1,2026-03-06 9h",
     "step_changes.csv:3: at: not a date-time: '2026-03-06 9h' "
     "(use YYYY-MM-DDTHH:MM:SS, optionally with +HH:MM)"),
    ("step_changes.csv", "09:00,Qualified", "09:00,Signed",
     "step_changes.csv:3: step: 'Signed' is not a step of 'acquisition'"),
    ("step_changes.csv", "09:00,Qualified", "09:00,Proposal",
     "leads.csv:2: step: lead 'L1' is at 'Qualified' but its last step change in "
     "step_changes.csv is 'Proposal'"),
    # actions.csv
    ("actions.csv", "A3,", ",", "actions.csv:5: id: an id is required"),
    ("actions.csv", "A3,", "A1,", "actions.csv:5: id: action 'A1' is already on line 2"),
    ("actions.csv", "A3,2026-03-05 10:00", "A3,tomorrow",
     "actions.csv:5: at: not a date-time: 'tomorrow' "
     "(use YYYY-MM-DDTHH:MM:SS, optionally with +HH:MM)"),
    ("actions.csv", "10:00,dave", "10:00,zed",
     "actions.csv:5: member: unknown member 'zed' (members: alice, bob, carol, dave)"),
    ("actions.csv", "dave,email", "dave,fax",
     "actions.csv:5: action: unknown action type 'fax' (types: call, email, meeting, "
     "discovery_call, proposal)"),
    ("actions.csv", "call,not_reached", "call,maybe",
     "actions.csv:2: outcome: 'maybe' is not an outcome of 'call' (not_reached, reached)"),
    ("actions.csv", "email,,L2,,", "email,held,L2,,",
     "actions.csv:5: outcome: 'held' is not an outcome of 'email' (none)"),
    ("actions.csv", "email,,L2,,", "email,,L2,P1,",
     "actions.csv:5: prospect_id: set lead_id or prospect_id, not both"),
    ("actions.csv", "email,,L2,,", "email,,,,",
     "actions.csv:5: lead_id: one of lead_id or prospect_id is required"),
    ("actions.csv", "email,,L2,,", "email,,L5,,", "actions.csv:5: lead_id: unknown lead 'L5'"),
    ("actions.csv", "not_reached,,P1,", "not_reached,,P5,",
     "actions.csv:2: prospect_id: unknown prospect 'P5'"),
    # headers and rows
    ("actions.csv", "outcome,lead_id", "result,lead_id",
     "actions.csv:1: result: unknown column (expected id, at, member, action, outcome, "
     "lead_id, prospect_id, note)"),
    ("leads.csv", ",prospect_id\n", "\n", "leads.csv:1: prospect_id: missing column"),
    ("step_changes.csv", "at,step", "at,at", "step_changes.csv:1: at: column is listed twice"),
    ("step_changes.csv", "L1,2026-03-04 09:00,Incoming", "L1,2026-03-04 09:00",
     "step_changes.csv:2: row: has 2 fields, the header has 3"),
]


def test_bad_cell_aborts_with_file_line_column(app: AppContext, tmp_path: Path) -> None:
    """Every case against the same base: a failed import leaves it empty, so the next case
    starts from the same state (and one app per backend keeps the suite fast)."""
    for index, (file, old, new, message) in enumerate(BAD_CASES):
        folder = write_folder(tmp_path / f"case{index}", _replace(file, old, new))
        with pytest.raises(DataError) as error:
            import_folder(app, folder)
        assert (index, error.value.message) == (index, message)
        assert counts(app) == NOTHING, index


def test_ids_already_in_the_base_are_errors(app: AppContext, tmp_path: Path) -> None:
    import_folder(app, write_folder(tmp_path / "first", VALID))
    before = counts(app)
    again = {"actions.csv": "id,at,member,action,outcome,lead_id,prospect_id,note\n"
                            "N1,2026-03-09 10:00,bob,call,reached,,P3,\n"
                            "A2,2026-03-09 11:00,bob,call,reached,,P3,\n"}
    with pytest.raises(DataError) as error:
        import_folder(app, write_folder(tmp_path / "second", again))
    assert error.value.message == "actions.csv:3: id: action 'A2' is already in the base"
    for file, text, message in [
        ("prospects.csv", "id,list,name,company,email,phone,owner,created_at,lead_id\n"
                          "P3,Web,X,,,,,2026-03-09,\n",
         "prospects.csv:2: id: prospect 'P3' is already in the base"),
        ("leads.csv", "id,title,pipeline,step,owner,amount,status,created_at,closed_at,"
                      "prospect_id\nL2,T,renewal,Due,dave,0,todo,2026-03-09,,\n",
         "leads.csv:2: id: lead 'L2' is already in the base"),
        ("leads.csv", "id,title,pipeline,step,owner,amount,status,created_at,closed_at,"
                      "prospect_id\nL9,T,renewal,Due,dave,,todo,2026-03-09,,P1\n",
         "leads.csv:2: prospect_id: prospect 'P1' is already converted into another lead"),
        ("step_changes.csv", "lead_id,at,step\nL1,2026-03-09,Proposal\n",
         "step_changes.csv:2: lead_id: lead 'L1' is in the base, not in leads.csv "
         "(step changes are imported with their lead)"),
    ]:
        folder = write_folder(tmp_path / file, {file: text})
        with pytest.raises(DataError) as error:
            import_folder(app, folder)
        assert error.value.message == message
    assert counts(app) == before


def test_converting_a_base_prospect_by_import(app: AppContext, tmp_path: Path) -> None:
    import_folder(app, write_folder(tmp_path / "first", VALID))
    folder = write_folder(tmp_path / "second", {
        "leads.csv": "id,title,pipeline,step,owner,amount,status,created_at,closed_at,"
                     "prospect_id\nL9,Nova,acquisition,Incoming,alice,,todo,2026-03-09,,P3\n"})
    assert import_folder(app, folder).leads == 1
    with app.session() as session:
        lead = session.execute(select(Lead).where(Lead.key == "L9")).scalar_one()
        p3 = session.execute(select(Prospect).where(Prospect.key == "P3")).scalar_one()
        assert (lead.prospect_id, lead.amount) == (p3.id, 0.0)


def test_folder_problems(app: AppContext, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not a folder"):
        import_folder(app, tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="no data files"):
        import_folder(app, tmp_path / "empty")
    folder = write_folder(tmp_path / "blank", {"leads.csv": ""})
    with pytest.raises(DataError) as error:
        import_folder(app, folder)
    assert error.value.message == "leads.csv:1: header: the file is empty"
    multiline = VALID["prospects.csv"].replace('"Big, Co"', '"Big,\nCo"')
    with pytest.raises(DataError) as error:
        import_folder(app, write_folder(tmp_path / "multi", {"prospects.csv": multiline}))
    assert error.value.message == (
        "prospects.csv:3: company: contains a line break (it is one line of text)")
    blank = VALID["prospects.csv"].replace("\nP3,", "\n\nP3,").replace("Nova,,,,", "Nova,,,zed,")
    with pytest.raises(DataError) as error:
        import_folder(app, write_folder(tmp_path / "blank-line", {"prospects.csv": blank}))
    assert error.value.message.startswith("prospects.csv:5: owner:")
    (tmp_path / "latin").mkdir()
    (tmp_path / "latin" / "prospects.csv").write_bytes(
        VALID["prospects.csv"].encode() + "P4,Fair,Zoé,,,,,2026-03-03,\n".encode("latin-1"))
    with pytest.raises(DataError) as error:
        import_folder(app, tmp_path / "latin")
    assert error.value.message == "prospects.csv:5: row: not valid UTF-8"


def _large_actions(rows: int, bad_line: int | None = None, bad: str = "") -> str:
    lines = ["id,at,member,action,outcome,lead_id,prospect_id,note"]
    for i in range(rows):
        outcome = "reached" if i % 3 else "not_reached"
        lines.append(f"X{i:06d},2026-03-{2 + i % 20:02d}T10:{i % 60:02d}:00+01:00,bob,call,"
                     f"{outcome},,P{1 + i % 3},")
    if bad_line is not None:
        lines[bad_line - 1] = bad
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("defer_indexes", [False, True])
def test_bad_row_near_the_end_of_a_large_file_writes_nothing(
    app: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, defer_indexes: bool,
    backend: str,
) -> None:
    if defer_indexes and backend != "sqlite":
        pytest.skip("indexes are only deferred on SQLite")
    if defer_indexes:  # exercise the drop/rebuild of action indexes on a small file
        monkeypatch.setattr("salesplan.core.dataio.import_state.DEFER_INDEXES_MIN_ROWS", 1000)
    files = dict(VALID)
    files["actions.csv"] = _large_actions(
        20_000, 19_990, "X999999,2026-03-31 10:00,bob,call,busy,,P1,")
    with pytest.raises(DataError) as error:
        import_folder(app, write_folder(tmp_path / "bad", files))
    assert error.value.message == (
        "actions.csv:19990: outcome: 'busy' is not an outcome of 'call' (not_reached, reached)")
    assert counts(app) == NOTHING
    # A duplicate id far from its twin is caught by the unique index, then located.
    files["actions.csv"] = _large_actions(
        20_000, 19_995, "X000007,2026-03-31 10:00,bob,call,reached,,P1,")
    with pytest.raises(DataError) as error:
        import_folder(app, write_folder(tmp_path / "dup", files))
    assert error.value.message == "actions.csv:19995: id: action 'X000007' is already on line 9"
    assert counts(app) == NOTHING
    # The same rows without the bad one import completely, indexes in place.
    files["actions.csv"] = _large_actions(20_000)
    assert import_folder(app, write_folder(tmp_path / "good", files)).actions == 20_000
    assert counts(app)["actions"] == 20_000
    from sqlalchemy import inspect
    with app.engine.connect() as connection:
        names = {index["name"] for index in inspect(connection).get_indexes("actions")}
    assert {"ix_actions_at_member", "ix_actions_member_at", "ix_actions_lead",
            "ix_actions_prospect"} <= names


def test_duplicate_and_later_bad_cell_in_one_chunk_reports_the_duplicate(
    app: AppContext, tmp_path: Path
) -> None:
    files = dict(VALID)
    text = _large_actions(50, 30, "X000003,2026-03-31 10:00,bob,call,reached,,P1,")
    files["actions.csv"] = text.replace(",bob,call,reached,,P2,\n", ",bob,call,zzz,,P2,\n", 1)
    # Line 30 repeats an id (line 5); a bad outcome comes later in the same chunk.
    bad_outcome_line = next(i for i, line in enumerate(files["actions.csv"].splitlines(), 1)
                            if ",zzz," in line)
    assert bad_outcome_line > 30 or bad_outcome_line < 30
    with pytest.raises(DataError) as error:
        import_folder(app, write_folder(tmp_path / "data", files))
    expected_first = min(30, bad_outcome_line)
    assert error.value.message.startswith(f"actions.csv:{expected_first}:")


def test_cli_import_reports_and_exits_2(
    run_cli: Callable[..., object], config_path: Path, tmp_path: Path, db_url: str
) -> None:
    folder = write_folder(tmp_path / "data", VALID)
    result = run_cli("--config", str(config_path), "import", str(folder))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert result.stdout == (  # type: ignore[attr-defined]
        f"Imported from {folder}: 3 prospects (2 new lists), 2 leads, 3 step changes, "
        "3 actions, 0 answers, 0 reminders.\n")
    result = run_cli("--config", str(config_path), "import", str(folder))
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert result.stderr == (  # type: ignore[attr-defined]
        "Error: prospects.csv:2: id: prospect 'P1' is already in the base\n")


def test_progress_bar_sees_every_row(app: AppContext, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from salesplan.core.dataio import progress

    monkeypatch.setattr(progress, "MIN_BYTES_FOR_BAR", 0)
    monkeypatch.setattr(progress, "UPDATE_EVERY", 1)
    summary = import_folder(app, write_folder(tmp_path / "data", VALID),
                            progress=lambda: progress.Progress(True))
    assert (summary.prospects, summary.leads, summary.step_changes, summary.actions) == (
        3, 2, 3, 3)
