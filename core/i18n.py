"""Languages: gettext catalogs (English and French), the language of the moment, lazy texts.

Every text a person reads goes through a catalog: ``_("Leads won")`` in the kernel (domain
``salesplan``); a plugin translates in its own domain (``_ = translator("coaching")``, its
catalogs in its folder, ``locale/<lang>/LC_MESSAGES/<domain>.po``, declared by
``PluginManifest.locale``). English is the source language; French is ``fr``.

The language is a context variable: the CLI sets it once (``--lang``, ``$SALESPLAN_LANG``,
``[team] language``), the digest per recipient, the TUI per session. Texts defined at import
time (a report's title, a column label) are marked with ``N_`` and translated when shown:
``N_`` returns a ``LazyText`` that becomes the current language's text when turned into a
``str``.

Catalogs are the ``.po`` files themselves, compiled in memory on first use (Babel), so no
binary file is committed and an editable install sees a changed translation at once.
"""

from __future__ import annotations

import gettext as stdlib_gettext
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

DOMAIN = "salesplan"
LANGUAGES: tuple[str, ...] = ("en", "fr")
DEFAULT_LANGUAGE = "en"
LANGUAGE_ENV = "SALESPLAN_LANG"
KERNEL_LOCALE = Path(__file__).parent / "locale"

_current: ContextVar[str] = ContextVar("salesplan_language", default=DEFAULT_LANGUAGE)
_folders: dict[str, Path] = {DOMAIN: KERNEL_LOCALE}


def check_language(value: str, where: str = "language") -> str:
    """``value`` when salesplan speaks it (``en``, ``fr``; ``fr_FR`` counts as ``fr``)."""
    from salesplan.core.errors import DataError

    short = value.strip().replace("-", "_").split("_")[0].lower()
    if short not in LANGUAGES:
        raise DataError(_("{where}: unknown language {value!r} (use one of: {known})").format(
            where=where, value=value, known=", ".join(LANGUAGES)))
    return short


def current_language() -> str:
    return _current.get()


def set_language(language: str) -> Token[str]:
    """Use ``language`` from now on in this context; returns the token to reset it."""
    return _current.set(check_language(language))


def reset_language(token: Token[str]) -> None:
    """Undo the ``set_language`` that returned ``token``."""
    _current.reset(token)


@contextmanager
def language(value: str | None) -> Iterator[str]:
    """Use ``value`` (None: keep the current one) inside the block."""
    if value is None:
        yield current_language()
        return
    token = set_language(value)
    try:
        yield current_language()
    finally:
        _current.reset(token)


def register_domain(domain: str, folder: Path) -> None:
    """Where a plugin's catalogs are (``folder/<lang>/LC_MESSAGES/<domain>.po``)."""
    if _folders.get(domain) != folder:
        _folders[domain] = folder
        _translations.cache_clear()


def registered_domains() -> tuple[str, ...]:
    """The kernel's domain, then every plugin domain registered so far."""
    return tuple(_folders)


def catalog_path(domain: str, lang: str, suffix: str = ".po") -> Path | None:
    """Where the ``lang`` catalog of ``domain`` is (None when the domain is unknown)."""
    folder = _folders.get(domain)
    return None if folder is None else folder / lang / "LC_MESSAGES" / f"{domain}{suffix}"


@cache
def _translations(domain: str, lang: str) -> stdlib_gettext.NullTranslations:
    source = catalog_path(domain, lang)
    if lang == DEFAULT_LANGUAGE or source is None:
        return stdlib_gettext.NullTranslations()
    compiled_file = source.with_suffix(".mo")
    if compiled_file.is_file() and (
        not source.is_file() or compiled_file.stat().st_mtime >= source.stat().st_mtime
    ):  # a wheel built with compiled catalogs: no parsing at start-up
        with compiled_file.open("rb") as handle:
            return stdlib_gettext.GNUTranslations(handle)
    if not source.is_file():
        return stdlib_gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with source.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=domain)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return stdlib_gettext.GNUTranslations(compiled)


