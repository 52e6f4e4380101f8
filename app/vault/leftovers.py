"""Removing what a killed Signpost left behind: its own working folders and temporary files, once old enough.

Only our own names are touched (a ``.signpost-backup-…`` folder holding only what a backup writes, a
``.keyslots.json.….tmp`` file), and only when untouched for an hour: a copy of Signpost running now
(another computer writing a backup into the same folder) is never in the way. The hour is told by the
folder's own file system, not this computer's clock: a shared folder's file times are the file server's,
and a PC whose clock runs an hour ahead of it would otherwise take another copy's work for a leftover.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from contextlib import suppress
from fnmatch import fnmatchcase
from pathlib import Path

STALE_AFTER_SECONDS = 3600.0
CLOCK_PROBE_PREFIX = ".signpost-clock-"


def remove_stale_folders(parent: Path, prefix: str, contents: Iterable[str]) -> None:
    """Remove the folders ``prefix*`` in ``parent`` holding nothing but files matching ``contents``, if stale."""
    patterns = tuple(contents)
    for folder in _stale(parent, f"{prefix}*"):
        try:
            if not folder.is_dir() or folder.is_symlink():
                continue
            entries = list(folder.iterdir())
            if all(_ours(entry, patterns) for entry in entries):
                shutil.rmtree(folder)
        except OSError:
            continue  # held open or not ours to remove: tried again next time


def remove_stale_files(parent: Path, pattern: str, older_than: float = STALE_AFTER_SECONDS) -> None:
    """Remove the files matching ``pattern`` in ``parent`` (a killed atomic write's temporary files) untouched for
    ``older_than`` seconds."""
    for path in _stale(parent, pattern, older_than):
        try:
            if path.is_file() and not path.is_symlink():
                path.unlink()
        except OSError:
            continue


def _ours(entry: Path, patterns: tuple[str, ...]) -> bool:
    return entry.is_file() and not entry.is_symlink() and any(fnmatchcase(entry.name, p) for p in patterns)


def _stale(parent: Path, pattern: str, older_than: float = STALE_AFTER_SECONDS) -> list[Path]:
    try:
        found = list(parent.glob(pattern))
        if not found:
            return []
        cutoff = file_system_now(parent) - older_than
        return [path for path in found if path.lstat().st_mtime < cutoff]
    except OSError:
        return []


def file_system_now(folder: Path) -> float:
    """The time now by the clock that stamps ``folder``'s files: a new empty file's modification time (this
    computer's clock where none can be made, e.g. a read-only folder). Such files a killed process left are
    removed once stale."""
    try:
        handle, probe = tempfile.mkstemp(prefix=CLOCK_PROBE_PREFIX, suffix=".tmp", dir=folder)
    except OSError:
        return time.time()
    try:
        now = os.fstat(handle).st_mtime
    finally:
        os.close(handle)
        with suppress(OSError):  # held by a virus scanner: removed with the other stale ones another time
            os.unlink(probe)
    for left in folder.glob(f"{CLOCK_PROBE_PREFIX}*.tmp"):
        with suppress(OSError):
            if left.lstat().st_mtime < now - STALE_AFTER_SECONDS:
                left.unlink()
    return now
