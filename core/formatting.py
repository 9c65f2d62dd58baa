"""The one formatter of amounts and numbers a person reads: CLI tables, the TUI, the digest.

Locale-aware through Babel: ``money(12500.5, "EUR")`` is ``€12,500.50`` in English and
``12 500,50 €`` in French (``€12,500`` and ``12 500 €`` for a whole amount);
``number(1234.5)`` is ``1,234.5`` / ``1 234,5``. Amounts are
rounded to their currency's digits (never ``1,080,000.01`` from float noise), numbers to at
most ``decimals`` (no trailing zeros, counts as integers). JSON and CSV never go through here:
they carry plain numbers.
"""

from __future__ import annotations

DEFAULT_LOCALE = "en"


def number(value: float | int, decimals: int = 1, locale: str = DEFAULT_LOCALE) -> str:
    """A count as an integer (``1,234``), another number with at most ``decimals``."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "#" * decimals if decimals > 0 else "")
    return format_decimal(round(float(value), decimals), format=pattern, locale=locale)


def money(amount: float | int, currency: str = "", locale: str = DEFAULT_LOCALE) -> str:
    """An amount in its currency, rounded to cents: ``€12,500``, ``€12,500.50``; without a
    currency, the number alone (a table column whose header names the currency)."""
    from babel import Locale
    from babel.numbers import format_currency, format_decimal

    rounded = round(float(amount), 2)
    whole = rounded.is_integer()
    if not currency:
        return format_decimal(rounded, format="#,##0" if whole else "#,##0.00", locale=locale)
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    if whole:
        pattern = pattern.replace(".00", "")
    return format_currency(rounded, currency, format=pattern, locale=locale,
                           currency_digits=False)
