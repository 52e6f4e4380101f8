"""Where the vault's files live inside a data directory, and the checks that the folder can hold them."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from app.errors import UsageError
from app.i18n import _
from app.paths import default_data_dir
from app.vault.atomic_file import previous_of
from app.vault.errors import VaultError

DB_NAME = "signpost.db"
KEYSLOTS_NAME = "keyslots.json"
ATTEMPTS_NAME = "signin-attempts.json"
BACKUPS_DIR = "backups"
SWAP_RECORD_NAME = "swap-record.json"
SWAP_LOCK_NAME = "swap.lock"
PRIVATE_FOLDER = 0o700


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
    def previous_keyslots(self) -> Path:
        """The key slots from before an account change, kept while it runs (``previous_slots``): a killed change
        leaves them, and they may be the ones that open this vault."""
        return previous_of(self.keyslots)

    @property
    def attempts(self) -> Path:
        """Wrong-password counters per user name (no patient data; the database is closed when they happen)."""
        return self.data_dir / ATTEMPTS_NAME

    @property
    def backups(self) -> Path:
        return self.data_dir / BACKUPS_DIR

    @property
    def swap_record(self) -> Path:
        """The file moves of a restore or rekey under way: there only while one is (or was killed) mid-way."""
        return self.data_dir / SWAP_RECORD_NAME

    @property
    def swap_lock(self) -> Path:
        """Locked by the process whose swap record it is, for as long as it is (empty; left in place)."""
        return self.data_dir / SWAP_LOCK_NAME

    def exists(self) -> bool:
        """A vault has been set up here (its key slots exist)."""
        return self.keyslots.exists()

    def vault_files(self) -> list[Path]:
        """The files that together are the live vault (moved aside as a whole on restore and rekey): the previous
        key slots go with the vault they belong to."""
        return [p for p in (self.db, self.wal, self.shm, self.keyslots, self.previous_keyslots) if p.exists()]

    def own_files(self) -> tuple[Path, ...]:
        """Every file the vault itself uses, present or not: nothing else may be written over them."""
        return (self.db, self.wal, self.shm, self.keyslots, self.previous_keyslots, self.attempts, self.swap_record,
                self.swap_lock)

    def check_writable(self) -> None:
        """A clear ``VaultError`` when the folder or a vault file cannot be written (every action is audited)."""
        for path in (self.data_dir, *self.own_files()):
            # Asked first, then whether it is there: a -wal file that a closing connection (a lock finishing on
            # the worker) removes in between was reported read-only, and the sign-in refused.
            if os.access(path, os.W_OK) or not path.exists() or os.access(path, os.W_OK):
                continue
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
    # The platform's default folder may lack its parents on a new machine (%PROGRAMDATA%, ~/.local/share). A
    # folder IT names must have its parent already: one on a share that is not connected would otherwise be
    # made on the local disk, and a second vault set up there.
    parents = data_dir == default_data_dir()
    if not parents and not data_dir.exists() and not data_dir.parent.is_dir():
        raise VaultError(
            _(
                "{parent} does not exist, so the vault folder {dir} cannot be made in it. If it is on a share or a "
                "removable drive, check that it is connected; otherwise create {parent} first. Nothing has been "
                "created."
            ).format(parent=data_dir.parent, dir=data_dir)
        )
    try:
        data_dir.mkdir(mode=PRIVATE_FOLDER, parents=parents, exist_ok=True)
    except OSError as exc:
        raise VaultError(
            _("{dir} cannot be created ({problem})").format(dir=data_dir, problem=exc.strerror or exc)
        ) from exc
    layout = VaultLayout(data_dir)
    tighten_folders(layout)
    layout.check_writable()


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` readable by this account only (0700 on POSIX; Windows folders inherit their parent's ACL)."""
    folder.mkdir(mode=PRIVATE_FOLDER)


def tighten_folders(layout: VaultLayout) -> None:
    """Make the data folder, ``backups/`` and ``replaced-…`` folders readable by this account only, where safe.

    Safe means POSIX, and the vault's own files are this account's and already private (0600): no other
    account can use the vault then, so closing the folders takes nothing away from anyone. A vault whose
    files IT has shared with a group on purpose is left as it is, and so is any folder of another owner.
    """
    if os.name != "posix":
        return
    try:
        if not all(_private_and_mine(path) for path in layout.vault_files()):
            return
        folders = [layout.data_dir, layout.backups, *layout.data_dir.glob("replaced-*")]
    except OSError:
        return
    for folder in folders:
        try:
            status = folder.lstat()
            if stat.S_ISDIR(status.st_mode) and status.st_uid == os.geteuid() and status.st_mode & 0o077:
                folder.chmod(PRIVATE_FOLDER)
        except OSError:
            continue  # missing, or not ours to change: opening the vault must not fail over it


def _private_and_mine(path: Path) -> bool:
    status = path.lstat()
    return stat.S_ISREG(status.st_mode) and status.st_uid == os.geteuid() and not status.st_mode & 0o077


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
