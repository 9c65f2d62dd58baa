"""``salesplan docs``: where the shipped documentation is, and its pages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import salesplan.core.manual as manual
from salesplan.core.errors import SalesplanError
from tests.conftest import CliResult

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_the_folder_and_its_pages(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("docs")
    assert result.exit_code == 0, result.output
    folder = manual.docs_folder()
    assert result.stdout.startswith(f"salesplan's documentation is in {folder}:\n")
    for name, title in (("plugins.md", "Writing salesplan plugins"),
                        ("internals.md", "Internals for plugins"),
                        ("architecture.md", "salesplan's architecture")):
        assert any(line.split()[0] == name and title in line
                   for line in result.stdout.splitlines()[1:-1])
    assert run_cli("docs", "--path").stdout == f"{folder}\n"


def test_a_page(run_cli: Callable[..., CliResult]) -> None:
    shown = run_cli("docs", "internals")
    assert shown.stdout == (DOCS / "internals.md").read_text(encoding="utf-8")
    assert run_cli("docs", "plugins.md", "--path").stdout == f"{DOCS / 'plugins.md'}\n"
    unknown = run_cli("docs", "nope")
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("Error: no documentation page 'nope' (pages: ")


def test_an_installed_package_reads_its_own_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Installed, the pages are package data in salesplan/core/docs (the wheel test checks
    they are in it): that folder comes first."""
    installed = tmp_path / "salesplan" / "core"
    (installed / "docs").mkdir(parents=True)
    (installed / "docs" / "plugins.md").write_text("# Writing salesplan plugins\n")
    monkeypatch.setattr(manual, "__file__", str(installed / "manual.py"))
    assert manual.docs_folder() == installed / "docs"
    (installed / "docs" / "plugins.md").unlink()
    with pytest.raises(SalesplanError, match="documentation is not installed"):
        manual.docs_folder()
