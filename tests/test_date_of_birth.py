"""Dates of birth: day-first UK input, full years only, not in the future, not before 1900."""

from __future__ import annotations

import datetime as dt

import pytest

from app.errors import UsageError
from app.records.date_of_birth import parse_date_of_birth

TODAY = dt.date(2026, 11, 26)


@pytest.mark.parametrize("typed", ["31/01/1984", "31-01-1984", "31.1.1984", "31 01 1984", "1984-01-31"])
def test_day_first_and_iso_dates(typed: str) -> None:
    assert parse_date_of_birth(typed, today=TODAY) == dt.date(1984, 1, 31)


def test_today_and_first_of_1900_are_the_limits() -> None:
    assert parse_date_of_birth("26/11/2026", today=TODAY) == TODAY
    assert parse_date_of_birth("01/01/1900", today=TODAY) == dt.date(1900, 1, 1)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("27/11/2026", "cannot be in the future"),
        ("31/12/1899", "cannot be before 1900"),
        ("31/01/84", "year in full"),
        ("30/02/1990", "no such date"),
        ("01/13/1990", "no such date"),
        ("January 1984", "day/month/year"),
        ("", "day/month/year"),
    ],
)
def test_bad_dates_say_what_is_wrong(typed: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_date_of_birth(typed, today=TODAY)
