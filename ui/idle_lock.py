"""Idle lock: an application-wide event filter that notices input and fires ``idle`` after a quiet period, and
``lock_key`` when Ctrl+L is pressed in any window (a dialog too, where the window's own Lock shortcut cannot reach)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

# Input that proves someone is at the keyboard; window-system events (paint, timers) do not count.
_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
    QEvent.Type.TabletPress,
}


class IdleLock(QObject):
    """Emits ``idle`` once when no input has arrived for ``timeout_ms`` while armed."""

    idle = Signal()
    lock_key = Signal()

    def __init__(self, app: QApplication, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(1, timeout_ms))
        self._timer.timeout.connect(self._fire)
        app.installEventFilter(self)

    @property
    def armed(self) -> bool:
        return self._timer.isActive()

    def arm(self) -> None:
        """Start counting (after sign-in)."""
        self._timer.start()

    def disarm(self) -> None:
        """Stop counting (while locked or signed out)."""
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in _ACTIVITY and self._timer.isActive():
            self._timer.start()
            if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and _is_lock_key(event):
                # Only a key press no shortcut took: the window's Lock action takes Ctrl+L unless a dialog is open.
                self.lock_key.emit()
                return True
        return False

    def _fire(self) -> None:
        self.idle.emit()


def _is_lock_key(event: QKeyEvent) -> bool:
    return event.key() == Qt.Key.Key_L and event.modifiers() == Qt.KeyboardModifier.ControlModifier
