"""Write events, with throwaway plugins: ``salesplan_action_logged``, ``salesplan_step_changed``
and ``salesplan_lead_closed`` run inside the write transaction (what they write with
``connection`` is committed with the write, or rolled back with it), each implementation in its
own savepoint (one that raises is a warning naming it; the write is kept and later plugins
still run); ``salesplan_data_imported`` gets the exact id ranges of an import, and one that
raises aborts the import with nothing written. Also the neighbours of a write: a rollup whose
``fold`` fails (``salesplan_rollups``) and ``salesplan_after_action`` containment.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select, text

from salesplan.core import services
from salesplan.core.cli import context as cli_context
from salesplan.core.context import AppContext, load_app
from salesplan.core.dataio import import_folder
from salesplan.core.errors import PluginError
from salesplan.core.events import IdRange, ImportBatch
from salesplan.core.pluginmanager import PluginInfo
from salesplan.core.services.events import write_warnings
from tests.conftest import CliResult
from tests.pluginkit import config_text, plugin
from tests.test_import_helpers import VALID, counts, write_folder

metadata = MetaData()
event_log = Table(
    "event_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("plugin", String(40), nullable=False),
    Column("hook", String(40), nullable=False),
    Column("subject", String(80), nullable=False),
)
"""Where the throwaway plugins write, with the hook's ``connection``."""

WRITE = '''
from sqlalchemy import text

CALLS = []


def write(connection, hook, subject):
    connection.execute(
        text("INSERT INTO event_log (plugin, hook, subject) VALUES (:plugin, :hook, :subject)"),
        {"plugin": PLUGIN, "hook": hook, "subject": subject},
    )
'''

RECORDER = WRITE + '''

@hookimpl
def salesplan_action_logged(connection, app, action):
    in_transaction = connection.execute(
        text("SELECT count(*) FROM actions WHERE id = :id"), {"id": action.id}).scalar()
    CALLS.append(("action_logged", action.key, action.action_type, action.outcome,
                  in_transaction, app.config.team.name))
    write(connection, "action_logged", action.key)


@hookimpl
def salesplan_step_changed(connection, app, lead, step_change):
    CALLS.append(("step_changed", lead.key, lead.step, step_change.step,
                  step_change.lead_id == lead.id and step_change.id is not None))
    write(connection, "step_changed", f"{lead.key}:{step_change.step}")


@hookimpl
def salesplan_lead_closed(connection, app, lead):
    CALLS.append(("lead_closed", lead.key, lead.status, lead.closed_at is not None))
    write(connection, "lead_closed", f"{lead.key}:{lead.status}")


@hookimpl
def salesplan_data_imported(connection, app, batch):
    CALLS.append(("data_imported", batch))
    write(connection, "data_imported", str(len(batch.actions)))
'''

BOOM = WRITE + '''

@hookimpl
def salesplan_action_logged(connection, action):
    write(connection, "action_logged", action.key)
    raise RuntimeError(f"no audit for {action.key}")


@hookimpl
def salesplan_step_changed(connection, lead, step_change):
    write(connection, "step_changed", lead.key)
    raise RuntimeError(f"no move for {lead.key}")


@hookimpl
def salesplan_lead_closed(connection, lead):
    write(connection, "lead_closed", lead.key)
    raise RuntimeError(f"no close for {lead.key}")
'''

BOOM_IMPORT = '''
@hookimpl
def salesplan_data_imported(batch):
    raise RuntimeError(f"cannot take {len(batch.actions)} actions")
'''


def recorder() -> PluginInfo:
    return plugin("recorder", 'PLUGIN = "recorder"\n' + RECORDER)


def boom() -> PluginInfo:
    return plugin("boom", 'PLUGIN = "boom"\n' + BOOM)


def calls(info: PluginInfo) -> list[tuple[Any, ...]]:
    calls_list: list[tuple[Any, ...]] = info.load().CALLS
    return calls_list


@pytest.fixture
def team(
    tmp_path: Path, make_app: Callable[..., AppContext]
) -> Callable[..., AppContext]:
    """The test team with these throwaway plugins enabled (in this order) and ``event_log``."""

    def make(*infos: PluginInfo, extra: str = "") -> AppContext:
        path = tmp_path / "salesplan.toml"
        path.write_text(config_text(*(i.name for i in infos), extra=extra), encoding="utf-8")
        app = make_app(path, extra_plugins=list(infos), entry_points=False)
        metadata.create_all(app.engine)
        return app

    return make


