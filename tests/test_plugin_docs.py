"""Meta-tests, datasette style: every hook is documented in docs/plugins.md and tested.

- each hookspec has a ``## salesplan_xxx`` heading whose section states parameters, return
  value and when it is called, and names every parameter;
- each hookspec name appears in at least one test module under ``tests/`` (this one excluded);
- each hook section's Python example is a complete plugin that loads, and does what the
  section says when enabled on the standard test team.
"""

from __future__ import annotations

import asyncio
import logging
import re
import types
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from salesplan.core import hookspecs
from salesplan.core.context import AppContext, load_app
from salesplan.core.notify import OutgoingMessage, call_deliver
from salesplan.core.pluginmanager import hook_specs, plugin_info_from_module
from salesplan.core.reporting import ReportRequest
from tests.pluginkit import config_text

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "plugins.md"
TESTS = ROOT / "tests"
HOOKS = list(hook_specs([hookspecs]))


def doc_text() -> str:
    return DOCS.read_text(encoding="utf-8")


def hook_section(name: str) -> str:
    """The text under the hook's ``##`` heading, up to the next ``##`` heading."""
    text = doc_text()
    match = re.search(rf"^##\s+`?{re.escape(name)}`?\s*$", text, flags=re.MULTILINE)
    assert match is not None, f"docs/plugins.md has no '## {name}' heading"
    rest = text[match.end():]
    following = re.search(r"^##\s", rest, flags=re.MULTILINE)
    return rest[: following.start()] if following else rest


FILE_HEADER = re.compile(r"# ([\w/]+\.py)")


def example_module(name: str, folder: Path | None = None) -> types.ModuleType:
    """The first ``python`` code block of the hook's section, run as a module.

    With ``folder``, the module is the plugin folder's ``__init__.py`` there, and each later
    block headed ``# path/in/the/folder.py`` (a migration) is written into the folder too.
    """
    blocks = re.findall(r"^```python\n(.*?)^```", hook_section(name), flags=re.S | re.M)
    assert blocks, f"the {name} section has no ```python example"
    module = types.ModuleType(f"docs_example_{name}")
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        module.__file__ = str(folder / "__init__.py")
        Path(module.__file__).write_text(blocks[0], encoding="utf-8")
        for block in blocks[1:]:
            header = FILE_HEADER.fullmatch(block.splitlines()[0])
            if header is not None:
                target = folder / header.group(1)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(block, encoding="utf-8")
    exec(compile(blocks[0], f"docs/plugins.md ({name})", "exec"), module.__dict__)
    return module


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented(hook: str) -> None:
    section = hook_section(hook)
    for marker in ("**Parameters:**", "**Returns:**", "**When:**", "```python"):
        assert marker in section, f"the {hook} section lacks {marker}"
    for parameter in hook_specs([hookspecs])[hook]:
        assert f"`{parameter}`" in section, f"the {hook} section does not describe {parameter}"


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_test(hook: str) -> None:
    sources = [
        path.read_text(encoding="utf-8")
        for path in TESTS.rglob("test_*.py")
        if path.resolve() != Path(__file__).resolve()
    ]
    assert any(hook in source for source in sources), f"no test under tests/ mentions {hook}"


def test_docs_cover_every_hook_and_no_other() -> None:
    documented = set(re.findall(r"^##\s+`?(salesplan_\w+)`?\s*$", doc_text(), flags=re.M))
    assert documented == set(HOOKS)


# ---------------------------------------------------------------- the examples run


@pytest.fixture
def load_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_app: Callable[..., AppContext]
) -> Callable[..., tuple[AppContext, types.ModuleType]]:
    """Enable a hook's documented example plugin on the test team (and its database)."""
    monkeypatch.chdir(tmp_path)

    def load(hook: str, extra: str = "") -> tuple[AppContext, types.ModuleType]:
        module = example_module(hook, tmp_path / "docs_plugin")
        info = plugin_info_from_module(module, origin="docs")
        path = tmp_path / "salesplan.toml"
        path.write_text(config_text(info.name, extra=extra), encoding="utf-8")
        app = make_app(path, extra_plugins=[info], entry_points=False)
        assert app.plugins.active[-1] == info.name
        assert hook in app.plugins.available[info.name].hooks
        return app, module

    return load


def test_action_types_example(load_example: Callable[..., Any]) -> None:
    app, _ = load_example("salesplan_action_types")
    sms = app.registry.action_types["sms"]
    assert (sms.label, sms.outcome_ids) == ("SMS", ("delivered", "failed"))
    assert app.registry.action_type_origin["sms"] == "sms"


