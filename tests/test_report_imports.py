"""Guards the start-up cost of ``salesplan report`` (issue 4, "Speed"), without timing anything.

A CLI report runs as a whole process, so what it imports is most of what it costs. These
tests run the real entry point in a fresh interpreter and check which modules it loaded: the
UI, the rich console, TOML writing, mail building, the PostgreSQL driver, migrations and the
implementation modules of other commands and reports must stay out of a JSON report run.
Every built-in plugin module is imported at discovery, so each must keep its heavy imports
inside the functions that need them.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from salesplan.core import services
from salesplan.core.context import load_app

FORBIDDEN_PACKAGES = frozenset({
    "alembic", "plotext", "psycopg", "psycopg2", "rich", "smtplib", "sqlmodel", "textual",
    "textual_plotext", "tomli_w", "tomlkit",
})
"""Top-level packages a JSON report never needs."""

FORBIDDEN_MODULES = frozenset({
    # building and sending mail (``email.message``/``email.parser`` are fine: the standard
    # library's importlib.metadata reads package metadata with them)
    "email.headerregistry", "email.mime", "email.policy",
    # the ORM and the model classes: reports query the Core ``query_tables``; the PostgreSQL
    # dialect when the base is SQLite
    "sqlalchemy.orm", "salesplan.core.db.models", "sqlalchemy.dialects.postgresql",
    # other commands, reports and the UI
    "salesplan.core.config.writer", "salesplan.core.services",
    "salesplan.plugins.email_digest.build", "salesplan.plugins.email_digest.render",
    "salesplan.plugins.email_digest.send", "salesplan.plugins.email_digest.smtp",
    "salesplan.plugins.planner.funnel", "salesplan.plugins.planner.measure",
    "salesplan.plugins.planner.write",
    "salesplan.plugins.objectives.panel", "salesplan.plugins.objectives.progress",
    "salesplan.plugins.company_report.query", "salesplan.plugins.conversion_report.query",
    "salesplan.plugins.performance_report.query", "salesplan.plugins.prospecting_report.query",
    "salesplan.core.reports.cohort", "salesplan.tui",
})
"""Modules (and their submodules) that belong to other paths."""

ALL_PLUGINS = (
    '[plugins]\nenabled = ["calls", "emails", "meetings", "activity_report", '
    '"conversion_report", "performance_report", "company_report", "prospecting_report", '
    '"planner", "email_digest", "file_notifier"]\n'
)
"""Every built-in plugin."""

PROBE = """
import gc, json, sys
from salesplan.core.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print("\\n" + json.dumps({"exit": code, "modules": sorted(sys.modules), "gc": gc.isenabled()}))
"""


def _with_all_plugins(config_path: Path) -> Path:
    """The base config with the built-in plugins of ``ALL_PLUGINS`` enabled."""
    text = config_path.read_text(encoding="utf-8")
    head, _, rest = text.partition("[plugins]")
    _, _, after = rest.partition("\n[")
    config_path.write_text(head + ALL_PLUGINS + ("\n[" + after if after else ""),
                           encoding="utf-8")
    return config_path


@pytest.fixture
def report_config(config_path: Path) -> Path:
    """A SQLite base at head with one lead and one action in March 2026 (so the process under
    test neither migrates nor reports an empty range)."""
    path = _with_all_plugins(config_path)
    env = {k: v for k, v in os.environ.items() if k != "SALESPLAN_DATABASE_URL"}
    app = load_app(path, env=env)
    try:
        with app.write_session() as session:
            lead = services.create_lead(session, app, title="Acme", pipeline="acquisition",
                                        owner="alice", at=datetime(2026, 3, 2, 10, 0))
            services.log_action(session, app, action_type="email", member="alice", lead=lead,
                                at=datetime(2026, 3, 3, 11, 0))
            session.commit()
    finally:
        app.dispose()
    return path


def _run_probe(config: Path, *args: str, gc_at_exit: bool = False) -> tuple[int, list[str], str]:
    """Run ``salesplan ARGS`` through the installed entry point ``main`` in a fresh interpreter:
    its exit status, every module it imported, and its standard output."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("SALESPLAN_DATABASE_URL", "SALESPLAN_CONFIG")}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, "--config", str(config), *args],
        capture_output=True, text=True, env=env, check=False, timeout=120,
    )
    output, _, last = result.stdout.rstrip("\n").rpartition("\n")
    probe = json.loads(last)
    assert result.returncode == 0, result.stderr
    # salesplan.core.startup: the start-up pause of the garbage collector ends with load_app,
    # but a CLI report pauses it again until exit (``pause_gc_until_exit``)
    assert probe["gc"] is gc_at_exit
    return probe["exit"], probe["modules"], output


def _heavy(modules: list[str]) -> list[str]:
    return [
        name for name in modules
        if name.split(".")[0] in FORBIDDEN_PACKAGES
        or any(name == m or name.startswith(m + ".") for m in FORBIDDEN_MODULES)
    ]


def test_json_activity_report_imports_no_ui_mail_or_other_reports(report_config: Path) -> None:
    code, modules, output = _run_probe(
        report_config, "report", "activity", "--from", "2026-03-01", "--to", "2026-03-31",
        "--format", "json")
    assert code == 0
    rows = {row["member"]: row for row in json.loads(output)["rows"]}
    assert rows["alice"]["actions"]["email"] == 1  # the report really ran
    assert rows["alice"]["leads_created"] == 1
    assert _heavy(modules) == []
    # every enabled plugin module was imported (discovery), but only the light shells
    assert "salesplan.plugins.planner" in modules
    assert "salesplan.plugins.conversion_report" in modules


def test_json_objectives_report_imports_no_orm(report_config: Path) -> None:
    code, modules, output = _run_probe(
        report_config, "report", "objectives", "--from", "2026-03-31", "--format", "json")
    assert code == 0 and json.loads(output)["report"] == "objectives"
    assert not [m for m in modules if m == "sqlmodel" or m.startswith(("sqlmodel.",
                "sqlalchemy.orm", "salesplan.core.db.models", "salesplan.core.services"))]


def test_the_probe_sees_heavy_imports(report_config: Path) -> None:
    """The same probe on a command that needs them: the guard above can fail."""
    code, modules, _output = _run_probe(
        report_config, "report", "conversion", "--from", "2026-03-01", "--to", "2026-03-31",
        "--pipeline", "acquisition", "--format", "json")
    assert code == 0
    assert "salesplan.plugins.conversion_report.query" in _heavy(modules)
    assert "salesplan.core.reports.cohort" in _heavy(modules)


def test_other_commands_collect_garbage_after_loading(report_config: Path) -> None:
    code, _modules, output = _run_probe(report_config, "plugins", gc_at_exit=True)
    assert code == 0 and "Enabled in" in output


def test_load_app_in_process_never_touches_the_collector(config_path: Path) -> None:
    """Only the installed script pauses collection: a library user's (or a test's) ``load_app``
    neither freezes objects nor changes whether collection is enabled."""
    frozen = gc.get_freeze_count()
    app = load_app(config_path)
    app.dispose()
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen
