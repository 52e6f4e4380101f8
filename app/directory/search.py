"""Finding services by what staff type: words of the name, summary, area or category, or the digits of a number."""

from __future__ import annotations

from collections.abc import Iterable

from app.directory.model import CATEGORY_LABELS, Service
from app.directory.validation import phone_digits
from app.i18n import _

MIN_NUMBER_DIGITS = 3  # fewer digits would match nearly every phone number


def matches(service: Service, text: str) -> bool:
    """True when ``text`` (any case) is part of the service's name, summary, area or a category (its id or the
    label staff see), or, typed as digits alone (spaces allowed, +44 for 0), part of its phone or text number."""
    if not text.strip():
        return True
    needle = text.casefold().replace("_", " ").strip()
    if not needle:
        return False  # underscores alone: no words to look for
    labels = [_(CATEGORY_LABELS[c]) for c in service.categories if c in CATEGORY_LABELS]  # as staff see them
    words = " ".join([service.name, service.summary, service.area, *service.categories, *labels]).casefold()
    if needle in words.replace("_", " "):
        return True
    digits = national_digits(needle)
    if digits is None or len(digits) < MIN_NUMBER_DIGITS:
        return False
    return any(digits in (national_digits(number) or "") for number in (service.phone, service.text_number))


def national_digits(number: str) -> str | None:
    """The digits of a UK number as dialled at home ("+44 (0)113 496-0000" is "01134960000"); ``None`` for text
    that is not a number."""
    compact = phone_digits(number)
    if compact.startswith("+44"):
        compact = "0" + compact[3:].removeprefix("0")
    return compact if compact.isdigit() else None


def search(services: Iterable[Service], text: str) -> list[Service]:
    """The services that match ``text``, in the order given."""
    return [service for service in services if matches(service, text)]
