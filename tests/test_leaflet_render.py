"""Leaflets rendered for real and parsed back with pypdfium2: text per language beside the English,
fonts embedded as subsets, no patient identifier, directory text shown literally, clear errors."""

from __future__ import annotations

import ctypes
import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from app.cli import run
from app.directory.model import Service
from app.directory.seed import load_seed_services
from app.directory.validation import service_problems
from app.i18n import language_codes
from app.leaflets.build import crisis_services, screening_leaflet_pdf, services_leaflet_pdf
from app.leaflets.content import SubstanceRisk, Text, build_leaflet

RISKS = [SubstanceRisk("alcohol", "high"), SubstanceRisk("tobacco", "moderate"), SubstanceRisk("cannabis", "low")]
TODAY = dt.date(2026, 11, 26)
# The language's own words that must come back out of the PDF (Persian, Arabic and Urdu lines are put in
# reading order by the reader, which does it only roughly; every left-to-right language is checked whole by
# test_every_patient_text_can_be_copied, and Urdu word by word by test_urdu_copies_as_its_own_letters).
PATIENT_WORDS = {
    "pl": "Dziękujemy za dzisiejszą rozmowę",
    "ro": "Vă mulțumim că ați vorbit cu noi astăzi",
    "pt": "Obrigado por ter falado connosco hoje",
    "es": "Gracias por hablar hoy con nosotros",
    "it": "Grazie per aver parlato con noi oggi",
    "lt": "Dėkojame, kad šiandien kalbėjotės su mumis",
    "tr": "Bugün bizimle konuştuğunuz için teşekkür ederiz",
    "so": "Waad ku mahadsan tahay inaad maanta nala hadashay",
    "uk": "Дякуємо, що поговорили з нами сьогодні",
    "zh_Hans": "感谢您今天与我们交谈",
    "ar": "مساعدتك",
    "fa": "سپاسگزاریم",
    "ur": "آج ہم سے بات کرنے کا شکریہ",
}
SCRIPT_FONTS = {
    "ar": "NotoNaskhArabic",
    "fa": "NotoNaskhArabic",
    "ur": "NotoNastaliqUrdu",
    "bn": "NotoSansBengali",
    "pa": "NotoSansGurmukhi",
    "gu": "NotoSansGujarati",
    "ta": "NotoSansTamil",
    "zh_Hans": "WenQuanYiMicroHei",
}


def pdf_text(data: bytes) -> str:
    pdf = pdfium.PdfDocument(data)
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def flat(text: str) -> str:
    """Extracted text with line breaks and no-break spaces folded to single spaces."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def embedded_fonts(data: bytes) -> list[str]:
    """BaseFont names of every font dictionary in the PDF."""
    return [m.decode() for m in re.findall(rb"/BaseFont /([A-Za-z0-9+\-]+)", data)]


@pytest.fixture(scope="module")
def leaflets() -> dict[str, bytes]:
    directory = load_seed_services()
    chosen = [s for s in directory if s.id in ("drinkline", "frank", "nhs-smokefree-helpline")]
    return {
        code: screening_leaflet_pdf(code, risks=RISKS, services=chosen, site_name="Test Hospital ED", today=TODAY)
        for code in language_codes()
    }


def test_every_language_has_a_compiled_leaflet(leaflets: dict[str, bytes]) -> None:
    assert len(leaflets) == 18
    for code, data in leaflets.items():
        assert data.startswith(b"%PDF"), code


@pytest.mark.parametrize("code", language_codes())
def test_english_sits_beside_the_patient_language(leaflets: dict[str, bytes], code: str) -> None:
    text = flat(pdf_text(leaflets[code]))
    for english in (
        "Thank you for talking with us today",
        "About your answers today",
        "If you need help urgently",
        "Test Hospital ED",
        "Date: 26 November 2026",
        "Leaflet version 1.0",
    ):
        assert english in text, (code, english)
    if code in PATIENT_WORDS:
        assert PATIENT_WORDS[code] in text
    # Phone numbers come whole from the seed data, in every script.
    for number in ("0300 123 1110", "0300 123 6600", "116 123"):
        assert number in text, (code, number)


def patient_texts(value: object) -> list[str]:
    """Every text of a leaflet's content in the patient's language."""
    if isinstance(value, Text):
        return [value.patient] if value.patient.strip() else []
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in patient_texts(item)]
    if dataclasses.is_dataclass(value):
        return [text for field in dataclasses.fields(value) for text in patient_texts(getattr(value, field.name))]
    return []


@pytest.mark.parametrize("code", [code for code in language_codes() if code not in ("ar", "fa", "ur")])
def test_every_patient_text_can_be_copied(leaflets: dict[str, bytes], code: str) -> None:
    """Text taken out of the PDF (copied, searched, read aloud) has every sentence of the leaflet, letter for
    letter. Before, a shaped Bengali, Punjabi, Gujarati or Tamil word came out as private-use characters, with
    a vowel sign drawn before its consonant copied before it too, and PDFium split some words in two."""
    directory = load_seed_services()
    chosen = [s for s in directory if s.id in ("drinkline", "frank", "nhs-smokefree-helpline")]
    content = build_leaflet(code, risks=RISKS, services=chosen, crisis_services=crisis_services(directory),
                            site_name="Test Hospital ED", today=TODAY)
    text = pdf_text(leaflets[code])
    assert not [char for char in text if 0xE000 <= ord(char) <= 0xF8FF], code
    squashed = re.sub(r"\s+", "", text)
    wanted = patient_texts(content)
    assert len(wanted) > 20
    assert [t for t in wanted if re.sub(r"\s+", "", t) not in squashed] == [], code
    if code != "zh_Hans":  # words keep the spaces between them (PDFium dropped one drawn after a marked word)
        assert [t for t in wanted if flat(t) not in flat(text)] == [], code


def test_urdu_copies_as_its_own_letters(leaflets: dict[str, bytes]) -> None:
    """Urdu's Nastaliq glyphs are shapes shared by several letters plus separate dots, with no characters of their
    own: copied out of the PDF, every Urdu word was private-use characters. Each word is now spelled out in an
    ActualText span, which PDFium (Chrome, Edge) gives in reading order. Its line-by-line ordering around a stop
    or semicolon at a line's end is not exact: nearly every word, not every sentence, is checked."""
    directory = load_seed_services()
    chosen = [s for s in directory if s.id in ("drinkline", "frank", "nhs-smokefree-helpline")]
    content = build_leaflet("ur", risks=RISKS, services=chosen, crisis_services=crisis_services(directory),
                            site_name="Test Hospital ED", today=TODAY)
    text = pdf_text(leaflets["ur"])
    assert not [char for char in text if 0xE000 <= ord(char) <= 0xF8FF]
    copied = {word.strip("،۔:؛") for word in text.split()}
    wanted = [word.strip("،۔:؛") for sentence in patient_texts(content) for word in sentence.split()]
    missing = [word for word in wanted if word not in copied]
    assert len(wanted) > 300 and len(missing) <= len(wanted) // 50, missing


