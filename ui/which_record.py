"""Save asks which record a changed screening belongs to, when the form cannot tell the patient is the same.

A practitioner who saved a screening and then typed the next patient over it, without New screening, made
that patient a new version of the first one's record. The question comes when the identifier has changed
since the save, or when the date of birth, the answers, risk to self or mental-health care have
(``app.records.draft.patient_doubt``). When the identifier is as saved, another patient's screening must not
be stored under it, so that choice is to go and change the identifier first.
The two choices are full-width buttons, one above the other, so their words are never cut off, whatever
the language or the screen's scaling (a message box squeezed them into a row it keeps narrow).
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from app.i18n import N_, _, ngettext
from app.records.draft import ANSWERS, IDENTITY, SAME_IDENTIFIER

_CHANGED = {
    "date_of_birth": N_("date of birth"),
    "answers": N_("answers"),
    "risk_to_self": N_("risk to self"),
    "under_mental_health_services": N_("under mental-health services"),
}


class WhichRecordDialog(QDialog):
    """``ask()`` returns True to correct the saved record, False for another patient (a new record, or, when the
    identifier is as saved, to change it first), None to save nothing yet."""

    def __init__(self, reference: str, doubt: str, changed: tuple[str, ...] = (), parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setObjectName("which-record")
        self.setWindowTitle(_("Same patient?"))
        changes = ", ".join(_(_CHANGED[name]) for name in changed)
        if doubt == IDENTITY:
            why = _("The patient identifier has changed since this screening was saved.")
        elif doubt == ANSWERS:
            why = ngettext("This screening was saved without a patient identifier, and since then this has changed: "
                           "{changes}.",
                           "This screening was saved without a patient identifier, and since then these have "
                           "changed: {changes}.", len(changed)).format(changes=changes)
        else:
            why = ngettext("This screening was saved for this patient identifier, and since then this has changed: "
                           "{changes}.",
                           "This screening was saved for this patient identifier, and since then these have changed: "
                           "{changes}.", len(changed)).format(changes=changes)
        text = QLabel(why + "\n\n" + _("Record: {reference}").format(reference=reference) + "\n\n"
                      + _("Is this another patient?"))
        text.setWordWrap(True)
        if doubt == SAME_IDENTIFIER:
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
