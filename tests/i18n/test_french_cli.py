"""The command line in French: ``--lang fr``, ``$SALESPLAN_LANG`` and ``[team] language``
translate errors, report tables and amounts; JSON stays locale-free."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult, base_config_text

Run = Callable[..., CliResult]


@pytest.fixture
def sp(run_cli: Run, config_path: Path) -> Run:
    def run(*args: str, env: dict[str, str] | None = None) -> CliResult:
        return run_cli("--config", str(config_path), *args, env=env)

    return run


def _lead(sp: Run) -> None:
    result = sp("lead", "add", "Acme deal", "--pipeline", "acquisition", "--owner", "alice",
                "--amount", "1234.5", "--at", "2026-03-02 09:00")
    assert result.exit_code == 0, result.output


def _squash(text: str) -> str:
    return re.sub(r" +", " ", text)


def test_an_error_in_french(sp: Run) -> None:
    result = sp("--lang", "fr", "todo", "--member", "zed")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Erreur : membre inconnu 'zed' (membres : ")


def test_the_same_error_in_english_by_default(sp: Run) -> None:
    result = sp("todo", "--member", "zed")
    assert result.stderr.startswith("Error: unknown member 'zed' (members: ")


def test_salesplan_lang_chooses_french(sp: Run) -> None:
    result = sp("lead", "add", "Deal", "--pipeline", "acquisition", "--owner", "zed",
                env={"SALESPLAN_LANG": "fr"})
    assert result.exit_code == 2
    assert result.stderr.startswith("Erreur : responsable inconnu 'zed'")


def test_an_unknown_language_is_refused(sp: Run) -> None:
    result = sp("--lang", "de", "todo")
    assert result.exit_code == 2
    assert "de" in result.stderr


def test_a_report_table_in_french(sp: Run) -> None:
    _lead(sp)
    result = sp("--lang", "fr", "report", "performance", "--from", "2026-03-01",
                "--to", "2026-03-31")
    assert result.exit_code == 0, result.output
    out = _squash(result.stdout)
    assert "Performance · 2026-03-01 → 2026-03-31" in out
    for header in ("Membre", "Créés", "Ouverts", "Gagnés", "Perdus", "Annulés"):
        assert header in out, header
    assert "Member" not in out


def test_amounts_follow_the_language_json_does_not(sp: Run) -> None:
    _lead(sp)
    french = sp("--lang", "fr", "lead", "list")
    english = sp("lead", "list")
    assert french.exit_code == english.exit_code == 0, french.output
    assert "1\u202f234,50" in french.stdout
    assert "1,234.50" in english.stdout
    as_json = sp("--lang", "fr", "report", "performance", "--from", "2026-03-01",
                 "--to", "2026-03-31", "--format", "json")
    data = json.loads(as_json.stdout)
    assert data["report"] == "performance" and "from" in data  # keys stay English


def test_money_numbers_and_dates_follow_the_language() -> None:
    from datetime import date

    from salesplan.core.formatting import long_date, money, month_name, number, week_label
    from salesplan.core.i18n import language

    with language("fr"):
        assert money(1234.5, "EUR").replace("\u202f", " ").replace("\xa0", " ") == "1 234,50 €"
        assert number(1234.5).replace("\u202f", " ") == "1 234,5"
        assert month_name(2026, 3) == "mars 2026"
        assert long_date(date(2026, 3, 17)) == "mardi 17 mars 2026"
        assert week_label(date(2026, 3, 17)) == "semaine 12"
    with language("en"):
        assert money(1234.5, "EUR") == "€1,234.50"
        assert month_name(2026, 3) == "March 2026"
        assert week_label(date(2026, 3, 17)) == "week 12"


def test_team_language_in_the_config(write_config: Callable[..., Path], run_cli: Run) -> None:
    text = base_config_text().replace('currency = "EUR"', 'currency = "EUR"\nlanguage = "fr"', 1)
    path = write_config(text)
    result = run_cli("--config", str(path), "todo", "--member", "zed")
    assert result.stderr.startswith("Erreur : membre inconnu 'zed'")
    result = run_cli("--config", str(path), "--lang", "en", "todo", "--member", "zed")
    assert result.stderr.startswith("Error: unknown member 'zed'")
