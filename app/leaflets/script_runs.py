"""Split text into runs by script so each run is set in a font that has its glyphs.

Script fonts have no Latin letters, so "call Drinkline on 0300 123 1110" inside a Bengali sentence
needs Noto Sans for the Latin part. Neutral characters (spaces, digits, punctuation) stay in the
run they sit in when its font has them, else they go to Noto Sans. Output is ReportLab Paragraph
markup built from escaped text, so plain text from the directory is never read as markup.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from xml.sax.saxutils import escape

from app.leaflets.fonts import ARABIC, BENGALI, CJK, GUJARATI, GURMUKHI, LATIN, TAMIL, URDU, font_name, register

NBSP = "\u00a0"
JOINERS = frozenset("\u200c\u200d")  # ZWNJ/ZWJ shape the letters around them: keep them in their run

_BLOCKS: tuple[tuple[int, int, str], ...] = (
    (0x0600, 0x06FF, ARABIC),
    (0x0750, 0x077F, ARABIC),
    (0x08A0, 0x08FF, ARABIC),
    (0xFB50, 0xFDFF, ARABIC),
    (0xFE70, 0xFEFF, ARABIC),
    (0x0980, 0x09FF, BENGALI),
    (0x0A00, 0x0A7F, GURMUKHI),
    (0x0A80, 0x0AFF, GUJARATI),
    (0x0B80, 0x0BFF, TAMIL),
    (0x2E80, 0x2FDF, CJK),
    (0x3000, 0x303F, CJK),
    (0x3040, 0x9FFF, CJK),
    (0xF900, 0xFAFF, CJK),
    (0xFE30, 0xFE4F, CJK),
    (0xFF00, 0xFFEF, CJK),
    (0xAC00, 0xD7AF, CJK),  # Hangul syllables: WenQuanYi has them
)


def _any_character_of(*keys: str) -> re.Pattern[str]:
    """A pattern matching any character of the blocks above set in the fonts ``keys``."""
    return re.compile("[" + "".join(f"{chr(start)}-{chr(end)}" for start, end, key in _BLOCKS if key in keys) + "]")


# Any character of the Arabic script (Arabic, Persian, Urdu letters, their digits and signs).
ARABIC_SCRIPT = _any_character_of(ARABIC)
# Any character of a script HarfBuzz must shape for its vowel signs and conjuncts to sit in place.
INDIC_SCRIPT = _any_character_of(BENGALI, GURMUKHI, GUJARATI, TAMIL)


@lru_cache(maxsize=8192)
def script_font(char: str, arabic_font: str = ARABIC) -> str | None:
    """The font key a character's script demands, or None for neutral characters (spaces, digits, punctuation)."""
    code = ord(char)
    for start, end, key in _BLOCKS:
        if start <= code <= end:
            return arabic_font if key == ARABIC else key
    if unicodedata.category(char).startswith("L"):
        return LATIN
    return None


def unprintable(text: str) -> str:
    """The characters of ``text`` that no leaflet font has (each once, in order; spaces aside): printed, they
    would be left out or drawn as empty boxes."""
    from app.leaflets.fonts import coverage

    missing = [
        char for char in dict.fromkeys(text)
        if not char.isspace() and char not in JOINERS
        and ord(char) not in coverage(script_font(char) or LATIN) and ord(char) not in coverage(LATIN)
    ]
    return "".join(missing)


def runs(
    text: str,
    *,
    base: str,
    covers: Callable[[str, str], bool],
) -> list[tuple[str, str]]:
    """Split ``text`` into ``(font_key, text)`` runs.

    Args:
        text: plain text in any mix of scripts.
        base: the font key of the paragraph's language (Arabic script maps to it when it is Urdu).
        covers: ``covers(font_key, char)`` says whether a font has a glyph for a character.

    Returns:
        Runs in logical order; adjacent runs in the same font are merged.
    """
    arabic_font = URDU if base == URDU else ARABIC
    out: list[tuple[str, str]] = []
    current = base
    for char in text:
        key = script_font(char, arabic_font)
        if key is None:
            if char in JOINERS:
                key = current
            elif unicodedata.category(char) == "Cf":
                continue  # an invisible format mark (e.g. right-to-left): some fonts draw it as a hook
            elif covers(current, char):
                key = current
            else:
                key = LATIN
        current = key
        if out and out[-1][0] == key:
            out[-1] = (key, out[-1][1] + char)
        else:
            out.append((key, char))
    return out


@lru_cache(maxsize=8192)
def markup(
    text: str,
    *,
    base: str,
    covers: Callable[[str, str], bool],
    unbreakable: bool = False,
    bold: bool = False,
) -> str:
    """Escaped ReportLab markup for ``text`` with a ``<font>`` span per script run.

    ``unbreakable`` joins words with no-break spaces (phone numbers, URLs, service names). ``bold`` sets
    each run in its font's bold face where it has one: ``<b>`` goes inside each ``<font>``, since ReportLab
    keeps a named font's regular face for ``<b>`` outside it. Kept per process: leaflets repeat the same
    sentences and directory entries.
    """
    if unbreakable:
        text = text.replace(" ", NBSP)
    return "".join(font_span(key, chunk, bold=bold) for key, chunk in runs(text, base=base, covers=covers))


def font_span(key: str, text: str, *, bold: bool = False) -> str:
    """Markup setting plain ``text`` in the font ``key`` names (``<b>`` inside the ``<font>``: see ``markup``).

    The font (and its bold face) is registered with ReportLab here, where markup first names it: text typed
    into the directory may be in any script, not only the leaflet language's.
    """
    register({key})
    # A line break typed in the directory (an address over two lines) stays a line break.
    body = escape(text).replace(chr(10), "<br/>")
    return f'<font name="{font_name(key)}">{f"<b>{body}</b>" if bold else body}</font>'

