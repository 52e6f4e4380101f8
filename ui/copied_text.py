"""Text copied from Signpost is taken off the clipboard when the screen locks or its user signs out.

A practitioner copies a patient's NHS number to paste it elsewhere; left there, the next person at the
shared PC could paste it after a lock or sign-out. Qt cannot tell on every platform whether this program
owns the clipboard, so the text is remembered when the clipboard (or, on X11, the mouse selection) changes
while one of Signpost's windows is active, and cleared later only if the clipboard still holds that text:
something copied since in another program is left alone.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QClipboard, QGuiApplication
from PySide6.QtWidgets import QApplication


class CopiedText(QObject):
    """Watches the clipboard; ``forget()`` clears what was copied from Signpost and is still there."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ours: dict[QClipboard.Mode, str] = {}
        QGuiApplication.clipboard().changed.connect(self._changed)

    def _changed(self, mode: QClipboard.Mode) -> None:
        text = QGuiApplication.clipboard().text(mode)
        if QApplication.activeWindow() is not None and text:
            self._ours[mode] = text
        else:
            self._ours.pop(mode, None)

    def forget(self) -> None:
        clipboard = QGuiApplication.clipboard()
        for mode, text in list(self._ours.items()):
            if clipboard.text(mode) == text:
                clipboard.clear(mode)
        self._ours.clear()
