"""Errors shown to people: a plain dialog for faults they can act on, a crash dialog for bugs.

A ``SignpostError`` (wrong password, unreadable config, disk full…) carries a message fit to show.
Anything else is a bug: ``sys.excepthook`` (installed before the window is built) shows what
happened with copyable details, and the app keeps running so the answers on screen are not lost.
"""

from __future__ import annotations

import re
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QWidget

from app.errors import SignpostError, sentence
from app.i18n import _

_showing_bug = False
_OVERRIDE_NOTES = re.compile(r"^(?:Error calling Python override of [\w:~]+\(\): )+")


def show_error(parent: QWidget | None, error: SignpostError, *, title: str | None = None) -> None:
    """A plain, modal message for a fault the user (or IT) can act on."""
    # Imported when needed: their enums (and all of Qt's, for ``Qt``) cost start-up time.
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(
        QMessageBox.Icon.Warning, title or _("Signpost"), sentence(error), QMessageBox.StandardButton.Ok, parent
    )
    box.setTextFormat(Qt.TextFormat.PlainText)  # a message may quote a file name or a value as typed
    box.exec()


def report_bug(
    kind: type[BaseException], value: BaseException, tb: TracebackType | None
) -> None:
    """Show an unexpected exception as a bug: what to do, with the technical details to copy for IT."""
    global _showing_bug
    details = "".join(traceback.format_exception(kind, value, tb))
    if sys.stderr is not None:  # a windowed (frozen) build has no standard error: the dialog still shows
        sys.stderr.write(details)
    if isinstance(value, SignpostError) and QApplication.instance() is not None:
        show_error(None, _without_override_notes(value))
        return
    if _showing_bug or QApplication.instance() is None:
        return
    _showing_bug = True
    from PySide6.QtWidgets import QMessageBox

    try:
        box = QMessageBox(
            QMessageBox.Icon.Critical, _("Signpost: something went wrong"), "", QMessageBox.StandardButton.Ok
        )
        box.setText(_("Signpost hit a problem it did not expect. This is a fault in Signpost, not something you did."))
        box.setInformativeText(
            _("Anything already on screen is kept. If it happens again, please tell IT and give them the details.")
        )
        box.setDetailedText(details)
        box.exec()
    finally:
        _showing_bug = False


def _without_override_notes(error: SignpostError) -> SignpostError:
    """``error`` with the notes PySide puts before its message, one for each Qt override (such as an event filter)
    it passed through on its way out, taken off again: the message is for people."""
    if error.args and isinstance(error.args[0], str):
        error.args = (_OVERRIDE_NOTES.sub("", error.args[0]), *error.args[1:])
    return error


def install_excepthook() -> None:
    """Route uncaught exceptions (including those raised in Qt slots) to ``report_bug``."""
    sys.excepthook = _excepthook


def _excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, tb)
        app = QApplication.instance()
        if app is not None:
            app.quit()
        return
    report_bug(kind, value, tb)
