"""Checks on a directory entry: UK phone shapes, web and email addresses, required fields.

Every check returns plain messages naming the field, so the editor, the import dry-run and the
command line all say the same thing about the same mistake. ``field_problems`` also ties each
problem to its field, for a form that marks the field and names it by its on-screen label.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from app.directory.model import CATEGORIES, Service
from app.i18n import _

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
EMAIL_PATTERN = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[A-Za-z]{2,}$")

# Digits may be grouped with spaces or hyphens; "+44 (0)20 ..." is a common written form.
_SEPARATORS = re.compile(r"[\s\-]+")
# UK numbers have 11 digits with the leading 0; only some 01 area codes and 0800 freephone have 10.
# The 10-digit ones are never in the large areas 011x and 01x1 (Leeds 0113, Birmingham 0121, ...),
# whose local numbers all have 7 digits.
_TEN_DIGIT_AREA = r"1(?!1|\d1)\d{8}"
_NATIONAL = re.compile(rf"^0([1-9]\d{{9}}|{_TEN_DIGIT_AREA}|800\d{{6}})$")
_INTERNATIONAL = re.compile(rf"^\+44([1-9]\d{{9}}|{_TEN_DIGIT_AREA}|800\d{{6}})$")
_LARGE_AREA_SHORT = re.compile(r"^(0|\+44)1(1\d|\d1)\d{6}$")
# Premium-rate numbers (09) can cost a caller pounds a minute: never on a leaflet.
_PREMIUM = re.compile(r"^(0|\+44)9")
# Personal numbers (070) forward anywhere at a high price and are a known scam route.
_PERSONAL = re.compile(r"^(0|\+44)70")
# Voice short codes: 999/112 emergency, 111 NHS, 101 police non-emergency, 119, and the
# European harmonised 116 xxx helplines (Samaritans 116 123).
_VOICE_SHORT = re.compile(r"^(999|112|111|101|119|116\d{3})$")
# Text short codes are five or six digits (Shout 85258, FRANK 82111); mobiles start 07.
_TEXT_SHORT = re.compile(r"^[6-8]\d{4,5}$")
_MOBILE = re.compile(r"^(07\d{9}|\+447\d{9})$")

MAX_WEBSITE_LENGTH = 300  # a leaflet's QR code holds about 2,000; real pages are far shorter
MAX_LENGTHS = {
    "name": 120,
    "summary": 500,
    "phone_note": 120,
    "text_note": 120,
    "address": 300,
    "hours": 200,
    "area": 120,
    "verified_by": 120,
    "confidence": 200,
}


def phone_digits(number: str) -> str:
    """The number with separators and a written "(0)" removed: "+44 (0)20 7946 0000" → "+442079460000"."""
    compact = _SEPARATORS.sub("", number.strip())
    if compact.startswith("+44"):
        compact = compact.replace("(0)", "")
    return compact.replace("(", "").replace(")", "")


def phone_problem(number: str) -> str | None:
    """Why ``number`` is not a UK phone number a patient can call, or ``None`` when it is."""
    compact = phone_digits(number)
    if not compact:
        return None
    if not re.fullmatch(r"\+?\d+", compact):
        return _("use digits and spaces only, for example 0300 123 6600")
    if _PREMIUM.match(compact):
        return _("is a premium-rate number (09...): patients must not be signposted to one")
    if _PERSONAL.match(compact):
        return _("is a personal number (070...), which can cost a caller dearly: give the service's own number")
    if _NATIONAL.match(compact) or _INTERNATIONAL.match(compact) or _VOICE_SHORT.match(compact):
        return None
    if _LARGE_AREA_SHORT.match(compact):
        return _("is a digit short: numbers with the area codes 011x and 01x1 have 11 digits, e.g. 0113 496 0000")
    if compact.startswith("+") and not compact.startswith("+44"):
        return _("only UK numbers can be listed (+44 or a number starting 0)")
    return _("is not a UK phone number: expected 10 or 11 digits starting 0 (0300 123 6600), +44, or 111 / 116 123")


def text_number_problem(number: str) -> str | None:
    """Why ``number`` cannot receive a text message in the UK, or ``None`` when it can."""
    compact = phone_digits(number)
    if not compact:
        return None
    if _TEXT_SHORT.match(compact) or _MOBILE.match(compact):
        return None
    return _("is not a UK text number: expected a short code such as 85258 or a mobile number starting 07")


def url_problem(url: str) -> str | None:
    """Why ``url`` is not a web address to print, or ``None``: only http and https are allowed."""
    if not url:
        return None
    if any(ch.isspace() for ch in url):
        return _("a web address cannot contain spaces")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return _("must start with https:// or http://")
    if not parts.hostname or "." not in parts.hostname or parts.username or parts.password:
        return _("is not a web address, for example https://www.example.org.uk")
    return None


def email_problem(email: str) -> str | None:
    if not email:
        return None
    if not EMAIL_PATTERN.match(email):
        return _("is not an email address, for example help@example.org.uk")
    return None


# Bidirectional embeddings, overrides and isolates reorder the text around them when shown ("evil" drawn
# as "live"): a name or note could then read differently from what was stored. Marks (U+200E, U+200F) are fine.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _has_control_characters(text: str, *, allow_newlines: bool) -> bool:
    allowed = "\n" if allow_newlines else ""
    return any(
        (unicodedata.category(ch) == "Cc" and ch not in allowed) or ch in _BIDI_CONTROLS for ch in text
    )


def _listed_as_do_not_print(number: str, warnings: tuple[str, ...], *, text_number: bool = False) -> str | None:
    """The do-not-print warning that rules this number out, if any.

    A warning rules out the number it names ("0800 77 66 00 (replaced 2018-11-22)"), every number with
    the prefix it names ("any 0845 number"), or, for a text number, every text number ("any text number").
    """
    compact = phone_digits(number)
    if not compact:
        return None
    national = "0" + compact[3:] if compact.startswith("+44") else compact
    for warning in warnings:
        for candidate in re.findall(r"\+?\d[\d\s\-]{2,}\d", warning):
            if phone_digits(candidate) == compact:
                return warning
        prefix = re.search(r"\bany (0\d{2,4}) numbers?\b", warning, re.IGNORECASE)
        if prefix and national.startswith(prefix.group(1)):
            return warning
        if text_number and re.match(r"any\b.*\btext numbers?\b", warning.strip(), re.IGNORECASE):
            return warning
    return None


@dataclass(frozen=True)
class FieldProblem:
    """One problem with an entry, tied to the field it concerns (``None``: the entry as a whole).

    ``message`` names the field by its file column, as the command line and the import report say it;
    ``reason`` leaves the field out, for a form that shows the field's own label before it.
    """

    field: str | None
    message: str
    reason: str


def _do_not_print_wording(service: Service) -> list[FieldProblem]:
    """Wording quoted in a warning ("'option 2' (menu wording replaced in 2023)") must not appear in the notes."""
    problems = []
    for warning in service.do_not_print:
        for phrase in re.findall(r"'([^']+)'", warning):
            for field in ("phone_note", "text_note", "hours", "summary"):
                if phrase.casefold() in getattr(service, field).casefold():
                    problems.append(FieldProblem(
                        field,
                        _("{field} says '{phrase}', which is listed as not to be printed ({warning})").format(
                            field=field, phrase=phrase, warning=warning
                        ),
                        _("says '{phrase}', which is listed as not to be printed ({warning})").format(
                            phrase=phrase, warning=warning
                        ),
                    ))
    return problems


def _unprintable(text: str) -> str:
    """Characters of ``text`` no leaflet font has, spaced for reading (Hebrew, Devanagari or emoji, say)."""
    if text.isascii():
        return ""  # every leaflet font set has these: no need to load one
    from app.leaflets.script_runs import unprintable

    return " ".join(unprintable(text))


@cache
def shipped_crisis_numbers() -> dict[str, str]:
    """The crisis lines' phone numbers as shipped (the seed file read as it is: the seed is itself checked here)."""
    import json

    from app.leaflets import CRISIS_SERVICE_IDS
    from app.paths import resources_dir

    doc = json.loads((resources_dir() / "seed" / "national-services.json").read_text(encoding="utf-8"))
    return {entry["id"]: entry.get("phone", "") for entry in doc["services"] if entry["id"] in CRISIS_SERVICE_IDS}