def logged_events(app: AppContext) -> list[tuple[str, str, str]]:
    with app.read_connection() as connection:
        rows = connection.execute(
            select(event_log.c.plugin, event_log.c.hook, event_log.c.subject)
            .order_by(event_log.c.id))
        return [tuple(row) for row in rows]  # type: ignore[misc]


def new_lead(app: AppContext, title: str = "Acme", at: datetime | None = None) -> str:
    with app.write_session() as session:
        lead = services.create_lead(session, app, title=title, pipeline="acquisition",
                                    owner="alice", at=at)
        session.commit()
        return lead.key


def action_count(app: AppContext) -> int:
    with app.read_connection() as connection:
        return int(connection.execute(text("SELECT count(*) FROM actions")).scalar() or 0)


# ---------------------------------------------------------------- inside the transaction


def test_action_logged_gets_the_flushed_action_on_the_transactions_connection(
    team: Callable[..., AppContext],
) -> None:
    info = recorder()
    app = team(info)
    key = new_lead(app)
    logged = services.record_action(app, action_type="call", member="alice", lead=key,
                                    outcome="reached", at=datetime(2026, 3, 2, 9, 0))
    assert logged.warnings == []
    # the hook saw the action through its connection: the same, uncommitted, transaction
    assert calls(info) == [("action_logged", logged.action.key, "call", "reached", 1, "Acme")]
    assert logged_events(app) == [("recorder", "action_logged", logged.action.key)]


def test_what_the_hook_wrote_is_rolled_back_with_the_action(
    team: Callable[..., AppContext],
) -> None:
    info = recorder()
    app = team(info)
    key = new_lead(app)
    with app.write_session() as session:
        services.log_action(session, app, action_type="call", member="alice", lead=key,
                            outcome="reached")
        with app.engine.connect() as other:  # not committed: nobody else sees the row yet
            assert other.execute(select(func.count()).select_from(event_log)).scalar() == 0
        session.rollback()  # the action's transaction fails
    assert len(calls(info)) == 1  # the hook ran …
    assert logged_events(app) == [] and action_count(app) == 0  # … and nothing stayed

    with app.write_session() as session:
        logged = services.log_action(session, app, action_type="call", member="alice",
                                     lead=key, outcome="reached")
        action = logged.action.key
        session.commit()
    assert logged_events(app) == [("recorder", "action_logged", action)]


def test_step_changed_and_lead_closed_get_the_lead_and_its_new_rows(
    team: Callable[..., AppContext],
) -> None:
    info = recorder()
    app = team(info)
    key = new_lead(app, at=datetime(2026, 3, 2, 9, 0))
    with app.write_session() as session:
        lead = services.get_lead(session, key)
        services.move_lead(session, app, lead=lead, step="Proposal",
                           at=datetime(2026, 3, 3, 9, 0))
        services.set_status(session, app, lead=lead, status="won")
        services.set_status(session, app, lead=lead, status="won")  # not closed again
        assert write_warnings(session) == []
        session.rollback()
    assert logged_events(app) == []  # rolled back with the move and the status

    with app.write_session() as session:
        lead = services.get_lead(session, key)
        services.move_lead(session, app, lead=lead, step="Proposal",
                           at=datetime(2026, 3, 3, 9, 0))
        services.set_status(session, app, lead=lead, status="lost")
        services.set_status(session, app, lead=lead, status="todo")  # reopening fires nothing
        session.commit()
    assert calls(info)[-2:] == [("step_changed", key, "Proposal", "Proposal", True),
                                ("lead_closed", key, "lost", True)]
    assert logged_events(app) == [("recorder", "step_changed", f"{key}:Proposal"),
                                  ("recorder", "lead_closed", f"{key}:lost")]


