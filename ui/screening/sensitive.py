"""Fields holding patient data tell input methods not to keep what is typed into them."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def mark_sensitive(field: QWidget) -> None:
    """On-screen keyboards and predictive input are asked not to learn or store what is typed: their dictionaries
    are kept on disk, and on a shared PC they would offer one patient's NHS number to the next user."""
    # The flags by name: importing ``Qt`` costs start-up time (see ui/screening/question.py).
    field.setProperty("inputMethodHints", "ImhSensitiveData|ImhNoPredictiveText")
