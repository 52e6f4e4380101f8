"""Patients as identified at screening: an NHS number, a local number, or anonymous (one row per screening)."""

from __future__ import annotations

from typing import Any

from app.errors import UsageError
from app.i18n import _
from app.records.draft import IDENTIFIER_KINDS
from app.records.nhs_number import parse_local_number, parse_nhs_number

ANONYMOUS = "anonymous"


def normalise_identifier(kind: str, value: str) -> str | None:
    """The identifier as stored (NHS numbers as 10 digits), ``None`` for anonymous; ``UsageError`` if invalid."""
    if kind not in IDENTIFIER_KINDS:
        raise UsageError(_("'{kind}' is not a kind of patient identifier").format(kind=kind))
    if kind == ANONYMOUS:
        return None
    if kind == "nhs_number":
        return parse_nhs_number(value)
    return parse_local_number(value)


def patient_id(conn: Any, kind: str, value: str | None, actor: str, now: str) -> int:
    """The row for this identifier, created on first use; anonymous screenings each get their own row."""
    if value is not None:
        row = conn.execute(
            "SELECT id FROM patients WHERE identifier_kind = ? AND identifier_value = ?", (kind, value)
        ).fetchone()
        if row:
            return int(row[0])
    cursor = conn.execute(
        "INSERT INTO patients (identifier_kind, identifier_value, created_at, created_by) VALUES (?, ?, ?, ?)",
        (kind, value, now, actor),
    )
    return int(cursor.lastrowid)
