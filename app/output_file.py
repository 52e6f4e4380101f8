"""Files a user asks for (a leaflet PDF, a directory export, a backup): written whole, then put in place.

A folder that does not exist is named as such and never made: on a share or a removable drive that is not
connected, making it would put the file on the local disk instead.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

from app.errors import SignpostError
from app.i18n import _
from app.vault.atomic_file import fsync_directory, replace_file, write_synced


class OutputFileError(SignpostError):
    """The file asked for cannot be written where asked; nothing was written (an earlier file there is kept)."""


def missing_folder(path: Path) -> OutputFileError | None:
    """The error for a target whose folder does not exist (or is a file), or ``None`` when it is a folder."""
    folder = Path(path).parent
    if folder.is_dir():
        return None
    if folder.exists():
        return OutputFileError(_("{folder} is a file, not a folder, so nothing was written.").format(folder=folder))
    return OutputFileError(
        _("the folder {folder} does not exist, so nothing was written. If it is on a share or a removable drive, "
          "check that it is connected.").format(folder=folder)
    )


def cannot_write(path: Path, exc: OSError) -> OutputFileError:
    """The error for ``exc``, met writing ``path``."""
    return missing_folder(path) or OutputFileError(
        _("{file} cannot be written ({problem}). Nothing was written.").format(file=path, problem=exc.strerror or exc)
    )


def write_output(path: Path, data: bytes, *, before_it_takes_its_place: Callable[[], None] | None = None) -> None:
    """Write ``data`` to ``path``: whole, beside it first, then in its place.

    ``before_it_takes_its_place`` runs once the data is safely written (the audit entry: a file that cannot be
    written is never recorded as saved, and one that cannot be recorded is never saved). A folder in the way, or a
    file there that cannot be replaced (open in another program, read-only), is found before then. The file gets
    the permissions a new file gets (a file it replaces keeps its own); through a symbolic link, the file linked to
    is replaced. ``OutputFileError`` when it cannot be written; an earlier file is then kept as it was.
    """
    target = Path(os.path.realpath(path))
    temp: Path | None = None
    try:
        try:
            _check_replaceable(target)
            temp = _new_file_beside(target, data)
            if before_it_takes_its_place is not None:
                before_it_takes_its_place()
        except OSError as exc:
            raise cannot_write(path, exc) from exc
        try:
            if target.exists():
                shutil.copymode(target, temp)
            replace_file(temp, target)
        except OSError as exc:  # rare: checked above, but another program may have opened it since
            raise OutputFileError(_(
                "{file} cannot be replaced ({problem}): it may be open in another program. The audit log records "
                "it as saved, but nothing was written there."
            ).format(file=path, problem=exc.strerror or exc)) from exc
        try:
            fsync_directory(target.parent)
        except OSError:
            pass  # the file is in place; only its survival of a power cut right now is less certain
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)


def _check_replaceable(target: Path) -> None:
    """``OSError`` for a target that is a folder, or a file that cannot be opened to write (locked or read-only)."""
    if target.is_dir():
        raise IsADirectoryError(21, os.strerror(21), str(target))
    if target.exists():
        with open(target, "ab"):  # opened and closed unchanged: Windows refuses while Excel or a viewer has it
            pass


def _new_file_beside(target: Path, data: bytes) -> Path:
    """``data`` in a new, unguessable file beside ``target``, on disk; never through a file or link already there."""
    while True:
        temp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:
            continue
        break
    try:
        write_synced(fd, data)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp
