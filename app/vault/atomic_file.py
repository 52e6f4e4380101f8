"""Replacing a small file so that a crash leaves either the old or the new content, never a mix."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from app.i18n import _
from app.vault.errors import VaultIOError
from app.vault.leftovers import remove_stale_files

REPLACE_TRIES = 10
REPLACE_PAUSE_S = 0.1


def fsync_directory(directory: Path) -> None:
    """Make a rename inside ``directory`` durable (a no-op where directories cannot be opened)."""
    if os.name == "nt":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class StagedFile:
    """New content for ``path``, written and flushed to a temp file beside it; ``put_in_place`` renames it over.

    Splitting the two lets a caller write first (what fails for want of space) and rename only as the last step
    of a transaction (``session.account_change``).
    """

    def __init__(self, path: Path, data: bytes) -> None:
        self.path = path
        self.placed = False
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self.temp: Path | None = Path(temp_name)
        try:
            write_synced(fd, data)
        except BaseException:
            self.discard()
            raise

    def put_in_place(self) -> None:
        assert self.temp is not None, "already put in place or discarded"
        try:
            replace_file(self.temp, self.path)
        except BaseException:
            self.discard()
            raise
        self.temp = None
        self.placed = True  # even if the folder's sync below fails: the file is in place
        fsync_directory(self.path.parent)

    def discard(self) -> None:
        """Remove the temp file if it is still there (safe to call after ``put_in_place``)."""
        if self.temp is not None:
            self.temp.unlink(missing_ok=True)
            self.temp = None


def identity(path: Path) -> tuple[int, int] | None:
    """Which file ``path`` is now (device, inode); ``None`` when there is none, ``VaultIOError`` when it cannot be
    reached."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise VaultIOError(
            _(
                "{file} cannot be reached ({problem}): the drive or network share holding the vault may have been "
                "disconnected. Nothing more has been written. Sign in again once it is back; if it does not come "
                "back, ask IT."
            ).format(file=path, problem=exc.strerror or exc)
        ) from exc
    return found.st_dev, found.st_ino


def previous_of(path: Path) -> Path:
    """The second name ``keep_previous`` gives ``path``'s content."""
    return path.with_name(f".{path.name}.previous.tmp")


@dataclass(frozen=True)
class KeptFile:
    """The second name ``keep_previous`` made, and which file it was then (device, inode)."""

    path: Path
    identity: tuple[int, int] | None
    """``None``: already gone when it was made."""

    def remove(self) -> None:
        """Remove it if that name is still this file: once the change that made it has let go of the write lock,
        another copy's change may have settled it and made its own under the same name. Where the file system gives
        no inode numbers (0 on some Windows file systems and SMB shares), every file would look like this one: it is
        left, and the next opening removes it as stale."""
        if self.identity is None or self.identity[1] == 0:
            return
        if identity(self.path) == self.identity:
            self.path.unlink(missing_ok=True)


def keep_previous(path: Path) -> KeptFile:
    """A second name for ``path``'s current content, to put it back after a failed change; ``OSError`` when none can
    be made (the change must not go on). A hard link needs no space, so it works on a full disk; where links are not
    supported, a copy. Any file of that name is replaced: the caller has settled what a killed change left there."""
    kept = previous_of(path)
    kept.unlink(missing_ok=True)
    try:
        os.link(path, kept)
    except OSError:
        try:
            shutil.copy2(path, kept)
        except OSError:
            kept.unlink(missing_ok=True)
            raise
    return KeptFile(kept, identity(kept))


def write_synced(fd: int, data: bytes) -> None:
    """Write ``data`` to the new file open on ``fd``, flushed to the disk, and close it."""
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``: temp file in the same directory, fsync, rename over, fsync the directory.

    The file is created readable by its owner only; it never holds patient data, but key slots
    are still nobody else's business. Temporary files of this name that a killed write left are removed.
    """
    remove_stale_files(path.parent, f".{path.name}.*.tmp")
    StagedFile(path, data).put_in_place()


def replace_file(source: str | Path, target: Path) -> None:
    """``os.replace``, tried again for up to a second while it is refused: Windows refuses it while another
    program (a virus scanner, a backup agent, another copy of Signpost reading the file) has the target open."""
    for attempt in range(REPLACE_TRIES):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if attempt == REPLACE_TRIES - 1:
                raise
            time.sleep(REPLACE_PAUSE_S)
