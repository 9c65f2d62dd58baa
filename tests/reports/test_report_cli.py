"""``salesplan report`` / ``reports`` through the real CLI (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

from salesplan.core.context import AppContext
from tests.conftest import CliResult
from tests.reports.activity_fixtures import (
    WEEK_END,
    WEEK_START,
    build_week,
    expected_week_activity,
    expected_week_prospecting,
    zero_actions,
)

RunCli = Callable[..., CliResult]
WEEK = ("--from", WEEK_START, "--to", WEEK_END)


def report(run_cli: RunCli, config_path: Path, *args: str) -> CliResult:
    return run_cli("--config", str(config_path), "report", *args)


def test_activity_json_is_exactly_spec(app: AppContext, run_cli: RunCli,
                                       config_path: Path) -> None:
    build_week(app)
    result = report(run_cli, config_path, "activity", *WEEK, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "report": "activity",
        "from": "2026-03-02",
        "to": "2026-03-08",
        "rows": expected_week_activity(app),
        "totals": {
            "member": "Total",
            "actions": {**zero_actions(app), "call": 8, "email": 2, "meeting": 1,
                        "discovery_call": 1, "proposal": 1},
            "outcomes": {"call": {"reached": 5, "not_reached": 3}, "meeting": {"held": 1},
                         "discovery_call": {"good": 1}},
            "leads_created": 3, "leads_managed": None, "leads_won": 2, "amount_won": 3500.5,
        },
    }
    assert '"amount_won": 3500.5' in result.stdout  # a JSON number, not a string


def test_prospecting_json_is_exactly_spec(app: AppContext, run_cli: RunCli,
                                          config_path: Path) -> None:
    build_week(app)
    result = report(run_cli, config_path, "prospecting", *WEEK, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data)[:4] == ["report", "from", "to", "rows"]
    assert data["rows"] == expected_week_prospecting()
    assert data["totals"]["conversion_rate"] == 0.5


def test_activity_csv_has_one_header_row(app: AppContext, run_cli: RunCli,
                                         config_path: Path) -> None:
    build_week(app)
    result = report(run_cli, config_path, "activity", *WEEK, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    header, body = rows[0], rows[1:]
    assert len(body) == 4 and header not in body
    assert header[:2] == ["member", "actions.call"]
    assert header[-4:] == ["leads_created", "leads_managed", "leads_won", "amount_won"]
    records = {r["member"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    alice = records["alice"]
    assert (alice["actions.call"], alice["outcomes.call.reached"],
            alice["outcomes.meeting.held"], alice["amount_won"]) == ("4", "2", "1", "3500.5")
    assert records["carol"]["outcomes.call.reached"] == ""
    # outcome columns stay grouped under "outcomes" even when first seen in a later row
    outcome_columns = [i for i, name in enumerate(header) if name.startswith("outcomes.")]
    assert outcome_columns == list(range(outcome_columns[0], outcome_columns[-1] + 1))
    assert "outcomes.discovery_call.good" in header


def test_prospecting_csv_one_header_row(app: AppContext, run_cli: RunCli,
                                        config_path: Path) -> None:
    build_week(app)
    result = report(run_cli, config_path, "prospecting", *WEEK, "--format", "csv")
    records = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["list"] for r in records] == ["Cold A", "Cold B", "Empty list"]
    assert records[2]["conversion_rate"] == ""
    # Per-member entries are flattened to columns (no JSON in a cell), the same numbers as
    # the JSON output's.
    assert "members" not in records[0]
    assert not any(cell.startswith(("[", "{")) for row in records for cell in row.values())
    listed = json.loads(report(run_cli, config_path, "prospecting", *WEEK, "--format",
                               "json").stdout)["rows"][0]["members"]
    assert listed[1]["member"] == "bob"
    for entry in listed:
        for key, value in entry.items():
            if key != "member":
                assert records[0][f"members.{entry['member']}.{key}"] == str(value)


def test_table_shows_rows_totals_and_percentages(app: AppContext, run_cli: RunCli,
                                                 config_path: Path) -> None:
    build_week(app)
    activity = report(run_cli, config_path, "activity", *WEEK)
    assert activity.exit_code == 0, activity.output
    assert "Activity · 2026-03-02 → 2026-03-08" in activity.stdout
    for text in ("Alice Martin", "Dave Manager", "Total", "3,500.50"):
        assert text in activity.stdout
    prospecting = report(run_cli, config_path, "prospecting", *WEEK, "--format", "table")
    assert "33.3 %" in prospecting.stdout and "100.0 %" in prospecting.stdout


def test_unknown_report_lists_enabled(run_cli: RunCli, config_path: Path,
                                      app: AppContext) -> None:
    result = report(run_cli, config_path, "nope", *WEEK)
    assert result.exit_code == 2
    assert "unknown report 'nope'" in result.stderr
    assert "activity" in result.stderr and "prospecting" in result.stderr
    assert "Traceback" not in result.output


def test_bad_dates_name_the_option(run_cli: RunCli, config_path: Path, app: AppContext) -> None:
    bad = report(run_cli, config_path, "activity", "--from", "2026-13-01", "--to", WEEK_END)
    assert bad.exit_code == 2 and "'--from'" in bad.stderr and "2026-13-01" in bad.stderr
    reversed_range = report(run_cli, config_path, "activity", "--from", "2026-03-09",
                            "--to", "2026-03-08")
    assert reversed_range.exit_code == 2
    assert "'--from'" in reversed_range.stderr and "after --to" in reversed_range.stderr
    missing = report(run_cli, config_path, "activity", "--to", WEEK_END)
    assert missing.exit_code == 2 and "--from" in missing.stderr


def test_bad_option_values_name_the_option(run_cli: RunCli, config_path: Path,
                                           app: AppContext) -> None:
    bad_format = report(run_cli, config_path, "activity", *WEEK, "--format", "xml")
    assert bad_format.exit_code == 2 and "'--format'" in bad_format.stderr
    unknown_option = report(run_cli, config_path, "activity", *WEEK, "--pipeline", "x")
    assert unknown_option.exit_code == 2 and "--pipeline" in unknown_option.stderr
    bad_pipeline = report(run_cli, config_path, "conversion", *WEEK, "--pipeline", "nope")
    assert bad_pipeline.exit_code == 2
    assert "'--pipeline'" in bad_pipeline.stderr and "acquisition" in bad_pipeline.stderr


def test_report_help_shows_that_reports_options(run_cli: RunCli, config_path: Path) -> None:
    activity = report(run_cli, config_path, "activity", "--help")
    assert activity.exit_code == 0
    assert "--from" in activity.stdout and "--format" in activity.stdout
    assert "--pipeline" not in activity.stdout
    conversion = report(run_cli, config_path, "conversion", "--help")
    assert "--pipeline" in conversion.stdout
    assert "acquisition" in conversion.stdout and "renewal" in conversion.stdout


def test_reports_lists_enabled_reports_with_options(run_cli: RunCli, config_path: Path) -> None:
    result = run_cli("--config", str(config_path), "reports")
    assert result.exit_code == 0, result.output
    for name in ("activity", "prospecting", "conversion", "company"):
        assert name in result.stdout
    assert "--pipeline acquisition|renewal" in result.stdout


def test_report_json_does_not_load_the_ui(app: AppContext, config_path: Path) -> None:
    """A JSON report must not import the UI (textual, plotext): startup cost."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "SALESPLAN_DATABASE_URL": app.database_url}
    code = (
        "import sys\n"
        "from salesplan.core.cli.main import main\n"
        "try:\n"
        f"    main(['--config', {str(config_path)!r}, 'report', 'activity', '--from',"
        " '2026-03-02', '--to', '2026-03-08', '--format', 'json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('textual', 'plotext')]\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, check=False)
    assert json.loads(done.stdout)["report"] == "activity"
    assert "HEAVY []" in done.stderr
