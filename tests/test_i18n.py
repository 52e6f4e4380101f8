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


def test_a_language_code_is_found_as_people_type_it() -> None:
    assert language("PL").code == "pl"
    assert language("zh-hans").code == "zh_Hans" and language("zh").code == "zh_Hans"
    assert language(" ur ").code == "ur"


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


def test_dates_are_written_the_languages_way_with_latin_digits() -> None:
    day = dt.date(2026, 11, 26)
    assert format_date(day, "en") == "26 November 2026"
    assert format_date(day, "pl") == "26 listopada 2026"
    assert format_date(day, "zh_Hans") == "2026年11月26日"
    assert format_date(day, "ar") == "26 نوفمبر 2026"


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


# --- how much of each catalog is translated ---------------------------------------------------------

_PO_HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n{extra}\n'
_PL = (
    '"Language: pl\\n"\n'
    '"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"\n'
)
_UI_TEMPLATE = "".join(f'\nmsgid "{text}"\nmsgstr ""\n' for text in ("Save", "Open", "Draft", "Close")) + "".join(
    f'\nmsgid "%d {one}"\nmsgid_plural "%d {one}s"\nmsgstr[0] ""\nmsgstr[1] ""\n' for one in ("file", "record")
)
# Two of the six template messages are translated ("Save" and "%d file"). An empty one, a fuzzy one, a
# plural with a form missing do not count, nor does "Close", not merged into the catalog yet, and "Exit"
# (no longer in the template) is not counted at all.
_PL_UI = (
    '\nmsgid "Save"\nmsgstr "Zapisz"\n\nmsgid "Open"\nmsgstr ""\n\n#, fuzzy\nmsgid "Draft"\nmsgstr "Szkic"\n'
    '\nmsgid "%d file"\nmsgid_plural "%d files"\nmsgstr[0] "%d plik"\nmsgstr[1] "%d pliki"\nmsgstr[2] "%d plików"\n'
    '\nmsgid "%d record"\nmsgid_plural "%d records"\nmsgstr[0] "%d rekord"\nmsgstr[1] ""\nmsgstr[2] "%d rekordów"\n'
    '\nmsgid "Exit"\nmsgstr "Wyjdź"\n'
)


def _locales(root: Path) -> Path:
    """A catalog tree: a ui template and a partly translated Polish ui catalog; complete Polish leaflets."""
    locales = root / "locales"
    (locales / "pl" / "LC_MESSAGES").mkdir(parents=True)
    (locales / "ui.pot").write_text(_PO_HEADER.format(extra="") + _UI_TEMPLATE, encoding="utf-8")
    (locales / "pl" / "LC_MESSAGES" / "ui.po").write_text(
        _PO_HEADER.format(extra=_PL + '"X-Review-Status: unreviewed\\n"') + _PL_UI, encoding="utf-8")
    (locales / "leaflet.pot").write_text(_PO_HEADER.format(extra="") + '\nmsgid "Help"\nmsgstr ""\n', encoding="utf-8")
    reviewed = '"X-Review-Status: reviewed\\n"\n"X-Reviewed-By: A. Nowak, CIOL\\n"\n"X-Reviewed-On: 2026-11-20\\n"'
    (locales / "pl" / "LC_MESSAGES" / "leaflet.po").write_text(
        _PO_HEADER.format(extra=_PL + reviewed) + '\nmsgid "Help"\nmsgstr "Pomoc"\n', encoding="utf-8")
    # Romanian: a catalog Babel reads only with warnings (a third plural form where the header allows two).
    (locales / "ro" / "LC_MESSAGES").mkdir(parents=True)
    (locales / "ro" / "LC_MESSAGES" / "ui.po").write_text(
        _PO_HEADER.format(extra='"Language: ro\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"')
        + '\nmsgid "Save"\nmsgstr "Salvează"\n'
        + '\nmsgid "%d file"\nmsgid_plural "%d files"\nmsgstr[0] "a"\nmsgstr[1] "b"\nmsgstr[2] "c"\n',
        encoding="utf-8",
    )
    return locales


