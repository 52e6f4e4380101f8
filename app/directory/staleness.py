"""Which entries are overdue for re-checking: not verified within the configured number of months."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

from app.directory.model import Service


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier, clamped to the month's end (31 Aug - 6 → 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def is_stale(service: Service, *, months: int, today: dt.date | None = None) -> bool:
    """True when the entry was never verified, or last verified more than ``months`` months ago."""
    if service.last_verified is None:
        return True
    return service.last_verified < months_before(today or dt.date.today(), months)


def stale_services(services: Iterable[Service], *, months: int, today: dt.date | None = None) -> list[Service]:
    """Active entries overdue for verification (inactive ones are not offered, so are not flagged)."""
    return [s for s in services if s.active and is_stale(s, months=months, today=today)]