@pytest.mark.parametrize("code", language_codes())
def test_fonts_are_embedded_subsets(leaflets: dict[str, bytes], code: str) -> None:
    data = leaflets[code]
    fonts = embedded_fonts(data)
    assert fonts, code
    assert all(re.fullmatch(r"[A-Z]{6}\+.+", name) for name in fonts), fonts  # subset tag on every font
    assert data.count(b"/FontFile2") == len(fonts)  # every font program is in the file
    assert not any("Helvetica" in name or "Times" in name for name in fonts)
    if code in SCRIPT_FONTS:
        assert any(SCRIPT_FONTS[code] in name for name in fonts), fonts
    # English headings, service names and phone numbers are bold in every leaflet.
    assert any(name.endswith("+NotoSans-Bold") for name in fonts), fonts


def fonts_of_the_topmost_line(data: bytes) -> set[str]:
    """The fonts the first page's topmost line of text (the leaflet's title) is drawn in."""
    pdf = pdfium.PdfDocument(data)
    try:
        textpage = pdf[0].get_textpage()
        drawn = []
        for index in range(textpage.count_chars()):
            if textpage.get_text_range(index, 1).strip():
                size = pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, None, 0, None)
                name = ctypes.create_string_buffer(size)
                pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, name, size, None)
                drawn.append((textpage.get_charbox(index)[3], name.value.decode()))
        top = max(top for top, _name in drawn)
        return {name for char_top, name in drawn if char_top > top - 5}
    finally:
        pdf.close()


@pytest.mark.parametrize("code", ["ar", "fa", "ur", "bn", "pa", "gu", "ta"])
def test_headings_in_the_patients_own_script_are_bold(leaflets: dict[str, bytes], code: str) -> None:
    # The patient's language leads: its headings must not be lighter than the English under them.
    assert fonts_of_the_topmost_line(leaflets[code]) == {f"{SCRIPT_FONTS[code]}-Bold"}


def drawn_characters(data: bytes, page: int = 0) -> list[tuple[str, float, int]]:
    """Each character drawn on a page, with the top of its box and its text render mode (0 fill, 2 fill and stroke)."""
    pdf = pdfium.PdfDocument(data)
    try:
        textpage = pdf[page].get_textpage()
        return [
            (char, textpage.get_charbox(index)[3],
             pdfium_c.FPDFTextObj_GetTextRenderMode(pdfium_c.FPDFText_GetTextObject(textpage.raw, index)))
            for index in range(textpage.count_chars())
            if (char := textpage.get_text_range(index, 1)).strip()
        ]
    finally:
        pdf.close()


def stroked_paths(data: bytes) -> set[tuple[float, tuple[int, ...]]]:
    """Stroke width and colour of every stroked path (rules, frames, table lines) on every page."""
    pdf = pdfium.PdfDocument(data)
    found = set()
    try:
        for page in pdf:
            for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]):
                width = ctypes.c_float()
                rgba = [ctypes.c_uint() for _ in range(4)]
                pdfium_c.FPDFPageObj_GetStrokeWidth(obj.raw, width)
                pdfium_c.FPDFPageObj_GetStrokeColor(obj.raw, *rgba)
                found.add((round(width.value, 2), tuple(part.value for part in rgba)))
    finally:
        pdf.close()
    return found


def test_chinese_headings_are_drawn_bold_and_nothing_else_is(leaflets: dict[str, bytes]) -> None:
    # WenQuanYi has no bold face: headings are its glyphs filled and stroked (render mode 2), so they stand out
    # from the text under them as the English headings do.
    drawn = drawn_characters(leaflets["zh_Hans"])
    top = max(char_top for _char, char_top, _mode in drawn)
    title = [mode for _char, char_top, mode in drawn if char_top > top - 5]
    assert title and set(title) == {pdfium_c.FPDF_TEXTRENDERMODE_FILL_STROKE}
    sentence = "本传单供您保存。其中有一些建议"
    start = "".join(char for char, _top, _mode in drawn).index(sentence)
    body = [mode for _char, _top, mode in drawn[start:start + len(sentence)]]
    assert set(body) == {pdfium_c.FPDF_TEXTRENDERMODE_FILL}
    english = [mode for char, _top, mode in drawn if char.isascii()]
    assert english and set(english) == {pdfium_c.FPDF_TEXTRENDERMODE_FILL}  # the bold face has its own font
    # Rules, frames and table lines drawn after a stroked heading keep their own width and colour.
    assert stroked_paths(leaflets["zh_Hans"]) == stroked_paths(leaflets["pl"])
    # One font object serves both weights, its subsets numbered AAAAAA, AAAAAB...: a second copy of WenQuanYi
    # embedded for the headings would start again at AAAAAA.
    chinese = [name for name in embedded_fonts(leaflets["zh_Hans"]) if "WenQuanYiMicroHei" in name]
    assert chinese and len(set(chinese)) == len(chinese)


@pytest.mark.parametrize("code", ["ur", "ta", "en"])
def test_pages_are_filled_before_the_next_begins(leaflets: dict[str, bytes], code: str) -> None:
    """A page may end between one piece of advice and the next, so no page before the last is left with its
    lower part blank (a substance's advice kept whole left 40 % of the first Urdu page empty)."""
    document = pdfium.PdfDocument(leaflets[code])
    assert len(document) > 1
    for number, page in enumerate(list(document)[:-1], start=1):
        textpage = page.get_textpage()
        furniture = 75  # page number and the unreviewed-translation notice, at the foot of every page
        lowest = min(box[1] for i in range(textpage.count_chars())
                     if (box := textpage.get_charbox(i))[1] > furniture and textpage.get_text_range(i, 1).strip())
        assert lowest < page.get_height() * 0.3, (code, number, lowest)


@pytest.mark.parametrize("code", ["en", "ur"])
def test_every_page_foot_names_the_site_date_and_leaflet_version(leaflets: dict[str, bytes], code: str) -> None:
    """A page read on its own, or separated from the rest, still says where and when it was printed."""
    document = pdfium.PdfDocument(leaflets[code])
    assert len(document) > 1
    for page in document:
        text = flat(page.get_textpage().get_text_range())
        assert "Test Hospital ED · Date: 26 November 2026 · Leaflet version 1.0" in text