def test_languages_says_how_much_of_an_incomplete_catalog_is_translated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    _locales(tmp_path)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)  # locales_dir() is now tmp_path/locales
    assert run(["languages", "--domain", "ui"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == CONTRACT_CODES
    status = {line.split("\t")[0]: line.split("\t")[3] for line in lines}
    assert status["en"] == "source"
    assert status["pl"] == "unreviewed, 2 of 6 translated"
    assert status["uk"] == "unreviewed, 0 of 6 translated"  # no catalog at all
    assert status["ro"] == "unreviewed, 0 of 6 translated"  # unreadable, and no warnings among the lines
    _compile(tmp_path / "locales" / "pl" / "LC_MESSAGES" / "leaflet.po")
    assert run(["languages", "--domain", "leaflet"]) == 1  # most languages have no compiled leaflet catalog here
    out, err = capsys.readouterr()
    status = {line.split("\t")[0]: line.split("\t")[3] for line in out.splitlines()}
    assert status["pl"] == "reviewed by A. Nowak, CIOL on 2026-11-20"  # complete and compiled: nothing added
    uk_mo = tmp_path / "locales" / "uk" / "LC_MESSAGES" / "leaflet.mo"
    assert status["uk"] == f"unreviewed, 0 of 1 translated; leaflets cannot be printed: {uk_mo} is missing"
    assert "Leaflets cannot be printed in: " in err and "uk" in err.split(": ", 1)[1] and "pl" not in err


def _compile(po: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as source:
        catalog = read_po(source)
    with po.with_suffix(".mo").open("wb") as out:
        write_mo(out, catalog)


def test_languages_names_a_leaflet_catalog_that_was_not_compiled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil
    import sys

    from conftest import ROOT

    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    (tmp_path / "locales" / "bn" / "LC_MESSAGES" / "leaflet.mo").unlink()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)  # locales_dir() is now tmp_path/locales
    assert run(["languages"]) == 1
    out, err = capsys.readouterr()
    unprintable = [line for line in out.splitlines() if "cannot be printed" in line]
    assert len(unprintable) == 1 and unprintable[0].startswith("bn\t")
    assert str(tmp_path / "locales" / "bn" / "LC_MESSAGES" / "leaflet.mo") in unprintable[0]
    assert err.strip() == ("Leaflets cannot be printed in: bn. Compile the catalogs (make catalogs) or reinstall "
                           "Signpost.")
    assert run(["languages", "--domain", "ui"]) == 0  # the staff UI falls back to English


def _translated_in_po(path: Path, template: Path) -> tuple[int, int]:
    from babel.messages.pofile import read_po

    with template.open("rb") as source:
        wanted = [m.id for m in read_po(source) if m.id]
    with path.open("rb") as source:
        catalog = {m.id: m for m in read_po(source) if m.id}

    def done(msgid: object) -> bool:
        message = catalog.get(msgid)
        strings = () if message is None else (
            message.string if isinstance(message.string, tuple) else (message.string,))
        return bool(strings) and all(strings) and "fuzzy" not in message.flags  # type: ignore[union-attr]

    return sum(done(msgid) for msgid in wanted), len(wanted)


def test_languages_for_the_shipped_catalogs_is_honest_about_coverage(capsys: pytest.CaptureFixture[str]) -> None:
    from conftest import ROOT

    locales = ROOT / "locales"
    for domain in (UI_DOMAIN, LEAFLET_DOMAIN):
        assert run(["languages", "--domain", domain]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert [line.split("\t")[0] for line in lines] == CONTRACT_CODES
        for line in lines[1:]:
            code, *_, status = line.split("\t")
            translated, total = _translated_in_po(locales / code / "LC_MESSAGES" / f"{domain}.po",
                                                  locales / f"{domain}.pot")
            expected = review_status(code, domain).describe()
            if translated < total:
                expected += f", {translated} of {total} translated"
            assert status == expected, (domain, code)
            if domain == LEAFLET_DOMAIN:  # complete, as tests/test_catalogs.py requires
                assert " translated" not in status
