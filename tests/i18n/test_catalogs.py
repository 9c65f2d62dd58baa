"""Every French catalog is complete and up to date with the code (extract and compare)."""

from __future__ import annotations

import re

import pytest

from tests.i18n.catalogs import Domain, domains, extract, load

PLACEHOLDER = re.compile(r"\{[^{}]*\}")
DOMAINS = [d for d in domains() if any(m.id for m in extract(d))]


def _ids(message_id: str | tuple[str, ...]) -> tuple[str, ...]:
    return message_id if isinstance(message_id, tuple) else (message_id,)


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.name)
def test_french_catalog_is_complete_and_up_to_date(domain: Domain) -> None:
    catalog = load(domain, "fr")
    assert catalog is not None, f"{domain.po('fr')} is missing: run .ci/catalogs"
    in_code = {m.id for m in extract(domain) if m.id}
    in_catalog = {m.id for m in catalog if m.id}
    assert in_code - in_catalog == set(), "new messages: run .ci/catalogs and translate them"
    assert in_catalog - in_code == set(), "messages gone from the code: run .ci/catalogs"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = _ids(message.string)
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        if not all(strings):
            problems.append(f"untranslated: {message.id!r}")
        wanted = sorted(PLACEHOLDER.findall(_ids(message.id)[-1]))
        for string in strings:
            if string and sorted(PLACEHOLDER.findall(string)) != wanted:
                problems.append(f"placeholders differ: {message.id!r} → {string!r}")
    assert problems == []


def test_plural_catalogs_have_french_plural_forms() -> None:
    for domain in DOMAINS:
        catalog = load(domain, "fr")
        assert catalog is not None
        assert catalog.plural_expr == "(n > 1)", domain.name


def test_built_in_plugins_declare_their_catalogs() -> None:
    """A plugin with texts registers its domain through ``PluginManifest.locale``."""
    import importlib

    for domain in DOMAINS:
        if domain.name in ("salesplan", "linkedin"):
            continue
        module = importlib.import_module(f"salesplan.plugins.{domain.name}")
        assert module.MANIFEST.locale == "locale", domain.name
