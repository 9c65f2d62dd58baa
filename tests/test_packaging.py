"""The built wheel holds every module of core/, plugins/ and tui/ under ``salesplan.*``."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIRS = {"core": "salesplan/core", "plugins": "salesplan/plugins", "tui": "salesplan/tui"}


def _expected_files(root: Path) -> set[str]:
    expected: set[str] = set()
    for source, target in PACKAGE_DIRS.items():
        for path in (root / source).rglob("*"):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            if path.suffix in {".py", ".tcss", ".mako"} or (
                path.suffix == ".toml" and path.parent.name == "templates"
            ) or (path.suffix == ".tmpl" and path.parent.name == "plugin"):
                expected.add(f"{target}/{path.relative_to(root / source).as_posix()}")
    # The documentation ships as package data: docs/*.md is salesplan/core/docs/*.md.
    expected |= {f"salesplan/core/docs/{page.name}" for page in (root / "docs").glob("*.md")}
    return expected


@pytest.mark.slow
def test_wheel_contains_every_module(tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv*", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
            "salesplan-demo", "*.db*",
        ),
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(tmp_path / "dist"), str(source)],
        check=True,
        capture_output=True,
    )
    wheel = next((tmp_path / "dist").glob("salesplan-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(_expected_files(source) - names)
    assert not missing, f"missing from the wheel: {missing}"
    assert not [n for n in names if n.startswith(("core/", "plugins/", "tui/"))], (
        "generic top-level packages must not land in site-packages"
    )
    assert not any(n == "salesplan/__init__.py" for n in names), "salesplan is a namespace"
    for catalog in ("salesplan/core/locale/fr/LC_MESSAGES/salesplan.po",
                    "salesplan/plugins/planner/locale/fr/LC_MESSAGES/planner.po"):
        assert catalog in names, f"the French catalog {catalog} is not in the wheel"
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    declared = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "salesplan = salesplan.core.cli.main:main" in declared
    assert "[pytest11]\nsalesplan.core.testing = salesplan.core.testing" in declared
