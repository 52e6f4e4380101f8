"""Finding a service by what staff type, the same in the services panel and the directory editor."""

from __future__ import annotations

from app.directory.model import Service
from app.directory.search import matches, search

HUB = Service(id="leeds-hub", name="Leeds Recovery Hub", summary="Drop-in support for alcohol", categories=("alcohol",),
              phone="0113 496 0000", text_number="81066", area="Leeds North")
LINE = Service(id="crisis-line", name="Crisis Line", summary="Talk any time", categories=("mental_health", "crisis"),
               phone="0800 123 4567")


def test_words_of_the_name_summary_area_and_categories_match_in_any_case() -> None:
    for text in ("leeds recovery", "DROP-IN", "north", "alcohol", " Hub "):
        assert matches(HUB, text), text
    assert matches(LINE, "mental health")  # a category as it is said, not as it is stored
    assert matches(LINE, "mental_health") and matches(LINE, "urgent help")  # as stored, and as labelled
    assert not matches(HUB, "crisis")


def test_digits_match_a_phone_or_text_number_whatever_its_spacing() -> None:
    assert matches(HUB, "4960000") and matches(HUB, "496 000") and matches(HUB, "81066")
    assert matches(HUB, "+44 113 496 0000")  # as printed for callers from abroad
    abroad = Service(id="abroad", name="Abroad", summary="", categories=("drugs",), phone="+44 113 496 0000")
    for typed in ("0113 496", "+44 113 496", "+44113", "113 496", "0113-496", "+44 (0)113 496 0000"):
        assert matches(abroad, typed), typed  # stored as dialled from abroad, found as dialled at home too
    assert not matches(HUB, "01") and not matches(HUB, "0800")  # too few digits, or another number
    assert not matches(HUB, "0113 hub")  # words and digits together are words: no such words


def test_search_keeps_the_order_given_and_an_empty_search_keeps_all() -> None:
    assert search([LINE, HUB], "") == [LINE, HUB]
    assert search([LINE, HUB], "_") == []  # no words to look for: not every service
    assert search([LINE, HUB], "line") == [LINE]
