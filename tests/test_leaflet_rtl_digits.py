"""Digits typed against Arabic-script letters with no space ("الغرفة12", "غرفة١٢", "12الغرفة") are drawn on the
side the bidirectional algorithm puts them, left to right and whole, with the letters still joined: glyph
positions read back from the PDF, in right-to-left leaflets and in directory text inside an English one."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pypdfium2 as pdfium
import pytest

from app.directory.model import Service
from app.leaflets.build import services_leaflet_pdf

Glyph = tuple[str, float, float, float]  # character, left, right, bottom


def glyphs(pdf: bytes) -> list[Glyph]:
    textpage = pdfium.PdfDocument(pdf)[0].get_textpage()
    out = []
    for index in range(textpage.count_chars()):
        char = textpage.get_text_range(index, 1)
        if char.strip():
            left, bottom, right, _top = textpage.get_charbox(index)
            out.append((char, left, right, bottom))
    return out


def patient_paragraph_pdf(code: str, text: str) -> bytes:
    from reportlab.platypus import SimpleDocTemplate

    from app.leaflets.content import build_leaflet
    from app.leaflets.render import _Builder, prepare_fonts

    prepare_fonts(code)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer).build([_Builder(build_leaflet(code), "A4").para(text, "body", patient=True)])
    return buffer.getvalue()


def is_digit(char: str) -> bool:
    return unicodedata.category(char) == "Nd"


def joins(letters: list[Glyph]) -> int:
    """Neighbouring letters whose ink overlaps: joined Naskh letters meet on the baseline (pdfium reads the
    joined forms back as plain letters). Set apart (each isolated, with a ZWNJ between), no two overlap."""
    ordered = sorted(letters, key=lambda g: g[1])
    return sum(following[1] < previous[2] for previous, following in zip(ordered, ordered[1:], strict=False))


@pytest.mark.parametrize(
    ("code", "word", "digits_side"),
    [
        ("ar", "الغرفة12", "left"),  # read right to left: the letters first (rightmost), then 12 to their left
        ("ar", "12الغرفة", "right"),
        ("ar", "غرفة١٢", "left"),
        ("fa", "اتاق۱۲", "left"),
        ("fa", "اتاق12", "left"),
        ("ur", "کمرہ۱۲", "left"),
        ("ur", "12کمرہ", "right"),
    ],
)
def test_digits_against_letters_are_drawn_on_their_side_and_in_order(code: str, word: str, digits_side: str) -> None:
    drawn = glyphs(patient_paragraph_pdf(code, word))
    digits = sorted(((left + right) / 2, c) for c, left, right, _bottom in drawn if is_digit(c))
    letters = [(left + right) / 2 for c, left, right, _bottom in drawn if not is_digit(c)]
    # (the font draws Persian and Arabic 2 with one glyph, so the values are compared)
    assert "".join(str(int(c)) for _x, c in digits) == "12"  # whole and left to right
    assert letters
    if digits_side == "left":
        assert max(x for x, _c in digits) < min(letters)
    else:
        assert min(x for x, _c in digits) > max(letters)
    if code != "ur":  # Nastaliq letters rise and fall: their ink boxes say nothing about joining
        assert joins([g for g in drawn if not is_digit(g[0])]) >= 1


def test_in_a_sentence_the_number_sits_left_of_its_word() -> None:
    """"Go to room12 now": 12 is drawn just left of الغرفة (its last letter, teh marbuta), not at the word's
    other end, and the sentence still runs right to left: اذهب rightmost, الآن leftmost."""
    drawn = sorted(glyphs(patient_paragraph_pdf("ar", "اذهب إلى الغرفة12 الآن")), key=lambda g: g[1])
    text = "".join(c for c, *_ in drawn)
    assert "12ةفرغلا" in text
    assert text.endswith("بهذا") and text.index("ن") < text.index("12")
    room = [g for g in drawn if g[0] in "ةفرغل"]
    assert joins(room) >= 2


def test_a_bracketed_word_with_digits_keeps_brackets_digits_and_letters_in_order() -> None:
    """Noto Naskh has no ASCII brackets, so "(غرفة12)" changes font as well as direction: drawn from the left,
    a bracket, 12, the letters joined, a bracket. (pdfium reports brackets turned round in right-to-left
    text, so which way each faces is not read back here.)"""
    drawn = sorted(glyphs(patient_paragraph_pdf("ar", "(غرفة12)")), key=lambda g: g[1])
    kinds = ["bracket" if c in "()" else "digit" if is_digit(c) else "letter" for c, *_ in drawn]
    assert kinds == ["bracket", "digit", "digit", "letter", "letter", "letter", "letter", "bracket"]
    assert "".join(c for c, *_ in drawn if is_digit(c)) == "12"
    assert joins([g for g, kind in zip(drawn, kinds, strict=True) if kind == "letter"]) >= 2


def test_directory_text_in_an_english_leaflet_puts_the_number_left_of_the_arabic_word() -> None:
    """An address typed as "Room الغرفة12" in the directory: "Room", then 12, then the Arabic letters, joined."""
    local = Service(id="local-ar", name="Leeds Hub", summary="Drop-in", categories=("alcohol",),
                    address="Room الغرفة12", phone="0113 496 0000")
    drawn = glyphs(services_leaflet_pdf("en", services=[local], site_name="", today=dt.date(2026, 11, 26)))
    room = next(i for i in range(len(drawn)) if "".join(c for c, *_ in drawn[i:i + 4]) == "Room")
    line = sorted((g for g in drawn if abs(g[3] - drawn[room][3]) < 4), key=lambda g: g[1])
    arabic = [g for g in line if 0x0600 <= ord(g[0]) <= 0x06FF or 0xFE70 <= ord(g[0]) <= 0xFEFF]
    digits = [g for g in line if g[0] in "12"]
    assert "".join(c for c, *_ in digits) == "12"
    assert drawn[room + 3][2] < min(g[1] for g in digits)  # after "Room"
    assert arabic and max(g[1] for g in digits) < min(g[1] for g in arabic)
    assert joins(arabic) >= 2
