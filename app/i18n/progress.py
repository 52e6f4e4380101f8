"""How much of a catalog is translated (to decide which staff UI languages are worth offering).

Read from the compiled ``.mo`` file, which is what the app actually uses, in the GNU gettext format
(magic, revision, message count, then tables of (length, offset) pairs). ``pybabel compile`` leaves
out fuzzy and untranslated messages, except untranslated plurals, which it fills with the English
forms, so each translation is compared with its source. No Babel import: this runs while the window
is up.
"""

from __future__ import annotations

import struct
from pathlib import Path

from app.i18n.review import catalog_path

_MAGIC = {b"\xde\x12\x04\x95": "<", b"\x95\x04\x12\xde": ">"}


def translated_count(code: str, domain: str) -> int:
    """Translated messages in ``code``'s compiled ``domain`` catalog; 0 when it is not compiled."""
    return translated_in(catalog_path(code, domain).with_suffix(".mo"))


def translated_in(mo: Path) -> int:
    """Messages of a compiled catalog whose translation is not just the English source."""
    try:
        data = mo.read_bytes()
    except OSError:
        return 0
    order = _MAGIC.get(data[:4])
    if order is None:
        return 0
    count, originals, translations = struct.unpack(f"{order}3I", data[8:20])
    translated = 0
    for n in range(count):
        source = _entry(data, order, originals + 8 * n).split(b"\0")
        forms = _entry(data, order, translations + 8 * n).split(b"\0")
        if source != [b""] and not all(form in (*source, b"") for form in forms):  # skip the header
            translated += 1
    return translated


def _entry(data: bytes, order: str, at: int) -> bytes:
    length, offset = struct.unpack(f"{order}2I", data[at : at + 8])
    return data[offset : offset + length]
