"""docs/internals.md cannot drift: its generated blocks equal what the code renders today, and
every ``salesplan.…`` name the page (or plugins.md) mentions still exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from salesplan.core.testing.apidoc import documented_names, render_object, render_page, resolve

ROOT = Path(__file__).resolve().parent.parent
INTERNALS = ROOT / "docs" / "internals.md"
PAGES = [INTERNALS, ROOT / "docs" / "plugins.md"]
REGENERATE = "python -m salesplan.core.testing.apidoc docs/internals.md"


def test_the_page_is_up_to_date() -> None:
    text = INTERNALS.read_text(encoding="utf-8")
    assert render_page(text) == text, f"docs/internals.md is out of date: run `{REGENERATE}`"


@pytest.mark.parametrize("name", documented_names(INTERNALS.read_text(encoding="utf-8")))
def test_every_documented_name_exists_as_documented(name: str) -> None:
    text = INTERNALS.read_text(encoding="utf-8")
    block = text.split(f"<!-- api: {name} -->\n", 1)[1].split("<!-- /api -->", 1)[0]
    assert block == render_object(name) + "\n", f"{name} changed: run `{REGENERATE}`"


DOTTED = re.compile(r"`(salesplan\.(?:core|plugins|tui)(?:\.\w+)+)")


@pytest.mark.parametrize("page", PAGES, ids=lambda path: path.name)
def test_every_name_mentioned_exists(page: Path) -> None:
    missing = []
    for name in sorted(set(DOTTED.findall(page.read_text(encoding="utf-8")))):
        try:
            resolve(name)
        except (ImportError, AttributeError):
            missing.append(name)
    assert missing == [], f"{page.name} names what does not exist: {missing}"


def test_the_page_covers_what_plugins_touch() -> None:
    names = set(documented_names(INTERNALS.read_text(encoding="utf-8")))
    for expected in ("salesplan.core.db.models.StepChange", "salesplan.core.app.AppContext",
                     "salesplan.core.config.models.TeamConfig",
                     "salesplan.core.services.leads.create_lead",
                     "salesplan.core.services.actions.record_action",
                     "salesplan.core.services.leads.move_lead",
                     "salesplan.core.effects.RuleEffect", "salesplan.core.notify.NotifierSpec",
                     "salesplan.core.delivery.claim", "salesplan.core.db.query_tables.actions",
                     "salesplan.core.hookspecs.salesplan_schema",
                     "salesplan.core.hookspecs.salesplan_rollups",
                     "salesplan.core.hookspecs.salesplan_data_imported",
                     "salesplan.core.hookspecs.salesplan_dashboard_panels",
                     "salesplan.core.testing.PluginTeam"):
        assert expected in names


def test_the_renderer_writes_signatures_as_in_the_source() -> None:
    text = render_object("salesplan.core.services.leads.move_lead")
    assert text.startswith("```python\ndef move_lead(\n    session: Session,\n")
    assert "    at: datetime | None = None,\n" in text
    assert render_object("salesplan.core.testing.tester.POSTGRES_ENV") == (
        "```python\nPOSTGRES_ENV = 'SALESPLAN_TEST_POSTGRES_URL'\n```")