def test_rule_effects_example(load_example: Callable[..., Any]) -> None:
    from salesplan.core import services

    rule = """
        [[rules]]
        when = { action = "meeting", outcome = "held" }
        then = { add_note = "Send the brochure" }
        """
    app, module = load_example("salesplan_rule_effects", rule)
    assert app.registry.effects["add_note"] is module.AddNoteEffect
    with app.write_session() as session:
        lead = services.create_lead(session, app, title="Acme", pipeline="acquisition",
                                    owner="alice")
        session.commit()
        key = lead.key
    logged = services.record_action(app, action_type="meeting", member="alice", lead=key,
                                    outcome="held", note="Went well")
    assert logged.effects == ["note added: Send the brochure"]
    assert logged.action.note == "Went well\nSend the brochure"


def test_reports_example(load_example: Callable[..., Any]) -> None:
    from salesplan.core import services

    app, _ = load_example("salesplan_reports")
    with app.write_session() as session:
        lead = services.create_lead(session, app, title="Acme", pipeline="acquisition",
                                    owner="alice")
        session.commit()
        key = lead.key
    for member, day in (("alice", 2), ("bob", 3), ("alice", 6), ("alice", 9)):
        services.record_action(app, action_type="call", member=member, lead=key,
                               outcome="reached", at=datetime(2026, 3, day, 10, 0))
    spec = app.registry.reports["calls_per_member"]
    with app.read_connection() as connection:
        result = spec.run(ReportRequest(connection=connection, app=app, start=date(2026, 3, 2),
                                        end=date(2026, 3, 6)))
    assert result.rows == [{"member": "alice", "calls": 2}, {"member": "bob", "calls": 1}]
    assert result.totals == {"member": "Total", "calls": 3}


def test_notifiers_example(
    load_example: Callable[..., Any], capsys: pytest.CaptureFixture[str]
) -> None:
    app, _ = load_example("salesplan_notifiers", '\n[notifiers.console]\nprefix = "| "\n')
    spec = app.registry.notifiers["console"]
    settings = app.section("notifiers.console")
    message = OutgoingMessage(subject="Digest", text="3 calls\n1 meeting", html="",
                              recipients=("dave@acme.test",))
    report = spec.deliver(message, settings)
    assert report.accepted == ("dave@acme.test",)
    assert capsys.readouterr().out == "| Digest\n| 3 calls\n| 1 meeting\n"


