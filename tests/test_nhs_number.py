"""NHS numbers: modulus-11 check digit, length, separators, and the remainder-10 rule; local numbers."""

from __future__ import annotations

import pytest

from app.errors import UsageError
from app.records.nhs_number import (
    check_digit,
    format_nhs_number,
    parse_local_number,
    parse_nhs_number,
)


@pytest.mark.parametrize("typed", ["9434765919", "943 476 5919", "943-476-5919", " 943 4765 919 ",
                                   "943\u2013476\u20135919", "943.476.5919"])  # a dash pasted from a letter
def test_valid_number_typed_with_spaces_or_hyphens_is_stored_as_ten_digits(typed: str) -> None:
    assert parse_nhs_number(typed) == "9434765919"


@pytest.mark.parametrize("number", ["9434765919", "4010232137", "9990000018", "1000000001"])
def test_published_and_constructed_valid_numbers(number: str) -> None:
    assert parse_nhs_number(number) == number


def test_check_digit_weights_ten_down_to_two() -> None:
    # 9*10 + 4*9 + 3*8 + 4*7 + 7*6 + 6*5 + 5*4 + 9*3 + 1*2 = 299; 299 mod 11 = 2; 11 - 2 = 9
    assert check_digit("943476591") == 9


def test_check_digit_eleven_becomes_zero() -> None:
    assert check_digit("000000000") == 0
    assert check_digit("100000006") == 0  # 1*10 + 6*2 = 22; 22 mod 11 = 0; 11 - 0 = 11, written 0
    assert parse_nhs_number("1000000060") == "1000000060"


@pytest.mark.parametrize("number", ["0000000000", "9999999999", "555 555 5555"])
def test_a_number_of_one_repeated_digit_is_refused(number: str) -> None:
    with pytest.raises(UsageError, match="every digit is the same"):
        parse_nhs_number(number)


@pytest.mark.parametrize("last", "012345678")
def test_every_wrong_check_digit_is_rejected(last: str) -> None:
    with pytest.raises(UsageError, match="check digit does not match"):
        parse_nhs_number("943476591" + last)


@pytest.mark.parametrize("last", "0123456789")
def test_remainder_ten_numbers_are_invalid_whatever_the_last_digit(last: str) -> None:
    # 1*10 + 1*2 = 12; 12 mod 11 = 1; 11 - 1 = 10: no digit can be the check digit
    assert check_digit("100000001") is None
    with pytest.raises(UsageError, match="not a valid NHS number"):
        parse_nhs_number("100000001" + last)


@pytest.mark.parametrize(("typed", "count"), [("943476591", 9), ("94347659190", 11), ("943 476 59", 8)])
def test_wrong_length_says_how_many_digits_were_typed(typed: str, count: int) -> None:
    with pytest.raises(UsageError, match=f"has 10 digits; this has {count}"):
        parse_nhs_number(typed)


@pytest.mark.parametrize("typed", ["943476591O", "943/476/5919"])
def test_anything_but_digits_spaces_and_hyphens_is_rejected(typed: str) -> None:
    with pytest.raises(UsageError, match="digits only"):
        parse_nhs_number(typed)


@pytest.mark.parametrize("typed", ["٩٤٣ ٤٧٦ ٥٩١٩", "۹۴۳۴۷۶۵۹۱۹", "９４３４７６５９１９"])
def test_digits_of_another_script_are_asked_for_as_0_to_9(typed: str) -> None:
    # An Arabic or Urdu keyboard types these: "digits only" told staff nothing they could act on.
    with pytest.raises(UsageError, match="with the digits 0–9"):
        parse_nhs_number(typed)


def test_empty_number_asks_for_one() -> None:
    with pytest.raises(UsageError, match="Type the NHS number"):
        parse_nhs_number("   ")


def test_format_groups_three_three_four() -> None:
    assert format_nhs_number("9434765919") == "943 476 5919"


def test_local_number_is_trimmed_and_kept_as_typed() -> None:
    assert parse_local_number("  RX1-000123/b ") == "RX1-000123/b"


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "Type the local number"), ("   ", "Type the local number"), ("AB\t12", "control characters"),
     ("X" * 21, "at most 20 characters; this has 21")],
)
def test_bad_local_numbers_say_what_is_wrong(typed: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_local_number(typed)


def test_local_number_of_exactly_twenty_characters_is_accepted() -> None:
    assert parse_local_number("X" * 20) == "X" * 20
