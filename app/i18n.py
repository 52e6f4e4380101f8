"""gettext domains, the staff UI language and translation helpers.

Two domains: ``ui`` (staff-facing) and ``leaflet`` (patient-facing). ``_()`` translates into the
current staff UI language at call time, so a live language switch only needs widgets to re-read
their texts. Leaflet text never goes through ``_()``: it takes its language explicitly.
"""

from __future__ import annotations

import gettext
from functools import lru_cache

from app.paths import locales_dir

UI_DOMAIN = "ui"
LEAFLET_DOMAIN = "leaflet"

_ui_language = "en"


@lru_cache(maxsize=None)
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


def _(message: str) -> str:
    """Translate a staff UI string into the current UI language."""
    return translations(UI_DOMAIN, _ui_language).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(UI_DOMAIN, _ui_language).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where it is shown."""
    return message
