"""How much of a PO catalog is translated, measured against its template (``signpost languages``, the checks).

Counted from the ``.po`` source, as the catalog checks count it: a message is translated when it is not
fuzzy and every form (each plural form too) has a translation. A template message missing from the
catalog (not yet merged by ``make update``) counts as untranslated; so does every message of a catalog that
cannot be read (the app cannot use it either). Babel is imported only when counting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.i18n.review import catalog_path
from app.paths import locales_dir

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

MessageId = str | tuple[str, ...]


@dataclass(frozen=True)
class Coverage:
    """``translated`` of the ``total`` messages a catalog should hold."""

    translated: int
    total: int

    @property
    def complete(self) -> bool:
        return self.translated >= self.total


def read_catalog(path: Path) -> Catalog:
    """A PO file as Babel reads it; ``PoFileError`` for a malformed one (Babel would otherwise print warnings
    to standard output, into the middle of a command's output)."""
    from babel.messages.pofile import read_po

    with path.open("rb") as source:
        return read_po(source, abort_invalid=True)


def _readable(path: Path) -> Catalog | None:
    from babel.messages.pofile import PoFileError

    try:
        return read_catalog(path)
    except (OSError, PoFileError, ValueError):
        return None


def message_ids(catalog: Catalog) -> list[MessageId]:
    """The ids of a catalog's messages (not the header), in order."""
    return [message.id for message in catalog if message.id]


def untranslated(catalog: Catalog, wanted: Sequence[MessageId] | None = None) -> list[str]:
    """The ``wanted`` messages (default: the catalog's own) that ``catalog`` does not translate, by English text."""
    done = {
        message.id
        for message in catalog
        if message.id
        and "fuzzy" not in message.flags
        and all(message.string if isinstance(message.string, tuple) else (message.string,))
    }
    ids = message_ids(catalog) if wanted is None else wanted
    return [msgid if isinstance(msgid, str) else msgid[0] for msgid in ids if msgid not in done]


def template_ids(domain: str) -> list[MessageId] | None:
    """The messages of ``locales/<domain>.pot``; ``None`` when there is no readable template (each catalog then
    counts against its own messages)."""
    template = _readable(locales_dir() / f"{domain}.pot")
    return None if template is None else message_ids(template)


def coverage(code: str, domain: str, wanted: Sequence[MessageId] | None = None) -> Coverage:
    """How much of ``code``'s ``domain`` catalog is translated, against ``wanted`` (see ``template_ids``).

    A language without a catalog has translated nothing.
    """
    catalog = _readable(catalog_path(code, domain))
    if catalog is None:
        return Coverage(0, len(wanted or ()))
    ids = message_ids(catalog) if wanted is None else wanted
    return Coverage(len(ids) - len(untranslated(catalog, ids)), len(ids))
