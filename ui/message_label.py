"""A label for a message that comes and goes, shown only while it says something and spoken when it appears.

Seeing a status line appear tells sighted staff what happened; ``announce`` tells screen-reader users the
same, since focus stays where it was and nothing else would make their screen reader read the line.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel


def announce(source: QObject, message: str) -> None:
    """Have screen readers speak ``message`` once they finish what they are saying (no-op without one)."""
    from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent  # on first use: not needed to start

    event = QAccessibleAnnouncementEvent(source, message)
    event.setPoliteness(QAccessible.AnnouncementPoliteness.Polite)
    QAccessible.updateAccessibility(event)


class MessageLabel(QLabel):
    """Hidden while empty; ``setText`` with something shows it and announces it, ``clear`` or an empty text hides it.

    Its accessible name and description are the message itself. A message is announced when it is new: a text
    other than the one shown, or any text while the label was hidden. To repeat the same message, clear it first.
    """

    def __init__(self) -> None:
        super().__init__()
        self.hide()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        new = bool(text) and (self.isHidden() or text != self.text())
        super().setText(text)
        self.setAccessibleName(text)
        self.setAccessibleDescription(text)
        self.setVisible(bool(text))
        if new:
            announce(self, text)

    def clear(self) -> None:
        self.setText("")
