"""The one formatter of amounts, numbers and dates a person reads: CLI tables, the TUI, the
digest.

Locale-aware through Babel, in the language of the moment (``salesplan.core.i18n``) unless a
``locale`` is given: ``money(12500.5, "EUR")`` is ``€12,500.50`` in English and
``12 500,50 €`` in French (``€12,500`` and ``12 500 €`` for a whole amount; Babel's narrow
no-break space groups the digits, a no-break space comes before the sign);
``number(1234.5)`` is ``1,234.5`` / ``1 234,5``; ``percent(0.125)`` is ``12.5 %`` /
``12,5 %``; ``long_date``, ``month_name`` and ``week_label`` give ``Tuesday, March 17, 2026`` /
``mardi 17 mars 2026``, ``March 2026`` / ``mars 2026`` and ``week 12`` / ``semaine 12``.
Amounts are rounded to their currency's digits (never ``1,080,000.01`` from float noise),
numbers to at most ``decimals`` (no trailing zeros, counts as integers). JSON and CSV never
go through here: they carry plain numbers and ISO dates.
"""

from __future__ import annotations

from datetime import date

from salesplan.core.i18n import _, current_language

DEFAULT_LOCALE = "en"


def _locale(locale: str | None) -> str:
    return locale or current_language()


def number(value: float | int, decimals: int = 1, locale: str | None = None) -> str:
    """A count as an integer (``1,234``), another number with at most ``decimals``."""
    from babel.numbers import format_decimal

    locale = _locale(locale)
    pattern = "#,##0" + ("." + "#" * decimals if decimals > 0 else "")
    return format_decimal(round(float(value), decimals), format=pattern, locale=locale)


def money(amount: float | int, currency: str = "", locale: str | None = None) -> str:
    """An amount in its currency, rounded to cents: ``€12,500``, ``€12,500.50``; without a
    currency, the number alone (a table column whose header names the currency)."""
    from babel import Locale
    from babel.numbers import format_currency, format_decimal

    locale = _locale(locale)
    rounded = round(float(amount), 2)
    whole = rounded.is_integer()
    if not currency:
        return format_decimal(rounded, format="#,##0" if whole else "#,##0.00", locale=locale)
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    if whole:
        pattern = pattern.replace(".00", "")
    return format_currency(rounded, currency, format=pattern, locale=locale,
                           currency_digits=False)


def percent(fraction: float, decimals: int = 1, locale: str | None = None) -> str:
    """A fraction as a percentage with ``decimals`` digits: ``12.5 %`` / ``12,5 %``."""
    from babel.numbers import format_decimal

    pattern = "0" + ("." + "0" * decimals if decimals > 0 else "")
    shown = format_decimal(round(float(fraction) * 100, decimals), format=pattern,
                           locale=_locale(locale))
    return f"{shown} %"


def long_date(day: date, locale: str | None = None) -> str:
    """``Tuesday, March 17, 2026`` / ``mardi 17 mars 2026``."""
    from babel.dates import format_date

    return format_date(day, format="full", locale=_locale(locale))


def short_date(day: date, locale: str | None = None) -> str:
    """``Mar 17`` / ``17 mars``: a day of the current year in a list."""
    from babel.dates import format_date

    return format_date(day, format="d MMM" if _locale(locale) == "fr" else "MMM d",
                       locale=_locale(locale))


def month_name(year: int, month: int, locale: str | None = None) -> str:
    """``March 2026`` / ``mars 2026``."""
    from babel.dates import format_date

    return format_date(date(year, month, 1), format="LLLL y", locale=_locale(locale))


def week_label(day: date) -> str:
    """The ISO week of ``day`` as people say it: ``week 12`` / ``semaine 12``."""
    return _("week {number}").format(number=day.isocalendar().week)
