"""How much of a catalog is translated (to decide which staff UI languages are worth offering)."""

from __future__ import annotations

from app.i18n.review import catalog_path


def translated_count(code: str, domain: str) -> int:
    """Messages of ``code``'s ``domain`` catalog with a translation that is not fuzzy; 0 without a catalog."""
    from babel.messages.pofile import read_po

    path = catalog_path(code, domain)
    if not path.is_file():
        return 0
    with path.open("rb") as source:
        catalog = read_po(source)
    return sum(
        1
        for message in catalog
        if message.id
        and "fuzzy" not in message.flags
        and all(message.string if isinstance(message.string, tuple) else (message.string,))
    )
