"""Directory entry checks: UK phone and text-number shapes, web and email addresses, required fields."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from app.directory.model import Service, Source
from app.directory.staleness import is_stale, months_before, stale_services
from app.directory.validation import (
    field_problems,
    phone_problem,
    service_problems,
    text_number_problem,
    url_problem,
)

GOOD = Service(
    id="leeds-recovery-hub",
    name="Leeds Recovery Hub",
    summary="Drop-in support for alcohol and drug use.",
    categories=("alcohol", "drugs"),
    phone="0113 496 0000",
)


@pytest.mark.parametrize(
    "number",
    ["0300 123 6600", "0800 58 58 58", "0800 068 4141", "116 123", "111", "999", "020 7946 0000",
     "+44 20 7946 0000", "+44 (0)20 7946 0000", "+443001236600", "01632 960 001", "0113-496-0000", "(0113) 496 0000"],
)
def test_uk_phone_shapes_are_accepted(number: str) -> None:
    assert phone_problem(number) is None


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("0300 123 660", "not a UK phone number"),
        ("0113 496 000", "a digit short"),  # Leeds, as 011x and 01x1 areas: always 11 digits
        ("0121 496 000", "a digit short"),
        ("+44 113 496 000", "a digit short"),
        ("0300 123 66000", "not a UK phone number"),
        ("00 44 20 7946 0000", "not a UK phone number"),
        ("+1 212 555 0100", "only UK numbers"),
        ("0300 ABC 6600", "digits and spaces only"),
        ("12345", "not a UK phone number"),
        ("0909 123 4567", "premium-rate number"),
        ("+44 909 123 4567", "premium-rate number"),
        ("0700 123 4567", "personal number"),
        ("85258", "not a UK phone number"),
    ],
)
def test_bad_phone_numbers_are_refused_with_a_reason(number: str, expected: str) -> None:
    problem = phone_problem(number)
    assert problem is not None and expected in problem


@pytest.mark.parametrize("number", ["85258", "82111", "07700 900123", "+44 7700 900123"])
def test_text_numbers_accept_short_codes_and_mobiles(number: str) -> None:
    assert text_number_problem(number) is None


@pytest.mark.parametrize("number", ["0300 123 6600", "116 123", "1234", "95258"])
def test_text_numbers_refuse_landlines_and_odd_codes(number: str) -> None:
    assert text_number_problem(number) is not None


@pytest.mark.parametrize("url", ["https://www.samaritans.org", "http://example.org.uk/path?q=1"])
def test_http_and_https_addresses_are_accepted(url: str) -> None:
    assert url_problem(url) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("javascript:alert(1)", "https://"),
        ("ftp://example.org", "https://"),
        ("www.example.org", "https://"),
        ("https://exa mple.org", "spaces"),
        ("https://localhost", "not a web address"),
        ("https://user:pw@example.org", "not a web address"),
    ],
)
def test_other_addresses_are_refused(url: str, expected: str) -> None:
    problem = url_problem(url)
    assert problem is not None and expected in problem


def test_a_good_entry_has_no_problems() -> None:
    assert service_problems(GOOD) == []


def test_required_fields_and_categories_are_named() -> None:
    bad = dataclasses.replace(GOOD, name=" ", summary="", categories=())
    problems = service_problems(bad)
    assert "name is required" in problems
    assert "summary (what the service offers) is required" in problems
    assert any(p.startswith("choose at least one category") for p in problems)
    unknown = service_problems(dataclasses.replace(GOOD, categories=("alcohol", "gambling")))
    assert any("category 'gambling' is not one of" in p for p in unknown)


def test_each_field_problem_names_the_field_and_value() -> None:
    bad = dataclasses.replace(
        GOOD, phone="0113 496", email="help at example", website="example.org", text_number="0113 496 0000"
    )
    problems = "\n".join(service_problems(bad))
    assert "phone '0113 496'" in problems
    assert "email 'help at example'" in problems
    assert "website 'example.org'" in problems
    assert "text_number '0113 496 0000'" in problems


def test_each_problem_is_tied_to_its_field_and_its_reason_leaves_the_field_id_out() -> None:
    """A form in any language marks the field from ``field``, and puts its own label before ``reason``."""
    bad = dataclasses.replace(
        GOOD, id="Bad Id", name="", summary="", categories=(), phone="abc", phone_note="x" * 121,
        website="example.org", languages=("",), sources=(Source("ftp://example.org"),),
    )
    problems = field_problems(bad)
    assert [(p.field, p.reason) for p in problems] == [
        ("id", "use 1 to 64 lower-case letters, digits, '-', '_' or '.', starting with a letter or digit"),
        ("name", "is required"),
        ("summary", "is required"),
        ("phone_note", "is longer than 120 characters"),
        ("categories", "choose at least one"),
        ("phone", "use digits and spaces only, for example 0300 123 6600"),
        ("website", "must start with https:// or http://"),
        ("sources", "'ftp://example.org': must start with https:// or http://"),
        ("languages", "'': give a language name of up to 40 characters"),
    ]
    # The command line and the import report keep naming each field by its file column.
    assert service_problems(bad) == [p.message for p in problems]
    assert problems[2].message == "summary (what the service offers) is required"
    assert problems[5].message == "phone 'abc': use digits and spaces only, for example 0300 123 6600"
    unreachable = field_problems(dataclasses.replace(GOOD, phone=""))
    assert [p.field for p in unreachable] == [None]  # the entry as a whole, not one field


def test_a_number_listed_as_do_not_print_is_refused() -> None:
    old = dataclasses.replace(GOOD, phone="0800 77 66 00", do_not_print=("0800 77 66 00 (replaced 2018-11-22)",))
    assert any("listed as not to be printed" in p for p in service_problems(old))


def test_verification_needs_both_date_and_name_and_no_future_date() -> None:
    today = dt.date(2026, 11, 26)
    assert any("verified_by is required" in p for p in service_problems(
        dataclasses.replace(GOOD, last_verified=today), today=today))
    assert any("in the future" in p for p in service_problems(
        dataclasses.replace(GOOD, last_verified=dt.date(2027, 1, 1), verified_by="A"), today=today))


def test_names_with_markup_and_rtl_marks_are_allowed_but_line_breaks_are_not() -> None:
    assert service_problems(dataclasses.replace(GOOD, name="<b>Bold</b> & \u200fمرکز")) == []
    assert any("line break" in p for p in service_problems(dataclasses.replace(GOOD, name="Two\nlines")))


def test_sources_must_be_web_addresses() -> None:
    bad = dataclasses.replace(GOOD, sources=(Source("https://ok.example.org"), Source("file:///etc/passwd")))
    assert any("source 'file:///etc/passwd'" in p for p in service_problems(bad))


def test_an_entry_needs_some_way_to_reach_it() -> None:
    assert any("at least one way to reach" in p for p in service_problems(dataclasses.replace(GOOD, phone="")))


def test_months_before_clamps_to_the_end_of_the_month() -> None:
    assert months_before(dt.date(2026, 8, 31), 6) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 3, 15), 6) == dt.date(2025, 9, 15)


def test_staleness_flags_never_verified_and_older_than_the_limit() -> None:
    today = dt.date(2026, 11, 26)
    fresh = dataclasses.replace(GOOD, id="fresh", last_verified=dt.date(2026, 5, 26), verified_by="A")
    old = dataclasses.replace(GOOD, id="old", last_verified=dt.date(2026, 5, 25), verified_by="A")
    never = dataclasses.replace(GOOD, id="never")
    inactive = dataclasses.replace(GOOD, id="gone", active=False)
    assert not is_stale(fresh, months=6, today=today)
    assert is_stale(old, months=6, today=today)
    assert not is_stale(old, months=12, today=today)
    assert [s.id for s in stale_services([fresh, old, never, inactive], months=6, today=today)] == ["old", "never"]


@pytest.mark.parametrize(
    ("service_id", "change", "warning"),
    [
        ("samaritans", {"phone": "0845 790 9090"}, "any 0845 number"),
        ("samaritans", {"phone": "+44 845 790 9090"}, "any 0845 number"),
        ("samaritans", {"text_number": "07725 909090"}, "any Samaritans text number"),
        ("papyrus-hopeline247", {"text_number": "07860 039967"}, "any text number"),
        ("nhs-111-mental-health", {"phone_note": "then press option 2"}, "'option 2'"),
    ],
)
def test_do_not_print_notes_that_name_a_kind_of_number_or_wording_are_enforced(
    service_id: str, change: dict[str, str], warning: str
) -> None:
    from app.directory.seed import load_seed_services

    seed = {s.id: s for s in load_seed_services()}
    assert service_problems(seed[service_id]) == []
    problems = service_problems(dataclasses.replace(seed[service_id], **change))
    assert len(problems) == 1 and "listed as not to be printed" in problems[0] and warning in problems[0]


@pytest.mark.parametrize("control", ["\u202e", "\u202d", "\u2067", "\u0007"])
def test_characters_that_reorder_or_hide_text_are_refused(control: str) -> None:
    problems = service_problems(dataclasses.replace(GOOD, name=f"Hub {control}evil", hours=f"9{control}am"))
    assert problems == ["name contains a line break or control character",
                        "hours contains a line break or control character"]


def test_a_website_too_long_for_a_leaflet_is_refused() -> None:
    long_site = "https://example.org/" + "a" * 300
    problems = service_problems(dataclasses.replace(GOOD, website=long_site))
    assert problems == ["website is longer than 300 characters: give the service's home or contact page"]


def test_text_the_leaflet_fonts_cannot_print_is_refused_naming_the_characters() -> None:
    """Accepted before, a name in Devanagari printed as nothing at all, and Hebrew or emoji as empty boxes."""
    entry = dataclasses.replace(GOOD, name="नशा Leeds", summary="שלום 🙂 and help", languages=("עברית", "Polski"),
                                website="https://例え.jp/help☃")
    assert [(p.field, p.reason) for p in field_problems(entry)] == [
        ("name", "has characters the leaflet's fonts cannot print: न श ा"),
        ("summary", "has characters the leaflet's fonts cannot print: ש ל ו ם 🙂"),
        ("website", "has characters the leaflet's fonts cannot print: ☃"),  # printed beside its QR code
        ("languages", "has characters the leaflet's fonts cannot print: ע ב ר י ת"),
    ]
    printable = dataclasses.replace(GOOD, name="Łódź Café – 중독 센터 · مرکز · 你好 · ਪੰਜਾਬੀ · தமிழ்",
                                    summary="“Help” — Ünal, Şükrü, Ђорђе, Ελλάδα", languages=("Polski", "اردو"))
    assert field_problems(printable) == []


def test_a_crisis_lines_number_cannot_be_changed_or_removed() -> None:
    """A typo in the editor, or in a managed directory file imported at every sign-in, reached the crisis section of
    every leaflet: "Call 0800 111 111 and choose the mental health option", or Samaritans with no number."""
    from app.directory.seed import load_seed_services

    shipped = {s.id: s for s in load_seed_services()}
    for service_id, phone in (("nhs-111-mental-health", "0800 111 111"), ("samaritans", ""),
                              ("samaritans", "116 132")):
        problems = field_problems(dataclasses.replace(shipped[service_id], phone=phone))
        assert [(p.field, p.reason) for p in problems if p.field == "phone"] == [
            ("phone", f"is the number of a crisis line every leaflet prints, fixed as {shipped[service_id].phone}: "
                      "it changes only with an update of Signpost")], (service_id, phone)
    assert field_problems(dataclasses.replace(shipped["samaritans"], phone="116123", hours="Every day")) == []
