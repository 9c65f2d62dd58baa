"""Packages are found, not listed: every package under core/, plugins/ and tui/ is installed
as ``salesplan.core…``, ``salesplan.plugins…`` and ``salesplan.tui…`` (the ``package-dir``
mapping in pyproject.toml), and docs/ as ``salesplan.core.docs`` (data only: the *.md pages).
Everything else about the project is in pyproject.toml."""

from setuptools import find_namespace_packages, setup

ROOTS = ("core", "plugins", "tui")
DOCS = "salesplan.core.docs"
"""The docs/ folder, shipped as package data (its package-dir mapping is in pyproject.toml)."""


def mapped(root: str) -> list[str]:
    found = find_namespace_packages(root, exclude=["*__pycache__*", "*.egg-info*"])
    return [f"salesplan.{root}", *(f"salesplan.{root}.{name}" for name in found)]


setup(packages=[*(name for root in ROOTS for name in mapped(root)), DOCS])
