"""Forecast report and dashboard line against a hand-computed history, on both backends.

Team: tests/data/base.toml (Paris, Mon–Fri) with the objectives and forecast plugins, plus two
team revenue objectives (``EXTRA``): 50 000 a month for acquisition, 60 000 a year company-wide;
base.toml already has 270 000 a quarter for acquisition. Owner is alice throughout.

D = Wednesday 2026-05-13; the end of D is 2026-05-14 00:00 Paris. The win-probability window
is the 365 local days ending with D: [2025-05-14 00:00 Paris, 2026-05-14 00:00 Paris).

Acquisition leads (Paris times; ``→`` is a step change, the first is the creation step)::

    closed
    H1  2025-09-01 Incoming → 09-10 Qualified → 10-01 Proposal; won 2025-10-20   10 000
    H2  2025-11-01 Incoming → 11-15 Qualified; lost 2025-12-01
    H3  2026-01-05 Incoming; lost 2026-01-20
    H4  2026-02-01 Incoming → 02-10 Qualified → 03-01 Proposal → 03-10 Negotiation;
        won 2026-04-01 00:00 (first instant of Q2)                            20 000
    H5  2026-03-01 Incoming → 03-05 Qualified → 03-20 Proposal → 04-01 Qualified (back);
        cancelled 2026-04-20
    H6  2025-01-10 Incoming → 02-01 Qualified; won 2025-05-13 23:30 (before the window) 5 000
    H7  2025-01-20 Incoming; lost 2025-03-01 (before the window)
    H8  2025-04-01 Incoming; won 2025-05-14 00:00 (first instant of the window)   1 000
    H9  2026-04-01 Incoming → 05-01 Qualified; won 2026-05-14 00:00 (the end of D: still
        open at D, not won by D, not in the window)                            7 000
    H10 2025-06-01 Incoming → 06-10 Qualified; won 2025-07-01                  2 500
    H11 2026-03-01 Incoming; won 2026-03-31 23:59 (Q1)                         4 444
    H12 2026-04-02 Incoming; won 2026-05-13 23:59 (last minute of D)          30 000
    H13 2026-07-20 Incoming; won 2026-08-01 10:00 (a Saturday)                1 000
    open
    O1  2026-04-10 Incoming                                                    3 000
    O2  2026-03-15 Incoming → 04-02 Qualified                                  8 000
    O3  2026-04-20 Incoming → 05-05 Proposal                                  15 000
    O4  2026-05-01 Incoming → 2026-05-14 09:00 Qualified (after D: Incoming at D) 4 000
    O5  2026-05-14 08:00 Incoming (created after D)                           50 000
    O6  2026-02-20 Qualified (created there), standby until 2026-06-01         2 000
    O7  2026-01-15 at Proposal, no step change row at all (raw insert)         1 000

Renewal: R1 2026-04-01 Due, open, 9 000; R2 2026-03-20 Due, won 2026-04-10, 6 000.

By hand, acquisition at D:

    step         open  amount  closed in window, ever there (won)         p     weighted
    Incoming     O1 O4  7 000  H1 H2 H3 H4 H5 H8 H10 H11 H12 (H1 H4 H8      2/3   4 666.67
                               H10 H11 H12): 9, 6 won
    Qualified    O2 O6 H9 17 000  H1 H2 H4 H5 H10: 5, 3 won               0.6  10 200
    Proposal     O3 O7 16 000  H1 H4 H5: 3, 2 won                         2/3  10 666.67
    Negotiation  —      0      H4: 1, 1 won                               1.0       0

weighted_total = 25 533.34. Q2 2026 has 65 working days (Apr 22, May 21, Jun 22), 31 of
them elapsed by May 13 (22 + 9); won in Q2 by D: H4 + H12 = 2, 50 000.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rich.text import Text

from salesplan.core.context import AppContext
from salesplan.core.db.models import Lead
from salesplan.core.reporting import ReportResult
from salesplan.core.reports.runner import run_report
from salesplan.core.services import create_lead, move_lead, set_status
from salesplan.plugins.forecast import forecast_line
from salesplan.plugins.forecast.panel import compact
from salesplan.plugins.forecast.query import forecast_status
from tests.conftest import CliResult
from tests.pluginkit import config_text

PARIS = ZoneInfo("Europe/Paris")
D = date(2026, 5, 13)

EXTRA = """
[[objectives]]
who = "team"
metric = "revenue"
per = "month"
target = 50000
pipeline = "acquisition"
[[objectives]]
who = "team"
metric = "revenue"
per = "year"
target = 60000
"""


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Paris wall-clock time as aware UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=PARIS).astimezone(UTC)


Moves = Sequence[tuple[str, datetime]]


def build(app: AppContext) -> None:
    """The history of the module docstring, through the services (O7 raw)."""
    with app.write_session() as s:

        def lead(name: str, created: datetime, amount: float = 0.0, *, moves: Moves = (),
                 status: str | None = None, closed: datetime | None = None,
                 pipeline: str = "acquisition", step: str | None = None) -> None:
            row = create_lead(s, app, title=name, pipeline=pipeline, owner="alice", step=step,
                              amount=amount, at=created)
            for to, at in moves:
                move_lead(s, app, lead=row, step=to, at=at)
            if status == "standby":
                set_status(s, app, lead=row, status="standby", remind_at=date(2026, 6, 1),
                           at=created)
            elif status is not None:
                set_status(s, app, lead=row, status=status, at=closed)

        lead("H1", local(2025, 9, 1, 9), 10000, moves=[("Qualified", local(2025, 9, 10, 9)),
             ("Proposal", local(2025, 10, 1, 9))], status="won", closed=local(2025, 10, 20, 9))
        lead("H2", local(2025, 11, 1, 9), 500, moves=[("Qualified", local(2025, 11, 15, 9))],
             status="lost", closed=local(2025, 12, 1, 9))
        lead("H3", local(2026, 1, 5, 9), status="lost", closed=local(2026, 1, 20, 9))
        lead("H4", local(2026, 2, 1, 9), 20000, moves=[
            ("Qualified", local(2026, 2, 10, 9)), ("Proposal", local(2026, 3, 1, 9)),
            ("Negotiation", local(2026, 3, 10, 9))], status="won", closed=local(2026, 4, 1))
        lead("H5", local(2026, 3, 1, 9), 900, moves=[
            ("Qualified", local(2026, 3, 5, 9)), ("Proposal", local(2026, 3, 20, 9)),
            ("Qualified", local(2026, 4, 1, 9))], status="cancelled",
             closed=local(2026, 4, 20, 9))
        lead("H6", local(2025, 1, 10, 9), 5000, moves=[("Qualified", local(2025, 2, 1, 9))],
             status="won", closed=local(2025, 5, 13, 23, 30))
        lead("H7", local(2025, 1, 20, 9), status="lost", closed=local(2025, 3, 1, 9))
        lead("H8", local(2025, 4, 1, 9), 1000, status="won", closed=local(2025, 5, 14))
        lead("H9", local(2026, 4, 1, 10), 7000, moves=[("Qualified", local(2026, 5, 1, 9))],
             status="won", closed=local(2026, 5, 14))
        lead("H10", local(2025, 6, 1, 9), 2500, moves=[("Qualified", local(2025, 6, 10, 9))],
             status="won", closed=local(2025, 7, 1, 9))
        lead("H11", local(2026, 3, 1, 9), 4444, status="won", closed=local(2026, 3, 31, 23, 59))
        lead("H12", local(2026, 4, 2, 9), 30000, status="won", closed=local(2026, 5, 13, 23, 59))
        lead("H13", local(2026, 7, 20, 9), 1000, status="won", closed=local(2026, 8, 1, 10))
        lead("O1", local(2026, 4, 10, 9), 3000)
        lead("O2", local(2026, 3, 15, 9), 8000, moves=[("Qualified", local(2026, 4, 2, 9))])
        lead("O3", local(2026, 4, 20, 9), 15000, moves=[("Proposal", local(2026, 5, 5, 9))])
        lead("O4", local(2026, 5, 1, 9), 4000, moves=[("Qualified", local(2026, 5, 14, 9))])
        lead("O5", local(2026, 5, 14, 8), 50000)
        lead("O6", local(2026, 2, 20, 9), 2000, step="Qualified", status="standby")
        lead("R1", local(2026, 4, 1, 9), 9000, pipeline="renewal")
        lead("R2", local(2026, 3, 20, 9), 6000, pipeline="renewal", status="won",
             closed=local(2026, 4, 10, 9))
        s.add(Lead(key="O7", title="O7", pipeline="acquisition", step="Proposal", owner="alice",
                   amount=1000.0, status="todo", created_at=local(2026, 1, 15, 9)))
        s.commit()


@pytest.fixture
def team(make_app: Callable[..., AppContext], write_config: Callable[..., Path]) -> AppContext:
    app = make_app(write_config(config_text("forecast", extra=EXTRA)))
    build(app)
    return app


def forecast(app: AppContext, **options: Any) -> ReportResult:
    return run_report(app, "forecast", None, None, options)


ACQUISITION_STEPS = [
    {"pipeline": "acquisition", "step": "Incoming", "open": 2, "amount": 7000.0,
     "win_probability": pytest.approx(2 / 3), "weighted": 4666.67},
    {"pipeline": "acquisition", "step": "Qualified", "open": 3, "amount": 17000.0,
     "win_probability": pytest.approx(0.6), "weighted": 10200.0},
    {"pipeline": "acquisition", "step": "Proposal", "open": 2, "amount": 16000.0,
     "win_probability": pytest.approx(2 / 3), "weighted": 10666.67},
    # Nobody there at D; H4 passed through and was won.
    {"pipeline": "acquisition", "step": "Negotiation", "open": 0, "amount": 0.0,
     "win_probability": 1.0, "weighted": 0.0},
]

ACQUISITION_Q2 = {
    "date": "2026-05-13", "per": "quarter", "pipeline": "acquisition", "period": "2026-Q2",
    "period_start": "2026-04-01", "period_end": "2026-06-30",
    "won": 2, "amount_won": 50000.0,  # H4 (04-01 00:00) + H12 (05-13 23:59)
    "weighted_total": 25533.34,  # 4666.67 + 10200 + 10666.67 + 0
    "expected": 75533.34,  # 50000 + 25533.34
    "run_rate": 104838.71,  # 50000 × 65 / 31
    "target": 270000.0,  # base.toml: team revenue per quarter, acquisition
    "status": "behind",  # 50000 < 270000 and expected 75533.34 < 270000
    "working_days": 65, "working_days_elapsed": 31,
}


def test_one_pipeline_every_field(team: AppContext) -> None:
    result = forecast(team, date="2026-05-13", pipeline="acquisition")
    assert result.rows == ACQUISITION_STEPS
    data = result.to_json_dict()
    assert {key: data[key] for key in ACQUISITION_Q2} == ACQUISITION_Q2
    assert data["steps"] == data["rows"]
    assert (data["from"], data["to"]) == ("2026-04-01", "2026-05-13")
    figures = {key: value for key, value in ACQUISITION_Q2.items() if key != "pipeline"}
    assert result.totals == {**figures, "step": "Total", "open": 7, "amount": 40000.0,
                             "weighted": 25533.34}
    assert result.options == {"date": "2026-05-13", "per": "quarter", "pipeline": "acquisition"}
    assert [c.key for c in result.columns] == ["step", "open", "amount", "win_probability",
                                               "weighted"]


def test_every_pipeline_without_a_target(team: AppContext) -> None:
    # --to gives D when --date is absent.
    result = run_report(team, "forecast", None, D, {})
    renewal = [
        # R1 open at Due; R2 (won 04-10) is the only closed lead that was at Due: 1/1.
        {"pipeline": "renewal", "step": "Due", "open": 1, "amount": 9000.0,
         "win_probability": 1.0, "weighted": 9000.0},
        # Nobody ever there: no probability, no weighted amount.
        {"pipeline": "renewal", "step": "Contacted", "open": 0, "amount": 0.0,
         "win_probability": None, "weighted": None},
        {"pipeline": "renewal", "step": "Signed", "open": 0, "amount": 0.0,
         "win_probability": None, "weighted": None},
    ]
    assert result.rows == ACQUISITION_STEPS + renewal
    data = result.to_json_dict()
    assert {key: data[key] for key in ACQUISITION_Q2} == {
        **ACQUISITION_Q2,
        "pipeline": None,
        "won": 3, "amount_won": 56000.0,  # + R2 6000
        "weighted_total": 34533.34,  # + 9000 (the null ones left out)
        "expected": 90533.34,
        "run_rate": 117419.35,  # 56000 × 65 / 31
        # The only quarter objective is acquisition's: no company-wide one, no target.
        "target": None, "status": None,
    }
    assert [c.key for c in result.columns][:2] == ["pipeline", "step"]
    assert "pipeline" not in result.options


def test_per_month_ahead(team: AppContext) -> None:
    result = forecast(team, date="2026-05-13", pipeline="acquisition", per="month")
    assert result.rows == ACQUISITION_STEPS  # the steps do not depend on the period
    data = result.to_json_dict()
    assert {key: data[key] for key in ACQUISITION_Q2} == {
        **ACQUISITION_Q2,
        "per": "month", "period": "2026-05", "period_start": "2026-05-01",
        "period_end": "2026-05-31",
        "won": 1, "amount_won": 30000.0,  # H12 only (H4 is April)
        "expected": 55533.34,  # 30000 + 25533.34
        "run_rate": 70000.0,  # 30000 × 21 / 9
        "target": 50000.0,  # EXTRA: month, acquisition
        "status": "ahead",  # 30000 < 50000, expected 55533.34 > 50000
        "working_days": 21, "working_days_elapsed": 9,
    }


def test_per_year_company_wide_target_met(team: AppContext) -> None:
    data = forecast(team, date="2026-05-13", per="year").to_json_dict()
    # Won in 2026 by D: H4 20000, H11 4444, H12 30000, R2 6000.
    assert (data["period"], data["won"], data["amount_won"]) == ("2026", 4, 60444.0)
    assert data["expected"] == 94977.34  # 60444 + 34533.34
    assert data["run_rate"] == 166061.94  # 60444 × 261 / 95
    assert (data["working_days"], data["working_days_elapsed"]) == (261, 95)
    assert (data["target"], data["status"]) == (60000.0, "met")  # 60444 ≥ 60000


def test_no_working_day_elapsed(team: AppContext) -> None:
    # Sunday 2 August 2026: August started on Saturday, no working day has elapsed.
    data = forecast(team, date="2026-08-02", pipeline="acquisition", per="month").to_json_dict()
    assert (data["period"], data["won"], data["amount_won"]) == ("2026-08", 1, 1000.0)  # H13
    assert (data["working_days"], data["working_days_elapsed"]) == (21, 0)
    assert data["run_rate"] is None


def test_the_window_moves_with_the_day(team: AppContext) -> None:
    # D = 2026-05-14: the window is [2025-05-15, 2026-05-15) Paris. H8 (won 2025-05-14 00:00)
    # leaves it; H9 (won 2026-05-14 00:00) enters it and is no longer open at Qualified.
    rows = {r["step"]: r for r in forecast(team, date="2026-05-14",
                                           pipeline="acquisition").rows}
    # Incoming, closed ever there: H1 H2 H3 H4 H5 H9 H10 H11 H12; won: H1 H4 H9 H10 H11 H12.
    assert rows["Incoming"]["win_probability"] == pytest.approx(6 / 9)
    # Open at Incoming: O1 3000 and O5 50000 (created that morning); O4 moved on that morning.
    assert (rows["Incoming"]["open"], rows["Incoming"]["amount"]) == (2, 53000.0)
    # Open at Qualified: O2 8000, O6 2000, O4 4000.
    assert (rows["Qualified"]["open"], rows["Qualified"]["amount"]) == (3, 14000.0)
    # Closed ever at Qualified: H1 H2 H4 H5 H9 H10; won: H1 H4 H9 H10.
    assert rows["Qualified"]["win_probability"] == pytest.approx(4 / 6)


def test_status_rule() -> None:
    assert forecast_status(100, 150, 100) == "met"
    assert forecast_status(50, 120, 100) == "ahead"
    assert forecast_status(50, 100.0000001, 100) == "on_track"
    assert forecast_status(50, 90, 100) == "behind"
    assert forecast_status(50, 90, None) is None


def test_compact_amounts() -> None:
    assert [compact(v) for v in (0, 950, 999.4, 1000, 9500, 61000, 75533.34, 270000,
                                 999_600, 1_250_000, 12_000_000)] == [
        "0", "950", "999", "1k", "9.5k", "61k", "76k", "270k", "1M", "1.2M", "12M"]


def test_dashboard_panel_and_digest_line(team: AppContext) -> None:
    # The first team revenue objective with a month/quarter/year period is base.toml's
    # quarter for acquisition: its numbers are test_one_pipeline_every_field's.
    expected = "Q2 New business: 50k won, 76k expected of 270k target — behind"
    assert forecast_line(team, D) == expected
    panel = team.registry.panels["forecast"]
    assert (panel.title, panel.order) == ("Forecast", 20)
    content = panel.load(team, D)
    assert len(content.lines) == 1
    line = content.lines[0]
    assert isinstance(line, Text)
    assert line.plain == expected
    assert "red" in str(line.style)


def test_line_without_objective(make_app: Callable[..., AppContext],
                                write_config: Callable[..., Path]) -> None:
    text = config_text("forecast").split("[[objectives]]")[0]  # no objectives at all
    app = make_app(write_config(text))
    build(app)
    # Every pipeline, the quarter: 56k won, 90533.34 expected, no target.
    assert forecast_line(app, D) == "Q2: 56k won, 91k expected"


def _cli(run_cli: Callable[..., CliResult], app: AppContext, *args: str) -> CliResult:
    result = run_cli("--config", str(app.config_path), "report", "forecast", *args)
    assert result.exit_code == 0, result.output
    return result


def test_cli_json_table_and_csv(team: AppContext, run_cli: Callable[..., CliResult]) -> None:
    out = _cli(run_cli, team, "--date", "2026-05-13", "--pipeline", "acquisition",
               "--format", "json")
    data = json.loads(out.stdout)
    assert data["report"] == "forecast"
    assert data["rows"][1] == {"pipeline": "acquisition", "step": "Qualified", "open": 3,
                               "amount": 17000, "win_probability": 0.6, "weighted": 10200}
    assert {key: data[key] for key in ACQUISITION_Q2} == ACQUISITION_Q2
    assert data["totals"]["weighted"] == 25533.34

    table = _cli(run_cli, team, "--date", "2026-05-13", "--pipeline", "acquisition")
    assert "Forecast 2026-Q2" in table.stdout
    assert "behind" in table.stdout
    for step in ("Incoming", "Qualified", "Proposal", "Negotiation", "Total"):
        assert step in table.stdout
    assert "66.7 %" in table.stdout and "10,666.67" in table.stdout

    csv_out = _cli(run_cli, team, "--date", "2026-05-13", "--format", "csv")
    lines = csv_out.stdout.splitlines()
    assert lines[0] == "pipeline,step,open,amount,win_probability,weighted"
    rows = list(csv.DictReader(io.StringIO(csv_out.stdout)))
    assert len(rows) == 7  # 4 acquisition + 3 renewal steps, one header row, no totals
    assert rows[4] == {"pipeline": "renewal", "step": "Due", "open": "1", "amount": "9000.0",
                       "win_probability": "1.0", "weighted": "9000.0"}
    assert rows[5]["win_probability"] == ""

    bad = run_cli("--config", str(team.config_path), "report", "forecast", "--per", "week")
    assert bad.exit_code == 2
    assert "week" in bad.stderr
