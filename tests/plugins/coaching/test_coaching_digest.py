"""The coaching section of the Monday digest (hook ``salesplan_digest_sections`` of the
email_digest plugin), on the cohort of test_coaching.py: SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from salesplan.core.context import AppContext
from salesplan.plugins.email_digest.build import build_digest, personal_digest
from salesplan.plugins.email_digest.render import render_html, render_text
from tests.plugins.coaching.test_coaching import fill
from tests.plugins.email_digest.test_digest import digest_config_text

SUNDAY = date(2026, 3, 15)  # read on Monday 16 March, the first day of the team's week


@pytest.fixture
def team(make_app: Callable[..., AppContext], write_config: Callable[..., Path]) -> AppContext:
    app = make_app(write_config(digest_config_text(plugins='"email_digest", "coaching"')))
    fill(app)
    return app


def test_monday_digest_says_where_each_member_loses(team: AppContext) -> None:
    with team.session() as session:
        digest = build_digest(session, team, SUNDAY)
    assert digest.problems == []
    (section,) = digest.sections
    assert section.plugin == "coaching"
    assert section.title == "Where we lose (the 90 days to 2026-03-15)"
    # Bob: (1/3 − 0) × 1 deal at Qualified in the acquisition cohort; alice loses nowhere;
    # the renewal cohort has only alice's R1 (her rates are the team's).
    assert section.lines == [
        "Bob Durand — New business: loses most at Qualified (0.3 deals against the team's "
        "pass rate)"
    ]
    assert section.members == {"bob": [
        "New business: you lose most at Qualified (0.3 deals against the team's pass rate)"]}
    text = render_text(digest)
    assert "Where we lose (the 90 days to 2026-03-15)\n  Bob Durand — New business" in text
    assert "loses most at Qualified" in render_html(digest)
    bob = personal_digest(digest, "bob")
    assert [s.lines for s in bob.sections] == [section.members["bob"]]
    assert personal_digest(digest, "alice").sections == []


def test_other_days_have_no_coaching_section(team: AppContext) -> None:
    with team.session() as session:
        assert build_digest(session, team, date(2026, 3, 16)).sections == []
