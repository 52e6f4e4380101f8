"""Text that can be copied, searched and read aloud from the PDF, for shaped Indic words.

HarfBuzz turns a Bengali, Gurmukhi, Gujarati or Tamil word into glyphs in the order they are drawn: a vowel
sign written before its consonant comes first, a conjunct is one glyph, and many forms have no character of
their own, which ReportLab's font subsets map to private-use characters. Text taken out of the PDF (copied,
searched, or read by a screen reader) then came out scrambled or as boxes, and PDFium split some words whose
glyphs it could read. Each shaped word is drawn inside a marked-content span whose ``/ActualText``
(ISO 32000-1, 14.9.4) holds the word's own letters; PDFium (Chrome, Edge) and Poppler both give those instead
of the glyphs.

Right-to-left words (and Arabic-script digits, which HarfBuzz sets right to left too) in Naskh are left as
they are: their glyphs are Unicode presentation forms, which readers put into reading order themselves, and an
ActualText there came out backwards in both readers. Urdu's Nastaliq glyphs are shapes shared by several
letters plus separate dots, with no characters of their own, so without a span Urdu copied as private-use
characters in every reader. Its words get spans too: PDFium (Chrome, Edge) gives their letters in reading
order; Poppler still reverses each word's letters, as it does any right-to-left ActualText.

``annotate`` marks the first glyph of a shaped word with the word's letters and glyph count (the mark rides
along when ReportLab joins the words of a line into one string); ``install`` makes ReportLab's text objects
draw each marked word inside its span, once per process.
"""

from __future__ import annotations

import unicodedata
from functools import cache, wraps
from typing import Any

from app.leaflets.fonts import URDU, URDU_BOLD, font_name
from app.leaflets.script_runs import ARABIC_SCRIPT

_RIGHT_TO_LEFT = ("R", "AL")
# Right-to-left fonts whose words are spelled out in spans, by ReportLab font name.
SPELLED_RTL_FONTS = frozenset(font_name(key) for key in (URDU, URDU_BOLD))


@cache
def _word_start() -> type:
    """The glyph data of a word's first glyph, with the word's letters (``source``) and its glyph count."""
    from reportlab.pdfbase.ttfonts import ShapeData

    class WordStart(ShapeData):
        source: str
        glyphs: int

    return WordStart


def annotate(word: Any, shaped: Any) -> Any:
    """``shaped`` (ReportLab's shaping of the fragment word ``word``) with each shaped left-to-right piece marked
    for an ActualText span; ``shaped`` itself when ReportLab left the word as it was."""
    from reportlab.pdfbase.ttfonts import ShapedStr

    if shaped is word or len(shaped) != len(word):
        return shaped
    pieces: list[Any] = []
    for (frag, text), (_frag, source) in zip(shaped[1:], word[1:], strict=True):
        data = getattr(text, "__shapeData__", None)
        if isinstance(text, ShapedStr) and data and (_spelled(frag.fontName, source) or not _is_rtl(source)):
            start = _word_start()(*data[0])
            # No-break spaces only keep a name or number on one line: copied text gets plain spaces.
            start.source, start.glyphs = source.replace("\u00a0", " "), len(data)
            text = ShapedStr(str(text), [start, *data[1:]])
        pieces.append((frag, text))
    return type(shaped)([shaped[0], *pieces])


def _spelled(font: str, text: str) -> bool:
    """Whether a right-to-left word is spelled out: Nastaliq letters. Digits and punctuation have glyphs with
    characters of their own, which readers already give, and order, right."""
    return font in SPELLED_RTL_FONTS and any(unicodedata.category(char).startswith("L") for char in text)


def _is_rtl(text: str) -> bool:
    """Whether HarfBuzz sets ``text`` right to left: it has right-to-left letters, or Arabic-script digits."""
    return ARABIC_SCRIPT.search(text) is not None or any(
        unicodedata.bidirectional(char) in _RIGHT_TO_LEFT for char in text
    )


def _span(source: str, code: str) -> str:
    return f"/Span <</ActualText <FEFF{source.encode('utf-16-be').hex().upper()}>>> BDC {code} EMC"


def install() -> None:
    """Draw each marked word inside its ActualText span (once per process)."""
    from reportlab.pdfbase.ttfonts import ShapedStr
    from reportlab.pdfgen.textobject import PDFTextObject

    format_text = PDFTextObject._formatText
    if getattr(format_text, "signpost_actual_text", False):
        return
    word_start = _word_start()

    @wraps(format_text)  # keeps the marks of other wrappers, so none is installed twice
    def spanned(self: Any, text: Any) -> str:
        data = getattr(text, "__shapeData__", None)
        if not isinstance(text, ShapedStr) or not any(isinstance(glyph, word_start) for glyph in data):
            return format_text(self, text)
        codes: list[str] = []
        done = index = 0
        while index < len(data):
            glyph = data[index]
            end = index + glyph.glyphs if isinstance(glyph, word_start) else len(data) + 1
            if end > len(data):  # not marked, or a word ReportLab cut short: its glyphs as they are
                index += 1
                continue
            if done < index:
                codes.append(format_text(self, text[done:index]))
            source = glyph.source
            if text[end:end + 1] == " ":  # PDFium drops a space drawn just after a span
                source, end = source + " ", end + 1
            codes.append(_span(source, format_text(self, text[index:end])))
            done = index = end
        if done < len(data):
            codes.append(format_text(self, text[done:]))
        return " ".join(codes)

    spanned.signpost_actual_text = True  # type: ignore[attr-defined]
    PDFTextObject._formatText = spanned  # type: ignore[method-assign]