def test_rule_effects_fire_their_events_inside_the_actions_transaction(
    team: Callable[..., AppContext],
) -> None:
    skipped_rule = """
        [[rules]]
        when = { action = "meeting", outcome = "held" }
        then = [{ move_to_step = "Proposal" }, { move_to_step = "Signed" }]
        """
    info = recorder()
    app = team(info, extra=skipped_rule)
    good, bad, held = new_lead(app, "Good"), new_lead(app, "Bad"), new_lead(app, "Held")
    moved = services.record_action(app, action_type="discovery_call", member="alice",
                                   lead=good, outcome="good")
    lost = services.record_action(app, action_type="discovery_call", member="alice",
                                  lead=bad, outcome="bad")
    skipped = services.record_action(app, action_type="meeting", member="alice", lead=held,
                                     outcome="held")
    assert moved.effects == ["moved to Qualified"] and lost.warnings == []
    # the skipped rule's first effect fired step_changed; its write went with the rule
    assert skipped.effects == []
    assert skipped.warnings == [
        "rule rules[3] (move_to_step) skipped: step 'Signed' is not in pipeline "
        f"'acquisition' of lead '{held}'"
    ]
    assert ("step_changed", held, "Proposal", "Proposal", True) in calls(info)
    assert logged_events(app) == [
        ("recorder", "step_changed", f"{good}:Qualified"),
        ("recorder", "action_logged", moved.action.key),
        ("recorder", "lead_closed", f"{bad}:lost"),
        ("recorder", "action_logged", lost.action.key),
        ("recorder", "action_logged", skipped.action.key),
    ]


# ---------------------------------------------------------------- containment


def test_a_raising_action_logged_is_a_warning_and_later_plugins_still_run(
    team: Callable[..., AppContext],
) -> None:
    app = team(boom(), recorder())  # boom runs first
    key = new_lead(app)
    logged = services.record_action(app, action_type="call", member="alice", lead=key,
                                    outcome="reached")
    action = logged.action.key
    assert logged.warnings == [
        f"plugin 'boom' failed in salesplan_action_logged: RuntimeError: no audit for {action} "
        "(what it wrote was undone; the change itself is saved)"
    ]
    assert action_count(app) == 1
    assert logged_events(app) == [("recorder", "action_logged", action)]  # boom's row undone


def test_raising_step_and_close_events_are_warnings_and_the_writes_are_kept(
    team: Callable[..., AppContext],
) -> None:
    app = team(boom(), recorder())
    key = new_lead(app)
    with app.write_session() as session:
        lead = services.get_lead(session, key)
        services.move_lead(session, app, lead=lead, step="Qualified")
        services.set_status(session, app, lead=lead, status="cancelled")
        warnings = write_warnings(session)
        session.commit()
    assert warnings == [
        f"plugin 'boom' failed in salesplan_step_changed: RuntimeError: no move for {key} "
        "(what it wrote was undone; the change itself is saved)",
        f"plugin 'boom' failed in salesplan_lead_closed: RuntimeError: no close for {key} "
        "(what it wrote was undone; the change itself is saved)",
    ]
    with app.session() as session:
        lead = services.get_lead(session, key)
        assert (lead.step, lead.status) == ("Qualified", "cancelled")
    assert logged_events(app) == [("recorder", "step_changed", f"{key}:Qualified"),
                                  ("recorder", "lead_closed", f"{key}:cancelled")]

    # Through a rule, inside an action: the warning lands in LoggedAction.warnings.
    other = new_lead(app, "Other")
    logged = services.record_action(app, action_type="discovery_call", member="alice",
                                    lead=other, outcome="good")
    assert logged.effects == ["moved to Qualified"]
    assert logged.warnings[0] == (
        f"plugin 'boom' failed in salesplan_step_changed: RuntimeError: no move for {other} "
        "(what it wrote was undone; the change itself is saved)")
    assert len(logged.warnings) == 2  # and its action_logged


def test_a_failing_rollup_fold_is_a_warning_and_the_action_is_kept(
    team: Callable[..., AppContext],
) -> None:
    broken = plugin("broken_rollup", '''
from salesplan.core.reports.rollup_kit import RollupSpec


def fold(db, scope):
    raise RuntimeError("no room")


@hookimpl
def salesplan_rollups():
    return [RollupSpec(name="broken", fold=fold)]
''')
    app = team(broken)
    key = new_lead(app)
    logged = services.record_action(app, action_type="call", member="alice", lead=key,
                                    outcome="reached", at=datetime(2026, 3, 2, 9, 0))
    assert logged.warnings == [
        "rollup 'broken' (plugin 'broken_rollup') could not count this action "
        "(RuntimeError: no room); the next report rebuilds 2026-03"
    ]
    assert action_count(app) == 1
    with app.read_connection() as connection:
        stale = connection.execute(text("SELECT rollup, month FROM rollup_stale")).all()
    assert [(name, str(month)[:10]) for name, month in stale] == [("broken", "2026-03-01")]


def test_after_action_failures_are_contained_one_plugin_at_a_time(
    team: Callable[..., AppContext],
) -> None:
    first = plugin("first_after", '''
@hookimpl
def salesplan_after_action(action):
    raise RuntimeError(f"webhook down for {action.key}")
''')
    second = plugin("second_after", '''
SEEN = []


@hookimpl
def salesplan_after_action(app, action, effects):
    SEEN.append((action.key, effects))
''')
    app = team(first, second)
    key = new_lead(app)
    logged = services.record_action(app, action_type="call", member="alice", lead=key,
                                    outcome="not_reached", at=datetime(2026, 3, 2, 9, 0))
    assert logged.warnings == [
        f"action {logged.action.key} was saved, but plugin 'first_after' failed after it: "
        f"RuntimeError: webhook down for {logged.action.key}"
    ]
    seen = second.load().SEEN
    assert seen == [(logged.action.key, ["call scheduled in 2 days (due 2026-03-04)"])]


# ---------------------------------------------------------------- imports


def _ids(app: AppContext, table: str, keys: list[str] | None = None) -> IdRange:
    where = f" WHERE key IN ({', '.join(repr(k) for k in keys)})" if keys else ""
    with app.read_connection() as connection:
        first, last, n = connection.execute(
            text(f"SELECT min(id), max(id), count(*) FROM {table}{where}")).one()
    assert last - first + 1 == n, f"{table}: the imported ids are not consecutive"
    return IdRange(first, last)


def test_data_imported_gets_the_exact_id_ranges_of_the_folder(
    team: Callable[..., AppContext], tmp_path: Path
) -> None:
    info = recorder()
    app = team(info)
    # Rows already in the base: the ranges start after them.
    key = new_lead(app, "Already here")
    services.record_action(app, action_type="call", member="alice", lead=key,
                           outcome="reached")
    with app.read_connection() as connection:
        steps_before = int(connection.execute(text("SELECT max(id) FROM step_changes")).scalar())
    calls(info).clear()

    folder = {name: content.replace("L1", "LX1").replace("L2", "LX2").replace("A1,", "AX1,")
              .replace("A2,", "AX2,").replace("A3,", "AX3,") for name, content in VALID.items()}
    import_folder(app, write_folder(tmp_path / "data", folder))
    [(hook, batch)] = calls(info)
    assert hook == "data_imported"
    assert batch == ImportBatch(
        prospects=_ids(app, "prospects", ["P1", "P2", "P3"]),
        leads=_ids(app, "leads", ["LX1", "LX2"]),
        step_changes=IdRange(steps_before + 1, steps_before + 3),
        actions=_ids(app, "actions", ["AX1", "AX2", "AX3"]),
        reminders=batch.reminders,
    )
    assert batch.leads == IdRange(2, 3) and batch.actions.first == 2 and len(batch.actions) == 3
    assert batch.reminders.empty and len(batch.reminders) == 0
    # no other write event fires for imported rows; the import's own row is committed
    assert logged_events(app) == [("recorder", "action_logged", "A1"),
                                  ("recorder", "data_imported", "3")]


def test_a_raising_data_imported_aborts_the_import_with_nothing_written(
    team: Callable[..., AppContext], tmp_path: Path
) -> None:
    app = team(recorder(), plugin("boom", BOOM_IMPORT))  # the recorder writes first
    before = counts(app)
    with pytest.raises(PluginError) as caught:
        import_folder(app, write_folder(tmp_path / "data", VALID))
    assert caught.value.message == (
        "plugin 'boom' failed in salesplan_data_imported: RuntimeError: cannot take 3 "
        "actions; nothing was imported"
    )
    assert counts(app) == before
    assert logged_events(app) == []  # the recorder's row went with the import


def test_cli_import_names_the_plugin_and_exits_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    run_cli: Callable[..., CliResult],
    make_app: Callable[..., AppContext],
    db_url: str,
) -> None:
    infos = [plugin("boom", BOOM_IMPORT)]
    path = tmp_path / "salesplan.toml"
    path.write_text(config_text("boom"), encoding="utf-8")
    monkeypatch.setattr(cli_context, "load_app",
                        lambda p, **kw: load_app(p, extra_plugins=infos, **kw))
    result = run_cli("--config", str(path), "import", str(write_folder(tmp_path / "d", VALID)))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: plugin 'boom' failed in salesplan_data_imported: RuntimeError: cannot take 3 "
        "actions; nothing was imported\n"
    )
    app = make_app(path, extra_plugins=infos)
    assert set(counts(app).values()) == {0}
