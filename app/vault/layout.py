"""Where the vault's files live inside a data directory, and the checks that the folder can hold them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from app.errors import UsageError
from app.i18n import _
from app.vault.errors import VaultError

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

    def own_files(self) -> tuple[Path, ...]:
        """Every file the vault itself uses, present or not: nothing else may be written over them."""
        return (self.db, self.wal, self.shm, self.keyslots, self.attempts)

    def check_writable(self) -> None:
        """A clear ``VaultError`` when the folder or a vault file cannot be written (every action is audited)."""
        for path in (self.data_dir, *self.own_files()):
            if path.exists() and not os.access(path, os.W_OK):
                raise VaultError(
                    _(
                        "{path} is read-only: Signpost records every action in the vault, so it must be able to "
                        "write there. Ask IT to check the permissions. Nothing has been changed."
                    ).format(path=path)
                )


def check_is_folder(data_dir: Path) -> None:
    if data_dir.exists() and not data_dir.is_dir():
        raise VaultError(_("{dir} is a file, not a folder: choose a folder for the vault").format(dir=data_dir))


def prepare_folder(data_dir: Path) -> None:
    """Create the data directory if needed; a clear ``VaultError`` if it is a file, cannot be made or is read-only."""
    check_is_folder(data_dir)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise VaultError(
            _("{dir} cannot be created ({problem})").format(dir=data_dir, problem=exc.strerror or exc)
        ) from exc
    VaultLayout(data_dir).check_writable()


def check_backup_target(layout: VaultLayout, out: Path) -> None:
    """Refuse a backup file name that is a folder or one of the vault's own files (even with --force)."""
    if out.is_dir():
        raise UsageError(
            _("{file} is a folder: give the backup a file name, for example {example}").format(
                file=out, example=out / "signpost.spbackup"
            )
        )
    if out.resolve() in {path.resolve() for path in layout.own_files()}:
        raise UsageError(
            _("{file} is one of the vault's own files: choose another name for the backup").format(file=out)
        )