@pytest.mark.parametrize("code", ["ar", "fa"])
def test_no_page_holds_only_the_closing_footer(code: str, tmp_path: Path) -> None:
    """The closing site, date and version are left out rather than given a page of their own: every page's
    foot already says them (these leaflets used to end on such a page)."""
    out = tmp_path / "leaflet.pdf"
    assert run(["leaflet", "--lang", code, "--services", "alcohol,drugs,mental_health,family", "--out", str(out)]) == 0
    for number, page in enumerate(pdfium.PdfDocument(out.read_bytes()), start=1):
        textpage = page.get_textpage()
        body = [i for i in range(textpage.count_chars())
                if textpage.get_charbox(i)[1] > 80 and textpage.get_text_range(i, 1).strip()]
        assert len(body) > 200, (code, number)


def test_the_page_foot_notice_shares_the_text_edge(leaflets: dict[str, bytes]) -> None:
    """The unreviewed-translation notice at each page foot starts where the leaflet's text starts."""
    page = pdfium.PdfDocument(leaflets["pl"])[0]
    textpage = page.get_textpage()
    boxes = [textpage.get_charbox(i) for i in range(textpage.count_chars()) if textpage.get_text_range(i, 1).strip()]
    foot = [box[0] for box in boxes if box[1] < 60]
    body = [box[0] for box in boxes if box[1] > 100]
    assert foot and body
    assert abs(min(foot) - min(body)) < 1.0


def test_a_right_to_left_page_foot_notice_ends_at_the_text_edge(leaflets: dict[str, bytes]) -> None:
    page = pdfium.PdfDocument(leaflets["ar"])[0]
    textpage = page.get_textpage()
    boxes = [(textpage.get_text_range(i, 1), textpage.get_charbox(i)) for i in range(textpage.count_chars())]
    arabic = [(box[1], box[2]) for c, box in boxes if c.strip() and ord(c) > 0x600]
    foot = [right for bottom, right in arabic if bottom < 60]
    body = [right for bottom, right in arabic if bottom > 100]
    assert foot and body
    assert abs(max(foot) - max(body)) < 2.0


def test_advice_only_for_moderate_and_high(leaflets: dict[str, bytes]) -> None:
    text = flat(pdf_text(leaflets["en"]))
    assert "not to drink more than 14 units of alcohol a week" in text
    assert "Your answers suggest this is putting your health at high risk." in text
    assert "Stopping smoking is one of the best things" in text
    assert "Cannabis" not in text  # low band: no advice


def test_a_leaflet_with_no_advice_does_not_promise_any() -> None:
    """All "no" (or only low risk): the intro speaks of services only, in both languages."""
    low = [SubstanceRisk("alcohol", "low"), SubstanceRisk("tobacco", "low")]
    english = flat(pdf_text(screening_leaflet_pdf("en", risks=low, services=[], site_name="ED", today=TODAY)))
    assert "It has details of services that can help, whenever you are ready." in english
    assert "advice" not in english
    polish = flat(pdf_text(screening_leaflet_pdf("pl", risks=low, services=[], site_name="ED", today=TODAY)))
    assert "Znajdziesz w niej dane służb, które mogą pomóc – kiedy zechcesz." in polish
    assert "kilka porad" not in polish


def test_unreviewed_translation_says_so_in_both_languages(leaflets: dict[str, bytes]) -> None:
    polish = flat(pdf_text(leaflets["pl"]))
    assert "This translation has not yet been checked by a qualified translator." in polish
    assert "To tłumaczenie nie zostało jeszcze sprawdzone przez wykwalifikowanego tłumacza." in polish
    assert "26 listopada 2026" in polish
    english = flat(pdf_text(leaflets["en"]))
    assert "qualified translator" not in english


def test_the_unreviewed_notice_is_at_the_foot_of_every_page(leaflets: dict[str, bytes]) -> None:
    """A page can be read, or photocopied, on its own."""
    for code in ("pl", "ur"):
        pdf = pdfium.PdfDocument(leaflets[code])
        assert len(pdf) > 1
        for index in range(len(pdf)):
            page = pdf[index]
            text = page.get_textpage()
            height = page.get_height()
            foot = " ".join(text.get_text_bounded(top=height * 0.08).split())
            assert "This translation has not yet been checked by a qualified translator." in foot, (code, index)


def test_crisis_numbers_come_from_the_seed_data(leaflets: dict[str, bytes]) -> None:
    seed = {s.id: s for s in crisis_services()}
    assert list(seed) == ["nhs-111-mental-health", "samaritans"]
    text = flat(pdf_text(leaflets["es"]))
    assert "If a life is at risk now, call 999." in text
    assert "Si una vida corre peligro ahora, llame al 999." in text
    assert "Llame al 111 y elija la opción de salud mental." in text
    assert seed["samaritans"].phone in text


def test_the_crisis_lines_stay_on_every_leaflet_when_the_directory_has_them_deactivated_or_corrected() -> None:
    """Deactivating Samaritans or NHS 111 in the directory took them off every leaflet's crisis section."""
    directory = load_seed_services()
    retired = [dataclasses.replace(s, active=False) if s.id in ("samaritans", "nhs-111-mental-health") else s
               for s in directory]
    text = flat(pdf_text(screening_leaflet_pdf("en", risks=RISKS, services=[], site_name="", directory=retired)))
    assert "116 123" in text and "Call 111 and choose the mental health option" in text
    edited = [dataclasses.replace(s, phone="116123", hours="Always") if s.id == "samaritans" else s for s in directory]
    # The directory's own entry, with its number always as shipped: "116-123" would be printed as typed.
    assert [(s.phone, s.hours) for s in crisis_services(edited)][1] == ("116 123", "Always")
    # A number the directory now refuses, held by a vault from before: the shipped one is printed instead.
    wrong = [dataclasses.replace(s, phone="0800 111 111") if s.id == "nhs-111-mental-health" else s for s in directory]
    assert [s.phone for s in crisis_services(wrong)] == ["111", "116 123"]


