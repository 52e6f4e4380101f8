"""Right-to-left paragraphs (Arabic, Persian, Urdu): lines broken in reading order, words set in display order.

ReportLab 5.1 lays out right-to-left text only through its optional ``rlbidi`` package, which is not
available here; without it ``wordWrap='RTL'`` changes nothing, and each line runs in typing order from
the left, so every line reads backwards (HarfBuzz still joins and orders the letters within each
word: only the order of the words is wrong). So these paragraphs reach ReportLab as left-to-right text
already in display order: the lines are broken here, on the words in reading order, and each line's
words are then put in display order by the Unicode bidirectional algorithm (python-bidi's reference
implementation, applied to words; HarfBuzz orders the letters within each word). Digit groups split by
single spaces (phone numbers such as 116 123) are joined by no-break spaces first, so they stay whole,
left to right, and on one line. A word whose parts run in different directions (digits typed against
Arabic letters, "الغرفة12") reaches ReportLab as one fragment per part, in display order, and each part is
shaped on its own (``shaped_words``): HarfBuzz, shaping the word whole, set the digits right to left with
the letters, on the wrong side of them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

from app.leaflets.fonts import bold_face, font_name
from app.leaflets.paragraphs import paragraph_class
from app.leaflets.script_runs import ARABIC_SCRIPT, JOINERS, NBSP, font_span, runs

_DIGIT_GAP = re.compile(r"(?<=\d) (?=\d)")
MAX_LAYOUT_TRIES = 3


def prepare(text: str) -> str:
    """``text`` as a right-to-left paragraph sets it: digit groups joined, direction marks and other invisible
    format characters (which some fonts draw as a box or hook) taken out, the joiners kept."""
    text = _DIGIT_GAP.sub(NBSP, text)
    return "".join(c for c in text if c in JOINERS or unicodedata.category(c) != "Cf")


@lru_cache(maxsize=8192)
def _atoms(line: str, base_level: int) -> tuple[tuple[str, int], ...]:
    """The units a line is moved in by the bidirectional algorithm, in display order, each with its embedding level.

    A unit is a run of one embedding level between spaces (an Arabic word with its full stop, a phone number, a
    Latin name); each space is a unit of its own. The letters inside a unit stay in reading order. A word typed
    with no space between Arabic letters and digits ("الغرفة12", "غرفة١٢") is two units: the letters at a
    right-to-left level, the digits one above, left to right.
    """
    if not line:
        return ()
    levels = _levels(line, base_level)
    atoms: list[list[Any]] = []  # [text, level]
    for char, level in zip(line, levels, strict=True):
        if atoms and char != " " and atoms[-1][0][-1] != " " and atoms[-1][1] == level:
            atoms[-1][0] += char
        else:
            atoms.append([char, level])
    highest = max(level for _text, level in atoms)
    for level in range(highest, 0, -1):  # rule L2: reverse every run at or above each level, highest first
        start = 0
        while start < len(atoms):
            if atoms[start][1] < level:
                start += 1
                continue
            end = start
            while end < len(atoms) and atoms[end][1] >= level:
                end += 1
            atoms[start:end] = atoms[start:end][::-1]
            start = end
    return tuple((text, level) for text, level in atoms)


def _for_harfbuzz(text: str, right_to_left: bool) -> str:
    """``text`` (reading order, one font, at a level of this direction) as HarfBuzz must be handed it to draw it
    in display order.

    HarfBuzz sets a piece right to left when it holds Arabic script (guessing the direction from the script),
    else left to right. So a right-to-left piece with no Arabic script (brackets, a question mark) is reversed
    here, each mirrored character turned round as HarfBuzz does only inside right-to-left text; and a
    left-to-right piece with Arabic script (a number in Arabic-Indic digits) is reversed, for HarfBuzz to
    turn back.
    """
    from bidi.mirror import MIRRORED

    arabic = ARABIC_SCRIPT.search(text) is not None
    if right_to_left and not arabic:
        return "".join(MIRRORED.get(c, c) for c in reversed(text))
    if arabic and not right_to_left:
        return text[::-1]
    return text


@lru_cache(maxsize=8192)
def _line_markup(line: str, base_level: int, base: str, covers: Callable[[str, str], bool], bold: bool) -> str:
    """Paragraph markup for one line (reading order): its pieces in display order, each in its script's font
    (its bold face when ``bold``).

    ReportLab shapes each fragment of a word on its own (``shaped_words``), so a piece that HarfBuzz must set
    in another direction than its neighbour in the same word (Arabic letters beside digits, an Arabic word
    beside a bracket Noto Naskh lacks) is given a fragment of its own; the pieces of a right-to-left unit are
    put in display order here.
    """
    pieces: list[list[str]] = []  # [font key, text]
    for text, level in _atoms(line, base_level):
        if text == " ":
            if pieces:
                pieces[-1][1] += text
            else:
                pieces.append([base, text])
            continue
        right_to_left = level % 2 == 1
        chunks = runs(text, base=base, covers=covers)
        for key, chunk in reversed(chunks) if right_to_left else chunks:
            chunk = _for_harfbuzz(chunk, right_to_left)
            last = pieces[-1] if pieces else None
            # Pieces in one font join when a space parts them (ReportLab splits words there) or neither is
            # Arabic script (both set left to right, already in display order).
            if last is not None and last[0] == key and (
                last[1].endswith(" ") or not (ARABIC_SCRIPT.search(last[1]) or ARABIC_SCRIPT.search(chunk))
            ):
                last[1] += chunk
            else:
                pieces.append([key, chunk])
    return "".join(font_span(key, text, bold=bold) for key, text in pieces)


def base_level(text: str) -> int:
    """1 when the text's first letter is right-to-left (Arabic script), else 0: rules P2 and P3."""
    from bidi import algorithm

    return int(algorithm.get_base_level(text))


