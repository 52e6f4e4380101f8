"""Chinese lines (``wordWrap='CJK'``) broken by the usual line-start and line-end rules, inside the frame.

ReportLab 5.1 wraps such text character by character. When the character that overflows a line may not
start one, ReportLab hangs it in the right margin (a "。" 2.7 pt past the frame in the A4 Chinese demo
leaflet), and only that one, so a second closing mark after it ("。」") still starts the next line; and the
A5 demo leaflet had a line starting "，是减少饮酒的好方法。". Here each line ends at the last place that fits
where a break is allowed, so the character before a closing mark is carried down with it and nothing
passes the edge:

* no line starts with closing punctuation and none ends with opening punctuation;
* Latin words and numbers inside Chinese text break only at a space (no-break spaces join phone numbers);
  the space a line breaks at is not drawn;
* a run with no allowed break wider than the line is cut where it overflows (nothing else fits).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

# Marks that may not begin a line: Chinese closing punctuation, plus ReportLab's list (Japanese small kana,
# the prolonged sound mark, degree and per-cent signs, ASCII closing punctuation).
CHINESE_CANNOT_START = "，。、；：？！）》」』】〕〉〗〙〛｝］”’…·％"
CHINESE_CANNOT_END = "（《「『【〔〈〖〘〚｛［“‘"
_BREAKING_SPACES = frozenset(" \u3000")
_FUZZ = 1e-8


@cache
def _cannot_start() -> frozenset[str]:
    from reportlab.lib.textsplit import ALL_CANNOT_START

    return frozenset(CHINESE_CANNOT_START) | frozenset(ALL_CANNOT_START)


@cache
def _cannot_end() -> frozenset[str]:
    from reportlab.lib.textsplit import ALL_CANNOT_END

    return frozenset(CHINESE_CANNOT_END) | frozenset(ALL_CANNOT_END)


def _western(char: str) -> bool:
    """Part of a Latin word or a number: kept whole on a line (Chinese, Japanese and their punctuation start
    at U+2E80)."""
    return bool(char) and ord(char) < 0x2E80 and char not in _BREAKING_SPACES


def break_points(chars: Sequence[str], widths: Sequence[float], max_widths: Sequence[float],
                 forced: Sequence[bool]) -> list[tuple[int, int]]:
    """Lines for ``chars`` (one character each, with its advance in ``widths``): ``(start, end)`` for each, the
    line drawing ``chars[start:end]`` (the spaces a line breaks at belong to no line). ``max_widths`` are the
    widths of the first lines, the last repeated; ``forced[i]`` marks an explicit line break after ``chars[i]``."""
    cannot_start, cannot_end = _cannot_start(), _cannot_end()
    total = len(chars)
    lines: list[tuple[int, int]] = []
    start = 0
    while start < total:
        limit = max_widths[min(len(lines), len(max_widths) - 1)]
        used = 0.0
        fitting_break: int | None = None  # the last allowed break before an index whose line fits
        end = total
        index = start
        while index < total:
            char = chars[index]
            if index > start and _may_break(chars[index - 1], char, cannot_start, cannot_end):
                fitting_break = index
            used += widths[index]
            if forced[index]:
                end = index + 1
                break
            if used > limit + _FUZZ and char not in _BREAKING_SPACES:
                end = fitting_break if fitting_break is not None else max(index, start + 1)
                break
            index += 1
        following = end
        while following < total and chars[following] in _BREAKING_SPACES:
            following += 1
        drawn = end
        while drawn > start + 1 and chars[drawn - 1] in _BREAKING_SPACES:
            drawn -= 1
        lines.append((start, drawn))
        start = following
    return lines


def _may_break(before: str, after: str, cannot_start: frozenset[str], cannot_end: frozenset[str]) -> bool:
    if after in cannot_start or before in cannot_end or after in _BREAKING_SPACES:
        return False
    return not (_western(before) and _western(after))


def cjk_para_lines(frags: Sequence[Any], max_widths: Sequence[float]) -> Any:
    """ReportLab ``ParaLines`` for a paragraph's fragments, broken as this module describes, in the form ReportLab's
    ``cjkFragSplit`` gives (each line's words: one fragment per run of characters from one fragment). Built
    per run rather than per character as ReportLab does, which would make a warm Chinese leaflet a fifth slower."""
    from reportlab.pdfbase.pdfmetrics import getAscentDescent, getFont
    from reportlab.platypus.paragraph import FragLine, ParaLines

    chars: list[str] = []
    owners: list[int] = []
    widths: list[float] = []
    for index, frag in enumerate(frags):
        text = frag.text or ""
        if not text:  # a line break (``<br/>``) is an empty fragment: one empty unit, as in ReportLab
            chars.append("")
            owners.append(index)
            widths.append(0.0)
            continue
        face = getFont(frag.fontName).face  # each character's advance, as ReportLab's ``stringWidth`` gives it
        advance, default, scale = face.charWidths.get, face.defaultWidth, 0.001 * frag.fontSize
        chars.extend(text)
        owners.extend([index] * len(text))
        widths.extend(scale * advance(ord(char), default) for char in text)
    forced = [hasattr(frags[owner], "lineBreak") for owner in owners]
    lines = []
    for number, (start, end) in enumerate(break_points(chars, widths, max_widths, forced)):
        limit = max_widths[min(number, len(max_widths) - 1)]
        words = []
        size = ascent = descent = 0.0
        run = start
        for index in range(start + 1, end + 1):
            if index < end and owners[index] == owners[run]:
                continue
            frag = frags[owners[run]]
            word = frag.clone()
            word.text = "".join(chars[run:index])
            words.append(word)
            frag_ascent, frag_descent = getAscentDescent(frag.fontName, frag.fontSize)
            size, ascent, descent = max(size, frag.fontSize), max(ascent, frag_ascent), min(descent, frag_descent)
            run = index
        used = sum(widths[start:end])
        lines.append(FragLine(kind=1, extraSpace=limit - used, wordCount=1, words=words, fontSize=size, ascent=ascent,
                              descent=descent, maxWidth=limit, currentWidth=used, lineBreak=forced[end - 1]))
    return ParaLines(kind=1, lines=lines)
