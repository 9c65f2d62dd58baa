"""The shipped test helper (``salesplan.core.testing``) for plugin authors.

The recipes of docs/plugins.md ("Testing a plugin") are run as written, each in a pytest run
of its own (pytester, in-process) on a project laid out as the recipe says — a single module,
a package whose manifest names its implementation module, an installed distribution (a fake
``*.dist-info`` on ``sys.path``), a local add-on folder — on SQLite and, when
``SALESPLAN_TEST_POSTGRES_URL`` is set, on PostgreSQL. Then the helper's parts one by one.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import textwrap
import types
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

import salesplan.core.db.models  # kept loaded across the in-process runs below
import salesplan.core.testing
from salesplan.core.errors import ConfigError, DeliveryError, PluginError
from salesplan.core.notify import OutgoingMessage
from salesplan.core.pluginmanager import discover_plugins
from salesplan.core.reports.runner import run_report
from salesplan.core.testing import POSTGRES_ENV, SalesplanTester, sample_message
from tests.pluginkit import fake_site
from tests.test_plugin_docs import hook_section

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "plugins.md"

discover_plugins()  # every built-in imported here, not first in an in-process run

SMS = re.findall(r"^```python\n(.*?)^```", hook_section("salesplan_action_types"),
                 flags=re.S | re.M)[0]
"""The ``sms`` plugin of the docs (MANIFEST and the action type hook, one module)."""

SMS_MANIFEST = """\
from salesplan.core.manifest import PluginManifest

MANIFEST = PluginManifest(name="sms", version="1.0.0", summary="SMS sent to contacts.",
                          module="salesplan_sms.plugin")
"""


def recipe(name: str) -> str:
    """The Python block after ``<!-- recipe: NAME -->`` in docs/plugins.md."""
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(rf"<!-- recipe: {name} -->\n```python\n(.*?)^```", text, re.S | re.M)
    assert match is not None, f"docs/plugins.md has no recipe {name!r}"
    return match.group(1)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def backends() -> int:
    return 2 if os.environ.get(POSTGRES_ENV) else 1


@pytest.fixture
def project(pytester: pytest.Pytester) -> Path:
    """A plugin author's project: a root conftest loading the helper, as the docs say."""
    write(pytester.path / "conftest.py", 'pytest_plugins = ["salesplan.core.testing"]\n')
    return pytester.path


def run_recipe(pytester: pytest.Pytester, *tests: str) -> None:
    for number, source in enumerate(tests):
        write(pytester.path / "tests" / f"test_recipe_{number}.py", source)
    result = pytester.runpytest_inprocess("-p", "no:randomly", "-p", "no:cacheprovider",
                                          "-p", "no:xdist", "tests")
    result.assert_outcomes(passed=backends() * len(tests))


@pytest.mark.slow
def test_recipe_single_module(pytester: pytest.Pytester, project: Path) -> None:
    write(project / "sms.py", SMS)
    pytester.syspathinsert(project)
    run_recipe(pytester, recipe("module"))


@pytest.mark.slow
def test_recipe_package_with_implementation_module(
    pytester: pytest.Pytester, project: Path
) -> None:
    write(project / "salesplan_sms" / "__init__.py", SMS_MANIFEST)
    write(project / "salesplan_sms" / "plugin.py", SMS)
    pytester.syspathinsert(project)
    run_recipe(pytester, recipe("package"))


