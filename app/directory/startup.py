"""What happens to the directory when a vault is opened: first-run seed, then the IT-managed file."""

from __future__ import annotations

from typing import Any

from app.config import Config
from app.directory.importing import ManagedImport, import_managed_file
from app.directory.seed import seed_if_empty


def prepare_directory(conn: Any, config: Config) -> ManagedImport | None:
    """Seed the national services if the directory is empty, then import the IT-managed file if newer.

    Call once after opening a vault (sign-in, demo). Returns what the managed-file check did
    (``None`` when no file is configured); a file that could not be imported carries a ``problem``
    for the admins' banner.
    """
    seed_if_empty(conn)
    return import_managed_file(conn, config)
