"""Directory files: the JSON and CSV shapes documented in ``docs/directory-format.md``.

Reading turns a file into rows of *provided* fields (a field absent from the file is simply not
in the row, so an import leaves it unchanged); writing produces every field. File-level faults
(too big, not UTF-8, not JSON, wrong CSV columns) raise ``DirectoryFileError``; row-level faults
are collected per row for the dry-run.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import json_input
from app.directory.model import Service, Source
from app.errors import UsageError
from app.i18n import _

FORMAT_NAME = "signpost-directory"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 5 * 1024 * 1024

TEXT_FIELDS = (
    "name",
    "summary",
    "phone",
    "phone_note",
    "text_number",
    "text_note",
    "email",
    "website",
    "address",
    "hours",
    "area",
    "verified_by",
    "confidence",
)
LIST_FIELDS = ("categories", "languages")
LINE_FIELDS = ("do_not_print",)
BOOL_FIELDS = ("self_referral", "national", "active")
# Every field in file order: the CSV header of an export, and the only keys an import accepts.
FIELDS = (
    "id",
    "name",
    "summary",
    "categories",
    "phone",
    "phone_note",
    "text_number",
    "text_note",
    "email",
    "website",
    "address",
    "hours",
    "self_referral",
    "languages",
    "area",
    "national",
    "last_verified",
    "verified_by",
    "active",
    "sources",
    "do_not_print",
    "confidence",
)
REQUIRED_CSV_COLUMNS = ("id", "name", "summary", "categories")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SOURCE_KEYS = {"url", "date", "note"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class DirectoryFileError(UsageError):
    """The whole file is unusable (nothing in it is imported); the message says how to fix it."""


@dataclass
class Row:
    """One service as read from a file: ``number`` counts from 1 (CSV: the data row after the header)."""

    number: int
    fields: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    # False once a value (or the row's shape) could not be read: its fields are then not all there.
    read_in_full: bool = True

    @property
    def id(self) -> str:
        value = self.fields.get("id")
        return value if isinstance(value, str) else ""


def read_limited(path: Path) -> bytes:
    """The file's bytes, refusing (before reading it all) anything over the size limit."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DirectoryFileError(_too_big(path.name, size))
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise DirectoryFileError(_("{name}: cannot be read ({reason})").format(name=path, reason=exc.strerror)) from exc
    if len(data) > MAX_FILE_BYTES:
        raise DirectoryFileError(_too_big(path.name, len(data)))
    return data


def _too_big(name: str, size: int) -> str:
    return _("{name} is {size:.1f} MB; a directory file can be at most {limit} MB").format(
        name=name, size=size / (1024 * 1024), limit=MAX_FILE_BYTES // (1024 * 1024)
    )


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 text (a byte-order mark, as Excel writes, is allowed); anything else is refused."""
    if len(data) > MAX_FILE_BYTES:
        raise DirectoryFileError(_too_big(name, len(data)))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DirectoryFileError(
            _("{name} is not UTF-8 text (byte {offset} cannot be read): save it as UTF-8, e.g. \"CSV UTF-8\" in Excel")
            .format(name=name, offset=exc.start + 1)
        ) from exc


def detect_format(name: str, text: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in (".json", ".csv"):
        return suffix[1:]
    return "json" if text.lstrip().startswith(("{", "[")) else "csv"


def parse_document(data: bytes, name: str, fmt: str | None = None) -> list[Row]:
    """Rows of a JSON or CSV directory file given as bytes (``fmt`` defaults to the file's extension)."""
    text = decode_text(data, name)
    fmt = fmt or detect_format(name, text)
    if fmt == "json":
        return parse_json(text, name)
    if fmt == "csv":
        return parse_csv(text, name)
    raise DirectoryFileError(_("unknown directory format '{fmt}': use json or csv").format(fmt=fmt))


# ---- JSON -------------------------------------------------------------------------------------


def parse_json(text: str, name: str) -> list[Row]:
    try:
        doc = json_input.loads(text)
    except json.JSONDecodeError as exc:
        raise DirectoryFileError(
            _("{name} is not valid JSON (line {line}, column {column}: {msg})").format(
                name=name, line=exc.lineno, column=exc.colno, msg=exc.msg
            )
        ) from exc
    except json_input.DuplicateKeyError as exc:
        raise DirectoryFileError(
            _("{name}: '{key}' is given twice in the service '{service}': give each field once").format(
                name=name, key=exc.key, service=exc.owner
            )
            if exc.owner
            else _("{name}: '{key}' is given twice in one object: give each field once").format(name=name, key=exc.key)
        ) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("services"), list):
        raise DirectoryFileError(_('{name}: expected a JSON object with a "services" list').format(name=name))
    if doc.get("format_version", FORMAT_VERSION) != FORMAT_VERSION:
        raise DirectoryFileError(
            _("{name}: format_version {found} is not supported (this Signpost reads version {supported})").format(
                name=name, found=doc.get("format_version"), supported=FORMAT_VERSION
            )
        )
    rows = []
    for number, item in enumerate(doc["services"], start=1):
        row = Row(number)
        if not isinstance(item, dict):
            row.problems.append(_("each service must be a JSON object"))
            row.read_in_full = False
        else:
            _json_fields(item, row)
        rows.append(row)
    return rows


