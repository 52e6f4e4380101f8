"""Every catalog in locales/ compiles, keeps the English placeholders and records its review status;
leaflet catalogs are complete. Small bad catalogs prove each check can fail."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from app.i18n import LEAFLET_DOMAIN, UI_DOMAIN, language_codes
from app.i18n.checks import catalog_problems
from app.i18n.maintenance import update
from app.i18n.pseudo import is_pseudo, write_pseudo_catalog
from app.i18n.review import read_header

LOCALES = ROOT / "locales"
CATALOGS = sorted(path for path in LOCALES.glob("*/LC_MESSAGES/*.po") if path.parts[-3] != "qps")


def _id(path: Path) -> str:
    return f"{path.parts[-3]}-{path.stem}"


def test_the_templates_and_catalogs_exist() -> None:
    assert (LOCALES / "ui.pot").is_file()
    # The staff UI ships in British English; every other language has a ui catalog ready for translators.
    assert {path.parts[-3] for path in CATALOGS if path.stem == UI_DOMAIN} == set(language_codes()) - {"en"}
    # Every patient language has its leaflet text, complete (checked below); English is the source.
    assert (LOCALES / "leaflet.pot").is_file()
    assert {path.parts[-3] for path in CATALOGS if path.stem == LEAFLET_DOMAIN} == set(language_codes()) - {"en"}


@pytest.mark.parametrize("path", CATALOGS, ids=_id)
def test_catalog_compiles_and_keeps_placeholders(path: Path) -> None:
    is_leaflet = path.stem == LEAFLET_DOMAIN
    template = LOCALES / f"{path.stem}.pot"
    assert catalog_problems(path, template=template, require_complete=is_leaflet) == []


@pytest.mark.parametrize("path", CATALOGS, ids=_id)
def test_catalog_header_records_review_status(path: Path) -> None:
    assert read_header(path).get("X-Review-Status") in ("reviewed", "unreviewed")


def test_pseudo_locale_transforms_every_ui_message_and_keeps_placeholders(tmp_path: Path) -> None:
    from babel.messages.pofile import read_po

    target = tmp_path / "qps" / "LC_MESSAGES" / "ui.po"
    count = write_pseudo_catalog(LOCALES / "ui.pot", target)
    with target.open("rb") as source:
        messages = [m for m in read_po(source) if m.id]
    assert count == len(messages) > 0
    strings = [s for m in messages for s in (m.string if isinstance(m.string, tuple) else (m.string,))]
    assert all(is_pseudo(s) for s in strings)
    assert catalog_problems(target, template=LOCALES / "ui.pot", require_complete=True) == []


# --- the checks themselves can fail ------------------------------------------------------------

HEADER = 'msgid ""\nmsgstr ""\n"Language: pl\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n{extra}\n'


def _write(tmp_path: Path, body: str, *, extra: str = '"X-Review-Status: unreviewed\\n"') -> Path:
    path = tmp_path / "pl" / "LC_MESSAGES" / "leaflet.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER.format(extra=extra) + body, encoding="utf-8")
    return path


GOOD = '''
#, python-format
msgid "Call %(phone)s today"
msgstr "Zadzwoń dziś pod %(phone)s"

#, python-brace-format
msgid "Open {name}"
msgstr "Otwórz {name}"

#, python-format
msgid "%d record"
msgid_plural "%d records"
msgstr[0] "%d rekord"
msgstr[1] "%d rekordy"
msgstr[2] "%d rekordów"

msgid "50 % of people"
msgstr "50 % osób"
'''


def test_a_good_catalog_passes(tmp_path: Path) -> None:
    assert catalog_problems(_write(tmp_path, GOOD), require_complete=True) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('\nmsgid "Hello"\nmsgstr "Cześć\n', "does not compile"),  # unterminated string
        ('\nmsgid "Hello"\nmsgstr "Cześć"\nmsgstr "again"\n', "does not compile"),
        ('\nmsgid "Hello"\nmsgid_plural "Hellos"\nmsgstr "x"\n', "does not compile"),
        ('\nmsgid "Hello"\nmsgstr[0] "x"\n', "does not compile"),
        ('\nmsgid "Hello\nmsgstr "x"\n', "does not compile"),
        ('\ngarbage\nmsgid "Hello"\nmsgstr "x"\n', "does not compile"),
        ('\nmsgid "A"\nmsgstr "x"\n\nmsgid "A"\nmsgstr "y"\n', "does not compile"),
        ('\nmsgid "A"\nmsgstr "bad \\q escape"\n', "does not compile"),
    ],
)
def test_a_catalog_that_does_not_compile_fails(tmp_path: Path, body: str, expected: str) -> None:
    problems = catalog_problems(_write(tmp_path, body))
    assert problems and problems[0].startswith(expected)


@pytest.mark.parametrize(
    "body",
    [
        '\n#, python-format\nmsgid "Call %(phone)s today"\nmsgstr "Zadzwoń dziś pod %(telefon)s"\n',
        '\n#, python-format\nmsgid "Call %(phone)s today"\nmsgstr "Zadzwoń dziś"\n',
        '\n#, python-brace-format\nmsgid "Open {name}"\nmsgstr "Otwórz {nazwa}"\n',
        '\n#, python-format\nmsgid "%s of %d"\nmsgstr "%d z %s"\n',
        '\n#, python-format\nmsgid "%d record"\nmsgid_plural "%d records"\nmsgstr[0] "%d rekord"\n'
        'msgstr[1] "%(n)d rekordy"\nmsgstr[2] "%d rekordów"\n',
    ],
)
def test_placeholders_that_differ_from_the_english_fail(tmp_path: Path, body: str) -> None:
    problems = catalog_problems(_write(tmp_path, body))
    assert len(problems) == 1 and problems[0].startswith("placeholders differ from the English")


def test_untranslated_fuzzy_and_missing_leaflet_messages_fail(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '\nmsgid "Hello"\nmsgstr ""\n\n#, fuzzy\nmsgid "Goodbye"\nmsgstr "Do widzenia"\n'
        '\nmsgid "Thanks"\nmsgstr "Dzięki"\n',
    )
    template = tmp_path / "leaflet.pot"
    template.write_text(
        HEADER.format(extra="")
        + '\nmsgid "Hello"\nmsgstr ""\n\nmsgid "Goodbye"\nmsgstr ""\n\nmsgid "Thanks"\nmsgstr ""\n'
        + '\nmsgid "New text"\nmsgstr ""\n',
        encoding="utf-8",
    )
    problems = catalog_problems(path, template=template, require_complete=True)
    assert sorted(problems) == ["untranslated: 'Goodbye'", "untranslated: 'Hello'", "untranslated: 'New text'"]
    # The staff UI falls back to English, so the same catalog is acceptable as a ui catalog.
    assert catalog_problems(path, template=template) == []


@pytest.mark.parametrize(
    "extra",
    [
        '"X-Review-Status: done\\n"',
        '"X-Review-Status: reviewed\\n"\n"X-Reviewed-On: 2026-11-20\\n"',
        '"X-Review-Status: reviewed\\n"\n"X-Reviewed-By: A. Nowak\\n"\n"X-Reviewed-On: 20/11/2026\\n"',
    ],
)
def test_a_malformed_review_header_fails(tmp_path: Path, extra: str) -> None:
    assert catalog_problems(_write(tmp_path, GOOD, extra=extra)) != []


def test_babel_alone_would_ship_a_broken_string_the_syntax_check_stops_it(tmp_path: Path) -> None:
    from babel.messages.pofile import read_po

    path = _write(tmp_path, '\nmsgid "Hello"\nmsgstr "Cześć\n')
    with path.open("rb") as source:
        assert read_po(source, abort_invalid=True).get("Hello").string == "Cześ"  # silently cut short
    assert catalog_problems(path)[0] == "does not compile: line 8: cannot be read: 'msgstr \"Cześć'"


def test_update_keeps_the_review_header_that_babel_drops(tmp_path: Path) -> None:
    (tmp_path / "ui.pot").write_text(
        HEADER.format(extra="").replace('"Language: pl\\n"\n', "")
        + '\nmsgid "Hello"\nmsgstr ""\n\nmsgid "A new message"\nmsgstr ""\n',
        encoding="utf-8",
    )
    reviewed = '"X-Review-Status: reviewed\\n"\n"X-Reviewed-By: A. Nowak, CIOL\\n"\n"X-Reviewed-On: 2026-11-20\\n"'
    po = tmp_path / "pl" / "LC_MESSAGES" / "ui.po"
    po.parent.mkdir(parents=True)
    po.write_text(HEADER.format(extra=reviewed) + '\nmsgid "Hello"\nmsgstr "Cześć"\n', encoding="utf-8")

    update(UI_DOMAIN, locales=tmp_path)

    header = read_header(po)
    assert (header["X-Review-Status"], header["X-Reviewed-By"], header["X-Reviewed-On"]) == (
        "reviewed", "A. Nowak, CIOL", "2026-11-20")
    text = po.read_text(encoding="utf-8")
    assert 'msgid "A new message"' in text and 'msgstr "Cześć"' in text
    # Languages without a ui catalog get one, recorded as unreviewed.
    created = tmp_path / "ar" / "LC_MESSAGES" / "ui.po"
    assert read_header(created)["X-Review-Status"] == "unreviewed"
    assert read_header(created)["Language"] == "ar"
