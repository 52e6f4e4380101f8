"""Checks a PO catalog must pass before it ships (run by tests/test_catalogs.py).

A catalog fails when it does not parse or compile, when a translation's placeholders differ from the
English (``%(name)s``, ``{name}``, ``%d``), when its review header is malformed, and, for catalogs that
must be complete (patient leaflets), when any message of the template is untranslated or fuzzy.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from app.i18n.coverage import message_ids, read_catalog, untranslated
from app.i18n.review import BY_FIELD, ON_FIELD, REVIEWED, STATUS_FIELD, UNREVIEWED, read_header

if TYPE_CHECKING:
    from babel.messages.catalog import Message

# PO syntax as GNU msgfmt reads it. Babel's reader is lenient (an unterminated string silently loses
# its last character), so the shape of every line is checked here before Babel compiles the catalog.
_STRING = r'"(?:[^"\\]|\\[\\"abfnrtv]|\\[0-7]{1,3}|\\x[0-9a-fA-F]+)*"'
_KEYWORD_LINE = re.compile(rf"(msgctxt|msgid|msgid_plural|msgstr|msgstr\[(\d+)\])\s+({_STRING})")
_CONTINUATION = re.compile(_STRING)

_PRINTF_NAMED = re.compile(r"%\(([A-Za-z_]\w*)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
_PRINTF_POSITIONAL = re.compile(r"%[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
_BRACE = re.compile(r"\{[^{}]*\}")


def placeholders(text: str, *, printf: bool, brace: bool) -> tuple[frozenset[str], tuple[str, ...]]:
    """Named placeholders (``%(n)d``, ``{n}``) as a set, and positional ones (``%s``) in order.

    Only the formats the message is flagged with count (``python-format``, ``python-brace-format``),
    as ``msgfmt --check-format`` does, so a literal "50 % of" is not taken for a placeholder.
    """
    named: set[str] = set()
    positional: tuple[str, ...] = ()
    if printf:
        named.update(match.group(0) for match in _PRINTF_NAMED.finditer(text))
        rest = _PRINTF_NAMED.sub("", text)
        positional = tuple(token for token in _PRINTF_POSITIONAL.findall(rest) if token != "%%")
    if brace:
        named.update(_BRACE.findall(text.replace("{{", "").replace("}}", "")))
    return frozenset(named), positional


def _placeholder_problems(message: Message) -> list[str]:
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    kinds = {"printf": message.python_format, "brace": "python-brace-format" in message.flags}
    english = [placeholders(text, **kinds) for text in ids]
    allowed = frozenset().union(*(named for named, _ in english))
    problems = []
    for form, text in enumerate(strings):
        if not text:
            continue
        named, positional = placeholders(text, **kinds)
        source_named, source_positional = english[min(form, len(english) - 1)]
        # A plural form may leave out the count ("one file" for n == 1), never add or misspell one.
        ok_named = named <= allowed if isinstance(message.id, tuple) else named == source_named
        if not ok_named or positional != source_positional:
            found = sorted(named) + list(positional)
            expected = sorted(source_named) + list(source_positional)
            problems.append(f"placeholders differ from the English in {ids[0]!r}: {found} instead of {expected}")
    return problems


def syntax_problems(text: str) -> list[str]:
    """Lines and entries of a PO file that gettext cannot read (``line 12: ...``); empty when well formed."""
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    entry: dict[str, str] = {}
    start = 0

    def close() -> None:
        if not entry:
            return
        where = f"entry at line {start}"
        if "msgid" not in entry:
            problems.append(f"{where}: no msgid")
        plural = "msgid_plural" in entry
        forms = [k for k in entry if k.startswith("msgstr[")]
        if plural and ("msgstr" in entry or not forms):
            problems.append(f"{where}: a plural message needs msgstr[0], msgstr[1]…")
        if not plural and (forms or "msgstr" not in entry):
            problems.append(f"{where}: needs exactly one msgstr")
        key = (entry.get("msgctxt", ""), entry.get("msgid", ""))
        if key in seen:
            problems.append(f"{where}: duplicate message {key[1]!r}")
        seen.add(key)
        entry.clear()

    last = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            if line.startswith("#~"):
                continue  # obsolete entries are kept for translators and never compiled
            close()
            last = ""
            continue
        keyword = _KEYWORD_LINE.fullmatch(line)
        if keyword:
            name = keyword.group(1)
            if name in ("msgctxt", "msgid") and any(k.startswith("msgstr") for k in entry):
                close()
            if not entry:
                start = number
            if name in entry or (name == "msgid" and "msgid_plural" in entry):
                problems.append(f"line {number}: {name} given twice in one message")
            entry[name] = keyword.group(3)
            last = name
        elif _CONTINUATION.fullmatch(line) and last:
            entry[last] += line
        else:
            problems.append(f"line {number}: cannot be read: {raw.strip()[:60]!r}")
    close()
    return problems


def _header_problems(fields: dict[str, str]) -> list[str]:
    status = fields.get(STATUS_FIELD)
    if status is None:
        return []
    if status not in (REVIEWED, UNREVIEWED):
        return [f"{STATUS_FIELD} is {status!r}: use {REVIEWED!r} or {UNREVIEWED!r}"]
    if status == UNREVIEWED:
        return []
    problems = []
    if not fields.get(BY_FIELD):
        problems.append(f"{STATUS_FIELD} is reviewed but {BY_FIELD} is empty")
    try:
        dt.date.fromisoformat(fields.get(ON_FIELD, ""))
    except ValueError:
        problems.append(f"{STATUS_FIELD} is reviewed but {ON_FIELD} is not a YYYY-MM-DD date")
    return problems


def catalog_problems(path: Path, *, template: Path | None = None, require_complete: bool = False) -> list[str]:
    """Everything wrong with one PO catalog; an empty list means it may ship.

    Args:
        path: the ``.po`` file.
        template: its ``.pot``; with ``require_complete``, every template message must be translated.
        require_complete: untranslated or fuzzy messages are problems (leaflet catalogs).
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import PoFileError, read_po

    try:
        syntax = syntax_problems(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        return [f"does not compile: not UTF-8 text ({exc})"]
    if syntax:
        return [f"does not compile: {problem}" for problem in syntax]
    try:
        with path.open("rb") as source:
            catalog = read_po(source, abort_invalid=True)
    except (PoFileError, ValueError) as exc:
        return [f"does not compile: {exc}"]
    compiled = io.BytesIO()
    try:
        write_mo(compiled, catalog)
        gettext.GNUTranslations(io.BytesIO(compiled.getvalue()))
    except Exception as exc:  # noqa: BLE001 - any failure here means the catalog does not compile
        return [f"does not compile: {exc}"]

    problems = _header_problems(read_header(path))
    for message in catalog:
        if message.id:
            problems += _placeholder_problems(message)
    if require_complete:
        wanted = None if template is None else message_ids(read_catalog(template))
        problems += [f"untranslated: {msgid!r}" for msgid in untranslated(catalog, wanted)]
    return problems
