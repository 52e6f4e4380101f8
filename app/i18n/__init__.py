"""gettext domains, the staff UI language and translation helpers.

Two domains: ``ui`` (staff-facing) and ``leaflet`` (patient-facing). ``_()`` translates into the
current staff UI language at call time, so a live language switch only needs widgets to re-read
their texts. Leaflet text never goes through ``_()``: it takes its language explicitly.

The language registry (``LANGUAGES``, ``language()``), catalog review status (``review_status()``)
and Babel locale formatting (``format_date()`` …) live in submodules and are re-exported here.
"""

from __future__ import annotations

import gettext
import importlib
import os
from functools import cache
from typing import TYPE_CHECKING

from app.i18n.domains import DOMAINS, LEAFLET_DOMAIN, UI_DOMAIN
from app.paths import locales_dir

if TYPE_CHECKING:
    from app.i18n.formatting import format_date
    from app.i18n.languages import LANGUAGES, PSEUDO, Language, language, language_codes
    from app.i18n.review import REVIEWED, SOURCE, UNREVIEWED, ReviewStatus, catalog_path, review_status

# The submodules' names are imported on first use: the GUI's first paint needs only ``_()``, and
# the registry, review status and their imports (ast, dataclasses) cost it a few milliseconds.
_FROM_SUBMODULE = {
    "format_date": "app.i18n.formatting",
    **dict.fromkeys(("LANGUAGES", "PSEUDO", "Language", "language", "language_codes"), "app.i18n.languages"),
    **dict.fromkeys(
        ("REVIEWED", "SOURCE", "UNREVIEWED", "ReviewStatus", "catalog_path", "review_status"), "app.i18n.review"
    ),
}


def __getattr__(name: str) -> object:
    if name not in _FROM_SUBMODULE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_FROM_SUBMODULE[name]), name)
    globals()[name] = value
    return value


__all__ = [
    "DOMAINS",
    "LANGUAGES",
    "LEAFLET_DOMAIN",
    "PSEUDO",
    "PSEUDO_LOCALE_ENV",
    "REVIEWED",
    "SOURCE",
    "UI_DOMAIN",
    "UNREVIEWED",
    "Language",
    "N_",
    "ReviewStatus",
    "_",
    "catalog_path",
    "format_date",
    "language",
    "language_codes",
    "ngettext",
    "pseudo_locale_requested",
    "review_status",
    "set_ui_language",
    "translations",
    "ui_language",
]

PSEUDO_LOCALE_ENV = "SIGNPOST_PSEUDO_LOCALE"

_ui_language = "en"


@cache
def translations(domain: str, language: str) -> gettext.NullTranslations:
    """Compiled catalog for one domain and language; English (the source text) when none exists."""
    if language in ("en", "en_GB"):
        return gettext.NullTranslations()
    return gettext.translation(domain, localedir=str(locales_dir()), languages=[language], fallback=True)


def set_ui_language(language: str) -> None:
    """Switch the staff UI language; callers then re-read their texts."""
    global _ui_language
    _ui_language = language


def ui_language() -> str:
    return _ui_language


def pseudo_locale_requested() -> bool:
    """True when ``SIGNPOST_PSEUDO_LOCALE`` asks for the pseudo-locale (any value but empty or 0)."""
    return os.environ.get(PSEUDO_LOCALE_ENV, "").strip() not in ("", "0")


def _(message: str) -> str:
    """Translate a staff UI string into the current UI language."""
    return translations(UI_DOMAIN, _ui_language).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(UI_DOMAIN, _ui_language).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where it is shown."""
    return message
