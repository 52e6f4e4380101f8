"""Choosing a file to save or open without leaving where it was on disk, for the next person at this computer.

Native file dialogs keep their own recent lists (GTK's recently-used.xbel, Windows' MRU lists), so Qt's own
dialog is used. It reads the shared ``QtProject`` user settings when it is made and, in its destructor, writes
them back: the folder history, the last folder visited, the sidebar places. Signpost points Qt's user-scope
native settings at a path that cannot be created, so on Linux nothing is read or written at all; where native
settings are the registry (Windows) or the system preferences (macOS) the path cannot be moved, so before each
dialog is destroyed its history, last folder and sidebar are put back to the home folder alone.
"""

from __future__ import annotations

import os
from pathlib import Path

import shiboken6
from PySide6.QtCore import QSettings, QUrl
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

# The null device is no folder, so nothing can ever be created beneath it.
NOWHERE = os.path.join(os.devnull, "signpost-keeps-no-qt-settings")


def choose_save_path(
    parent: QWidget | None, title: str, *, name: str, filters: list[str], suffix: str = ""
) -> tuple[Path, str] | None:
    """The file the user chose to save to and the filter chosen, or ``None`` if they cancelled.

    The dialog opens in the home folder with ``name`` filled in; ``suffix`` is added to a name typed without one.
    """
    dialog = _dialog(parent, title, filters)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix(suffix)
    dialog.selectFile(name)
    return _run(dialog)


def choose_open_path(parent: QWidget | None, title: str, *, filters: list[str]) -> Path | None:
    """The existing file the user chose, or ``None`` if they cancelled; the dialog opens in the home folder."""
    dialog = _dialog(parent, title, filters)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    chosen = _run(dialog)
    return chosen[0] if chosen is not None else None


def _dialog(parent: QWidget | None, title: str, filters: list[str]) -> QFileDialog:
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, NOWHERE)
    dialog = QFileDialog(parent, title)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setNameFilters(filters)
    _forget(dialog)  # what another program's dialog left in the registry, or an earlier one in this process
    return dialog


def _run(dialog: QFileDialog) -> tuple[Path, str] | None:
    try:
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        files = dialog.selectedFiles()
        chosen = (Path(files[0]), dialog.selectedNameFilter()) if accepted and files else None
    finally:
        _forget(dialog)
        shiboken6.delete(dialog)  # now, while it holds nothing to write back, not whenever its parent goes
    return chosen


def _forget(dialog: QFileDialog) -> None:
    """Leave the dialog, and Qt's process-wide last folder, holding only the home folder."""
    home = str(Path.home())
    dialog.setDirectory(home)  # also Qt's "last visited" folder, which the next dialog in this process opens in
    dialog.setHistory([home])
    dialog.setSidebarUrls([QUrl("file:"), QUrl.fromLocalFile(home)])
