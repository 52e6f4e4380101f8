"""Where the vault's files live inside a data directory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DB_NAME = "signpost.db"
KEYSLOTS_NAME = "keyslots.json"
ATTEMPTS_NAME = "signin-attempts.json"
BACKUPS_DIR = "backups"


@dataclass(frozen=True)
class VaultLayout:
    """The files of one vault: ``signpost.db`` (+ SQLite's -wal/-shm), ``keyslots.json``, ``backups/``."""

    data_dir: Path

    @property
    def db(self) -> Path:
        return self.data_dir / DB_NAME

    @property
    def wal(self) -> Path:
        return self.data_dir / (DB_NAME + "-wal")

    @property
    def shm(self) -> Path:
        return self.data_dir / (DB_NAME + "-shm")

    @property
    def keyslots(self) -> Path:
        return self.data_dir / KEYSLOTS_NAME

    @property
    def attempts(self) -> Path:
        """Wrong-password counters per user name (no patient data; the database is closed when they happen)."""
        return self.data_dir / ATTEMPTS_NAME

    @property
    def backups(self) -> Path:
        return self.data_dir / BACKUPS_DIR

    def exists(self) -> bool:
        """A vault has been set up here (its key slots exist)."""
        return self.keyslots.exists()

    def vault_files(self) -> list[Path]:
        """The files that together are the live vault (moved aside as a whole on restore)."""
        return [p for p in (self.db, self.wal, self.shm, self.keyslots) if p.exists()]