def test_the_languages_a_local_service_speaks_are_printed_beside_it() -> None:
    speaks = Service(id="local-pl", name="Leeds Polish Centre", summary="Drop-in", categories=("alcohol",),
                     phone="0113 496 0000", languages=("Polish", "English"))
    english_only = Service(id="local-en", name="Leeds Hub", summary="Drop-in", categories=("alcohol",),
                           phone="0113 496 0001", languages=("English",))
    text = flat(pdf_text(services_leaflet_pdf("pl", services=[speaks, english_only], site_name="Leeds", today=TODAY)))
    assert text.count("Języki, w których można rozmawiać") == 1 and text.count("Languages spoken") == 1
    assert "Polish, English" in text  # as the directory has them
    assert "English" not in text.split("Leeds Hub", 1)[1].split("Leeds Polish Centre", 1)[0]  # said of one only


def test_markup_in_directory_text_is_printed_literally() -> None:
    local = Service(
        id="local-1",
        name="<b>Smith & Sons</b> Recovery",
        summary="Tea & <i>talk</i> on Tuesdays",
        categories=("alcohol",),
        address="1 High St <br/> Town",
        hours="Mon & Tue",
        self_referral=True,
        website="https://example.org/?a=1&b=2",
    )
    data = services_leaflet_pdf("en", services=[local], site_name="A & B <Hospital>", today=TODAY)
    text = flat(pdf_text(data))
    for literal in ("<b>Smith & Sons</b> Recovery", "Tea & <i>talk</i> on Tuesdays", "1 High St <br/> Town",
                    "Mon & Tue", "https://example.org/?a=1&b=2", "A & B <Hospital>", "You can contact them yourself."):
        assert literal in text, literal
    assert "Local services" in text


def test_indic_script_typed_into_the_directory_is_shaped() -> None:
    """A local service named in Bengali, in an English and a Bengali leaflet, is shaped by HarfBuzz (its words are
    drawn as shaped words, each with its letters as copyable text). Before, the English style shaped no Indic
    text, so vowel signs printed after the consonant they belong before: "সেবা" read as "সবো"."""
    import zlib

    local = Service(id="local-bn", name="Leeds কমিউনিটি কেন্দ্র", summary="সহায়তা সেবা", categories=("alcohol",),
                    phone="0113 496 0000")
    for code in ("en", "bn"):
        data = services_leaflet_pdf(code, services=[local], site_name="", today=TODAY)
        streams = b"".join(zlib.decompress(m.group(1)) for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S)
                           if m.group(1)[:1] == b"x")
        spans = [bytes.fromhex(h.decode()).decode("utf-16-be")
                 for h in re.findall(rb"/ActualText <FEFF([0-9A-F]*)>", streams)]
        for word in ("কেন্দ্র", "সেবা"):
            assert any(word in span for span in spans), (code, word)
        assert "Leeds কমিউনিটি কেন্দ্র" in pdf_text(data).replace("\r\n", " ")


def test_arabic_script_typed_into_the_directory_is_shaped_and_set_right_to_left() -> None:
    """A local service named in Arabic with an English gloss prints joined letters, the Arabic words in
    right-to-left order (first word on the right) and the English gloss to their left, in any leaflet."""
    local = Service(id="local-ar", name="مركز ليدز للكحول (Leeds Alcohol Hub)", summary="Drop-in",
                    categories=("alcohol",), hours="السبت إلى الخميس، 9 صباحاً - 5 مساءً", phone="0113 496 0000")
    page = pdfium.PdfDocument(services_leaflet_pdf("en", services=[local], site_name="", today=TODAY))[0]
    textpage = page.get_textpage()
    chars = [(textpage.get_text_range(i, 1), textpage.get_charbox(i)) for i in range(textpage.count_chars())]
    hub = next(i for i in range(len(chars)) if "".join(c for c, _b in chars[i:i + 3]) == "Hub")
    baseline = chars[hub][1][1]
    line = [(c, box) for c, box in chars if abs(box[1] - baseline) < 3 and c.strip()]
    arabic = [box[0] for c, box in line if 0xFE70 <= ord(c) <= 0xFEFF or 0x0600 <= ord(c) <= 0x06FF]
    assert arabic and min(arabic) > chars[hub + 2][1][2]  # the Arabic words follow the gloss, right to left
    # The first Arabic word (مركز: its initial meem) is the rightmost.
    meem = [box[0] for c, box in line if c in "\ufee3\ufee4\ufee1\ufee2\u0645"]
    assert meem and max(meem) == max(arabic)


def test_an_address_typed_over_two_lines_prints_over_two_lines() -> None:
    local = Service(id="local-2", name="Hub", summary="Drop-in", categories=("alcohol",),
                    address="1 Test Street\nLeeds LS1 1AA", phone="0113 496 0000")
    page = pdfium.PdfDocument(services_leaflet_pdf("en", services=[local], site_name="", today=TODAY))[0]
    lines = [" ".join(line.split()) for line in page.get_textpage().get_text_range().splitlines()]
    street = next(i for i, line in enumerate(lines) if line.endswith("1 Test Street"))
    assert lines[street + 1] == "Leeds LS1 1AA"


def test_a5_paper() -> None:
    data = services_leaflet_pdf("ta", services=[], site_name="", paper="A5", today=TODAY)
    pdf = pdfium.PdfDocument(data)
    width, height = pdf[0].get_size()
    pdf.close()
    assert (round(width), round(height)) == (420, 595)


