"""The language registry, review status from catalog headers, locale formatting and ``signpost languages``."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest

from app.cli import run
from app.errors import UsageError
from app.i18n import (
    LANGUAGES,
    LEAFLET_DOMAIN,
    REVIEWED,
    SOURCE,
    UI_DOMAIN,
    UNREVIEWED,
    ReviewStatus,
    format_date,
    format_decimal,
    language,
    language_codes,
    review_status,
)
from app.i18n.pseudo import PDF, RLO, pseudo_text
from app.i18n.review import read_header, status_from_header

CONTRACT_CODES = "en pl ro pa ur pt es ar bn gu it lt zh_Hans ta tr so uk fa".split()

# The Unicode script each language's own name must be written in (checked per character).
SCRIPT_WORD = {"Latn": "LATIN", "Arab": "ARABIC", "Guru": "GURMUKHI", "Beng": "BENGALI", "Gujr": "GUJARATI",
               "Taml": "TAMIL", "Cyrl": "CYRILLIC", "Hans": "CJK"}


def test_registry_holds_exactly_the_contract_languages_in_order() -> None:
    assert list(language_codes()) == CONTRACT_CODES


@pytest.mark.parametrize("lang", LANGUAGES, ids=lambda lang: lang.code)
def test_own_name_direction_and_script_agree_with_cldr_and_unicode(lang) -> None:  # type: ignore[no-untyped-def]
    from babel import Locale

    cldr = Locale.parse(lang.babel_locale)
    assert cldr.language_name.casefold() in lang.own_name.casefold()
    assert lang.direction == cldr.text_direction
    letters = [ch for ch in lang.own_name if ch.isalpha()]
    assert letters and all(SCRIPT_WORD[lang.script] in unicodedata.name(ch) for ch in letters)


def test_unknown_language_code_is_a_usage_error_naming_it() -> None:
    with pytest.raises(UsageError, match="'xx'.*known: en pl"):
        language("xx")


def test_right_to_left_languages() -> None:
    assert {lang.code for lang in LANGUAGES if lang.is_rtl} == {"ar", "ur", "fa"}


def _po(tmp_path: Path, header_lines: str) -> Path:
    path = tmp_path / "leaflet.po"
    path.write_text(
        '# comment\nmsgid ""\nmsgstr ""\n"Language: pl\\n"\n'
        + header_lines
        + '\n#, python-format\nmsgid "Hello"\nmsgstr "Cześć"\n',
        encoding="utf-8",
    )
    return path


def test_reviewed_header_is_read_with_who_and_when(tmp_path: Path) -> None:
    fields = '"X-Review-Status: reviewed\\n"\n"X-Reviewed-By: A. Nowak, CIOL\\n"\n"X-Reviewed-On: 2026-11-20\\n"'
    path = _po(tmp_path, fields)
    assert read_header(path)["Language"] == "pl"
    status = status_from_header(read_header(path))
    assert status == ReviewStatus(REVIEWED, "A. Nowak, CIOL", dt.date(2026, 11, 20))
    assert not status.needs_notice
    assert status.describe() == "reviewed by A. Nowak, CIOL on 2026-11-20"


@pytest.mark.parametrize(
    "lines",
    [
        "",  # no review fields at all: the default
        '"X-Review-Status: unreviewed\\n"',
        '"X-Review-Status: reviewed\\n"\n"X-Reviewed-On: 2026-11-20\\n"',  # who is missing
        '"X-Review-Status: reviewed\\n"\n"X-Reviewed-By: A. Nowak\\n"\n"X-Reviewed-On: soon\\n"',
        '"X-Review-Status: checked\\n"',
    ],
)
def test_anything_short_of_a_complete_review_counts_as_unreviewed(tmp_path: Path, lines: str) -> None:
    status = status_from_header(read_header(_po(tmp_path, lines)))
    assert status.state == UNREVIEWED and status.needs_notice


def test_review_status_of_real_catalogs() -> None:
    assert review_status("en") == ReviewStatus(SOURCE)
    assert not review_status("en").needs_notice
    for code in language_codes()[1:]:
        assert review_status(code, UI_DOMAIN).state in (REVIEWED, UNREVIEWED)
    # A language with no catalog in a domain is unreviewed, never silently "reviewed".
    assert review_status("pl", "no-such-domain").state == UNREVIEWED


def test_dates_and_numbers_are_written_the_languages_way_with_latin_digits() -> None:
    day = dt.date(2026, 11, 26)
    assert format_date(day, "en") == "26 November 2026"
    assert format_date(day, "pl") == "26 listopada 2026"
    assert format_date(day, "zh_Hans") == "2026年11月26日"
    assert format_date(day, "ar") == "26 نوفمبر 2026"
    assert format_decimal(12345.5, "pl") == "12\xa0345,5"
    assert all(ch.isascii() for ch in format_decimal(1234, "ar") if ch.isdigit())


def test_signpost_languages_prints_one_line_per_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["languages"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == CONTRACT_CODES
    assert all(len(line.split("\t")) == 4 for line in lines)
    assert lines[0] == "en\tEnglish\tEnglish\tsource"
    assert f"ur\tUrdu\tاردو\t{review_status('ur', LEAFLET_DOMAIN).describe()}" in lines
    assert f"zh_Hans\tChinese (Simplified)\t简体中文\t{review_status('zh_Hans').describe()}" in lines


def test_pseudo_text_expands_mirrors_and_keeps_placeholders_markup_and_accelerators() -> None:
    source = "&Save %(count)d records for {name} <b>now</b> &amp; 100%% %s"
    text = pseudo_text(source)
    assert text.startswith(RLO + "[") and text.endswith("]" + PDF)
    for kept in ("&S", "%(count)d", "{name}", "<b>", "</b>", "&amp;", "%%", "%s"):
        assert kept in text
    assert "records" not in text and "ŕéçöŕđš" in text
    assert len(text) - 2 >= 1.4 * len(source)
    assert pseudo_text("") == ""


def test_translated_count_reads_the_compiled_catalog(tmp_path: Path) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    from app.i18n.progress import translated_in

    catalog = Catalog(locale="pl")
    catalog.add("Save", "Zapisz")
    catalog.add("Open", "")
    catalog.add(("%d file", "%d files"), ("", "", ""))  # Babel compiles this with the English forms
    catalog.add(("%d record", "%d records"), ("%d rekord", "%d rekordy", "%d rekordów"))
    catalog.add("Draft", "Szkic", flags=["fuzzy"])
    mo = tmp_path / "ui.mo"
    with mo.open("wb") as out:
        write_mo(out, catalog)
    assert translated_in(mo) == 2
    assert translated_in(tmp_path / "missing.mo") == 0
