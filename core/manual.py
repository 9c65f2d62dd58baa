"""Where salesplan's documentation is: the pages of ``docs/``, shipped in the package.

The repository's ``docs/`` folder is the package ``salesplan.core.docs`` (pyproject's
``package-dir``), its ``*.md`` pages package data: an installed salesplan has them in
``salesplan/core/docs/``. A source checkout (or an editable install) reads the repository's
``docs/`` itself. Nothing is copied, so the pages exist once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from salesplan.core.errors import SalesplanError
from salesplan.core.i18n import _

MARKER = "plugins.md"
"""A page every documentation folder has."""


@dataclass(frozen=True)
class Page:
    """One page of the documentation."""

    name: str
    """``plugins`` for ``plugins.md``."""
    path: Path
    title: str
    """Its first ``# `` heading."""


def docs_folder() -> Path:
    """The folder of the shipped documentation (installed, else the source checkout's)."""
    kernel = Path(__file__).resolve().parent
    for candidate in (kernel / "docs", kernel.parent / "docs"):
        if (candidate / MARKER).is_file():
            return candidate
    raise SalesplanError(
        _("salesplan's documentation is not installed (looked in {value}); "
        "reinstall salesplan, or read it at its source repository").format(value=kernel / 'docs')
    )


def _title(path: Path) -> str:
    with path.open(encoding="utf-8") as text:
        for line in text:
            if line.startswith("# "):
                return line[2:].strip()
    return path.stem


def pages() -> list[Page]:
    """Every page, by name."""
    return [
        Page(path.stem, path, _title(path)) for path in sorted(docs_folder().glob("*.md"))
    ]


def page(name: str) -> Page:
    """The page ``name`` (``plugins`` or ``plugins.md``), or an error listing the pages."""
    wanted = name.removesuffix(".md")
    found = {item.name: item for item in pages()}
    if wanted not in found:
        raise SalesplanError(_("no documentation page {name!r} (pages: {found})").format(
            name=name, found=', '.join(found)))
    return found[wanted]
