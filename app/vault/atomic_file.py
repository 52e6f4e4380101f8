"""Replacing a small file so that a crash leaves either the old or the new content, never a mix."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

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


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``: temp file in the same directory, fsync, rename over, fsync the directory.

    The file is created readable by its owner only; it never holds patient data, but key slots
    are still nobody else's business. Temporary files of this name that a killed write left are removed.
    """
    remove_stale_files(path.parent, f".{path.name}.*.tmp")
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        replace_file(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)


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
