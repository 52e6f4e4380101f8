"""Where Enter and Down go from a search box or a table.

Enter does the widget's own thing, never a dialog's default button: a line edit or item view handles
Enter and then lets the key go on to its dialog, which presses the default button (Enter in a language
search opened the print dialog, Enter on a table row opened "Add"). Down in a search box moves into
the list of matches below it.
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


class _DownInto(QObject):
    def __init__(self, search: QWidget, target: QWidget) -> None:
        super().__init__(search)
        self._target = target
        search.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self._target.isVisible()
        ):
            self._target.setFocus(Qt.FocusReason.TabFocusReason)
            return True
        return False


def down_into(search: QWidget, target: QWidget) -> None:
    """Down in ``search`` moves the keyboard into ``target`` (its list of matches) when that is shown."""
    _DownInto(search, target)
