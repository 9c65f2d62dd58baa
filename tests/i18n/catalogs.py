"""The translation domains of the tree, the messages their code marks, and updating their catalogs.

One domain per catalog: ``salesplan`` (the kernel, ``core/``, and the terminal UI, ``tui/``;
catalog in ``core/locale``), one per built-in plugin (``plugins/<name>/``, catalog in
``plugins/<name>/locale``, domain = plugin name) and the example plugin's ``linkedin``. The
messages are what Babel extracts with its default keywords (``_``, ``N_``, ``ngettext``…) and
the mapping of ``babel.cfg``.

Update every catalog after marking texts (new messages come in untranslated, messages no longer
in the code go; translations are kept), from the repository root::

    .ci/catalogs            # = python -m tests.i18n.catalogs

then translate the new ``msgstr ""`` entries; ``tests/i18n/test_catalogs.py`` fails while one
is missing or fuzzy.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("fr",)
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);"}
"""French as gettext has always had it: 0 and 1 singular, more plural."""
EXAMPLE = ROOT / "examples" / "salesplan-linkedin" / "salesplan_linkedin"


@dataclass(frozen=True)
class Domain:
    """A catalog: its name, where its ``<lang>/LC_MESSAGES/<name>.po`` live, its sources."""

    name: str
    locale: Path
    sources: tuple[Path, ...]

    def po(self, lang: str) -> Path:
        return self.locale / lang / "LC_MESSAGES" / f"{self.name}.po"


def domains() -> list[Domain]:
    """Every domain of the tree: the kernel's, each built-in plugin's, the example's."""
    found = [Domain("salesplan", ROOT / "core" / "locale", (ROOT / "core", ROOT / "tui"))]
    for folder in sorted((ROOT / "plugins").iterdir()):
        if folder.is_dir() and (folder / "__init__.py").is_file():
            found.append(Domain(folder.name, folder / "locale", (folder,)))
    found.append(Domain("linkedin", EXAMPLE / "locale", (EXAMPLE,)))
    return found


def _mapping() -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(ROOT / "babel.cfg"))
    return method_map, options_map


def extract(domain: Domain) -> Catalog:
    """The messages the domain's code marks, as a template catalog."""
    method_map, options_map = _mapping()
    template = Catalog(project="salesplan", domain=domain.name, fuzzy=False)
    for source in domain.sources:
        results = extract_from_dir(
            source, method_map, options_map, comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True,
            directory_filter=lambda path: "__pycache__" not in path,
        )
        for filename, lineno, message, comments, context in results:
            where = (Path(source, filename).relative_to(ROOT).as_posix(), lineno)
            template.add(message, None, [where], auto_comments=comments, context=context)
    return template


def load(domain: Domain, lang: str) -> Catalog | None:
    path = domain.po(lang)
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=domain.name)


def update(domain: Domain, lang: str) -> tuple[int, int]:
    """Bring ``domain``'s ``lang`` catalog in line with the code; returns (messages,
    untranslated)."""
    template = extract(domain)
    catalog = load(domain, lang)
    if catalog is None and not any(m.id for m in template):
        return 0, 0  # a domain without texts gets no catalog
    if catalog is None:
        catalog = Catalog(locale=lang, domain=domain.name, project="salesplan",
                          fuzzy=False, creation_date=datetime(2026, 1, 1))
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
    catalog.obsolete.clear()
    catalog.revision_date = catalog.creation_date
    catalog.project = "salesplan"
    catalog.version = None
    catalog.msgid_bugs_address = ""
    catalog.last_translator = "salesplan developers"
    catalog.language_team = {"fr": "French"}.get(lang, lang)
    header = catalog.mime_headers
    catalog.mime_headers = [(k, PLURAL_FORMS[lang] if k == "Plural-Forms" else v)
                            for k, v in header]
    path = domain.po(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, no_location=True, omit_header=False,
                 sort_output=True, include_previous=False)
    messages = [m for m in catalog if m.id]
    return len(messages), sum(1 for m in messages if not _translated(m.string))


def _translated(string: object) -> bool:
    if isinstance(string, tuple | list):
        return all(string)
    return bool(string)


def main(argv: list[str]) -> int:
    wanted = set(argv)
    for domain in domains():
        if wanted and domain.name not in wanted:
            continue
        for lang in LANGUAGES:
            total, missing = update(domain, lang)
            print(f"{domain.po(lang).relative_to(ROOT)}: {total} messages, "
                  f"{missing} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
