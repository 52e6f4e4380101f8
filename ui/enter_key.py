"""Enter in a search box or a table does that widget's own thing, never a dialog's default button.

A line edit or item view handles Enter and then lets the key go on to its dialog, which presses the
default button: Enter in a language search opened the print dialog, Enter on a table row opened "Add".
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class _KeepEnter(QObject):
    def __init__(self, widget: QWidget, on_enter: Callable[[], None] | None) -> None:
        super().__init__(widget)
        self._on_enter = on_enter
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and event.key() in _ENTER_KEYS:
            if self._on_enter is not None:
                self._on_enter()
            return True
        return False


def keep_enter(widget: QWidget, on_enter: Callable[[], None] | None = None) -> None:
    """Enter in ``widget`` runs ``on_enter`` (if given) and goes no further."""
    _KeepEnter(widget, on_enter)