def _json_fields(item: dict[str, Any], row: Row) -> None:
    unknown = sorted(set(item) - set(FIELDS))
    if unknown:
        row.problems.append(
            _("unknown field(s) {fields}; allowed fields are listed in docs/directory-format.md").format(
                fields=", ".join(unknown)
            )
        )
    for key, value in item.items():
        if key not in FIELDS:
            continue
        problem = _json_value(key, value, row.fields)
        if problem:
            row.problems.append(f"{key}: {problem}")
            row.read_in_full = False


def _json_value(key: str, value: Any, out: dict[str, Any]) -> str | None:
    if key == "id" or key in TEXT_FIELDS:
        if value is None:
            value = ""
        if not isinstance(value, str):
            return _("must be text")
        out[key] = value.strip()
    elif key in LIST_FIELDS or key in LINE_FIELDS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return _("must be a list of text")
        out[key] = tuple(v.strip() for v in value)
    elif key in BOOL_FIELDS:
        if value is None and key == "self_referral":
            out[key] = None
        elif not isinstance(value, bool):
            return _("must be true or false")
        else:
            out[key] = value
    elif key == "last_verified":
        return _date_value(value or "", out)
    elif key == "sources":
        if not isinstance(value, list):
            return _("must be a list")
        sources = []
        for entry in value:
            if isinstance(entry, str):
                sources.append(Source(entry.strip()))
            elif isinstance(entry, dict) and isinstance(entry.get("url"), str) and set(entry) <= _SOURCE_KEYS:
                date, note = entry.get("date", ""), entry.get("note", "")
                if not isinstance(date, str) or not isinstance(note, str):
                    return _("source date and note must be text")
                sources.append(Source(entry["url"].strip(), date.strip(), note.strip()))
            else:
                return _('each source must be a web address or an object {"url", "date", "note"}')
        out[key] = tuple(sources)
    return None


def _date_value(value: Any, out: dict[str, Any]) -> str | None:
    if not isinstance(value, str):
        return _("must be a date such as 2026-11-01")
    value = value.strip()
    if not value:
        out["last_verified"] = None
        return None
    try:
        if not _DATE.match(value):
            raise ValueError(value)
        out["last_verified"] = dt.date.fromisoformat(value)
    except ValueError:
        return _("'{value}' is not a date such as 2026-11-01").format(value=value)
    return None


def service_document(service: Service) -> dict[str, Any]:
    """One service as a JSON object with every field."""
    doc: dict[str, Any] = {}
    for key in FIELDS:
        value = getattr(service, key)
        if key == "last_verified":
            value = value.isoformat() if value else None
        elif key == "sources":
            value = [{k: v for k, v in (("url", s.url), ("date", s.date), ("note", s.note)) if v} for s in value]
        elif isinstance(value, tuple):
            value = list(value)
        doc[key] = value
    return doc


def to_json(services: Iterable[Service], *, exported: dt.date | None = None) -> str:
    doc = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "exported": (exported or dt.date.today()).isoformat(),
        "services": [service_document(s) for s in services],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# ---- CSV --------------------------------------------------------------------------------------


def parse_csv(text: str, name: str) -> list[Row]:
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        lines = list(reader)
    except csv.Error as exc:
        raise DirectoryFileError(_("{name} is not valid CSV ({reason})").format(name=name, reason=exc)) from exc
    if not lines:
        raise DirectoryFileError(_("{name} is empty: the first line must name the columns").format(name=name))
    header = [column.strip() for column in lines[0]]
    unknown = [column for column in header if column not in FIELDS]
    missing = [column for column in REQUIRED_CSV_COLUMNS if column not in header]
    repeated = sorted({column for column in header if header.count(column) > 1})
    if unknown or missing or repeated:
        parts = []
        if unknown:
            parts.append(_("unknown column(s): {columns}").format(columns=", ".join(repr(c) for c in unknown)))
        if missing:
            parts.append(_("missing column(s): {columns}").format(columns=", ".join(missing)))
        if repeated:
            parts.append(_("repeated column(s): {columns}").format(columns=", ".join(repeated)))
        raise DirectoryFileError(
            _("{name}: wrong columns ({problems}). The allowed columns are: {allowed}").format(
                name=name, problems="; ".join(parts), allowed=", ".join(FIELDS)
            )
        )
    rows = []
    for number, cells in enumerate(lines[1:], start=1):
        if not any(cell.strip() for cell in cells):
            continue
        row = Row(number)
        if len(cells) != len(header):
            row.problems.append(
                _("has {found} cells but the header has {expected} columns").format(
                    found=len(cells), expected=len(header)
                )
            )
            row.read_in_full = False
        else:
            for column, cell in zip(header, cells, strict=True):
                problem = _csv_value(column, _unprotect(cell), row.fields)
                if problem:
                    row.problems.append(f"{column}: {problem}")
                    row.read_in_full = False
        rows.append(row)
    return rows


def _csv_value(column: str, cell: str, out: dict[str, Any]) -> str | None:
    cell = cell.strip()
    if column == "id" or column in TEXT_FIELDS:
        out[column] = cell
    elif column in LIST_FIELDS:
        out[column] = tuple(part.strip() for part in cell.split(";") if part.strip())
    elif column in LINE_FIELDS:
        out[column] = tuple(line.strip() for line in cell.splitlines() if line.strip())
    elif column in BOOL_FIELDS:
        lowered = cell.lower()
        if lowered in ("yes", "true", "1"):
            out[column] = True
        elif lowered in ("no", "false", "0"):
            out[column] = False
        elif not lowered:
            out[column] = None if column == "self_referral" else column == "active"
        else:
            return _("'{value}' must be yes or no").format(value=cell)
    elif column == "last_verified":
        return _date_value(cell, out)
    elif column == "sources":
        sources = []
        for line in cell.splitlines():
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(" | ", 2)] + ["", ""]
            sources.append(Source(parts[0], parts[1], parts[2]))
        out[column] = tuple(sources)
    return None


def _protect(cell: str) -> str:
    """Stop spreadsheets running a cell as a formula ("+44 ..." or "=HYPERLINK(...)")."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _unprotect(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(_FORMULA_START) else cell


def _csv_cell(service: Service, column: str) -> str:
    value = getattr(service, column)
    if column in LIST_FIELDS:
        return "; ".join(value)
    if column in LINE_FIELDS:
        return "\n".join(value)
    if column in BOOL_FIELDS:
        return "" if value is None else ("yes" if value else "no")
    if column == "last_verified":
        return value.isoformat() if value else ""
    if column == "sources":
        return "\n".join(_source_line(source) for source in value)
    return str(value)


def _source_line(source: Source) -> str:
    """``url | date | note``, trailing empty parts left off."""
    parts = [source.url, source.date, source.note]
    while parts and not parts[-1]:
        parts.pop()
    return " | ".join(parts)


def to_csv(services: Iterable[Service]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for service in services:
        writer.writerow([_protect(_csv_cell(service, column)) for column in FIELDS])
    return buffer.getvalue()


def service_from_fields(fields: dict[str, Any], base: Service | None = None) -> Service:
    """A service from a row's provided fields over ``base`` (the stored entry, or defaults for a new one)."""
    if base is None:
        base = Service(id=fields.get("id", ""), name="", summary="", categories=())
    return dataclasses.replace(base, **fields)