def test_cli_never_prints_the_patient_identifier(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    draft = {
        "instrument_id": "assist-lite-2013",
        "instrument_version": "2013.1",
        "answers": {
            "tobacco.use": "no", "alcohol.use": "yes", "alcohol.more_than_4": "yes",
            "alcohol.failed_to_control": "yes", "alcohol.concern": "yes", "cannabis.use": "no",
            "stimulants.use": "no", "sedatives.use": "no", "opioids.use": "no", "other.use": "no",
        },
        "identifier_kind": "nhs_number",
        "identifier": "9434765919",
        "date_of_birth": "1980-02-29",
        "service_ids": ["drinkline"],
    }
    source = tmp_path / "draft.json"
    source.write_text(json.dumps(draft), encoding="utf-8")
    out = tmp_path / "leaflet.pdf"
    assert run(["leaflet", "--lang", "uk", "--result", str(source), "--out", str(out)]) == 0
    data = out.read_bytes()
    text = flat(pdf_text(data))
    assert "Drinkline" in text and "0300 123 1110" in text
    for secret in ("9434765919", "943 476 5919", "1980", "29 February", "29.02"):
        assert secret not in text
        assert secret.encode() not in data


def test_cli_reads_score_output_and_suggests_services(tmp_path: Path) -> None:
    score = {
        "instrument": {"id": "assist-lite-2013", "version": "2013.1"},
        "blocks": {
            block: {"score": 0, "band": "low"}
            for block in ("tobacco", "cannabis", "stimulants", "sedatives", "opioids", "other")
        },
    }
    score["blocks"]["alcohol"] = {"score": 3, "band": "high"}
    source = tmp_path / "score.json"
    source.write_text(json.dumps(score), encoding="utf-8")
    out = tmp_path / "x.pdf"
    assert run(["leaflet", "--lang", "en", "--result", str(source), "--paper", "A5", "--out", str(out)]) == 0
    text = flat(pdf_text(out.read_bytes()))
    assert "Drinkline" in text  # suggested by the signposting rules for alcohol
    assert "FRANK" not in text
    written = out.read_bytes()
    assert run(["leaflet", "--lang", "pl", "--result", str(source), "--out", str(out)]) == 2
    assert out.read_bytes() == written  # an existing file is never replaced without --force
    assert run(["leaflet", "--lang", "pl", "--result", str(source), "--out", str(out), "--force"]) == 0
    assert out.read_bytes() != written


def test_score_output_for_a_patient_under_mental_health_services_gets_their_services(tmp_path: Path) -> None:
    from app.instrument import find_pack, score
    from app.instrument.commands import result_document
    from app.policy import load_action_policy

    pack = find_pack()
    answers = {f"{block.id}.use": "no" for block in pack.blocks}
    answers.update({"alcohol.use": "yes", "alcohol.more_than_4": "yes", "alcohol.failed_to_control": "yes",
                    "alcohol.concern": "no"})
    texts = {}
    for under_care in (False, True):
        doc = result_document(score(pack, answers), load_action_policy(), under_mental_health_services=under_care)
        source = tmp_path / f"score-{under_care}.json"
        source.write_text(json.dumps(doc), encoding="utf-8")
        out = tmp_path / f"leaflet-{under_care}.pdf"
        assert run(["leaflet", "--lang", "en", "--result", str(source), "--out", str(out)]) == 0
        texts[under_care] = flat(pdf_text(out.read_bytes()))
    assert "Mind Infoline" in texts[True]
    assert "Mind Infoline" not in texts[False]


def test_cli_rejects_a_band_that_does_not_match_the_score(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "bad.json"
    bad = {"instrument": {"id": "assist-lite-2013"}, "blocks": {"tobacco": {"score": 3, "band": "low"}}}
    source.write_text(json.dumps(bad))
    assert run(["leaflet", "--lang", "en", "--result", str(source), "--out", str(tmp_path / "x.pdf")]) == 2
    assert "blocks.tobacco" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_cli_services_leaflet(tmp_path: Path) -> None:
    out = tmp_path / "s.pdf"
    assert run(["leaflet", "--lang", "pa", "--services", "family", "--out", str(out)]) == 0
    text = flat(pdf_text(out.read_bytes()))
    assert "Help is here when you want it" in text
    assert "Adfam" in text and "Al-Anon" in text
    assert "About your answers today" not in text


def test_cli_services_leaflet_with_no_service_in_its_categories_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It wrote a leaflet listing only the crisis lines, and exited 0."""
    assert run(["leaflet", "--lang", "pl", "--services", "legal", "--out", str(tmp_path / "x.pdf")]) == 1
    assert capsys.readouterr().err == ("signpost leaflet: the directory has no active service for Legal advice, so "
                                       "the leaflet would list none.\n")
    assert not (tmp_path / "x.pdf").exists()
    # Beside a kind that has services, the empty one is named, not left out without a word.
    assert run(["leaflet", "--lang", "pl", "--services", "legal,family", "--out", str(tmp_path / "y.pdf")]) == 0
    assert capsys.readouterr().err == ("note: the directory has no active service for Legal advice: the leaflet "
                                       "lists the others\n")


def test_cli_services_leaflet_with_no_category_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["leaflet", "--lang", "pl", "--services", "", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "--services: name at least one category (" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_cli_result_file_with_a_byte_order_mark_or_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocks = ("tobacco", "cannabis", "stimulants", "sedatives", "opioids", "other")
    score = {"instrument": {"id": "assist-lite-2013", "version": "2013.1"},
             "blocks": {"alcohol": {"score": 3, "band": "high"}, **{b: {"score": 0, "band": "low"} for b in blocks}}}
    source = tmp_path / "score.json"
    source.write_bytes(b"\xef\xbb\xbf" + json.dumps(score).encode())  # as Notepad and PowerShell save UTF-8
    assert run(["leaflet", "--lang", "en", "--result", str(source), "--out", str(tmp_path / "x.pdf")]) == 0
    assert "Drinkline" in flat(pdf_text((tmp_path / "x.pdf").read_bytes()))
    source.write_text("\n")
    assert run(["leaflet", "--lang", "en", "--result", str(source), "--out", str(tmp_path / "y.pdf")]) == 2
    assert "score.json: is empty" in capsys.readouterr().err
    # A band given twice is refused, not read as the last one (the leaflet's advice follows the band).
    source.write_text(json.dumps(score).replace('"band": "high"}', '"band": "high", "band": "low"}'))
    assert run(["leaflet", "--lang", "en", "--result", str(source), "--out", str(tmp_path / "z.pdf")]) == 2
    assert "score.json: 'band' is given twice in one object" in capsys.readouterr().err
    assert not (tmp_path / "z.pdf").exists()


def test_cli_result_file_with_a_misspelt_field_or_a_flag_not_true_or_false_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ignored, ``"risk_to_slef": true`` or ``"risk_to_self": "yes"`` printed a leaflet without the crisis services
    for someone at risk (Shout, CALM, PAPYRUS), and said nothing."""
    answers = {"instrument_id": "assist-lite-2013", "instrument_version": "2013.1", "identifier": "943 476 5919",
               "answers": {**{f"{b}.use": "no" for b in ("tobacco", "alcohol", "cannabis", "stimulants", "sedatives",
                                                           "opioids", "other")}}}
    source = tmp_path / "draft.json"
    for extra, message in (
        ({"risk_to_slef": True}, "draft.json: 'risk_to_slef' is not a field of a screening (did you mean "
                                 "'risk_to_self'?)"),
        ({"risk_to_self": "yes"}, "draft.json: 'risk_to_self' must be true or false, not \"yes\""),
        ({"under_mental_health_services": 1}, "draft.json: 'under_mental_health_services' must be true or false, "
                                              "not 1"),
    ):
        source.write_text(json.dumps({**answers, **extra}))
        assert run(["leaflet", "--lang", "en", "--result", str(source), "--out", str(tmp_path / "x.pdf")]) == 2
        assert message in capsys.readouterr().err
        assert not (tmp_path / "x.pdf").exists()
    source.write_text(json.dumps({**answers, "risk_to_self": True, "under_mental_health_services": None}))
    assert run(["leaflet", "--lang", "en", "--result", str(source), "--out", str(tmp_path / "x.pdf")]) == 0
    assert "PAPYRUS" in flat(pdf_text((tmp_path / "x.pdf").read_bytes()))


def test_cli_unknown_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["leaflet", "--lang", "xx", "--demo", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "unknown language code 'xx'" in capsys.readouterr().err
    # The code as typed, normalised: the PDF is the Polish one and the audit entry names "pl".
    assert run(["leaflet", "--lang", "PL", "--paper", "a5", "--demo", "--out", str(tmp_path / "p.pdf")]) == 0
    assert "language pl, A5" in capsys.readouterr().out
    assert "Alkohol" in flat(pdf_text((tmp_path / "p.pdf").read_bytes()))


def test_qr_codes_decode_to_the_service_websites() -> None:
    import zxingcpp

    services = [s for s in load_seed_services() if s.id in ("frank", "adfam")]
    pdf = pdfium.PdfDocument(services_leaflet_pdf("ar", services=services, site_name="", today=TODAY))
    decoded: set[str] = set()
    try:
        for index in range(len(pdf)):
            image = pdf[index].render(scale=150 / 72).to_pil()
            codes = zxingcpp.read_barcodes(image)
            decoded.update(code.text for code in codes if code.format == zxingcpp.BarcodeFormat.QRCode)
    finally:
        pdf.close()
    assert decoded == {"https://www.talktofrank.com", "https://adfam.org.uk"}


def test_chinese_lines_never_start_with_closing_punctuation() -> None:
    from app.leaflets.catalog import load_catalog
    from app.leaflets.cjk_lines import CHINESE_CANNOT_START
    from app.leaflets.content import build_leaflet
    from app.leaflets.render import _Builder, prepare_fonts

    prepare_fonts("zh_Hans")
    builder = _Builder(build_leaflet("zh_Hans"), "A4")
    entries = load_catalog("zh_Hans").translations._catalog  # type: ignore[attr-defined]
    text = "".join(value for key, value in entries.items() if key)
    starts = []
    for width in range(120, 400, 3):  # every width wraps at different characters
        paragraph = builder.para(text, "body", patient=True)
        paragraph.wrap(width, 10_000)
        lines = ["".join(getattr(w, "text", "") for w in line.words) for line in paragraph.blPara.lines]
        assert len(lines) > 3
        starts += [line[0] for line in lines[1:] if line]
    assert not [ch for ch in starts if ch in CHINESE_CANNOT_START]


def test_national_descriptions_match_the_seed_and_print_in_both_languages(leaflets: dict[str, bytes]) -> None:
    from app.leaflets.national_text import NATIONAL_SUMMARIES

    seed = {s.id: s.summary for s in load_seed_services()}
    assert {key: seed[key] for key in NATIONAL_SUMMARIES} == NATIONAL_SUMMARIES
    text = flat(pdf_text(leaflets["es"]))
    assert seed["frank"] in text
    assert "Información y asesoramiento gratuitos, confidenciales y sin juicios sobre drogas" in text


def test_national_opening_hours_match_the_seed_and_print_in_both_languages() -> None:
    from app.leaflets.national_text import NATIONAL_HOURS

    seed = {s.id: s.hours for s in load_seed_services()}
    assert {key: value for key, value in seed.items() if value} == NATIONAL_HOURS
    calm = next(s for s in load_seed_services() if s.id == "calm")
    text = flat(pdf_text(services_leaflet_pdf("es", services=[calm], site_name="", today=TODAY)))
    assert "de 17:00 a medianoche, todos los días" in text and "5pm to midnight, every day" in text
    edited = dataclasses.replace(calm, hours="6pm to midnight, every day")
    text = flat(pdf_text(services_leaflet_pdf("es", services=[edited], site_name="", today=TODAY)))
    assert "6pm to midnight, every day" in text and "medianoche" not in text  # an edit prints as typed


def test_an_edited_description_prints_in_english_only() -> None:
    frank = next(s for s in load_seed_services() if s.id == "frank")
    edited = dataclasses.replace(frank, summary=frank.summary + " Edited locally.")
    text = flat(pdf_text(services_leaflet_pdf("es", services=[edited], site_name="", today=TODAY)))
    assert edited.summary in text
    assert "Información y asesoramiento gratuitos" not in text


@pytest.mark.parametrize("code", sorted(SCRIPT_FONTS))
def test_every_translated_string_renders_at_any_width(code: str) -> None:
    """Shaped text wraps differently at each width; each line start must draw (ReportLab's setRise crash)."""
    import io

    from reportlab.platypus import SimpleDocTemplate, Table

    from app.leaflets.catalog import load_catalog
    from app.leaflets.content import build_leaflet
    from app.leaflets.render import _Builder, prepare_fonts

    prepare_fonts(code)
    builder = _Builder(build_leaflet(code), "A4")
    entries = load_catalog(code).translations._catalog  # type: ignore[attr-defined]
    story = [
        Table([[builder.para(text, "small", patient=True)]], colWidths=[width])
        for text in entries.values()
        if text and not text.startswith("Project-Id")
        for width in (150, 230, 300)
    ]
    out = io.BytesIO()
    SimpleDocTemplate(out).build(story)  # raised before the fix, at the first line starting with a shaped run
    assert len(pdf_text(out.getvalue()).split()) > len(story)  # and every string drew some text


@pytest.mark.parametrize(
    ("reading", "display"),
    [
        ("شكرًا لحديثك معنا اليوم", "اليوم معنا لحديثك شكرًا"),  # the first word on the right
        ("لم يراجع بعد.", "بعد. يراجع لم"),  # the stop stays with its word: HarfBuzz puts it on the word's left
        ("فاتصل بالرقم 999.", ".999 بالرقم فاتصل"),  # after a number the sentence's stop is set left of it
        ("اتصل على 116 123 الآن", "الآن 116\u00a0123 على اتصل"),  # a phone number stays whole, left to right
        ("خدمة (NHS) هنا", "هنا (NHS) خدمة"),  # brackets around a Latin word face the right way
        ("می\u200cخواهم برم", "برم می\u200cخواهم"),  # the Persian joiner stays inside its word
        ("کال \u200fکریں", "کریں کال"),  # a direction mark is dropped (fonts draw it as a hook)
    ],
)
def test_right_to_left_words_are_set_in_display_order(reading: str, display: str) -> None:
    """The markup a right-to-left paragraph is set from, its font spans taken off: the words as HarfBuzz gets them."""
    from xml.sax.saxutils import unescape

    from app.leaflets.fonts import ARABIC
    from app.leaflets.render import _covers
    from app.leaflets.rtl_lines import _markup, prepare

    markup = _markup(prepare(reading), ARABIC, _covers, None, 1, False)
    assert unescape(re.sub(r"</?font[^>]*>", "", markup)) == display


@pytest.mark.parametrize("code", ["fa", "ur", "ar"])
def test_a_number_in_arabic_indic_digits_reads_left_to_right(code: str) -> None:
    """HarfBuzz sets Arabic-Indic digits right to left, as Arabic script; drawn, the number still reads 116 123."""
    import io

    from reportlab.platypus import SimpleDocTemplate

    from app.leaflets.content import build_leaflet
    from app.leaflets.render import _Builder, prepare_fonts

    digits = "۱۱۶ ۱۲۳" if code != "ar" else "١١٦ ١٢٣"
    prepare_fonts(code)
    builder = _Builder(build_leaflet(code), "A4")
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer).build([builder.para(f"تماس {digits} الان", "body", patient=True)])
    textpage = pdfium.PdfDocument(buffer.getvalue())[0].get_textpage()
    drawn = sorted((textpage.get_charbox(i)[0], textpage.get_text_range(i, 1)) for i in range(textpage.count_chars()))
    # (the font draws Persian and Arabic 6 with one glyph, so the values are compared)
    assert "".join(str(int(c)) for _x, c in drawn if c.isdigit()) == "116123"


def test_a_word_that_changes_font_inside_right_to_left_text_is_drawn_whole_and_in_order() -> None:
    """Noto Naskh has no ASCII brackets or question mark, so they come from Noto Sans; ReportLab shaped such a
    word in its first piece's font, and the Arabic letters came out as empty boxes."""
    import io

    from reportlab.platypus import SimpleDocTemplate

    from app.leaflets.content import build_leaflet
    from app.leaflets.render import _Builder, prepare_fonts

    prepare_fonts("ar")
    builder = _Builder(build_leaflet("ar"), "A4")
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer).build([builder.para("الخدمة (مجاناً) للجميع", "body", patient=True),
                                     builder.para("كيف حالك?", "body", patient=True)])
    textpage = pdfium.PdfDocument(buffer.getvalue())[0].get_textpage()
    chars = [(textpage.get_text_range(i, 1), textpage.get_charbox(i)) for i in range(textpage.count_chars())]
    middle = (max(box[1] for _c, box in chars) + min(box[1] for _c, box in chars)) / 2  # between the two lines
    first = [(c, box[0]) for c, box in chars if c.strip() and box[1] > middle]
    second = [(c, box[0]) for c, box in chars if c.strip() and box[1] <= middle]
    assert set("مجان") <= {c for c, _x in first}  # the bracketed word's letters, not boxes
    question = [x for c, x in second if c == "?"]
    assert question and question[0] < min(x for c, x in second if c != "?")  # the sentence ends on the left


def test_right_to_left_lines_are_broken_in_reading_order() -> None:
    """The first words of the sentence are on the first line, on its right; a line does not start where the
    sentence ends."""
    from app.leaflets.fonts import ARABIC
    from app.leaflets.render import _covers, _styles, prepare_fonts
    from app.leaflets.rtl_lines import rtl_paragraph

    prepare_fonts("ar")
    words = ["كلمة", "أولى", "ثم", "ثانية", "ثم", "ثالثة", "ثم", "رابعة", "ثم", "خامسة", "ثم", "سادسة"]
    paragraph = rtl_paragraph(" ".join(words), _styles("ar", 1.0).style("body", patient=True), base=ARABIC,
                              covers=_covers)
    paragraph.wrap(70, 1000)
    lines = [re.sub("<[^>]+>", "", line).split(" ") for line in paragraph.text.split("<br/>")]
    assert len(lines) > 2 and len(paragraph.blPara.lines) == len(lines)
    assert [word for line in lines for word in reversed(line)] == words


def test_a_right_to_left_leaflet_ends_its_crisis_sentence_on_the_left() -> None:
    """In the Arabic leaflet "… call 999." is set with 999 at the left end of its line and the stop left of it."""
    pdf = screening_leaflet_pdf("ar", risks=[], services=[], site_name="Test", directory=load_seed_services(),
                                today=TODAY)
    arabic_lines = []
    for page in pdfium.PdfDocument(pdf):
        textpage = page.get_textpage()
        chars = [(textpage.get_text_range(i, 1), textpage.get_charbox(i)) for i in range(textpage.count_chars())]
        for i in range(len(chars) - 2):
            if "".join(c for c, _box in chars[i:i + 3]) != "999":
                continue
            baseline = chars[i][1][1]
            line = [(c, box) for c, box in chars if abs(box[1] - baseline) < 3 and c.strip()]
            if any(ord(c) > 0x2000 for c, _box in line):  # set in the Arabic font: the patient's line
                arabic_lines.append((chars[i][1][0], line))
    assert arabic_lines, "no Arabic line with 999"
    for nines_x, line in arabic_lines:
        others = [box[0] for c, box in line if c not in "9."]
        stops = [box[0] for c, box in line if c == "."]
        assert nines_x < min(others)
        assert stops and min(stops) < nines_x


def test_invisible_format_marks_are_not_drawn_in_any_script() -> None:
    """A right-to-left mark typed in a directory name is not printed (Noto Sans has a visible glyph for it)."""
    from app.leaflets.fonts import ARABIC, LATIN
    from app.leaflets.render import _covers
    from app.leaflets.script_runs import runs

    assert _covers(LATIN, "\u200f")  # the font would draw it
    assert runs("Co \u200fمرکز\u200e", base=LATIN, covers=_covers) == [(LATIN, "Co "), (ARABIC, "مرکز")]
    assert runs("ن\u200cم", base=ARABIC, covers=_covers) == [(ARABIC, "ن\u200cم")]  # joiners stay


def test_a_rise_that_replaces_another_is_the_one_in_force() -> None:
    """ReportLab 5.1 kept the first of two rises in a row as the one in force, so it never reset the second
    and the words after a raised Nastaliq glyph were drawn lifted; after the fix a reset follows each rise."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    from app.leaflets.render import prepare_fonts

    prepare_fonts("ur")
    text = Canvas(io.BytesIO()).beginText()
    text.textOut("x")
    text.setRise(0)
    text.setRise(10.887)  # one rise straight after another: the PDF holds only the second
    assert (text._rise, text._code[-1]) == (10.887, "10.887 Ts")
    text.textOut("y")
    text.setRise(0)
    assert (text._rise, text._code[-1]) == (0, "0 Ts")


def test_reportlab_writes_pdfs_with_its_c_accelerator() -> None:
    """rl_accel (ReportLab's own C extension) formats the numbers and string widths of every line drawn;
    without it ReportLab silently falls back to Python, and a leaflet takes about 15 % longer."""
    from reportlab.lib import rl_accel

    assert type(rl_accel.fp_str).__name__ == "builtin_function_or_method"
    assert type(rl_accel.instanceStringWidthTTF).__name__ == "builtin_function_or_method"


CROSS_SCRIPT_NAMES = """
import dataclasses, datetime as dt, sys
from app.directory.seed import load_seed_services
from app.leaflets.build import services_leaflet_pdf
base = load_seed_services()[0]
named = [dataclasses.replace(base, id="a", name="مركز الأمل", national=False),
         dataclasses.replace(base, id="z", name="利兹华人戒烟服务", national=False)]
pdf = services_leaflet_pdf(sys.argv[1], services=named, site_name="ED", today=dt.date(2026, 11, 26))
sys.stdout.write(str(len(pdf)))
"""


@pytest.mark.parametrize("code", ["en", "ur", "ar"])
def test_service_names_in_another_script_print_in_a_fresh_process(code: str) -> None:
    """Names typed into the directory in Arabic or Chinese print (bold where the script has a bold face) in a
    leaflet of any language, also when no leaflet in that script was made before in the process."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", CROSS_SCRIPT_NAMES, code], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout) > 10_000


