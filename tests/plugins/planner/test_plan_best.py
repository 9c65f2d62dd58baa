"""``salesplan plan --measured FROM TO --best``: the plan as if everyone converted like the
coaching report's best performer (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from salesplan.core import services
from salesplan.core.context import AppContext
from tests.conftest import CliResult
from tests.pluginkit import config_text


def _team(make_app: Callable[..., AppContext], write_config: Callable[..., Path],
          leads: int) -> AppContext:
    """alice and bob each create ``leads`` leads in March; alice wins 3, bob 1."""
    app = make_app(write_config(config_text("coaching")))
    with app.write_session() as session:
        for owner, won in (("alice", 3), ("bob", 1)):
            for index in range(leads):
                lead = services.create_lead(session, app, title=f"{owner} {index}",
                                            pipeline="acquisition", owner=owner,
                                            amount=30000, at=datetime(2026, 3, 2, 9, index))
                if index < won:
                    services.set_status(session, app, lead=lead, status="won",
                                        at=datetime(2026, 3, 20, 9, index))
        session.commit()
    return app


def test_best_measures_the_best_performer(
    make_app: Callable[..., AppContext], write_config: Callable[..., Path],
    run_cli: Callable[..., CliResult],
) -> None:
    app = _team(make_app, write_config, 10)
    out = run_cli("--config", str(app.config_path), "plan", "--revenue", "90000",
                  "--measured", "2026-03-01", "2026-03-31", "--best", "--format", "json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    measured = data["measured"]
    assert (measured["member"], measured["best"]) == ("alice", True)
    # alice: 10 leads created, 3 won for 90 000: deal size 30 000, 10/3 opportunities a sale.
    assert measured["counts"]["leads_won"] == 3
    table = run_cli("--config", str(app.config_path), "plan", "--revenue", "90000",
                    "--measured", "2026-03-01", "2026-03-31", "--best")
    assert "the plan if everyone converted like alice" in table.stdout


def test_best_without_a_big_enough_cohort_is_a_clear_error(
    make_app: Callable[..., AppContext], write_config: Callable[..., Path],
    run_cli: Callable[..., CliResult],
) -> None:
    app = _team(make_app, write_config, 3)
    out = run_cli("--config", str(app.config_path), "plan", "--revenue", "90000",
                  "--measured", "2026-03-01", "2026-03-31", "--best")
    assert out.exit_code == 2
    assert "--best: no best performer in pipeline 'acquisition'" in out.stderr
    assert "Traceback" not in out.output
    alone = run_cli("--config", str(app.config_path), "plan", "--revenue", "90000", "--best")
    assert alone.exit_code == 2 and "--best needs --measured FROM TO" in alone.stderr
