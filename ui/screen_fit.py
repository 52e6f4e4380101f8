"""Open a window no larger than the free area of its screen, so its buttons can always be reached."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

# Room left for the window's own frame and title bar, which the free area of the screen does not include.
FRAME_ROOM = QSize(20, 40)


def fitted(preferred: QSize, available: QSize) -> QSize:
    """``preferred``, or less where ``available`` (a screen's free area) leaves less room for it and its frame."""
    return preferred.boundedTo(available - FRAME_ROOM)


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Resize ``window`` to ``width`` x ``height``, or smaller where its screen (at its scaling) has less room."""
    screen = window.screen()
    preferred = QSize(width, height)
    window.resize(fitted(preferred, screen.availableGeometry().size()) if screen is not None else preferred)
