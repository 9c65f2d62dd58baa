"""``salesplan check`` finds what a config change stranded in the base, on both backends."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from salesplan.core import services
from salesplan.core.context import AppContext
from tests.conftest import CliResult, base_config_text


def _base(app: AppContext) -> None:
    with app.write_session() as session:
        at = datetime(2026, 3, 2, 10, 0)
        proposal = services.create_lead(session, app, title="A", pipeline="acquisition",
                                        owner="alice", amount=1000, step="Proposal", at=at)
        services.create_lead(session, app, title="B", pipeline="acquisition", owner="carol",
                             amount=250.5, step="Proposal", at=at)
        won = services.create_lead(session, app, title="C", pipeline="acquisition",
                                   owner="carol", amount=99, step="Proposal", at=at)
        services.set_status(session, app, lead=won, status="won", at=at)
        services.create_lead(session, app, title="D", pipeline="renewal", owner="carol",
                             amount=10, at=at)
        session.commit()
        assert proposal.key


def test_check_reports_strandings_and_exits_2(
    app: AppContext, run_cli: Callable[..., CliResult], write_config: Callable[..., Path]
) -> None:
    _base(app)
    config = write_config()
    clean = run_cli("--config", str(config), "check")
    assert clean.exit_code == 0, clean.output
    assert "The base holds nothing the config no longer describes." in clean.stdout
    changed = (base_config_text()
               .replace('steps = ["Incoming", "Qualified", "Proposal", "Negotiation"]',
                        'steps = ["Incoming", "Qualified", "Negotiation"]')
               .replace('[[members]]\nid = "carol"\nname = "Carol Lemaire"\n'
                        'email = "carol@acme.test"\nsegment = "marketing"\n', ""))
    assert changed.count("carol") < base_config_text().count("carol")
    stranded = run_cli("--config", str(write_config(changed, "changed.toml")), "check")
    assert stranded.exit_code == 2, stranded.output
    text = " ".join(stranded.stdout.split())
    assert "The config strands data in the base:" in text
    # The won lead is closed: only the two open ones, 1,250.50 in all.
    assert ("2 open leads (€1,250.50) in step 'Proposal' that pipeline 'acquisition' no "
            "longer has") in text
    assert "2 open leads owned by 'carol', who is not a member any more" in text
    assert "Traceback" not in stranded.output


def test_check_on_a_base_not_created_yet_creates_nothing(
    run_cli: Callable[..., CliResult], write_config: Callable[..., Path], tmp_path: Path
) -> None:
    result = run_cli("--config", str(write_config()), "check")
    assert result.exit_code == 0, result.output
    assert "not created yet" in result.stdout
    assert not (tmp_path / "acme.db").exists()
