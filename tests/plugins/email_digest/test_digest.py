"""The digest model and its two renderings, on a hand-computed day (tests/digest_data.py).

The numbers in the text and HTML parts must be the activity report's for that day; the report
itself is checked against the hand-computed rows first, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from salesplan.core.context import AppContext
from salesplan.core.reporting import ReportRequest
from salesplan.plugins.email_digest.build import Digest, build_digest, personal_digest
from salesplan.plugins.email_digest.render import css_color, render_html, render_text, subject
from tests.conftest import base_config_text
from tests.plugins.email_digest.digest_data import DAY, DIGEST_OBJECTIVES, EXPECTED_ROWS, insert_day

DIGEST_SECTION = """
[notifiers.email_digest]
to = ["boss@acme.test"]
sender = "salesplan@acme.test"
"""


def digest_config_text(section: str = DIGEST_SECTION, plugins: str = '"email_digest"') -> str:
    text = base_config_text().replace(
        '"company_report", "planner"]', f'"company_report", "planner", {plugins}]'
    )
    return text + DIGEST_OBJECTIVES + section


@pytest.fixture
def digest_app(
    make_app: Callable[..., AppContext], write_config: Callable[..., Path]
) -> AppContext:
    app = make_app(write_config(digest_config_text()))
    with app.write_session() as session:
        insert_day(session)
    return app


@pytest.fixture
def digest(digest_app: AppContext) -> Digest:
    with digest_app.session() as session:
        return build_digest(session, digest_app, DAY)


class Cells(HTMLParser):
    """Text of every data-table row under each heading of the HTML part.

    The two layout tables (``width="100%"`` and ``width="640"``) are skipped; a bar drawn as a
    nested one-cell table has no text, so its cell reads as empty.
    """

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, list[list[str]]] = {}
        self.current = ""
        self.heading: list[str] | None = None
        self.tables: list[bool] = []
        self.rows: list[list[str]] = []
        self.cells: list[list[str]] = []

    def _in_data_table(self) -> bool:
        return bool(self.tables) and not self.tables[-1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h1", "h2", "h3"):
            self.heading = []
        elif tag == "table":
            self.tables.append(dict(attrs).get("width") in ("100%", "640"))
        elif tag == "tr" and self._in_data_table():
            self.rows.append([])
        elif tag in ("td", "th") and self._in_data_table():
            self.cells.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2", "h3") and self.heading is not None:
            self.current = " ".join("".join(self.heading).split())
            self.sections.setdefault(self.current, [])
            self.heading = None
        elif tag == "table" and self.tables:
            self.tables.pop()
        elif tag in ("td", "th") and self._in_data_table() and self.cells:
            self.rows[-1].append(" ".join("".join(self.cells.pop()).split()))
        elif tag == "tr" and self._in_data_table() and self.rows:
            row = self.rows.pop()
            if any(row):
                self.sections.setdefault(self.current, []).append(row)

    def handle_data(self, data: str) -> None:
        if self.heading is not None:
            self.heading.append(data)
        if self.cells:
            self.cells[-1].append(data)


def html_sections(html: str) -> dict[str, list[list[str]]]:
    parser = Cells()
    parser.feed(html)
    return parser.sections


def text_section(text: str, heading: str) -> list[str]:
    """The lines of the text part from ``heading`` to the next blank line."""
    lines = text.splitlines()
    start = lines.index(heading)
    end = lines.index("", start)
    return lines[start:end]


def test_activity_report_matches_the_hand_computed_day(digest_app: AppContext) -> None:
    with digest_app.session() as session:
        result = digest_app.registry.reports["activity"].run(
            ReportRequest(session.connection(), digest_app, DAY, DAY, {})
        )
    rows = {row["member"]: row for row in result.rows}
    assert list(rows) == ["alice", "bob", "carol", "dave"]
    for member, expected in EXPECTED_ROWS.items():
        row = rows[member]
        assert {k: v for k, v in row["actions"].items() if v} == expected["actions"]
        outcomes = {t: {o: n for o, n in by.items() if n} for t, by in row["outcomes"].items()}
        assert {t: by for t, by in outcomes.items() if by} == expected["outcomes"]
        for key in ("leads_created", "leads_managed", "leads_won", "amount_won"):
            assert row[key] == expected[key], (member, key)


def test_digest_model_holds_the_report_numbers(digest: Digest) -> None:
    members = {m.member: m for m in digest.members}
    assert [m.member for m in digest.members] == ["alice", "bob", "carol", "dave"]
    alice = members["alice"]
    # Types in registry order: call, email, meeting (plugins), then discovery_call, proposal.
    assert [(a.action_type, a.count) for a in alice.actions] == [
        ("call", 2), ("meeting", 1), ("discovery_call", 1), ("proposal", 1),
    ]
    assert [(o.outcome, o.count) for o in alice.actions[0].outcomes] == [
        ("reached", 1), ("not_reached", 1),
    ]
    assert (alice.total_actions, alice.leads_created, alice.leads_managed) == (5, 1, 2)
    assert (alice.leads_won, alice.amount_won) == (1, 12500.0)
    assert [(o.label, o.actual, o.target, o.met) for o in alice.day_objectives] == [
        ("Call Reached", 1, 1, True)
    ]
    bob = members["bob"]
    assert [(a.action_type, a.count) for a in bob.actions] == [("call", 4), ("email", 1)]
    assert [(o.label, o.actual, o.target, o.met) for o in bob.day_objectives] == [
        ("Call", 4, 10, False)
    ]
    assert members["carol"].actions == [] and members["carol"].total_actions == 0
    totals = digest.totals
    assert [(a.action_type, a.count) for a in totals.actions] == [
        ("call", 7), ("email", 1), ("meeting", 1), ("discovery_call", 1), ("proposal", 1),
    ]
    assert [(o.outcome, o.count) for o in totals.actions[0].outcomes] == [
        ("reached", 5), ("not_reached", 2),
    ]
    assert (totals.total_actions, totals.leads_created, totals.leads_managed) == (11, 1, None)
    assert (totals.leads_won, totals.amount_won) == (1, 12500.0)
    assert digest.week_period == "2026-W11"
    assert [(b.who, b.actual, b.expected, b.behind_by, b.needed_per_day) for b in
            digest.behind] == [("alice", 1, 3, 2, 2), ("dave", 0, 3, 3, 2.5)]
    assert [(r.member, r.overdue, r.target, r.due.strftime("%d %H:%M")) for r in
            digest.reminders] == [
        ("alice", True, "lead L1 Big deal", "10 10:00"),
        ("bob", False, "prospect P1 Pierre Client", "12 10:00"),
    ]


def test_text_part_numbers(digest: Digest) -> None:
    text = render_text(digest)
    assert text.splitlines()[0] == "Acme — daily digest for Wednesday 11 March 2026"
    team = text_section(text, "Team totals")
    assert team[1] == (
        "  Actions 11 · Leads created 1 · Leads won 1 (€12,500)"
    )
    assert [re.split(r"\s{2,}", line.strip()) for line in team[2:]] == [
        ["Call", "7", "Reached 5 · Not reached 2"],
        ["E-mail", "1"],
        ["Meeting", "1", "Held 1"],
        ["Discovery call", "1", "Good opportunity 1"],
        ["Proposal", "1"],
    ]
    alice = text_section(text, "Alice Martin (sales)")
    assert alice[1] == (
        "  Actions 5 · Leads created 1 · Leads managed 2 · Leads won 1 (€12,500)"
    )
    assert [re.split(r"\s{2,}", line.strip()) for line in alice[2:6]] == [
        ["Call", "2", "Reached 1 · Not reached 1"],
        ["Meeting", "1", "Held 1"],
        ["Discovery call", "1", "Good opportunity 1"],
        ["Proposal", "1"],
    ]
    assert alice[6:] == ["  Day objectives:", "    Call Reached: 1 of 1 — met"]
    bob = text_section(text, "Bob Durand (prospecting)")
    assert bob[1] == "  Actions 5 · Leads created 0 · Leads managed 0 · Leads won 0 (€0)"
    assert bob[-1] == "    Call: 4 of 10 — missed"
    assert text_section(text, "Carol Lemaire (marketing)")[1].startswith("  Actions 0 ·")
    behind = text_section(text, "Behind pace this week (2026-W11)")
    assert behind[1:] == [
        "  Alice Martin — Meeting: 1 done, 3 expected by now (target 5): behind by 2, "
        "2 a day needed",
        "  Dave Manager — Meeting: 0 done, 3 expected by now (target 5): behind by 3, "
        "2.5 a day needed",
    ]
    due = text.splitlines()[text.splitlines().index("Due today, Thursday 12 March 2026"):]
    assert due[1:] == [
        "  Alice Martin — Call — lead L1 Big deal — overdue since 10/03 10:00",
        "  Bob Durand — Call — prospect P1 Pierre Client — due 10:00 — call back",
    ]


def test_html_part_numbers_equal_the_text_part(digest: Digest) -> None:
    sections = html_sections(render_html(digest))
    team = sections["Team totals"]
    assert team[0] == ["Actions 11", "Leads created 1", "Leads won 1 (€12,500)"]
    assert [row[:2] + row[3:] for row in team[2:]] == [
        ["📞 Call", "7", "Reached 5 · Not reached 2"],
        ["✉ E-mail", "1", ""],
        ["🤝 Meeting", "1", "Held 1"],
        ["🔎 Discovery call", "1", "Good opportunity 1"],
        ["• Proposal", "1", ""],
    ]
    alice = sections["Alice Martin sales"]
    assert alice[0] == [
        "Actions 5", "Leads created 1", "Leads managed 2", "Leads won 1 (€12,500)"
    ]
    assert [(row[0].split(" ", 1)[1], row[1], row[3]) for row in alice[2:6]] == [
        ("Call", "2", "Reached 1 · Not reached 1"),
        ("Meeting", "1", "Held 1"),
        ("Discovery call", "1", "Good opportunity 1"),
        ("Proposal", "1", ""),
    ]
    assert alice[6] == ["Call Reached", "1 of 1", "met"]
    bob = sections["Bob Durand prospecting"]
    assert bob[0][0] == "Actions 5"
    assert [(row[0].split(" ", 1)[1], row[1], row[3]) for row in bob[2:4]] == [
        ("Call", "4", "Reached 3 · Not reached 1"),
        ("E-mail", "1", ""),
    ]
    assert bob[4] == ["Call", "4 of 10", "missed"]
    assert sections["Behind pace this week (2026-W11)"][1:] == [
        ["Alice Martin", "Meeting", "1", "3", "5", "2", "2"],
        ["Dave Manager", "Meeting", "0", "3", "5", "3", "2.5"],
    ]
    assert [row[:4] for row in sections["Due today, Thursday 12 March 2026"]] == [
        ["overdue since 10/03 10:00", "Alice Martin", "Call", "lead L1 Big deal"],
        ["10:00", "Bob Durand", "Call", "prospect P1 Pierre Client"],
    ]


def test_html_is_self_contained_with_type_colours(digest: Digest, digest_app: AppContext) -> None:
    html = render_html(digest)
    assert "<link" not in html and "<script" not in html and "<style" not in html
    assert "src=" not in html and "url(" not in html and "http" not in html
    call = digest_app.registry.action_types["call"].color
    discovery = digest_app.registry.action_types["discovery_call"].color
    assert f"color:{css_color(call)}" in html and call == "#2e86de"
    assert f"color:{discovery}" in html and discovery == "#8e44ad"
    # Bars: the biggest count (7 calls) gets the full width, 1 action a seventh of it.
    assert 'bgcolor="#2e86de" height="10" style="background:#2e86de;height:10px;width:160px;' \
        in html
    assert "width:23px" in html


def test_personal_digest_keeps_only_the_member(digest: Digest) -> None:
    mine = personal_digest(digest, "alice")
    assert [m.member for m in mine.members] == ["alice"]
    assert (mine.totals.total_actions, mine.totals.amount_won) == (5, 12500.0)
    assert [b.who for b in mine.behind] == ["alice"]
    assert [r.member for r in mine.reminders] == ["alice"]
    text = render_text(mine, "Alice Martin")
    assert text.splitlines()[0] == "Acme — your day, Wednesday 11 March 2026 (Alice Martin)"
    assert "Bob Durand" not in text and "Your totals" in text
    assert subject(mine, "Alice Martin") in render_html(mine, "Alice Martin")


def test_weekend_day_has_no_day_objectives(digest_app: AppContext) -> None:
    with digest_app.session() as session:
        saturday = build_digest(session, digest_app, DAY.replace(day=14))
    assert not saturday.working_day
    assert all(m.day_objectives == [] for m in saturday.members)
    assert saturday.totals.total_actions == 0
    assert "Saturday 14 March 2026 is not a working day" in render_text(saturday)


def test_css_colours_are_safe() -> None:
    assert css_color("#8E44AD") == "#8e44ad"
    assert css_color("green") == "#27ae60"
    assert css_color("bright_red") == "#c0392b"
    assert css_color("default") == "#7f8c8d"
    assert css_color("teal") == "teal"
    assert css_color('red;"><script>') == "#7f8c8d"


def test_recipients_are_to_plus_managers_without_duplicates(
    make_app: Callable[..., AppContext], write_config: Callable[..., Path]
) -> None:
    from salesplan.plugins.email_digest.send import digest_settings, team_recipients

    section = DIGEST_SECTION.replace(
        'to = ["boss@acme.test"]', 'to = ["boss@acme.test", "DAVE@acme.test", "boss@acme.test"]'
    )
    app = make_app(write_config(digest_config_text(section)))
    assert team_recipients(app, digest_settings(app)) == ("boss@acme.test", "DAVE@acme.test")
    plain = make_app(write_config(digest_config_text(), name="plain.toml"))
    assert team_recipients(plain, digest_settings(plain)) == ("boss@acme.test", "dave@acme.test")


def test_enabling_the_digest_brings_the_activity_report(tmp_path: Path) -> None:
    from salesplan.core.context import load_app

    text = digest_config_text().replace('"activity_report", ', "")
    path = tmp_path / "salesplan.toml"
    path.write_text(text, encoding="utf-8")
    assert '"activity_report"' not in text
    app = load_app(path, env={})
    assert "activity" in app.registry.reports
    assert "digest" in app.registry.commands
    assert "smtp" in app.registry.notifiers
