"""Dates written the way each language writes them (Babel/CLDR).

Babel is imported inside each function: it is heavy, and nothing here may slow the window's start.
Digits stay Latin in every language, so dates read the same to staff and patient.
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
