"""Finding services by what staff type: words of the name, summary, area or category, or the digits of a number."""

from __future__ import annotations

from collections.abc import Iterable

from app.directory.model import Service

MIN_NUMBER_DIGITS = 3  # fewer digits would match nearly every phone number


def matches(service: Service, text: str) -> bool:
    """True when ``text`` (any case) is part of the service's name, summary, area or a category, or, typed as
    digits alone (spaces allowed), part of its phone or text number."""
    needle = text.casefold().strip()
    if not needle:
        return True
    words = " ".join([service.name, service.summary, service.area, *service.categories]).casefold()
    if needle in words.replace("_", " "):
        return True
    digits = needle.replace(" ", "")
    if len(digits) < MIN_NUMBER_DIGITS or not digits.isdigit():
        return False
    numbers = ("".join(ch for ch in number if ch.isdigit()) for number in (service.phone, service.text_number))
    return any(digits in number for number in numbers)


def search(services: Iterable[Service], text: str) -> list[Service]:
    """The services that match ``text``, in the order given."""
    return [service for service in services if matches(service, text)]