@pytest.mark.slow
def test_recipe_installed_entry_point(
    pytester: pytest.Pytester, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fake_site(tmp_path, monkeypatch) as site:
        site.distribution("salesplan-sms", "1.0", entry_points={"sms": "salesplan_sms:MANIFEST"},
                          files={"salesplan_sms/__init__.py": SMS_MANIFEST,
                                 "salesplan_sms/plugin.py": SMS})
        # The same installed plugin, given by name and then by its package; and the digest
        # recipe, which needs an installed sms.
        package_recipe = recipe("package")
        run_recipe(pytester, recipe("entry_point"), package_recipe, digest_recipe())


def digest_recipe() -> str:
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(r"```python\n(def test_the_digest_reaches_the_team.*?)^```", text,
                      re.S | re.M)
    assert match is not None, "docs/plugins.md has no digest example"
    return match.group(1)


@pytest.mark.slow
def test_recipe_addon_folder(pytester: pytest.Pytester, project: Path) -> None:
    write(project / "addons" / "sms" / "__init__.py", SMS)
    run_recipe(pytester, recipe("addon"))


# ---------------------------------------------------------------- the helper's parts


@pytest.fixture
def tester(tmp_path: Path, backend: str) -> Iterator[SalesplanTester]:
    """A tester on the current backend (the suite's ``backend`` fixture)."""
    url = os.environ.get(POSTGRES_ENV) if backend == "postgres" else None
    tester = SalesplanTester(tmp_path / "salesplan", postgres_url=url)
    try:
        yield tester
    finally:
        tester.close()


def sms_module() -> types.ModuleType:
    module = types.ModuleType("throwaway_sms_helper")
    exec(compile(SMS, "<sms>", "exec"), module.__dict__)
    return module


def test_a_team_logs_at_team_local_times(tester: SalesplanTester) -> None:
    team = tester.team(sms_module(), enable=["activity_report"])
    assert team.app.plugins.active[-2:] == ["activity_report", "test_outbox"]
    assert team.app.config.team.timezone == "Europe/Paris"
    lead = team.lead("Acme", at="2026-03-02 08:00")
    team.log("sms", lead=lead, outcome="delivered", at="2026-03-02 23:30")  # 22:30 UTC
    team.log("sms", lead=lead, outcome="failed", at="2026-03-03 00:30")      # March 3 in Paris
    [action, *_] = team.rows("actions")
    assert action["at"].isoformat() == "2026-03-02T22:30:00+00:00"
    assert team.report("activity", "2026-03-02").rows[0]["actions"] == {"sms": 1}
    assert team.report("activity", "2026-03-02", "2026-03-03") == run_report(
        team.app, "activity", date(2026, 3, 2), date(2026, 3, 3))


def test_the_cli_sees_a_module_plugin(tester: SalesplanTester) -> None:
    team = tester.team(sms_module())
    lead = team.lead()
    logged = team.cli("log", "sms", "--lead", lead, "--outcome", "delivered", "--member", "ben",
                      "--at", "2026-03-02 10:00")
    assert logged.exit_code == 0, logged.output
    assert [row["member"] for row in team.rows("actions")] == ["ben"]
    listed = team.cli("plugins", "--format", "json")
    [sms] = [row for row in json.loads(listed.stdout)["plugins"]
             if row["name"] == "sms"]
    assert sms["enabled"] and sms["origin"] == "throwaway_sms_helper (under test) 0"
    wrong = team.cli("log", "sms", "--lead", lead, "--outcome", "maybe", "--member", "ana")
    assert wrong.exit_code == 2 and wrong.stderr.startswith("Error: unknown outcome 'maybe'")


def test_moves_and_statuses_fire_the_write_events(tester: SalesplanTester) -> None:
    events = types.ModuleType("throwaway_events")
    exec(textwrap.dedent('''
        from salesplan.core import hookimpl
        from salesplan.core.manifest import PluginManifest
        MANIFEST = PluginManifest(name="events_seen")
        SEEN = []
        @hookimpl
        def salesplan_step_changed(lead, step_change):
            SEEN.append(("moved", lead.key, step_change.step, step_change.at.isoformat()))
        @hookimpl
        def salesplan_lead_closed(lead):
            SEEN.append(("closed", lead.key, lead.status))
    '''), events.__dict__)
    team = tester.team(events)
    lead = team.lead("Acme", at="2026-03-02 08:00")
    team.move(lead, "Qualified", at="2026-03-03 09:00")
    team.set_status(lead, "won", at="2026-03-04 09:00")
    seen = events.SEEN
    assert seen == [("moved", lead, "Qualified", "2026-03-03T08:00:00+00:00"),
                    ("closed", lead, "won")]
    steps = [(row["step"], row["at"].isoformat()) for row in team.rows("step_changes")]
    assert steps == [("New", "2026-03-02T07:00:00+00:00"),
                     ("Qualified", "2026-03-03T08:00:00+00:00")]


def test_the_outbox_records_deliveries_and_refusals(tester: SalesplanTester) -> None:
    team = tester.team(toml="""
        [notifiers.test_outbox]
        refuse = ["ben@example.test"]
    """)
    message = OutgoingMessage(subject="Hi", text="Hi", html="<p>Hi</p>",
                              recipients=("ana@example.test", "ben@example.test"))
    report = team.deliver("test_outbox", message)
    assert report.accepted == ("ana@example.test",)
    with pytest.raises(DeliveryError, match=r"refused ben@example\.test"):
        team.deliver("test_outbox", sample_message(["ben@example.test"]))
    assert [(d.notifier, d.error is None) for d in team.outbox] == [
        ("test_outbox", True), ("test_outbox", False)]
    assert team.messages == [message]


def test_the_digest_through_the_cli_is_captured(tester: SalesplanTester) -> None:
    team = tester.team(enable=["calls", "email_digest"], toml="""
        [notifiers.email_digest]
        via = "test_outbox"
        sender = "salesplan@example.test"
        to = ["team@example.test"]
    """)
    team.log("call", lead=team.lead(), outcome="reached", at="2026-03-02 10:00")
    sent = team.cli("digest", "--date", "2026-03-02", "--send")
    assert sent.exit_code == 0, sent.output
    [delivered] = team.outbox
    assert delivered.notifier == "test_outbox"
    assert set(delivered.message.recipients) == {"team@example.test", "max@example.test"}
    again = team.cli("digest", "--date", "2026-03-02", "--send")
    assert again.exit_code == 0 and len(team.outbox) == 1  # the delivery log: sent once


def test_a_config_error_raises_at_once(tester: SalesplanTester) -> None:
    with pytest.raises(ConfigError, match=r"rules\[0\]\.when\.action: unknown action type"):
        tester.team(toml="""
            [[rules]]
            when = { action = "sms" }
            then = { set_status = "won" }
        """)


def test_an_unknown_plugin_is_named(tester: SalesplanTester) -> None:
    with pytest.raises(PluginError, match="no installed plugin and no importable module is "
                                          "named 'nope_plugin'"):
        tester.team("nope_plugin")
    with pytest.raises(PluginError, match="not a plugin folder"):
        tester.team(Path(tester.root))


def test_a_module_named_like_a_built_in_is_refused(tester: SalesplanTester) -> None:
    module = types.ModuleType("throwaway_calls")
    exec("from salesplan.core.manifest import PluginManifest\n"
         "MANIFEST = PluginManifest(name='calls')\n", module.__dict__)
    with pytest.raises(PluginError, match=r"already installed \(built-in\)"):
        tester.team(module)


def test_closing_takes_the_throwaway_entry_points_away(tmp_path: Path) -> None:
    tester = SalesplanTester(tmp_path)
    module = sms_module()
    tester.team(module)
    assert "sms" in discover_plugins() and module.__name__ in sys.modules
    tester.close()
    assert "sms" not in discover_plugins() and "test_outbox" not in discover_plugins()
    assert module.__name__ not in sys.modules


def test_every_test_runs_once_per_backend(pytester: pytest.Pytester,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    write(pytester.path / "conftest.py", 'pytest_plugins = ["salesplan.core.testing"]\n')
    write(pytester.path / "test_backends.py", """
        def test_backend(salesplan_backend):
            assert salesplan_backend in ("sqlite", "postgres")
    """)
    monkeypatch.setenv(POSTGRES_ENV, "postgresql+psycopg://nobody@127.0.0.1:1/none")
    result = pytester.runpytest_inprocess("-p", "no:randomly", "-p", "no:xdist", "-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*test_backend?sqlite? PASSED*",
                                 "*test_backend?postgres? PASSED*"])
    monkeypatch.delenv(POSTGRES_ENV)
    result = pytester.runpytest_inprocess("-p", "no:randomly", "-p", "no:xdist", "-v")
    result.assert_outcomes(passed=1)


def test_the_screen_recipe(tester: SalesplanTester) -> None:
    """The pilot example of the docs, on a test team with the greeter plugin of the docs."""
    greeter = types.ModuleType("throwaway_greeter")
    screens = hook_section("salesplan_tui_screens")
    exec(re.findall(r"^```python\n(.*?)^```", screens, flags=re.S | re.M)[0], greeter.__dict__)
    text = DOCS.read_text(encoding="utf-8")
    example = re.search(r"```python\n(from datetime import date\n\nfrom salesplan.tui.app "
                        r".*?)^```", text, re.S | re.M)
    assert example is not None
    namespace: dict[str, object] = {"GREETER": greeter}
    exec(example.group(1).replace('team("greeter")', "team(GREETER)"), namespace)
    test = namespace["test_greeter_screen"]
    assert callable(test)
    asyncio.run(test(tester))


def test_the_helper_is_a_pytest_plugin_entry_point() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '[project.entry-points.pytest11]\n"salesplan.core.testing" = ' \
           '"salesplan.core.testing"' in text
    assert salesplan.core.testing.salesplan_tester is not None


def test_the_send_once_example_of_the_internals_page(tester: SalesplanTester) -> None:
    text = (ROOT / "docs" / "internals.md").read_text(encoding="utf-8")
    match = re.search(r"```python\n(from dataclasses import replace\n.*?def send_once.*?)^```",
                      text, re.S | re.M)
    assert match is not None, "docs/internals.md has no send_once example"
    namespace: dict[str, object] = {}
    exec(match.group(1), namespace)
    send_once = namespace["send_once"]
    assert callable(send_once)
    team = tester.team(toml="""
        [notifiers.test_outbox]
        refuse = ["ben@example.test"]
    """)
    from salesplan.core.testing.outbox import notifier_settings

    spec, settings = notifier_settings(team.app, "test_outbox")
    message = sample_message(["ana@example.test", "ben@example.test"])
    assert send_once(team.app, spec, settings, message, "news:1") == ["ana@example.test"]
    with pytest.raises(DeliveryError):  # ben was released: retried alone, refused again
        send_once(team.app, spec, settings, message, "news:1")
    assert [d.message.recipients for d in team.outbox] == [
        ("ana@example.test", "ben@example.test"), ("ben@example.test",)]
    assert send_once(team.app, spec, settings, sample_message(), "news:1") == []  # sent once