def page_texts(data: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(data)
    try:
        return [flat(pdf[i].get_textpage().get_text_range()) for i in range(len(pdf))]
    finally:
        pdf.close()


TALL = Service(
    id="tall", name="Leeds Family Drug and Alcohol Support Service", summary="Help for families. " * 25,
    categories=("family",), phone="0113 496 0007", website="https://tall.example.org",
    address="\n".join(f"Line {n}, Building {n}" for n in range(1, 16)), hours="Monday 9am to 5pm. " * 10,
    self_referral=True, languages=tuple(f"Language number {n}" for n in range(1, 41)),
)
SHORT = Service(id="short", name="Leeds Family Hub", summary="Help", categories=("family",), phone="0113 496 0001")
# One detail taller than a page on its own: an address of 60 short lines.
LINES = dataclasses.replace(SHORT, id="lines", name="Leeds Lines", address="\n".join(f"L{n}" for n in range(60)))


@pytest.mark.parametrize("code", ["en", "ur", "pl"])
def test_a_directory_entry_taller_than_a_page_runs_on_from_where_it_starts(code: str) -> None:
    """Import accepts entries this long; kept in one box, one stopped the A5 leaflet with ReportLab's LayoutError
    ("too large on page 3") wherever it came in its section, or left the first page blank before it."""
    assert service_problems(TALL) == [] and service_problems(LINES) == []  # as an import or the editor takes them
    for paper in ("A5", "A4"):
        pages = page_texts(services_leaflet_pdf(code, services=[TALL], site_name="", paper=paper, today=TODAY))
        if paper == "A5":  # taller than an A5 page: it starts under its heading on page 1, not on a page of its own
            assert "Local services" in pages[0] and TALL.name in pages[0]
        text = " ".join(pages)
        assert "Line 15, Building 15" in text and "Language number 40" in text, paper  # and nothing is lost
        for services in ([SHORT, TALL, SHORT], [LINES]):  # second in its section; one detail taller than a page
            text = " ".join(page_texts(services_leaflet_pdf(code, services=services, site_name="", paper=paper,
                                                            today=TODAY)))
            assert "Language number 40" in text or "L59" in text, (paper, services[-1].id)


def test_a_long_site_name_is_shortened_on_the_foot_line_and_never_runs_into_the_page_number() -> None:
    site = "Emergency Department, St James's University Hospital, Leeds Teaching Hospitals NHS Trust"
    for paper in ("A5", "A4"):
        data = screening_leaflet_pdf("pl", risks=RISKS, services=[], site_name=site, paper=paper, today=TODAY)
        pdf = pdfium.PdfDocument(data)
        try:
            for index in range(len(pdf)):
                page = pdf[index].get_textpage()
                text = page.get_text_range()
                end = text.index("Leaflet version 1.0") + len("Leaflet version 1.0") - 1  # the foot line is drawn first
                number = text.index(str(index + 1), end + 1)
                assert page.get_charbox(end)[2] < page.get_charbox(number)[0], (paper, index)  # right of it, clear
                foot = re.findall(r"[^\r\n]*Leaflet version 1\.0", text)[0]
                assert foot.startswith("Emergency Department, St James") and "… · Date: 26 November 2026 · " in foot
        finally:
            pdf.close()
        assert site in flat(pdf_text(data))  # whole at the leaflet's end


def test_a_korean_service_name_is_printed_in_the_chinese_font_which_has_hangul() -> None:
    """Hangul was sent to Noto Sans, which has none of it: the name printed without its Korean words."""
    korean = Service(id="kr", name="Leeds 중독 센터", summary="Help", categories=("family",), phone="0113 496 0000")
    data = services_leaflet_pdf("en", services=[korean], site_name="", today=TODAY)
    assert "Leeds 중독 센터" in flat(pdf_text(data))
    assert any("WenQuanYi" in font for font in embedded_fonts(data))


def test_urdu_detail_labels_keep_clear_of_the_row_above() -> None:
    """Nastaliq rises well above its line: with the usual padding, Urdu labels touched the rule between rows."""
    frank = [s for s in load_seed_services() if s.id == "frank"]
    pdf = pdfium.PdfDocument(services_leaflet_pdf("ur", services=frank, site_name="", today=TODAY))
    try:
        page = pdf[0].get_textpage()

        def extent(text: str) -> tuple[float, float]:
            """Bottom and top of ``text`` on the page (PDF points, upwards)."""
            index, count = page.search(text).get_next()
            boxes = [page.get_charbox(i) for i in range(index, index + count)]
            return min(b[1] for b in boxes), max(b[3] for b in boxes)

        row_above_bottom = extent("Text message")[0]  # the English label at the foot of the row above
        for word in ("اوقات", "کار"):  # "Opening hours", the Urdu label on the next row
            assert row_above_bottom - extent(word)[1] >= 4, word
    finally:
        pdf.close()
