"""Save asks which record a changed screening belongs to, when the form cannot tell the patient is the same.

A practitioner who saved a screening and then typed the next patient over it, without New screening, made
that patient a new version of the first one's record. The question comes when the identifier or date of
birth has changed since the save; for a screening saved with neither, when its answers have changed; for one
saved with them, when the substances used have changed (``app.records.draft.patient_doubt``). In that last case
another patient's screening must not keep the first one's identifier, so the choice is to go and change it.
The two choices are full-width buttons, one above the other, so their words are never cut off, whatever
the language or the screen's scaling (a message box squeezed them into a row it keeps narrow).
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from app.i18n import _
from app.records.draft import ANSWERS, SUBSTANCES


class WhichRecordDialog(QDialog):
    """``ask()`` returns True to correct the saved record, False for a new record (or, when the substances used
    have changed, to change the identifier first), None to save nothing yet."""

    def __init__(self, reference: str, doubt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("which-record")
        self.setWindowTitle(_("Same patient?"))
        if doubt == ANSWERS:
            why = _("This screening was saved without a patient identifier, and its answers have changed since.")
        elif doubt == SUBSTANCES:
            why = _("The answers on which substances were used have changed since this screening was saved for "
                    "this patient identifier.")
        else:
            why = _("The patient identifier or date of birth has changed since this screening was saved.")
        text = QLabel(why + "\n\n" + _("Record: {reference}").format(reference=reference) + "\n\n"
                      + _("Is this another patient?"))
        text.setWordWrap(True)
        if doubt == SUBSTANCES:
            self.new = QPushButton(_("Another patient: change the identifier first"))
        else:
            self.new = QPushButton(_("Another patient: save a new record"))
        self.new.setObjectName("which-record-new")
        self.correct = QPushButton(_("The same patient: correct record {reference}").format(reference=reference))
        self.correct.setObjectName("which-record-correct")
        self.new.setDefault(True)  # amending would put one patient's screening into another's record
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        self.new.clicked.connect(lambda: self.done(1))
        self.correct.clicked.connect(lambda: self.done(2))
        layout = QVBoxLayout(self)
        for widget in (text, self.new, self.correct, buttons):
            layout.addWidget(widget)

    def ask(self) -> bool | None:
        self.adjustSize()  # at most two thirds of a small or zoomed screen wide: the text then needs more lines
        height = self.layout().totalHeightForWidth(self.width())
        if height > self.height():
            self.resize(self.width(), height)
        outcome = self.exec()
        return None if outcome not in (1, 2) else outcome == 2
