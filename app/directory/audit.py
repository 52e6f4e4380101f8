"""Directory edits are admin actions: each one leaves an entry in the vault's audit chain."""

from __future__ import annotations

import json
from typing import Any

from app.records import audit

ADD = "directory_add"
EDIT = "directory_edit"
DEACTIVATE = "directory_deactivate"
REACTIVATE = "directory_reactivate"
VERIFY = "directory_verify"
IMPORT = "directory_import"
SEED = "directory_seed"
EXPORT = "directory_export"

DIRECTORY_REF = "directory"


def service_ref(service_id: str) -> str:
    """The audit ``record_ref`` of a directory entry."""
    return f"service:{service_id}"


def record_directory_change(conn: Any, *, actor: str, action: str, record_ref: str, detail: dict[str, Any]) -> None:
    """Append one audit entry for a directory change, inside the caller's transaction."""
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True)
    audit.append(conn, actor, action, record_ref=record_ref, detail=text)
