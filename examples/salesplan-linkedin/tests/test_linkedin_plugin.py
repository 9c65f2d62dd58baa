"""The plugin as salesplan sees it: manifest, registration, the action type and tag_lead."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from pydantic import ValidationError
from salesplan.core import services
from salesplan.core.context import AppContext, load_app
from salesplan.core.db.models import Action, Lead, Prospect
from salesplan.core.errors import ConfigError
from sqlmodel import select

from salesplan_linkedin import MANIFEST
from salesplan_linkedin.effects import TagLeadEffect, lead_tags


def test_manifest_points_at_the_implementation() -> None:
    assert (MANIFEST.name, MANIFEST.version, MANIFEST.module) == (
        "linkedin",
        "0.1.0",
        "salesplan_linkedin.plugin",
    )


def test_importing_the_package_does_not_import_the_hooks() -> None:
    code = (
        "import sys, salesplan_linkedin; "
        "print('salesplan_linkedin.plugin' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout == "False\n"


def test_enabled_plugin_registers_everything(app: AppContext) -> None:
    info = app.plugins.available["linkedin"]
    assert info.origin == "salesplan-linkedin 0.1.0"
    assert "linkedin" in app.plugins.active
    message = app.registry.action_types["linkedin_message"]
    assert message.outcome_ids == ("replied", "ignored")
    assert app.registry.effects["tag_lead"] is TagLeadEffect
    assert "reply_rate" in app.registry.reports
    assert "webhook" in app.registry.notifiers
    assert "linkedin" in app.registry.commands
    assert [type(e) for e in app.rules[0].effects] == [TagLeadEffect]
    assert [table.name for table in app.schemas["linkedin"].tables] == [
        "linkedin_webhook_deliveries"]
    assert set(info.hooks) == {
        "salesplan_action_types", "salesplan_rule_effects", "salesplan_reports",
        "salesplan_notifiers", "salesplan_config_sections", "salesplan_cli_commands",
        "salesplan_schema", "salesplan_action_logged", "salesplan_data_imported",
        "salesplan_after_action", "salesplan_dashboard_panels",
    }
    assert app.registry.panels["linkedin"].title == "LinkedIn messages"


@pytest.mark.parametrize("tag", ["", "Hot", "hot lead", "-hot", "x" * 41])
def test_tag_is_validated(tag: str) -> None:
    with pytest.raises(ValidationError):
        TagLeadEffect(tag_lead=tag)


def test_bad_tag_in_a_rule_names_the_key(config_path: Path) -> None:
    config_path.write_text(
        config_path.read_text().replace('tag_lead = "hot"', 'tag_lead = "Hot!"'),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_app(config_path, env={})
    assert caught.value.message.endswith(
        "salesplan.toml: rules[0].then.tag_lead: String should match pattern "
        "'^[a-z0-9][a-z0-9_-]*$'"
    )


def test_replied_message_tags_the_lead_once(app: AppContext) -> None:
    with app.write_session() as session:
        lead = services.create_lead(session, app, title="Acme", pipeline="deals", owner="ana")
        lead.fields = {"source": "fair"}
        session.commit()
        key = lead.key
    at = datetime(2026, 3, 2, 9, 0)
    first = services.record_action(app, action_type="linkedin_message", member="ana",
                                   lead=key, outcome="replied", at=at)
    second = services.record_action(app, action_type="linkedin_message", member="ana",
                                    lead=key, outcome="replied", at=at)
    ignored = services.record_action(app, action_type="linkedin_message", member="ana",
                                     lead=key, outcome="ignored", at=at)
    assert first.effects == [f"lead {key} tagged 'hot'"]
    assert second.effects == [f"lead {key} already tagged 'hot'"]
    assert ignored.effects == []
    with app.session() as session:
        stored = session.exec(select(Lead)).one()
    assert stored.fields == {"source": "fair", "tags": ["hot"]}
    assert lead_tags(stored) == ["hot"]


def test_prospect_action_is_kept_with_a_warning_and_no_tag(app: AppContext) -> None:
    """A rule is an automation, not a constraint: tag_lead cannot tag a prospect, so that rule
    is skipped with a warning and the action is saved."""
    with app.write_session() as session:
        prospect = services.add_prospect(session, app, list_name="Fair", name="Zoé")
        session.commit()
        key = prospect.key
    logged = services.record_action(app, action_type="linkedin_message", member="ben",
                                    prospect=key, outcome="replied")
    assert logged.effects == []
    assert logged.warnings == [
        f"rule rules[0] (tag_lead) skipped: tag_lead only tags leads, but this action is on "
        f"prospect {key} (limit the rule with `when.pipeline`, or log the action on a lead)"
    ]
    with app.session() as session:
        saved = session.exec(select(Action)).one()
        stored = session.exec(select(Prospect)).one()
    assert (saved.key, saved.outcome, saved.prospect_id) == (logged.action.key, "replied",
                                                             stored.id)
    assert not (stored.fields or {}).get("tags")


def test_dashboard_panel_counts_the_day_shown(app: AppContext) -> None:
    from datetime import date

    with app.write_session() as session:
        lead = services.create_lead(session, app, title="Acme", pipeline="deals", owner="ana")
        session.commit()
        key = lead.key
    for member, outcome, at in (("ana", "replied", datetime(2026, 3, 2, 0, 30)),
                                ("ana", "ignored", datetime(2026, 3, 2, 18, 0)),
                                ("ben", "ignored", datetime(2026, 3, 2, 23, 59)),
                                ("ben", "replied", datetime(2026, 3, 3, 0, 0))):
        services.record_action(app, action_type="linkedin_message", member=member, lead=key,
                               outcome=outcome, at=at)
    panel = app.registry.panels["linkedin"]
    content = panel.load(app, date(2026, 3, 2))
    assert content.columns == ["Member", "Sent", "Replied"]
    assert content.rows == [["Ana Lima", "2", "1"], ["Ben Okafor", "1", "0"]]
    assert panel.load(app, date(2026, 3, 4)).rows == []
