"""Leaflet fonts: which file serves which script, registered with ReportLab once per process, on first use.

Script fonts (Arabic, Indic) carry no Latin letters, so text is split into runs by script
(``script_runs``) and every run names one of the font keys below.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.leaflets.errors import LeafletFontError
from app.paths import resources_dir

LATIN = "latin"
LATIN_BOLD = "latin-bold"
ARABIC = "arabic"
URDU = "urdu"
BENGALI = "bengali"
GURMUKHI = "gurmukhi"
GUJARATI = "gujarati"
TAMIL = "tamil"
CJK = "cjk"
CJK_BOLD = "cjk-bold"
ARABIC_BOLD = "arabic-bold"
URDU_BOLD = "urdu-bold"
BENGALI_BOLD = "bengali-bold"
GURMUKHI_BOLD = "gurmukhi-bold"
GUJARATI_BOLD = "gujarati-bold"
TAMIL_BOLD = "tamil-bold"


@dataclass(frozen=True)
class FontFile:
    key: str
    file: str
    subfont_index: int = 0


FONT_FILES: dict[str, FontFile] = {
    f.key: f
    for f in (
        FontFile(LATIN, "NotoSans-Regular.ttf"),
        FontFile(LATIN_BOLD, "NotoSans-Bold.ttf"),
        FontFile(ARABIC, "NotoNaskhArabic-Regular.ttf"),
        FontFile(URDU, "NotoNastaliqUrdu-Regular.ttf"),
        FontFile(BENGALI, "NotoSansBengali-Regular.ttf"),
        FontFile(GURMUKHI, "NotoSansGurmukhi-Regular.ttf"),
        FontFile(GUJARATI, "NotoSansGujarati-Regular.ttf"),
        FontFile(TAMIL, "NotoSansTamil-Regular.ttf"),
        FontFile(ARABIC_BOLD, "NotoNaskhArabic-Bold.ttf"),
        FontFile(URDU_BOLD, "NotoNastaliqUrdu-Bold.ttf"),
        FontFile(BENGALI_BOLD, "NotoSansBengali-Bold.ttf"),
        FontFile(GURMUKHI_BOLD, "NotoSansGurmukhi-Bold.ttf"),
        FontFile(GUJARATI_BOLD, "NotoSansGujarati-Bold.ttf"),
        FontFile(TAMIL_BOLD, "NotoSansTamil-Bold.ttf"),
        FontFile(CJK, "wqy-microhei.ttc", subfont_index=0),
    )
}

# The font that sets each leaflet language's own script; every other language is Latin or Cyrillic.
LANGUAGE_FONT: dict[str, str] = {
    "ar": ARABIC,
    "fa": ARABIC,
    "ur": URDU,
    "bn": BENGALI,
    "pa": GURMUKHI,
    "gu": GUJARATI,
    "ta": TAMIL,
    "zh_Hans": CJK,
}

# Bold faces drawn from a regular font's outlines, thickened by a stroke (``synthetic_bold``): WenQuanYi has no
# bold face, and Chinese headings set in the regular weight did not stand out from the text under them.
SYNTHETIC_BOLD: dict[str, str] = {CJK_BOLD: CJK}

# The bold face of a script font, for headings, service names and phone numbers.
BOLD_FACE: dict[str, str] = {
    LATIN: LATIN_BOLD,
    ARABIC: ARABIC_BOLD,
    URDU: URDU_BOLD,
    BENGALI: BENGALI_BOLD,
    GURMUKHI: GURMUKHI_BOLD,
    GUJARATI: GUJARATI_BOLD,
    TAMIL: TAMIL_BOLD,
    CJK: CJK_BOLD,
}

_lock = threading.Lock()
_registered: set[str] = set()


def language_font(language: str) -> str:
    return LANGUAGE_FONT.get(language, LATIN)


def is_rtl(code: str) -> bool:
    from app.i18n import language

    return language(code).is_rtl


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


def font_name(key: str) -> str:
    """The name a font key is registered under in ReportLab (used in ``<font name=...>``)."""
    return f"Signpost-{key}"


def bold_face(key: str) -> str:
    """The key of ``key``'s bold face, or ``key`` itself for a font with none."""
    return BOLD_FACE.get(key, key)


def register(keys: set[str] | frozenset[str]) -> None:
    """Register the fonts for ``keys`` and their bold faces with ReportLab, once per process; missing files raise
    ``LeafletFontError``."""
    with _lock:
        wanted = {*keys, *(bold_face(key) for key in keys)}
        wanted |= {SYNTHETIC_BOLD[key] for key in wanted if key in SYNTHETIC_BOLD}
        for key in sorted(wanted - _registered, key=lambda key: (key in SYNTHETIC_BOLD, key)):  # regular fonts first
            if key in SYNTHETIC_BOLD:
                _register_synthetic_bold(key)
            else:
                _register_one(FONT_FILES[key])
            _registered.add(key)


def _register_one(font: FontFile) -> None:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    path = fonts_dir() / font.file
    if not path.is_file():
        raise LeafletFontError(path, "is missing")
    try:
        ttf = TTFont(font_name(font.key), str(path), subfontIndex=font.subfont_index)
    except (TTFError, OSError) as exc:
        raise LeafletFontError(path, f"cannot be read: {exc}") from exc
    pdfmetrics.registerFont(ttf)
    # <b> inside mixed-script markup: the bold face where the script has one, else the regular one.
    bold = font_name(bold_face(font.key))
    name = font_name(font.key)
    addMapping(name, 0, 0, name)
    addMapping(name, 1, 0, bold)
    addMapping(name, 0, 1, name)
    addMapping(name, 1, 1, bold)


def _register_synthetic_bold(key: str) -> None:
    """Register ``key`` as another name for its regular font: the same embedded subsets, drawn stroked."""
    from types import SimpleNamespace

    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics

    regular = pdfmetrics.getFont(font_name(SYNTHETIC_BOLD[key]))
    # ReportLab registers a second name for a TrueType face it already has as that same font object.
    pdfmetrics.registerFont(SimpleNamespace(fontName=font_name(key), face=regular.face, _dynamicFont=True,
                                            _multiByte=False))
    if pdfmetrics.getFont(font_name(key)) is not regular:
        raise RuntimeError(f"ReportLab did not register {font_name(key)} as another name for {regular.fontName}")
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(font_name(key), bold, italic, font_name(key))


@cache
def coverage(key: str) -> frozenset[int]:
    """Code points a registered font has glyphs for."""
    from reportlab.pdfbase import pdfmetrics

    register({key})
    return frozenset(pdfmetrics.getFont(font_name(key)).face.charToGlyph)
