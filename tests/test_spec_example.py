"""The whole example config of SPEC §3 must load as is (tests/data/spec_example.toml)."""

from __future__ import annotations

import shutil
from pathlib import Path

from salesplan.core.context import load_app
from salesplan.plugins.email_digest.send import EmailDigestSettings
from salesplan.plugins.objectives.config import configured_objectives

EXAMPLE = Path(__file__).parent / "data" / "spec_example.toml"


def test_spec_example_loads_with_every_section_validated(tmp_path: Path) -> None:
    path = tmp_path / "acme.toml"
    shutil.copy(EXAMPLE, path)
    app = load_app(path, env={})
    config = app.config
    assert config.team.name == "Acme"
    assert config.team.timezone == "Europe/Paris"
    assert [s.id for s in config.segments] == ["marketing", "prospecting", "sales"]
    assert [(m.id, m.role) for m in config.members] == [("alice", "rep")]
    assert config.plugins.enabled[-1] == "email_digest"
    # Plugin action types plus the config's custom ones; email_received is disabled.
    types = app.registry.action_types
    assert {"call", "email", "meeting", "discovery_call", "proposal"} <= set(types)
    assert "email_received" not in types
    assert types["discovery_call"].color == "#8e44ad"
    assert [o.id for o in types["discovery_call"].outcomes] == ["good", "bad"]
    assert len(app.rules) == 3
    assert [(o.who, o.metric, o.per, o.target) for o in configured_objectives(app)] == [
        ("segment:prospecting", "call", "day", 10),
        ("team", "revenue", "quarter", 270000),
    ]
    assert "activity" in app.registry.reports
    assert "digest" in app.registry.commands
    digest = app.section("notifiers.email_digest")
    assert isinstance(digest, EmailDigestSettings)
    assert digest.to == ["manager@acme.test"]
    assert digest.sender == "salesplan@acme.test"
    assert (digest.smtp_host, digest.smtp_port, digest.starttls) == ("localhost", 25, False)
    assert digest.username == ""
    assert digest.password_env == "SALESPLAN_SMTP_PASSWORD"
    assert digest.via == "smtp"
    # Loading touched nothing: no database file next to the config.
    assert not (tmp_path / "acme.db").exists()
