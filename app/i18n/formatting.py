"""Dates and numbers written the way each language writes them (Babel/CLDR).

Babel is imported inside each function: it is heavy, and nothing here may slow the window's start.
Digits stay Latin in every language (CLDR "latn"), so dates, counts and phone numbers read the
same to staff and patient.
"""

from __future__ import annotations

import datetime as dt

from app.i18n.languages import language


def format_date(date: dt.date, language_code: str, *, length: str = "long") -> str:
    """``date`` in ``language_code`` (e.g. ``26 listopada 2026`` for ``pl``).

    Args:
        date: the date to write.
        language_code: a registry code (``pl``, ``zh_Hans``…).
        length: CLDR format length: ``short``, ``medium``, ``long`` or ``full``.
    """
    from babel.dates import format_date as babel_format_date

    return babel_format_date(date, format=length, locale=language(language_code).babel_locale)


def format_datetime(moment: dt.datetime, language_code: str, *, length: str = "medium") -> str:
    """``moment`` in ``language_code``, without converting its time zone."""
    from babel.dates import format_datetime as babel_format_datetime

    locale = language(language_code).babel_locale
    return babel_format_datetime(moment, format=length, tzinfo=moment.tzinfo, locale=locale)


def format_decimal(number: float | int, language_code: str) -> str:
    """``number`` with the language's decimal and grouping marks, in Latin digits."""
    from babel.numbers import format_decimal as babel_format_decimal

    return babel_format_decimal(number, locale=language(language_code).babel_locale, numbering_system="latn")
