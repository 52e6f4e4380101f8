"""Finding services by what staff type: words of the name, summary, area or category, or the digits of a number."""

from __future__ import annotations

from collections.abc import Iterable

from app.directory.model import CATEGORY_LABELS, Service
from app.i18n import _

MIN_NUMBER_DIGITS = 3  # fewer digits would match nearly every phone number


def matches(service: Service, text: str) -> bool:
    """True when ``text`` (any case) is part of the service's name, summary, area or a category (its id or the
    label staff see), or, typed as digits alone (spaces allowed, +44 for 0), part of its phone or text number."""
    needle = text.casefold().strip().replace("_", " ")
    if not needle:
        return True
    labels = [_(CATEGORY_LABELS[c]) for c in service.categories if c in CATEGORY_LABELS]  # as staff see them
    words = " ".join([service.name, service.summary, service.area, *service.categories, *labels]).casefold()
    if needle in words.replace("_", " "):
        return True
    digits = needle.replace(" ", "")
    if digits.startswith("+44"):  # a UK number written for callers from abroad: 0 in place of +44
        digits = "0" + digits[3:]
    if len(digits) < MIN_NUMBER_DIGITS or not digits.isdigit():
        return False
    numbers = ("".join(ch for ch in number if ch.isdigit()) for number in (service.phone, service.text_number))
    return any(digits in number for number in numbers)


def search(services: Iterable[Service], text: str) -> list[Service]:
    """The services that match ``text``, in the order given."""
    return [service for service in services if matches(service, text)]