def gettext(message: str, domain: str = DOMAIN) -> str:
    """``message`` in the current language (itself when it has no translation)."""
    return _translations(domain, current_language()).gettext(message)


def ngettext(singular: str, plural: str, count: int, domain: str = DOMAIN) -> str:
    """The singular or plural form for ``count``, in the current language."""
    return _translations(domain, current_language()).ngettext(singular, plural, count)


def _(message: str) -> str:
    """The kernel's ``gettext``: ``_("Leads won")``."""
    return gettext(message)


def translate_any(message: str) -> str:
    """``message`` translated by the first domain that knows it (the kernel's first): for
    texts whose domain is not known where they are shown (a plugin command's ``--help``)."""
    for domain in registered_domains():
        translated = gettext(message, domain)
        if translated != message:
            return translated
    return message


class LazyText(str):
    """A text marked at import time, translated each time it is shown (``N_``).

    It is a ``str`` (its English source) so it can stand wherever a ``str`` is expected;
    ``str(text)``, formatting and concatenation give the current language's text.
    """

    __slots__ = ("domain",)
    domain: str

    def __new__(cls, message: str, domain: str = DOMAIN) -> LazyText:
        text = super().__new__(cls, message)
        text.domain = domain
        return text

    @property
    def source(self) -> str:
        return str.__str__(self)

    def __str__(self) -> str:
        return gettext(self.source, self.domain)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __add__(self, other: str) -> str:
        return str(self) + other

    def __radd__(self, other: str) -> str:
        return other + str(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return (LazyText, (self.source, self.domain))


def N_(message: str) -> LazyText:
    """Mark a kernel text to translate when it is shown."""
    return LazyText(message)


def translator(domain: str) -> Callable[[str], str]:
    """A plugin's ``_``: ``_ = translator("coaching")``."""
    return lambda message: gettext(message, domain)


def lazy_translator(domain: str) -> Callable[[str], LazyText]:
    """A plugin's ``N_``."""
    return lambda message: LazyText(message, domain)


def plural_translator(domain: str) -> Callable[[str, str, int], str]:
    """A plugin's ``ngettext``: ``ngettext = plural_translator("planner")``."""
    return lambda singular, plural, count: ngettext(singular, plural, count, domain)


def member_language(config: Any, member_id: str | None) -> str:
    """The language a member reads: their own ``language``, else ``[team] language``.

    ``config`` is a ``TeamConfig`` (typed loosely: this module sits below the config models).
    """
    member = config.member(member_id) if member_id else None
    own = getattr(member, "language", None) if member is not None else None
    return str(own or config.team.language or DEFAULT_LANGUAGE)


def explicit_language(option: str | None, env: Mapping[str, str]) -> str | None:
    """The language asked for one run: ``--lang``, else ``$SALESPLAN_LANG`` (None: neither,
    the config decides)."""
    if option:
        return check_language(option, "--lang")
    if env.get(LANGUAGE_ENV):
        return check_language(env[LANGUAGE_ENV], f"${LANGUAGE_ENV}")
    return None


_NOUNS = {
    "member": N_("member"), "owner": N_("owner"), "lead": N_("lead"),
    "prospect": N_("prospect"), "pipeline": N_("pipeline"), "step": N_("step"),
}


def noun(what: str) -> str:
    """A record's kind (``"owner"`` in ``unknown owner 'zed'``) in the current language."""
    return str(_NOUNS.get(what, what))


def text_of(value: Any) -> str:
    """Any value as the text a person reads (a ``LazyText`` translated)."""
    return str(value)


def translate_mapping(values: Mapping[str, Any]) -> dict[str, str]:
    """Translate the values of a mapping (labels keyed by id)."""
    return {key: str(value) for key, value in values.items()}
