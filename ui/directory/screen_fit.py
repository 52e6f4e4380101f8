"""Open a window no larger than the free area of its screen, so its buttons can always be reached."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

# Room left for the window's own frame and title bar, which the free area of the screen does not include.
FRAME_WIDTH = 20
FRAME_HEIGHT = 40


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Resize ``window`` to ``width`` x ``height``, or smaller where its screen (at its scaling) has less room."""
    screen = window.screen()
    if screen is not None:
        available = screen.availableGeometry()
        width = min(width, available.width() - FRAME_WIDTH)
        height = min(height, available.height() - FRAME_HEIGHT)
    window.resize(width, height)
