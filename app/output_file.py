"""Files a user asks for (a leaflet PDF, a directory export, a backup): the plain message when one cannot be written.

A folder that does not exist is named as such and never made: on a share or a removable drive that is not
connected, making it would put the file on the local disk instead.
"""

from __future__ import annotations

from pathlib import Path

from app.errors import SignpostError
from app.i18n import _


class OutputFileError(SignpostError):
    """The file asked for cannot be written where asked; nothing was written (an earlier file there is kept)."""


def missing_folder(path: Path) -> OutputFileError | None:
    """The error for a target whose folder does not exist, or ``None`` when it does."""
    if Path(path).parent.is_dir():
        return None
    return OutputFileError(
        _("the folder {folder} does not exist, so nothing was written. If it is on a share or a removable drive, "
          "check that it is connected.").format(folder=Path(path).parent)
    )


def cannot_write(path: Path, exc: OSError) -> OutputFileError:
    """The error for ``exc``, met writing ``path``."""
    return missing_folder(path) or OutputFileError(
        _("{file} cannot be written ({problem}). Nothing was written.").format(file=path, problem=exc.strerror or exc)
    )
