"""``salesplan new-plugin NAME``: a complete plugin package whose own tests pass as written.

The generated package is not installed anywhere: its tests run in a subprocess with
``PYTHONPATH`` on its ``src/`` (on SQLite, and on PostgreSQL when
``SALESPLAN_TEST_POSTGRES_URL`` is set, passed through the environment).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from salesplan.core.cli.commands.newplugin import FILES, placeholders
from salesplan.core.testing import POSTGRES_ENV
from tests.conftest import CliResult


def generate(run_cli: Callable[..., CliResult], tmp_path: Path, name: str = "visits") -> Path:
    result = run_cli("new-plugin", name, "--dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    root = tmp_path / f"salesplan-{name.replace('_', '-')}"
    assert f"Wrote plugin {name!r} in {root}" in result.stdout
    return root


def test_the_package_has_every_part(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    root = generate(run_cli, tmp_path, "site_visits")
    written = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert written == sorted(t.format(package="salesplan_site_visits") for t in FILES)
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["name"] == "salesplan-site-visits"
    assert project["project"]["entry-points"]["salesplan"] == {
        "site_visits": "salesplan_site_visits:MANIFEST"}
    manifest = (root / "src" / "salesplan_site_visits" / "__init__.py").read_text()
    assert 'module="salesplan_site_visits.plugin"' in manifest
    assert "{{" not in "".join(p.read_text(encoding="utf-8") for p in root.rglob("*.*"))


@pytest.mark.slow
def test_its_tests_pass_as_generated(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    root = generate(run_cli, tmp_path)
    env = {**os.environ, "PYTHONPATH": str(root / "src"), "PYTEST_ADDOPTS": ""}
    env.pop("SALESPLAN_CONFIG", None)
    env.pop("SALESPLAN_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
         "-p", "no:xdist"],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    runs = 2 if os.environ.get(POSTGRES_ENV) else 1
    assert f"{4 * runs} passed" in done.stdout, done.stdout


def test_the_package_is_lint_clean(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed")
    root = generate(run_cli, tmp_path)
    done = subprocess.run([ruff, "check", "--no-cache", "."], cwd=root, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_bad_names_are_refused(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    result = run_cli("new-plugin", "Visits", "--dir", str(tmp_path))
    assert result.exit_code == 2
    assert "plugin name 'Visits' must be lowercase letters, digits and _" in result.stderr
    result = run_cli("new-plugin", "calls", "--dir", str(tmp_path))
    assert (result.exit_code, result.stderr) == (
        2, "Error: a built-in plugin is named 'calls': choose another name\n")
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_left_alone(run_cli: Callable[..., CliResult],
                                          tmp_path: Path) -> None:
    (tmp_path / "salesplan-visits").mkdir()
    result = run_cli("new-plugin", "visits", "--dir", str(tmp_path))
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert list((tmp_path / "salesplan-visits").iterdir()) == []


def test_placeholders() -> None:
    assert placeholders("site_visits") == {
        "plugin": "site_visits", "package": "salesplan_site_visits",
        "dist": "salesplan-site-visits", "title": "Site visits", "salesplan_version": "0.1.0",
    }