def field_problems(service: Service, *, today: dt.date | None = None) -> list[FieldProblem]:
    """Everything wrong with an entry, one problem per mistake, each tied to its field."""
    today = today or dt.date.today()
    problems: list[FieldProblem] = []

    def add(field: str | None, message: str, reason: str | None = None) -> None:
        problems.append(FieldProblem(field, message, message if reason is None else reason))

    if not ID_PATTERN.match(service.id):
        rule = _("use 1 to 64 lower-case letters, digits, '-', '_' or '.', starting with a letter or digit")
        message = _("id '{value}': use 1 to 64 lower-case letters, digits, '-', '_' or '.', starting with a "
                    "letter or digit").format(value=service.id)
        add("id", message, rule)
    if not service.name.strip():
        add("name", _("name is required"), _("is required"))
    if not service.summary.strip():
        add("summary", _("summary (what the service offers) is required"), _("is required"))
    for field, limit in MAX_LENGTHS.items():
        if len(getattr(service, field)) > limit:
            add(field, _("{field} is longer than {limit} characters").format(field=field, limit=limit),
                _("is longer than {limit} characters").format(limit=limit))
    for field in ("name", "phone_note", "text_note", "hours", "area", "verified_by"):
        if _has_control_characters(getattr(service, field), allow_newlines=False):
            add(field, _("{field} contains a line break or control character").format(field=field),
                _("contains a line break or control character"))
    for field in ("summary", "address"):
        if _has_control_characters(getattr(service, field), allow_newlines=True):
            add(field, _("{field} contains a control character").format(field=field), _("contains a control character"))
    printed = {field: getattr(service, field) for field in ("name", "summary", "phone_note", "text_note", "address",
                                                               "hours", "website", "email")}
    for field, text in {**printed, "languages": "".join(service.languages)}.items():
        if missing := _unprintable(text):
            rule = _("has characters the leaflet's fonts cannot print: {characters}").format(characters=missing)
            add(field, f"{field} {rule}", rule)
    if not service.categories:
        add("categories", _("choose at least one category ({choices})").format(choices=", ".join(CATEGORIES)),
            _("choose at least one"))
    for category in service.categories:
        if category not in CATEGORIES:
            add("categories",
                _("category '{value}' is not one of {choices}").format(value=category, choices=", ".join(CATEGORIES)),
                _("'{value}' is not a known category").format(value=category))
    if len(set(service.categories)) != len(service.categories):
        add("categories", _("a category is listed twice"), _("one is listed twice"))
    for field, check in (("phone", phone_problem), ("text_number", text_number_problem)):
        value = getattr(service, field)
        problem = check(value)
        if problem:
            add(field, f"{field} '{value}': {problem}", problem)
            continue
        warning = _listed_as_do_not_print(value, service.do_not_print, text_number=field == "text_number")
        if warning:
            add(field,
                _("{field} '{value}' is listed as not to be printed ({warning})").format(
                    field=field, value=value, warning=warning
                ),
                _("'{value}' is listed as not to be printed ({warning})").format(value=value, warning=warning))
    problems += _do_not_print_wording(service)
    fixed = shipped_crisis_numbers().get(service.id)
    said = any(problem.field == "phone" for problem in problems)  # one problem per mistake
    if fixed is not None and not said and phone_digits(service.phone) != phone_digits(fixed):
        # Every leaflet's crisis section prints this entry: a typo here, or in a managed file, would reach them all.
        rule = _("is the number of a crisis line every leaflet prints, fixed as {number}: it changes only with an "
                 "update of Signpost").format(number=fixed)
        add("phone", f"phone {rule}", rule)
    if service.phone_note and not service.phone:
        add("phone_note", _("phone_note is given but there is no phone number"),
            _("is given but there is no phone number"))
    if service.text_note and not service.text_number:
        add("text_note", _("text_note is given but there is no text number"), _("is given but there is no text number"))
    problem = url_problem(service.website)
    if problem:
        add("website", f"website '{service.website}': {problem}", problem)
    elif len(service.website) > MAX_WEBSITE_LENGTH:
        add("website",
            _("website is longer than {limit} characters: give the service's home or contact page").format(
                limit=MAX_WEBSITE_LENGTH
            ),
            _("is longer than {limit} characters: give the service's home or contact page").format(
                limit=MAX_WEBSITE_LENGTH
            ))
    problem = email_problem(service.email)
    if problem:
        add("email", f"email '{service.email}': {problem}", problem)
    for source in service.sources:
        problem = url_problem(source.url) if source.url else _("is empty")
        if problem:
            reason = _("'{value}': {problem}").format(value=source.url, problem=problem) if source.url else None
            add("sources", _("source '{value}': {problem}").format(value=source.url, problem=problem),
                reason or _("one has no web address"))
    for language in service.languages:
        if not language.strip() or len(language) > 40:
            add("languages",
                _("language '{value}': give a language name of up to 40 characters").format(value=language),
                _("'{value}': give a language name of up to 40 characters").format(value=language))
    if service.last_verified and service.last_verified > today:
        value = service.last_verified.isoformat()
        add("last_verified", _("last_verified {value} is in the future").format(value=value),
            _("{value} is in the future").format(value=value))
    if service.last_verified and not service.verified_by.strip():
        add("verified_by", _("verified_by is required when last_verified is set"),
            _("is required once the entry has a verification date"))
    if service.verified_by.strip() and not service.last_verified:
        add("last_verified", _("last_verified is required when verified_by is set"),
            _("is required once the entry names who verified it"))
    if not (service.phone or service.text_number or service.website or service.email or service.address):
        add(None, _("give at least one way to reach the service (phone, text, website, email or address)"))
    return problems


def service_problems(service: Service, *, today: dt.date | None = None) -> list[str]:
    """Everything wrong with an entry, one message per problem, each naming the field by its file column."""
    return [problem.message for problem in field_problems(service, today=today)]
