"""Shaped words kept per process: HarfBuzz shapes each distinct word in a font and size once.

ReportLab's paragraph line breaking calls ``shapeFragWord`` for every word of a shaped paragraph
(Arabic, Urdu, Bengali, Gurmukhi, Gujarati, Tamil), each time it breaks the lines; a leaflet has a
few thousand such words and a running app prints the same sentences again and again. The result of
shaping depends only on the word's text and, for each of its pieces, the font and size (and which
pieces share one fragment); so it is kept under that key, with the fragments replaced by their
positions, and each later call gets a fresh word list built around its own fragments. The shaped
strings and their glyph data are immutable and shared; each shaped left-to-right word is marked with its
letters first, for the PDF's copyable text (``actual_text``). Words with inline objects, or asked for with
options, go straight to ReportLab.

``install()`` puts the caching function in place of ``shapeFragWord`` in ReportLab's paragraph
module, once per process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.leaflets import actual_text

CACHE_SIZE = 20_000  # distinct (word, font, size) entries; a demo leaflet has about 250 shaped words

_UNCHANGED = object()  # ReportLab returned the word itself: nothing to shape


class ShapedWordCache:
    """A cache around ReportLab's ``shapeFragWord``, emptied when full (plain dict steps, safe across threads)."""

    def __init__(self, shape: Callable[..., Any], size: int = CACHE_SIZE) -> None:
        self.shape = shape
        self.size = size
        self.entries: dict[tuple[Any, ...], Any] = {}

    def __call__(self, word: Any, *args: Any, **kwargs: Any) -> Any:
        from reportlab.pdfbase.ttfonts import ShapedFragWord

        if args or kwargs or isinstance(word, ShapedFragWord):
            return self.shape(word, *args, **kwargs)
        frags: list[Any] = []
        slots: dict[int, int] = {}
        key: list[Any] = [type(word)]
        for frag, text in word[1:]:
            if hasattr(frag, "cbDefn"):
                return self.shape(word)
            slot = slots.setdefault(id(frag), len(frags))
            if slot == len(frags):
                frags.append(frag)
            key.append((slot, frag.fontName, frag.fontSize, text))
        cache_key = tuple(key)
        entry = self.entries.get(cache_key)
        if entry is None:
            entry = self._entry(word, actual_text.annotate(word, self._shape(word)), slots)
            if len(self.entries) >= self.size:
                self.entries.clear()
            self.entries[cache_key] = entry
        if entry is _UNCHANGED:
            return word
        kind, width, pieces = entry
        return kind([width, *((frags[slot], text) for slot, text in pieces)])

    def _shape(self, word: Any) -> Any:
        """ReportLab's shaping, except for a word of several pieces (fragments): ReportLab would shape it all as
        one run, in its first piece's font and in one direction (a bracket Noto Naskh lacks, set in Noto Sans
        before an Arabic word, turned the word into empty boxes; digits typed against Arabic letters were set
        right to left with them). Each piece is shaped on its own, in its font, and drawn in the order given:
        the pieces of right-to-left text arrive in display order (``rtl_lines``)."""
        if len(word) < 3:
            return self.shape(word)
        from reportlab.pdfbase.pdfmetrics import stringWidth
        from reportlab.pdfbase.ttfonts import makeShapedFragWord

        shaped = makeShapedFragWord(word)([0.0])
        for frag, text in word[1:]:
            piece = self.shape([stringWidth(text, frag.fontName, frag.fontSize), (frag, text)])
            shaped[0] += piece[0]
            shaped.extend(piece[1:])
        return shaped

    @staticmethod
    def _entry(word: Any, shaped: Any, slots: dict[int, int]) -> Any:
        if shaped is word:
            return _UNCHANGED
        return type(shaped), shaped[0], tuple((slots[id(frag)], text) for frag, text in shaped[1:])


def install() -> None:
    """Cache ReportLab's paragraph shaping (once per process)."""
    from reportlab.platypus import paragraph

    if not isinstance(paragraph.shapeFragWord, ShapedWordCache):
        paragraph.shapeFragWord = ShapedWordCache(paragraph.shapeFragWord)


def clear() -> None:
    """Forget every shaped word (fonts stay registered)."""
    from reportlab.platypus import paragraph

    if isinstance(paragraph.shapeFragWord, ShapedWordCache):
        paragraph.shapeFragWord.entries.clear()