def _levels(line: str, base: int) -> list[int]:
    """The resolved embedding level of each character of ``line`` in a paragraph of level ``base`` (rules up to I2).

    python-bidi's reference implementation drops boundary neutrals such as the joiners before resolving (rule
    X9); each takes the level of the character before it, as X9 asks.
    """
    from bidi import algorithm

    kept = [i for i, c in enumerate(line) if unicodedata.bidirectional(c) not in algorithm.X9_REMOVED]
    storage = algorithm.get_empty_storage()
    storage["base_level"] = base
    storage["base_dir"] = "LR"[base]
    algorithm.get_embedding_levels("".join(line[i] for i in kept), storage)
    algorithm.explicit_embed_and_overrides(storage)
    algorithm.resolve_weak_types(storage)
    algorithm.resolve_neutral_types(storage, False)
    algorithm.resolve_implicit_levels(storage, False)
    resolved = [int(char["level"]) for char in storage["chars"]]
    levels: list[int] = []
    source = iter(zip(kept, resolved, strict=True))
    following = next(source, None)
    for i in range(len(line)):
        if following is not None and following[0] == i:
            levels.append(following[1])
            following = next(source, None)
        else:
            levels.append(levels[-1] if levels else 1)
    return levels


def clear() -> None:
    """Forget the display orders, markup and word widths kept for lines already set."""
    _atoms.cache_clear()
    _line_markup.cache_clear()
    _word_width.cache_clear()


def break_lines(words: list[str], width_of: Callable[[str], float], space: float, width: float) -> list[list[str]]:
    """Words in reading order, broken greedily into lines no wider than ``width`` (a longer word has a line
    to itself)."""
    lines: list[list[str]] = []
    current: list[str] = []
    used = 0.0
    for word in words:
        needed = width_of(word) + (space if current else 0.0)
        if current and used + needed > width:
            lines.append(current)
            current, used = [], 0.0
            needed = width_of(word)
        current.append(word)
        used += needed
    if current:
        lines.append(current)
    return lines


