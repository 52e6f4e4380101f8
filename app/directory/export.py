"""Writing the whole directory to a file (JSON or CSV) for another site or for safekeeping, audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.directory.audit import DIRECTORY_REF, EXPORT, record_directory_change
from app.directory.formats import to_csv, to_json
from app.directory.repository import list_services
from app.output_file import write_output
from app.vault.database import transaction


def export_directory(conn: Any, path: Path, fmt: str, *, actor: str) -> int:
    """Write every service (inactive ones too) to ``path`` as ``fmt`` ("json" or "csv"); returns how many.

    Audited before the file takes its place (a file already there is replaced only then), so no copy leaves the
    vault unrecorded and a failed audit entry loses no earlier file. ``OutputFileError`` when the file cannot be
    written.
    """
    services = list_services(conn, active_only=False)
    text = to_json(services) if fmt == "json" else to_csv(services)

    def audit() -> None:
        with transaction(conn):
            record_directory_change(conn, actor=actor, action=EXPORT, record_ref=DIRECTORY_REF,
                                    detail={"services": len(services), "format": fmt, "file": path.name})

    write_output(path, text.encode("utf-8"), before_it_takes_its_place=audit)
    return len(services)