def test_notifiers_example_resolves_its_file_against_the_config_folder(
    load_example: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the digest does: ``with_base_dir(config folder)``, then ``call_deliver`` with env."""
    app, module = load_example("salesplan_notifiers", '\n[notifiers.console]\nfile = "out.txt"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # cron runs anywhere
    settings = app.section("notifiers.console").with_base_dir(app.config_path.parent)
    message = OutgoingMessage(subject="Digest", text="3 calls", html="",
                              recipients=("dave@acme.test",))
    report = call_deliver(app.registry.notifiers["console"], message, settings, app.env)
    written = tmp_path / "out.txt"
    assert report.detail == f"appended to {written}"
    assert written.read_text(encoding="utf-8") == ">> Digest\n>> 3 calls\n"
    assert not (elsewhere / "out.txt").exists()
    assert isinstance(settings, module.ConsoleSettings)


def test_config_sections_example(load_example: Callable[..., Any]) -> None:
    app, module = load_example(
        "salesplan_config_sections", '\n[crm]\nbase_url = "https://crm.example.test/api"\n'
    )
    crm = app.section("crm")
    assert isinstance(crm, module.CrmSettings)
    assert (crm.base_url, crm.timeout) == ("https://crm.example.test/api", 10.0)


def test_cli_commands_example(load_example: Callable[..., Any], tmp_path: Path) -> None:
    app, module = load_example("salesplan_cli_commands")
    command = app.registry.commands["hello"]
    assert command is module.hello_command
    # Run on its own, pass_app loads the config named by $SALESPLAN_CONFIG (one without the
    # throwaway plugin, which is not installed).
    plain = tmp_path / "plain.toml"
    plain.write_text(config_text(), encoding="utf-8")
    result = CliRunner().invoke(command, ["Zoé"], env={"SALESPLAN_CONFIG": str(plain)})
    assert (result.exit_code, result.output) == (0, "Hello Zoé from Acme\n")


def test_tui_screens_example(load_example: Callable[..., Any]) -> None:
    from salesplan.tui.app import SalesplanApp

    app, _ = load_example("salesplan_tui_screens")
    spec = app.registry.screens["greeter"]
    assert (spec.title, spec.description) == ("Greeter", "Say hello")

    async def open_screen() -> str:
        tui = SalesplanApp(app, today=date(2026, 3, 4))
        async with tui.run_test() as pilot:
            await tui.switch_mode("plugin:greeter")
            await pilot.pause()
            return str(tui.screen.query_one("#greeting").render())

    assert asyncio.run(open_screen()) == "Hello, Acme!"


def test_after_action_example(
    load_example: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    from salesplan.core import services

    app, _ = load_example("salesplan_after_action")
    with app.write_session() as session:
        lead = services.create_lead(session, app, title="Acme", pipeline="acquisition",
                                    owner="alice")
        session.commit()
        key = lead.key
    with caplog.at_level(logging.INFO, logger="salesplan.audit"):
        logged = services.record_action(app, action_type="call", member="bob", lead=key,
                                        outcome="not_reached", at=datetime(2026, 3, 2, 10, 0))
    assert logged.warnings == []
    assert [r.getMessage() for r in caplog.records if r.name == "salesplan.audit"] == [
        f"Acme {logged.action.key} call by bob: call scheduled in 2 days (due 2026-03-04)"
    ]


def _lead(app: AppContext, title: str = "Acme", **fields: Any) -> str:
    from salesplan.core import services

    with app.write_session() as session:
        lead = services.create_lead(session, app, title=title, pipeline="acquisition",
                                    owner="alice", **fields)
        session.commit()
        return lead.key


def _existing_base(make_app: Callable[..., AppContext], tmp_path: Path) -> AppContext:
    """The test team's base, opened once without the example plugin (an existing base)."""
    plain = tmp_path / "plain.toml"
    plain.write_text(config_text(), encoding="utf-8")
    return make_app(plain)


def test_dashboard_panels_example(load_example: Callable[..., Any]) -> None:
    from salesplan.core import services
    from salesplan.tui.app import SalesplanApp

    app, _ = load_example("salesplan_dashboard_panels")
    panel = app.registry.panels["open_leads"]
    assert (panel.title, panel.order) == ("Open leads", 20)
    assert app.registry.owners[("panel", "open_leads")] == "pipeline_panel"
    _lead(app, "A", amount=1000, at=datetime(2026, 3, 2, 9, 0))
    _lead(app, "B", amount=2500, at=datetime(2026, 3, 3, 9, 0))
    _lead(app, "Later", amount=9000, at=datetime(2026, 3, 5, 9, 0))  # after the day shown
    with app.write_session() as session:
        renewal = services.create_lead(session, app, title="C", pipeline="renewal",
                                       owner="dave", amount=400, at=datetime(2026, 3, 3))
        won = services.create_lead(session, app, title="D", pipeline="renewal", owner="dave",
                                   amount=700, at=datetime(2026, 3, 2))
        services.set_status(session, app, lead=won, status="won", at=datetime(2026, 3, 3))
        session.commit()
        assert renewal.status == "todo"

    content = panel.load(app, date(2026, 3, 4))
    assert content.columns == ["Pipeline", "Open leads", "Amount (EUR)"]
    assert content.rows == [["New business", "2", "3,500"], ["Renewals", "1", "400"]]
    before = panel.load(app, date(2026, 3, 1))
    assert (before.rows, before.empty) == ([], "No open lead")

    async def dashboard() -> tuple[str, int]:
        tui = SalesplanApp(app, today=date(2026, 3, 4))
        async with tui.run_test(size=(160, 50)) as pilot:
            for _ in range(3):
                await pilot.pause()
                await tui.workers.wait_for_complete()
            box = tui.screen.query_one("#panel-open_leads-box")
            return str(box.border_title), tui.screen.query_one("#panel-open_leads").row_count

    assert asyncio.run(dashboard()) == ("Open leads", 2)


def test_schema_example_creates_its_table_on_an_existing_base(
    load_example: Callable[..., Any], make_app: Callable[..., AppContext], tmp_path: Path
) -> None:
    from sqlalchemy import inspect, select, text

    from tests.test_plugin_tables import schema_drift

    before = _existing_base(make_app, tmp_path)
    key = _lead(before)
    with before.read_connection() as connection:
        assert not inspect(connection).has_table("lead_visits")
    before.dispose()

    app, module = load_example("salesplan_schema")
    assert [t.name for t in app.schemas["visits"].tables] == ["lead_visits"]
    with app.read_connection() as connection:
        assert inspect(connection).has_table("lead_visits")
        assert connection.execute(text("SELECT version_num FROM alembic_version_visits")
                                  ).scalar() == "visits_0001"
        assert connection.execute(text("SELECT key FROM leads")).scalar() == key
        assert schema_drift(connection, app.schemas["visits"].tables) == []
    visited = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    with app.write_connection() as connection:
        connection.execute(module.lead_visits.insert().values(
            lead_id=1, url="https://acme.test/pricing", visited_at=visited))
    with app.read_connection() as connection:
        row = connection.execute(select(module.lead_visits)).one()
    assert (row.url, row.visited_at) == ("https://acme.test/pricing", visited)


HELD_MEETINGS = {
    "leads.csv": (
        "id,title,pipeline,step,owner,amount,status,created_at,closed_at,prospect_id\n"
        "L90,Imported,acquisition,Incoming,carol,0,todo,2026-02-01 09:00,,\n"
    ),
    "actions.csv": (
        "id,at,member,action,outcome,lead_id,prospect_id,note\n"
        "M1,2026-02-10 10:00,carol,meeting,held,L90,,\n"
        "M2,2026-03-05 10:00,carol,meeting,held,L90,,\n"
        "M3,2026-03-05 11:00,carol,meeting,no_show,L90,,\n"
        "M4,2026-03-31 23:30,bob,meeting,held,L90,,\n"
    ),
}


def test_rollups_example_equals_a_raw_count(
    load_example: Callable[..., Any], make_app: Callable[..., AppContext], tmp_path: Path
) -> None:
    from collections import Counter

    from sqlalchemy import select

    from salesplan.core import services
    from salesplan.core.calendar import local_date
    from salesplan.core.dataio import import_folder
    from salesplan.core.db.query_tables import actions
    from salesplan.core.reports.runner import run_report
    from tests.test_import_helpers import write_folder

    # History logged before the plugin is enabled: the rollup is built from it on open.
    before = _existing_base(make_app, tmp_path)
    key = _lead(before)
    for at in (datetime(2026, 3, 2, 10, 0), datetime(2026, 3, 2, 23, 30)):  # local days
        services.record_action(before, action_type="meeting", member="alice", lead=key,
                               outcome="held", at=at)
    before.dispose()

    app, module = load_example("salesplan_rollups")
    assert app.rollups["meetings_held"].fold is module.fold
    assert app.registry.owners[("rollup", "meetings_held")] == "meeting_stats"
    # Then kept exact by every write: logged (held or not) and imported actions.
    for member, outcome, at in (("bob", "held", datetime(2026, 3, 3, 0, 10)),
                                ("alice", "no_show", datetime(2026, 3, 4, 9, 0)),
                                ("alice", "held", datetime(2026, 4, 1, 9, 0))):
        services.record_action(app, action_type="meeting", member=member, lead=key,
                               outcome=outcome, at=at)
    services.record_action(app, action_type="call", member="bob", lead=key, outcome="reached")
    import_folder(app, write_folder(tmp_path / "history", HELD_MEETINGS))

    with app.read_connection() as connection:
        rolled = {(day, member): held for day, member, held in
                  connection.execute(select(module.meetings_held))}
        raw = connection.execute(select(actions.c.at, actions.c.member).where(*module.HELD))
        expected = Counter((local_date(at, app.tz), member) for at, member in raw)
    assert rolled == dict(expected)
    assert rolled[(date(2026, 3, 2), "alice")] == 2

    result = run_report(app, "meetings_held", date(2026, 3, 1), date(2026, 3, 31))
    assert result.rows == [{"member": "alice", "held": 2}, {"member": "bob", "held": 2},
                           {"member": "carol", "held": 1}, {"member": "dave", "held": 0}]


def test_action_logged_example_writes_in_the_actions_transaction(
    load_example: Callable[..., Any], tmp_path: Path
) -> None:
    from sqlalchemy import select

    from salesplan.core import services
    from salesplan.core.dataio import import_folder
    from tests.test_import_helpers import VALID, write_folder

    app, module = load_example("salesplan_action_logged")
    import_folder(app, write_folder(tmp_path / "data", VALID))  # imports are not "logged"
    key = _lead(app)
    first = services.record_action(app, action_type="call", member="alice", lead=key,
                                   outcome="reached", at=datetime(2026, 3, 2, 9, 0))
    second = services.record_action(app, action_type="call", member="bob", prospect="P3",
                                    outcome="reached")
    assert first.warnings == second.warnings == []
    with app.write_session() as session:  # a write that fails: its audit row goes with it
        services.log_action(session, app, action_type="call", member="bob", lead=key,
                            outcome="reached")
        session.rollback()

    audit = module.action_audit.c
    with app.read_connection() as connection:
        rows = connection.execute(select(audit.action_key, audit.at, audit.summary)
                                  .order_by(audit.action_id)).all()
    assert [tuple(row) for row in rows] == [
        (first.action.key, datetime(2026, 3, 2, 8, 0, tzinfo=UTC), "Acme: alice call on a lead"),
        (second.action.key, second.action.at, "Acme: bob call on a prospect"),
    ]


def test_step_changed_example(
    load_example: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    from salesplan.core import services

    app, _ = load_example("salesplan_step_changed")
    moved = _lead(app, "Acme", at=datetime(2026, 3, 2, 9, 0))
    by_rule = _lead(app, "Beta", at=datetime(2026, 3, 3, 9, 0))
    with caplog.at_level(logging.INFO, logger="salesplan.steps"):
        with app.write_session() as session:
            lead = services.get_lead(session, moved)
            services.move_lead(session, app, lead=lead, step="Proposal",
                               at=datetime(2026, 3, 5, 10, 0))
            session.commit()
        # discovery_call good → move_to_step Qualified, inside the action's transaction
        logged = services.record_action(app, action_type="discovery_call", member="alice",
                                        lead=by_rule, outcome="good",
                                        at=datetime(2026, 3, 4, 9, 30))
    assert logged.effects == ["moved to Qualified"]
    assert [r.getMessage() for r in caplog.records if r.name == "salesplan.steps"] == [
        f"{moved} Acme: Incoming → Proposal after 3 day(s)",
        f"{by_rule} Beta: Incoming → Qualified after 1 day(s)",
    ]


def test_lead_closed_example(
    load_example: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    from salesplan.core import services

    rule = """
        [[rules]]
        when = { action = "meeting", outcome = "held" }
        then = { set_status = "won" }
        """
    app, _ = load_example("salesplan_lead_closed", rule)
    acme = _lead(app, "Acme", amount=12000)
    beta = _lead(app, "Beta", amount=500)
    gamma = _lead(app, "Gamma", amount=800)
    with caplog.at_level(logging.INFO, logger="salesplan.won"):
        for key, status in ((acme, "won"), (acme, "won"), (gamma, "lost")):
            with app.write_session() as session:  # won twice: closed once
                lead = services.get_lead(session, key)
                services.set_status(session, app, lead=lead, status=status)
                session.commit()
        services.record_action(app, action_type="meeting", member="alice", lead=beta,
                               outcome="held")  # the set_status rule closes it
    assert [r.getMessage() for r in caplog.records if r.name == "salesplan.won"] == [
        f"alice won {acme} Acme: 12,000 EUR",
        f"alice won {beta} Beta: 500 EUR",
    ]


def test_data_imported_example(
    load_example: Callable[..., Any], caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    from salesplan.core.dataio import import_folder
    from tests.test_import_helpers import VALID, write_folder

    app, _ = load_example("salesplan_data_imported")
    only_prospects = {"prospects.csv": VALID["prospects.csv"].replace(",L1\n", ",\n")}
    with caplog.at_level(logging.INFO, logger="salesplan.imports"):
        import_folder(app, write_folder(tmp_path / "prospects", only_prospects))
        more = {name: text.replace("P1", "Q1").replace("P2", "Q2").replace("P3", "Q3")
                for name, text in VALID.items() if name != "prospects.csv"}
        more["prospects.csv"] = ("id,list,name,company,email,phone,owner,created_at,lead_id\n"
                                 "Q1,Fair,Jean Dupont,ACME,,,bob,2026-03-02 10:00,L1\n")
        import_folder(app, write_folder(tmp_path / "data", more))
    assert [r.getMessage() for r in caplog.records if r.name == "salesplan.imports"] == [
        "imported 0 leads and 0 actions (none)",
        "imported 2 leads and 3 actions (call 1, discovery_call 1, email 1)",
    ]


def test_docs_example_without_the_plugin_enabled_is_never_called(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    module = example_module("salesplan_after_action")
    path = tmp_path / "salesplan.toml"
    path.write_text(config_text(), encoding="utf-8")
    app = load_app(path, extra_plugins=[plugin_info_from_module(module)], entry_points=False)
    assert "audit_log" not in app.plugins.active
