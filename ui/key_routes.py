"""Where Enter, Down and Esc go from a search box or a table, and what a table selects when it gets the keyboard.

Enter does the widget's own thing, never a dialog's default button: a line edit or item view handles
Enter and then lets the key go on to its dialog, which presses the default button (Enter in a language
search opened the print dialog, Enter on a table row opened "Add"). Down in a search box moves into
the list of matches below it. Esc in a search box clears what is typed; in an empty one it goes on
as it always did (a dialog closes).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QWidget

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class _KeyRoute(QObject):
    """Takes ``keys`` pressed in ``widget``: ``action()`` returns whether it handled them (then they go no further)."""

    def __init__(self, widget: QWidget, keys: tuple[Qt.Key, ...], action: Callable[[], bool]) -> None:
        super().__init__(widget)
        self._keys = keys
        self._action = action
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and event.key() in self._keys:
            return self._action()
        return False


def keep_enter(widget: QWidget, on_enter: Callable[[], None] | None = None) -> None:
    """Enter in ``widget`` runs ``on_enter`` (if given) and goes no further."""

    def enter() -> bool:
        if on_enter is not None:
            on_enter()
        return True

    _KeyRoute(widget, _ENTER_KEYS, enter)


def down_into(search: QWidget, target: QWidget) -> None:
    """Down in ``search`` moves the keyboard into ``target`` (its list of matches) when that is shown."""

    def down() -> bool:
        if not target.isVisible():
            return False
        target.setFocus(Qt.FocusReason.TabFocusReason)
        return True

    _KeyRoute(search, (Qt.Key.Key_Down,), down)


def esc_clears(search: QLineEdit, *lists: QWidget) -> None:
    """Esc in ``search``, or in one of the ``lists`` of its matches, clears what is typed (so every item shows
    again) and leaves the keyboard in ``search``; with nothing typed it is not taken."""

    def esc() -> bool:
        if not search.text():
            return False
        search.clear()
        search.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    for widget in (search, *lists):
        _KeyRoute(widget, (Qt.Key.Key_Escape,), esc)


class _SelectOnFocus(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QAbstractItemView):
            model, selection = watched.model(), watched.selectionModel()
            if model is not None and selection is not None and not selection.hasSelection() and model.rowCount():
                current = watched.currentIndex()
                watched.selectRow(current.row() if current.isValid() else 0)
        return False


def select_on_focus(table: QAbstractItemView) -> None:
    """A table that gets the keyboard with nothing selected selects its current (or first) row.

    Otherwise the first row is current but not selected: the buttons that act on a row stay greyed, Down skips
    to the second row and Up selects nothing, so the first row could not be chosen from the keyboard.
    """
    table.installEventFilter(_SelectOnFocus(table))


class _NoAltTyping(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier & ~Qt.KeyboardModifier.KeypadModifier
            # Alt alone, never with Ctrl: Windows writes AltGr characters (é, €) as Ctrl+Alt.
            return modifiers == Qt.KeyboardModifier.AltModifier and event.text().isprintable() and bool(event.text())
        return False


def no_alt_typing(root: QWidget) -> None:
    """Alt with a letter that is no button's or label's shortcut types nothing into ``root``'s text fields.

    Qt types the letter: Alt+S meant for a Save with no shortcut put an "s" into the field being edited.
    """
    from PySide6.QtWidgets import QPlainTextEdit

    guard = _NoAltTyping(root)
    for field in [*root.findChildren(QLineEdit), *root.findChildren(QPlainTextEdit)]:
        field.installEventFilter(guard)
