"""A label for a message that comes and goes: shown only while it says something, so an empty one takes no room."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel


class MessageLabel(QLabel):
    """Hidden while empty; ``setText`` with something shows it, ``clear`` or an empty text hides it."""

    def __init__(self) -> None:
        super().__init__()
        self.hide()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        super().setText(text)
        self.setVisible(bool(text))

    def clear(self) -> None:
        super().clear()
        self.hide()
