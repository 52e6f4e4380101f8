"""Dates of birth typed by staff: day first, as written in the UK, checked for plausibility."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from app.errors import UsageError
from app.i18n import _

if TYPE_CHECKING:
    import datetime as dt

EARLIEST_YEAR = 1900
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-\s](\d{1,2})[/.\-\s](\d+)$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date_of_birth(text: str, *, today: dt.date | None = None) -> dt.date:
    """A date of birth from "31/01/1984" (also with "-", "." or spaces) or "1984-01-31".

    Raises:
        UsageError: with a message fit to show beside the field (wrong shape, no such date,
            a two-digit year, a date in the future or before 1900).
    """
    import datetime as dt  # here: the form is built (and painted) before anyone types a date

    value = text.strip()
    iso = _ISO.match(value)
    day_first = _DAY_FIRST.match(value)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
        year_text = iso.group(1)
    elif day_first:
        day, month, year = (int(part) for part in day_first.groups())
        year_text = day_first.group(3)
    else:
        raise UsageError(_("Type the date of birth as day/month/year, for example 31/01/1984."))
    if len(year_text) != 4:
        raise UsageError(_("Type the year in full, for example 1984."))
    try:
        born = dt.date(year, month, day)
    except ValueError:
        raise UsageError(_("There is no such date. Please check the day and the month.")) from None
    if born > (today or dt.date.today()):
        raise UsageError(_("The date of birth cannot be in the future."))
    if born.year < EARLIEST_YEAR:
        raise UsageError(_("The date of birth cannot be before {year}.").format(year=EARLIEST_YEAR))
    return born
