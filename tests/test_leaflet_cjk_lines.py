"""Chinese leaflet lines follow the line-start and line-end rules and stay inside the frame: glyph positions
read back from the printed PDF, and lines of paragraphs wrapped at many widths."""

from __future__ import annotations

import ctypes
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from app.cli import run

CLOSING = "，。、；：？！）》」』】〕〉”’…·％"
OPENING = "（《「『【〔〈“‘"
MM = 72 / 25.4
MARGINS = {"A4": 15 * MM, "A5": 10 * MM}  # the leaflet's frame: the page less these margins


def drawn_lines(pdf: bytes) -> list[tuple[int, float, list[tuple[str, float, float]]]]:
    """Each line of text as drawn: (page, frame right edge, [(character, left, right), ...]), where left and
    right come from each glyph's advance (pdfium's loose box), so a full stop's blank half counts.

    A line is a sequence of characters on one baseline with each origin to the right of the one before.
    """
    document = pdfium.PdfDocument(pdf)
    lines: list[tuple[int, float, list[tuple[str, float, float]]]] = []
    for number, page in enumerate(document, start=1):
        textpage = page.get_textpage()
        previous: tuple[float, float] | None = None
        x, y = ctypes.c_double(), ctypes.c_double()
        for index in range(textpage.count_chars()):
            char = textpage.get_text_range(index, 1)
            if not char.strip():
                continue
            pdfium_c.FPDFText_GetCharOrigin(textpage.raw, index, ctypes.byref(x), ctypes.byref(y))
            left, _bottom, right, _top = textpage.get_charbox(index, loose=True)
            if previous is None or abs(y.value - previous[1]) > 1 or x.value < previous[0] - 0.5:
                lines.append((number, page.get_width(), []))
            lines[-1][2].append((char, left, right))
            previous = (x.value, y.value)
    return lines


@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_chinese_demo_leaflet_lines_keep_the_rules_and_the_frame(paper: str, tmp_path: Path) -> None:
    """ReportLab started A5 lines with "，" and hung a full stop past the right margin; the character before a
    closing mark is now carried down with it instead."""
    out = tmp_path / "leaflet.pdf"
    assert run(["leaflet", "--lang", "zh_Hans", "--demo", "--paper", paper, "--out", str(out)]) == 0
    lines = drawn_lines(out.read_bytes())
    chinese = [chars for _page, _width, chars in lines if any(ord(c) >= 0x4E00 for c, _l, _r in chars)]
    assert len(chinese) > 40
    starts = [(page, "".join(c for c, _l, _r in chars[:6])) for page, _width, chars in lines if chars[0][0] in CLOSING]
    assert not starts
    ends = [(page, "".join(c for c, _l, _r in chars[-6:])) for page, _width, chars in lines if chars[-1][0] in OPENING]
    assert not ends
    beyond = [(page, c, round(right - (width - MARGINS[paper]), 2))
              for page, width, chars in lines for c, _left, right in chars if right > width - MARGINS[paper] + 0.01]
    assert not beyond


def test_paragraph_lines_at_any_width_keep_the_rules_and_the_width() -> None:
    """Every translated string, and a sentence with a quotation, brackets, a Latin name and a phone number,
    wrapped at many widths: no line starts with a closing mark (nor two of them, "。」"), none ends with an
    opening one, none is wider than its width, Latin words and the phone number are never cut."""
    from app.leaflets.catalog import load_catalog
    from app.leaflets.content import build_leaflet
    from app.leaflets.render import _Builder, prepare_fonts

    prepare_fonts("zh_Hans")
    builder = _Builder(build_leaflet("zh_Hans"), "A4")
    entries = load_catalog("zh_Hans").translations._catalog  # type: ignore[attr-defined]
    sentence = "医生说：「请少喝酒。」（每周不超过14个单位。）请拨打 Drinkline\u00a00300\u00a0123\u00a01110 联系我们。"
    text = "".join(value for key, value in entries.items() if key) + sentence * 3
    checked = 0
    for width in range(150, 400, 7):  # from about the width of the Latin name and number
        paragraph = builder.para(text, "body", patient=True)
        paragraph.wrap(width, 10_000)
        lines = ["".join(word.text for word in line.words) for line in paragraph.blPara.lines]
        for line, drawn in zip(paragraph.blPara.lines, lines, strict=True):
            assert drawn, width
            assert drawn[0] not in CLOSING and drawn[-1] not in OPENING, (width, drawn)
            assert line.currentWidth <= width + 1e-6, (width, drawn)
            checked += 1
        assert sum("Drinkline\u00a00300\u00a0123\u00a01110" in line for line in lines) == 3, width
    assert checked > 1000
