"""Saying a full disk as such: SQLite reports a write refused for want of space as a plain "disk I/O error" when
it happens in the write-ahead log or its index, which reads like a disconnected drive."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

from app.i18n import _
from app.vault.errors import VaultFullError

# Below this much free space an I/O error is taken to be the full disk: SQLite needs a few pages (4 KiB each) and the
# write-ahead log's index 32 KiB at a time; a disconnected drive has no free space to read at all.
LOW_SPACE_BYTES = 1024 * 1024
SQLITE_FULL = 13

_folders: dict[Path, None] = {}  # the folders of the databases this process has opened or written, in order


def remember_folder(folder: Path) -> None:
    """``folder`` holds a database this process uses: an I/O error is checked against its free space."""
    _folders[folder] = None


def free_bytes(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None  # gone (a disconnected drive): not a full one


def says_full(exc: BaseException) -> bool:
    """SQLite's "database or disk is full" (SQLITE_FULL) or the system's ENOSPC."""
    if isinstance(exc, OSError):
        return exc.errno == errno.ENOSPC
    code = getattr(exc, "sqlite_errorcode", None)
    text = str(exc).lower()
    return (isinstance(code, int) and code & 0xFF == SQLITE_FULL) or "disk is full" in text or "no space left" in text


def nearly_full_folder() -> tuple[Path, int] | None:
    """The remembered folder with the least free space, and how much, when that is below ``LOW_SPACE_BYTES``."""
    found = [(free, folder) for folder in _folders if (free := free_bytes(folder)) is not None]
    if not found:
        return None
    free, folder = min(found)
    return (folder, free) if free < LOW_SPACE_BYTES else None


def full_disk_error(problem: object, folder: Path | None = None) -> VaultFullError:
    """The plain message for a full disk; ``folder`` (else the fullest remembered one) says which and how much is
    free."""
    if folder is not None:
        place = (folder, free) if (free := free_bytes(folder)) is not None else None
    else:
        place = nearly_full_folder()
    if place is None:
        return VaultFullError(
            _(
                "the disk holding the vault is full or cannot be written ({problem}). Nothing more has been written "
                "and the vault is not damaged: free some space and try again."
            ).format(problem=problem)
        )
    return VaultFullError(
        _(
            "the disk holding {dir} is full: {free} KB free ({problem}). Nothing more has been written and the vault "
            "is not damaged. Free some space on that disk (delete or move files you no longer need there, or ask IT), "
            "then try again."
        ).format(dir=place[0], free=place[1] // 1024, problem=problem)
    )
