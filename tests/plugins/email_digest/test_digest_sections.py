"""Sections other plugins add to the digest through ``salesplan_digest_sections`` (the hook
this plugin offers): forecast and leaderboard lines every day, a plugin that fails is named
and left out, a plugin implementing the hook loads without the digest (SQLite and
PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from salesplan.core.context import AppContext, load_app
from salesplan.plugins.email_digest.build import build_digest
from salesplan.plugins.email_digest.render import render_text
from tests.pluginkit import config_text, plugin
from tests.plugins.email_digest.digest_data import DAY, insert_day
from tests.plugins.email_digest.test_digest import digest_config_text

BROKEN = """
@hookimpl(optionalhook=True)
def salesplan_digest_sections(app, day):
    raise RuntimeError("no crystal ball")
"""

TIMES = """
from salesplan.plugins.email_digest.sections import DigestSection

@hookimpl(optionalhook=True)
def salesplan_digest_sections(day):
    return [DigestSection(title="Quote", lines=[f"Day {day:%d}: keep calling"],
                          members={"alice": ["Alice, keep calling"]})]
"""


def test_forecast_and_leaderboard_lines_and_a_failing_plugin(
    make_app: Callable[..., AppContext], write_config: Callable[..., Path]
) -> None:
    extra = [plugin("broken", BROKEN), plugin("times", TIMES)]
    text = digest_config_text(
        plugins='"email_digest", "forecast", "leaderboard", "broken", "times"')
    app = make_app(write_config(text), extra_plugins=extra)
    with app.write_session() as session:
        insert_day(session)
    with app.session() as session:
        digest = build_digest(session, app, DAY)
    titles = [section.title for section in digest.sections]
    assert titles == ["Forecast", "Leaderboard (month to date)", "Quote"]
    assert [s.plugin for s in digest.sections] == ["forecast", "leaderboard", "times"]
    assert digest.sections[0].lines[0].startswith("Q1")  # the quarter of 11 March
    assert digest.sections[1].lines[0].startswith("1. ")
    assert digest.problems == [
        "plugin 'broken' failed in salesplan_digest_sections: RuntimeError: no crystal ball"]
    rendered = render_text(digest)
    assert "\nQuote\n  Day 11: keep calling\n" in rendered


def test_a_section_plugin_loads_without_the_digest(tmp_path: Path) -> None:
    path = tmp_path / "salesplan.toml"
    path.write_text(config_text("times"), encoding="utf-8")
    app = load_app(path, env={}, extra_plugins=[plugin("times", TIMES)], entry_points=False)
    assert "times" in app.plugins.active and "email_digest" not in app.plugins.active