@lru_cache(maxsize=20_000)
def _word_width(
    word: str, base: str, size: float, shaping: bool, covers: Callable[[str, str], bool], bold: bool
) -> float:
    """A word's width as ReportLab sets it: each script run in its font (its bold face when ``bold``), shaped by
    HarfBuzz where the style shapes."""
    from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
    from reportlab.pdfbase.ttfonts import ShapedStr, shapeStr

    total = 0.0
    for key, chunk in runs(word, base=base, covers=covers):
        name = font_name(bold_face(key) if bold else key)
        shaped = shapeStr(chunk, name, size) if shaping and getFont(name).shapable else chunk
        if isinstance(shaped, ShapedStr):
            total += sum(glyph.x_advance for glyph in shaped.__shapeData__) * size / 1000
        else:
            total += stringWidth(chunk, name, size)
    return total


def rtl_paragraph(
    text: str, style: Any, *, base: str, covers: Callable[[str, str], bool], level: int = 1, bold: bool = False
) -> Any:
    """A paragraph of ``text`` (plain, reading order) in ``style`` (no ``wordWrap``; aligned by the caller), each
    run in its script's font, laid out afresh for each width it is asked to fit. ``level`` is the paragraph's
    direction: 1, right to left (a translation into Arabic, Persian or Urdu); 0, left to right (an English
    paragraph, e.g. a directory entry, with Arabic-script words in it). ``bold`` sets every run in its
    script's bold face (as ``<b>`` does), for headings."""
    paragraph = _paragraph_class()(_markup(prepare(text), base, covers, None, level, bold), style)
    paragraph.set_reading_order(prepare(text), base, covers, level, bold)
    return paragraph


def _markup(
    text: str, base: str, covers: Callable[[str, str], bool], lines: list[list[str]] | None, level: int, bold: bool
) -> str:
    """Paragraph markup for ``text`` set as ``lines`` (each a list of words), or as one line."""
    parts = text.split("\n") if lines is None else [" ".join(line) for line in lines]
    return "<br/>".join(_line_markup(part, level, base, covers, bold) for part in parts)


@cache
def _paragraph_class() -> type:
    """The right-to-left ``Paragraph`` (made on first call: importing this module imports no ReportLab)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus.paragraph import cleanBlockQuotedText

    class RightToLeftParagraph(paragraph_class()):  # type: ignore[misc]
        # Set on the paragraphs this module makes; the halves platypus splits off a paragraph at a page end
        # keep their lines as they are (their words are already in display order).
        _reading_order: tuple[str, str, Callable[[str, str], bool], int, bool] | None = None
        _laid_out_for: float | None = None

        def set_reading_order(
            self, text: str, base: str, covers: Callable[[str, str], bool], level: int, bold: bool
        ) -> None:
            self._reading_order = (text, base, covers, level, bold)

        def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - ReportLab's names
            if self._reading_order is not None and self._laid_out_for != availWidth:
                self._lay_out(availWidth, availHeight)
            return super().wrap(availWidth, availHeight)

        def _lay_out(self, width: float, height: float) -> None:
            text, base, covers, level, bold = self._reading_order  # type: ignore[misc]
            style = self.style
            shaping = bool(getattr(style, "shaping", 0))

            def width_of(word: str) -> float:
                return _word_width(word, base, style.fontSize, shaping, covers, bold)

            space = stringWidth(" ", font_name(bold_face(base) if bold else base), style.fontSize)
            budget = width
            for _try in range(MAX_LAYOUT_TRIES):
                lines = [line for part in text.split("\n") for line in break_lines(part.split(" "), width_of, space,
                                                                                   budget)]
                self._setup(_markup(text, base, covers, lines, level, bold), style, None, None,
                            cleanBlockQuotedText)
                self._last_wrap = None
                super().wrap(width, height)
                if len(self.blPara.lines) <= len(lines):
                    break
                budget *= 0.97  # ReportLab measured a line wider than this module did: it broke it again
            self._laid_out_for = width

    return RightToLeftParagraph
