"""Patient identifiers typed by staff: NHS numbers (modulus-11 check digit) and local numbers.

An NHS number is 10 digits; the tenth is a check digit over the first nine (weights 10 down to 2,
check = 11 - (sum mod 11), 11 becomes 0, and 10 means the number cannot be valid). Staff may type
it grouped as "943 476 5919" or with hyphens; it is stored as the 10 digits alone.
"""

from __future__ import annotations

import re

from app.errors import UsageError
from app.i18n import _

NHS_NUMBER_LENGTH = 10
LOCAL_NUMBER_MAX_LENGTH = 20
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015.]+")  # spaces, hyphens and dashes (as pasted from letters), dots


def check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or ``None`` when the remainder makes any tenth digit invalid."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def parse_nhs_number(text: str) -> str:
    """The 10 digits of a valid NHS number typed with optional spaces or hyphens.

    Raises:
        UsageError: with a message that says what is wrong, fit to show beside the field.
    """
    digits = _SEPARATORS.sub("", text.strip())
    if not digits:
        raise UsageError(_("Type the NHS number, or choose another kind of identifier."))
    if digits.isdigit() and not digits.isascii():  # e.g. typed with an Arabic or Urdu keyboard
        raise UsageError(_("Type the NHS number with the digits 0–9, as on the patient's NHS letters and card."))
    if not digits.isascii() or not digits.isdigit():
        raise UsageError(_("An NHS number contains digits only (spaces and hyphens are fine)."))
    if len(digits) != NHS_NUMBER_LENGTH:
        raise UsageError(_("An NHS number has 10 digits; this has {count}.").format(count=len(digits)))
    if len(set(digits)) == 1:
        # 0000000000 and 9999999999 pass the check digit but are never issued: a placeholder typed in haste.
        raise UsageError(_("This is not a real NHS number (every digit is the same). Please check it."))
    expected = check_digit(digits[:9])
    if expected is None:
        raise UsageError(_("This is not a valid NHS number (no check digit can fit it). Please check each digit."))
    if int(digits[9]) != expected:
        raise UsageError(_("This NHS number's check digit does not match. Please check each digit."))
    return digits


def format_nhs_number(digits: str) -> str:
    """Ten digits grouped 3-3-4 for reading aloud, as on NHS cards."""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def parse_local_number(text: str) -> str:
    """A local hospital or service number: non-empty, printable, at most 20 characters.

    Raises:
        UsageError: with a message fit to show beside the field.
    """
    value = text.strip()
    if not value:
        raise UsageError(_("Type the local number, or choose another kind of identifier."))
    if not value.isprintable():
        raise UsageError(_("A local number cannot contain tabs, line breaks or control characters."))
    if len(value) > LOCAL_NUMBER_MAX_LENGTH:
        raise UsageError(
            _("A local number has at most {limit} characters; this has {count}.").format(
                limit=LOCAL_NUMBER_MAX_LENGTH, count=len(value)
            )
        )
    return value
