"""Leaflet text in a patient's language: the ``L_`` extraction marker and the compiled ``leaflet`` catalogs.

Patient text is written in English in ``app/leaflets`` and marked with ``L_("...")``; Babel extracts
it into ``locales/leaflet.pot`` (keyword ``L_``, domain ``leaflet``). A leaflet takes its language
explicitly and never reads the staff UI language.
"""

from __future__ import annotations

import gettext
import struct
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.i18n import LEAFLET_DOMAIN, language, review_status
from app.leaflets.errors import LeafletCatalogError
from app.paths import locales_dir


def L_(message: str) -> str:  # noqa: N802 - the gettext-style marker Babel extracts for the leaflet domain
    """Mark English patient text for the ``leaflet`` catalog; it is translated where the leaflet is built."""
    return message


@dataclass(frozen=True)
class LeafletCatalog:
    """One language's leaflet translations and whether a qualified translator has reviewed them."""

    language: str
    translations: gettext.NullTranslations
    reviewed: bool

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)


def catalog_path(code: str) -> Path:
    return locales_dir() / code / "LC_MESSAGES" / f"{LEAFLET_DOMAIN}.mo"


@cache
def load_catalog(code: str) -> LeafletCatalog:
    """The compiled leaflet catalog for ``code``; English is the source text and needs none.

    The review status comes from the ``.po`` header (``app.i18n.review_status``).

    Raises:
        UsageError: ``code`` is not a Signpost language.
        LeafletCatalogError: the ``.mo`` file is missing or unreadable (the message names it).
    """
    language(code)
    if code == "en":
        return LeafletCatalog("en", gettext.NullTranslations(), reviewed=True)
    path = catalog_path(code)
    if not path.is_file():
        raise LeafletCatalogError(code, path, "is missing")
    try:
        with path.open("rb") as handle:
            translations = gettext.GNUTranslations(handle)
    except (OSError, ValueError, struct.error) as exc:  # a cut-short file fails to unpack: struct.error
        raise LeafletCatalogError(code, path, f"cannot be read: {exc}") from exc
    return LeafletCatalog(code, translations, reviewed=not review_status(code, LEAFLET_DOMAIN).needs_notice)
