"""Whether a qualified translator has checked a catalog, as recorded in its PO header.

Convention (docs/translations.md): the header of ``locales/<code>/LC_MESSAGES/<domain>.po`` carries

    "X-Review-Status: reviewed\\n"        (or "unreviewed")
    "X-Reviewed-By: Name, qualification\\n"
    "X-Reviewed-On: 2026-11-20\\n"

A catalog without these fields, with an unknown status, or marked reviewed without both who and when,
counts as unreviewed (tests/test_catalogs.py reports the malformed ones). English is the source text.
The header is read from the ``.po`` file because Babel drops ``X-`` fields when it writes a ``.mo``.
"""

from __future__ import annotations

import ast
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from app.i18n.domains import LEAFLET_DOMAIN
from app.paths import locales_dir

SOURCE = "source"
REVIEWED = "reviewed"
UNREVIEWED = "unreviewed"

STATUS_FIELD = "X-Review-Status"
BY_FIELD = "X-Reviewed-By"
ON_FIELD = "X-Reviewed-On"
REVIEW_FIELDS = (STATUS_FIELD, BY_FIELD, ON_FIELD)


@dataclass(frozen=True)
class ReviewStatus:
    """Review state of one catalog: ``source`` (English), ``reviewed`` or ``unreviewed``."""

    state: str
    reviewed_by: str = ""
    reviewed_on: dt.date | None = None

    @property
    def needs_notice(self) -> bool:
        """True when text in this language must carry the "not yet checked by a translator" notice."""
        return self.state == UNREVIEWED

    def describe(self) -> str:
        """One line for people: ``reviewed by A. Translator on 2026-11-20``, ``unreviewed``, ``source``."""
        if self.state == REVIEWED and self.reviewed_on is not None:
            return f"reviewed by {self.reviewed_by} on {self.reviewed_on.isoformat()}"
        return self.state


def catalog_path(code: str, domain: str) -> Path:
    """Where the PO catalog for ``code`` and ``domain`` lives (it may not exist)."""
    return locales_dir() / code / "LC_MESSAGES" / f"{domain}.po"


def read_header(path: Path) -> dict[str, str]:
    """The PO header fields (``{"Language": "pl", ...}``) of one catalog; empty when it has none.

    Only the header entry (``msgid ""``) is read, so this is quick on large catalogs.
    """
    parts: list[str] = []
    state = "before"
    with path.open(encoding="utf-8") as lines:
        for raw in lines:
            line = raw.strip()
            if state == "before":
                if line == 'msgid ""':
                    state = "msgid"
                elif line.startswith("msgid "):
                    return {}
            elif state == "msgid":
                if line.startswith("msgstr "):
                    parts.append(ast.literal_eval(line[len("msgstr ") :]))
                    state = "msgstr"
                elif not line.startswith('"'):
                    return {}
            elif line.startswith('"'):
                parts.append(ast.literal_eval(line))
            else:
                break
    fields: dict[str, str] = {}
    for entry in "".join(parts).splitlines():
        name, sep, value = entry.partition(":")
        if sep:
            fields[name.strip()] = value.strip()
    return fields


def status_from_header(fields: dict[str, str]) -> ReviewStatus:
    """Interpret the review fields of a header; anything incomplete or unknown is unreviewed."""
    if fields.get(STATUS_FIELD, "").lower() != REVIEWED:
        return ReviewStatus(UNREVIEWED)
    by = fields.get(BY_FIELD, "")
    try:
        on = dt.date.fromisoformat(fields.get(ON_FIELD, ""))
    except ValueError:
        return ReviewStatus(UNREVIEWED)
    if not by:
        return ReviewStatus(UNREVIEWED)
    return ReviewStatus(REVIEWED, by, on)


def review_status(code: str, domain: str = LEAFLET_DOMAIN) -> ReviewStatus:
    """Review status of one catalog; English is the source, a missing catalog is unreviewed."""
    if code in ("en", "en_GB"):
        return ReviewStatus(SOURCE)
    path = catalog_path(code, domain)
    if not path.is_file():
        return ReviewStatus(UNREVIEWED)
    return status_from_header(read_header(path))
