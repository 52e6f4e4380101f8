"""A service in the directory, as stored, edited, imported and printed on leaflets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.i18n import N_

CATEGORIES = (
    "alcohol",
    "drugs",
    "tobacco",
    "mental_health",
    "co_occurring",
    "crisis",
    "family",
    "legal",
)

# What staff see for each category, in the directory editor, the services panel and the services leaflet's
# chooser alike (one wording, translated in the ``ui`` catalog).
CATEGORY_LABELS = {
    "alcohol": N_("Alcohol"),
    "drugs": N_("Drugs"),
    "tobacco": N_("Smoking and tobacco"),
    "mental_health": N_("Mental health"),
    "co_occurring": N_("Co-occurring (with mental health)"),
    "crisis": N_("Crisis and urgent help"),
    "family": N_("Family and friends"),
    "legal": N_("Legal advice"),
}


@dataclass(frozen=True)
class Source:
    """A public page a fact about a service was read from (kept for the admin, never printed)."""

    url: str
    date: str = ""
    note: str = ""


@dataclass(frozen=True)
class Service:
    """One service. Text fields are plain text everywhere: never interpreted as markup.

    ``do_not_print`` lists outdated or wrong contact details seen in circulation: the editor
    refuses them and nothing printed may show them. ``sources`` and ``confidence`` are for the
    admin who verifies the entry.
    """

    id: str
    name: str
    summary: str
    categories: tuple[str, ...]
    phone: str = ""
    phone_note: str = ""
    text_number: str = ""
    text_note: str = ""
    email: str = ""
    website: str = ""
    address: str = ""
    hours: str = ""
    self_referral: bool | None = None
    languages: tuple[str, ...] = ()
    area: str = ""
    national: bool = False
    last_verified: dt.date | None = None
    verified_by: str = ""
    active: bool = True
    sources: tuple[Source, ...] = ()
    do_not_print: tuple[str, ...] = ()
    confidence: str = ""
