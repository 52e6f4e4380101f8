"""The audit entry for a leaflet printed or saved: which kind, which languages, never patient data."""

from __future__ import annotations

import json
from typing import Any

PRINTED = "print"
SAVED = "save"


def audit_leaflet(
    conn: Any, actor: str, *, kind: str, how: str, languages: list[str], record_ref: str | None = None
) -> None:
    """Append one audit entry, in its own transaction, for a ``kind`` leaflet ("screening" or "services").

    ``how`` is ``PRINTED`` (sent to a printer) or ``SAVED`` (written to a file); ``record_ref`` names the
    saved screening a screening leaflet was made from, when there is one.
    """
    from app.records import audit
    from app.vault.database import transaction

    action = audit.PRINT if how == PRINTED else audit.EXPORT
    detail = json.dumps({"leaflet": kind, "languages": languages}, separators=(",", ":"))
    with transaction(conn):
        audit.append(conn, actor, action, record_ref=record_ref, detail=detail)
