"""Helpers shared by the vault, records and audit tests: a real vault on disk and screening drafts."""

from __future__ import annotations

import hashlib
from pathlib import Path

from conftest import ALL_NO

from app.config import Argon2Cost, load_config
from app.records.draft import ScreeningDraft
from app.vault.session import VaultSession, create_vault

ADMIN = "alice"
ADMIN_PASSWORD = "correct horse battery"
INSTRUMENT = ("assist-lite-2013", "2013.1")


def cost() -> Argon2Cost:
    """The machine config's Argon2 cost (the test config lowers it)."""
    return load_config().argon2


def new_vault(data_dir: Path) -> tuple[VaultSession, str]:
    return create_vault(data_dir, ADMIN, ADMIN_PASSWORD, cost())


def answers(**overrides: str) -> dict[str, str]:
    """Complete answers: every substance 'no' unless overridden (follow-ups must be given with a 'yes')."""
    return {**ALL_NO, **overrides}


def draft(**fields: object) -> ScreeningDraft:
    values: dict[str, object] = {"answers": answers(), "setting": "ed"}
    values.update(fields)
    return ScreeningDraft(*INSTRUMENT, **values)  # type: ignore[arg-type]


def file_digests(directory: Path) -> dict[str, str]:
    """sha256 of every file under ``directory``: proves a failed action overwrote nothing."""
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }
