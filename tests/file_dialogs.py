"""Answering Signpost's file dialogs in tests: the real (Qt, not native) dialog is found, filled in and accepted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog


def answer_file_dialog(path: Path | None) -> list[dict[str, Any]]:
    """When the next file dialog opens, choose ``path`` in it (``None``: cancel it).

    Returns a list that then holds what the dialog showed: its folder, history and sidebar, and whether it is
    Qt's own dialog.
    """
    seen: list[dict[str, Any]] = []

    def answer() -> None:
        dialog = next(
            (w for w in QApplication.topLevelWidgets() if isinstance(w, QFileDialog) and w.isVisible()), None
        )
        if dialog is None:
            QTimer.singleShot(10, answer)
            return
        seen.append({
            "folder": dialog.directory().absolutePath(),
            "history": dialog.history(),
            "sidebar": [url.toString() for url in dialog.sidebarUrls()],
            "qt_dialog": dialog.testOption(QFileDialog.Option.DontUseNativeDialog),
            "name": dialog.selectedFiles()[0] if dialog.selectedFiles() else "",
        })
        if path is None:
            dialog.reject()
            return
        dialog.setDirectory(str(path.parent))
        dialog.selectFile(str(path))
        dialog.accept()

    QTimer.singleShot(0, answer)
    return seen
