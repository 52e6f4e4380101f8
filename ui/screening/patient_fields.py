"""Optional details about the patient: identifier, date of birth, setting, mental-health care, risk.

Typed values are checked when the field is left (and again on every keystroke once a message is
showing, so it clears as soon as the value is right). A bad value shows a plain message beside
the field and stays exactly as typed: nothing is lost, it is only not used until corrected.
The message is also the field's accessible description while it stands, and screen readers announce
it when it first appears or changes on leaving the field, not at every keystroke.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, Signal
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import UsageError, sentence
from app.i18n import N_, _
from app.records.date_of_birth import parse_date_of_birth
from app.records.draft import IDENTIFIER_KINDS, SETTINGS
from app.records.nhs_number import format_nhs_number, parse_local_number, parse_nhs_number
from ui.accessible_names import name_after_label
from ui.message_label import announce
from ui.screening.sensitive import mark_sensitive

if TYPE_CHECKING:
    import datetime as dt

    from PySide6.QtGui import QResizeEvent

IDENTIFIER_KIND_LABELS = {
    "nhs_number": N_("NHS number"),
    "local_number": N_("Local number"),
    "anonymous": N_("Anonymous"),
}
SETTING_LABELS = {
    "": N_("Not recorded"),
    "ed": N_("Emergency department"),
    "ambulance": N_("Ambulance"),
    "ward": N_("Ward"),
    "other": N_("Other"),
}
# Radio order on screen; the draft holds True / False / None.
MENTAL_HEALTH_CHOICES: tuple[tuple[bool | None, str], ...] = (
    (True, N_("Yes")),
    (False, N_("No")),
    (None, N_("Not known")),
)


def _identifier_hints() -> dict[str, str]:
    """The identifier field's placeholder for each kind of identifier, in the UI language."""
    return {"nhs_number": _("e.g. 943 476 5919"), "local_number": _("hospital or service number"), "anonymous": ""}


class ValidatedField(QObject):
    """A line edit and the message line for it; ``parse`` turns text into a value or raises ``UsageError``.

    Not a widget itself: the section lays out the edit and the message where they read best.
    """

    changed = Signal()

    def __init__(self, parse: Callable[[str], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._parse = parse
        self.edit = QLineEdit()
        mark_sensitive(self.edit)
        self.message = QLabel()
        self.message.setProperty("role", "field-error")
        self.message.setWordWrap(True)
        self.message.hide()
        self._announced: str | None = None  # the problem screen readers were last told, while it stands
        self.edit.editingFinished.connect(self.check)
        self.edit.textEdited.connect(self._edited)

    def set_parse(self, parse: Callable[[str], object]) -> None:
        self._parse = parse
        if self.message.isVisible():
            self.check()

    def value(self) -> object | None:
        """The parsed value, or ``None`` when empty or not valid."""
        if not self.edit.text().strip():
            return None
        try:
            return self._parse(self.edit.text())
        except UsageError:
            return None

    def problem(self) -> str | None:
        """The message for the current text, or ``None`` when it is empty or valid."""
        if not self.edit.text().strip():
            return None
        try:
            self._parse(self.edit.text())
        except UsageError as exc:
            return sentence(exc)
        return None

    def check(self, *, announce_problem: bool = True) -> None:
        """Show or clear the message for what is typed now; a new problem is announced unless told otherwise."""
        self._show(self.problem(), announce_problem=announce_problem)

    def clear_message(self) -> None:
        """Take the message away whatever is typed (the value is not used at the moment)."""
        self._show(None, announce_problem=False)

    def _show(self, problem: str | None, *, announce_problem: bool) -> None:
        self.message.setText(problem or "")
        self.message.setVisible(problem is not None)
        self.edit.setAccessibleDescription(problem or "")
        if problem is None:
            self._announced = None
        elif announce_problem and problem != self._announced:
            self._announced = problem
            announce(self.edit, problem)
        if bool(self.edit.property("invalid")) != (problem is not None):  # unset counts as valid: no re-polish
            self.edit.setProperty("invalid", problem is not None)
            self.edit.style().unpolish(self.edit)
            self.edit.style().polish(self.edit)

    def _edited(self) -> None:
        if self.message.isVisible():
            # Silently: while typing, the message changes with each key ("this has 9 digits"), and a screen
            # reader speaking each one would drown out the typing; it is announced when the field is left.
            self.check(announce_problem=False)
        self.changed.emit()


class PatientFields(QFrame):
    """The optional patient section of the screening form."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "block")
        self.title = QLabel()
        self.title.setProperty("role", "block-title")
        self.title.setWordWrap(True)

        self.kind = QComboBox()
        self.kind.setObjectName("identifier-kind")
        # Anonymous, the default, first: Down then goes on to NHS number (from the last item it went nowhere).
        for kind in ("anonymous", *(kind for kind in IDENTIFIER_KINDS if kind != "anonymous")):
            self.kind.addItem("", kind)
        self.identifier = ValidatedField(parse_nhs_number, self)
        self.identifier.edit.setObjectName("identifier")
        self.date_of_birth = ValidatedField(parse_date_of_birth, self)
        self.date_of_birth.edit.setObjectName("date-of-birth")
        self.setting = QComboBox()
        self.setting.setObjectName("setting")
        for setting in ("", *SETTINGS):
            self.setting.addItem("", setting)

        self.mental_health_label = QLabel()
        self.mental_health_label.setWordWrap(True)
        self.mental_health = QButtonGroup(self)
        mental_health_row = QHBoxLayout()
        mental_health_row.setSpacing(16)  # and 8 px more inside the radios: room for their focus outline (theme)
        self.mental_health_buttons: list[QRadioButton] = []
        for n, _choice in enumerate(MENTAL_HEALTH_CHOICES):
            radio = QRadioButton()
            radio.setObjectName(f"mental-health:{n}")
            self.mental_health.addButton(radio, n)
            self.mental_health_buttons.append(radio)
            mental_health_row.addWidget(radio)
        mental_health_row.addStretch(1)
        self.mental_health_buttons[-1].setChecked(True)
        self.risk_to_self = QCheckBox()
        self.risk_to_self.setObjectName("risk-to-self")

        self.kind_label = QLabel()
        self.identifier_label = QLabel()
        self.dob_label = QLabel()
        self.setting_label = QLabel()
        self.kind_label.setBuddy(self.kind)
        self.identifier_label.setBuddy(self.identifier.edit)
        self.dob_label.setBuddy(self.date_of_birth.edit)
        self.setting_label.setBuddy(self.setting)

        self._mental_health_row = mental_health_row
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(8)  # and 4 px more in the fields' margins: room for their focus ring (theme)
        self._grid.setVerticalSpacing(4)
        self._narrow = False
        self._arrange(narrow=False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addLayout(self._grid)
        layout.addWidget(self.risk_to_self)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.identifier.changed.connect(self.changed)
        self.date_of_birth.changed.connect(self.changed)
        self.identifier.edit.editingFinished.connect(self._tidy_identifier)
        self.setting.currentIndexChanged.connect(self.changed)
        self.mental_health.idToggled.connect(self._mental_health_toggled)
        self.risk_to_self.toggled.connect(self.changed)
        self._tab_to_checked_answer()
        self.retranslate()
        self._kind_changed()

    def retranslate(self) -> None:
        self.title.setText(_("About the patient (optional)"))
        self.kind_label.setText(_("&Identifier"))
        self.identifier_label.setText(_("N&umber"))
        self.dob_label.setText(_("&Date of birth"))
        self.setting_label.setText(_("Se&tting"))
        for label in (self.kind_label, self.setting_label):
            name_after_label(label)
        for index in range(self.kind.count()):
            self.kind.setItemText(index, _(IDENTIFIER_KIND_LABELS[self.kind.itemData(index)]))
        for index in range(self.setting.count()):
            self.setting.setItemText(index, _(SETTING_LABELS[self.setting.itemData(index)]))
        self.date_of_birth.edit.setPlaceholderText(_("DD/MM/YYYY"))
        self.mental_health_label.setText(_("Currently under &mental-health services?"))
        question = self.mental_health_label.text().replace("&", "")
        for radio, (_value, label) in zip(self.mental_health_buttons, MENTAL_HEALTH_CHOICES, strict=True):
            radio.setText(_(label))
            radio.setAccessibleDescription(question)  # "Yes" alone says nothing of what it answers
        self.risk_to_self.setText(_("&Risk to self (offer crisis services)"))
        self._update_identifier_hint()
        for field in (self.identifier, self.date_of_birth):
            if field.message.isVisible():
                field.check(announce_problem=False)
        if self.isVisible():  # new words, new widths: side by side may no longer fit, or may fit again
            self._reflow(self.width())

    # --- layout -------------------------------------------------------------------------------

    def _placements(self, *, narrow: bool) -> list[tuple[QWidget | QLayout, int, int, int]]:
        """(widget or layout, row, column, columns spanned) for the side-by-side or the one-column layout.

        Side by side: who (identifier kind, number, date of birth) with the messages under it, full width,
        so they are not squeezed into one narrow column; then where, and mental-health care. In one
        column (a narrow window, large text) each label sits above its field, in the same reading order.
        """
        if narrow:
            stacked = (
                self.kind_label, self.kind, self.identifier_label, self.identifier.edit, self.identifier.message,
                self.dob_label, self.date_of_birth.edit, self.date_of_birth.message,
                self.setting_label, self.setting, self.mental_health_label, self._mental_health_row,
            )
            return [(item, row, 0, 1) for row, item in enumerate(stacked)]
        return [
            (self.kind_label, 0, 0, 1), (self.identifier_label, 0, 1, 1), (self.dob_label, 0, 2, 1),
            (self.kind, 1, 0, 1), (self.identifier.edit, 1, 1, 1), (self.date_of_birth.edit, 1, 2, 1),
            (self.identifier.message, 2, 0, 3), (self.date_of_birth.message, 3, 0, 3),
            (self.setting_label, 4, 0, 1), (self.mental_health_label, 4, 1, 2),
            (self.setting, 5, 0, 1), (self._mental_health_row, 5, 1, 2),
        ]

    def _arrange(self, *, narrow: bool) -> None:
        grid = self._grid
        for item, *_place in self._placements(narrow=not narrow):
            if isinstance(item, QLayout):
                grid.removeItem(item)
            else:
                grid.removeWidget(item)
        for item, row, column, span in self._placements(narrow=narrow):
            if isinstance(item, QLayout):
                grid.addLayout(item, row, column, 1, span)
            else:
                grid.addWidget(item, row, column, 1, span)
        for column, stretch in enumerate((1, 0, 0) if narrow else (2, 3, 2)):
            grid.setColumnStretch(column, stretch)
        grid.setRowMinimumHeight(4, 0 if narrow else 36)  # labels over the fields of row 5 line up when one wraps
        self._narrow = narrow

    def _fit_placeholders(self) -> None:
        """Room in the fields for the placeholders that show a format (DD/MM/YYYY, an NHS number grouped 3-3-4):
        a cut one misleads. (The local-number hint is only words, and a long one would stack the section at
        125 %.) Measured in the field's font as styled now: the theme sets it after the form is built."""
        placeholders = {
            self.identifier.edit: _identifier_hints()["nhs_number"],
            self.date_of_birth.edit: self.date_of_birth.edit.placeholderText(),
        }
        for edit, text in placeholders.items():
            metrics = edit.fontMetrics()
            # Qt's minimum is the frame, margins and one widest character: keep the frame, fit the text, measured
            # unrounded and with a pixel to spare (at 125 % a rounded width left it one pixel short, and cut).
            frame = edit.minimumSizeHint().width() - metrics.maxWidth()
            edit.setMinimumWidth(frame + math.ceil(QFontMetricsF(edit.font()).horizontalAdvance(text)) + 1)

    def _frame_room(self) -> int:
        margins = self.layout().contentsMargins()
        return margins.left() + margins.right() + 2 * self.frameWidth()

    def _minimum_width(self, *, narrow: bool) -> int:
        """The narrowest this section can be in the given layout (hidden messages take no room)."""
        columns = [0, 0, 0]
        spanning = []
        for item, _row, column, span in self._placements(narrow=narrow):
            if isinstance(item, QLayout):
                width = item.minimumSize().width()
            else:
                width = 0 if item.isHidden() else max(item.minimumSizeHint().width(), item.minimumWidth())
            if span == 1:
                columns[column] = max(columns[column], width)
            else:
                spanning.append((column, span, width))
        spacing = self._grid.horizontalSpacing()
        for column, span, width in spanning:
            room = sum(columns[column : column + span]) + spacing * (span - 1)
            columns[column + span - 1] += max(width - room, 0)
        used = [width for width in columns if width]
        return sum(used) + spacing * (len(used) - 1) + self._frame_room()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """As narrow as the one-column layout: the form then never needs to scroll sideways."""
        below = max(self.title.minimumSizeHint().width(), self.risk_to_self.minimumSizeHint().width())
        width = max(self._minimum_width(narrow=True), below + self._frame_room())
        return QSize(width, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._reflow(event.size().width())

    def _reflow(self, width: int) -> None:
        self._fit_placeholders()
        narrow = width < self._minimum_width(narrow=False)
        if narrow != self._narrow:
            self._arrange(narrow=narrow)

    # --- values -------------------------------------------------------------------------------

    def identifier_kind(self) -> str:
        return str(self.kind.currentData())

    def values(self) -> dict[str, object]:
        """The ``ScreeningDraft`` fields this section holds.

        A valid identifier is stored normalised (NHS number as 10 digits); one that is not valid yet is
        kept as typed, so restoring a draft loses nothing; ``problems()`` says it cannot be saved.
        """
        kind = self.identifier_kind()
        identifier = ""
        if kind != "anonymous":
            parsed = self.identifier.value()
            identifier = str(parsed) if parsed is not None else self.identifier.edit.text().strip()
        import datetime as dt  # here, not at the top: it is not needed to build and paint the form

        date_of_birth = self.date_of_birth.value()
        return {
            "identifier_kind": kind,
            "identifier": identifier,
            "date_of_birth": date_of_birth if isinstance(date_of_birth, dt.date) else None,
            "setting": str(self.setting.currentData()),
            "under_mental_health_services": MENTAL_HEALTH_CHOICES[max(self.mental_health.checkedId(), 0)][0],
            "risk_to_self": self.risk_to_self.isChecked(),
        }

    def problems(self) -> list[str]:
        """Messages for fields whose text cannot be used as it stands."""
        found = []
        if self.identifier_kind() != "anonymous":
            if not self.identifier.edit.text().strip():
                found.append(_("The identifier is empty: type it, or choose Anonymous."))
            elif (problem := self.identifier.problem()) is not None:
                found.append(problem)
        if (problem := self.date_of_birth.problem()) is not None:
            found.append(problem)
        return found

    def is_blank(self) -> bool:
        return not (
            self.identifier.edit.text().strip()
            or self.date_of_birth.edit.text().strip()
            or self.setting.currentData()
            or self.mental_health.checkedId() != len(MENTAL_HEALTH_CHOICES) - 1
            or self.risk_to_self.isChecked()
        )

    def set_values(
        self,
        *,
        identifier_kind: str,
        identifier: str,
        date_of_birth: dt.date | None,
        setting: str,
        under_mental_health_services: bool | None,
        risk_to_self: bool,
    ) -> None:
        """Show a draft's values (each widget signals once; the form emits one change afterwards)."""
        self.kind.setCurrentIndex(max(self.kind.findData(identifier_kind), 0))
        grouped = identifier_kind == "nhs_number" and len(identifier) == 10 and identifier.isdigit()
        text = format_nhs_number(identifier) if grouped else identifier
        self.identifier.edit.setText(text)
        self.date_of_birth.edit.setText(date_of_birth.strftime("%d/%m/%Y") if date_of_birth else "")
        self.setting.setCurrentIndex(max(self.setting.findData(setting), 0))
        values = [value for value, _label in MENTAL_HEALTH_CHOICES]
        index = values.index(under_mental_health_services)
        self.mental_health_buttons[index].setChecked(True)
        self.risk_to_self.setChecked(risk_to_self)
        for field in (self.identifier, self.date_of_birth):
            field.check()

    # --- reactions ------------------------------------------------------------------------------

    def _mental_health_toggled(self, _id: int, checked: bool) -> None:
        # Two toggles per change (one off, one on): report the one that turned on.
        if checked:
            self._tab_to_checked_answer()
            self.changed.emit()

    def _tab_to_checked_answer(self) -> None:
        """Tab, Shift+Tab and Alt+M reach the mental-health answers on the one chosen; arrows move among them.

        Qt leaves only the focused radio of a group as a Tab stop, but only once one has had the focus:
        until then each radio is a stop (Tab landed on "Yes" with "Not known" chosen), and an answer chosen
        in code (a new screening, a restored draft) leaves the stop on the radio focused before.
        """
        checked = self.mental_health.checkedButton()
        for radio in self.mental_health_buttons:
            # By name: see ui/screening/question.py on ``Qt`` and start-up time. Click focus stays for the mouse.
            radio.setProperty("focusPolicy", "StrongFocus" if checked is None or radio is checked else "ClickFocus")
        self.mental_health_label.setBuddy(checked or self.mental_health_buttons[0])

    def _kind_changed(self) -> None:
        kind = self.identifier_kind()
        if kind == "anonymous":  # first: a problem checked against the new kind would be announced in passing
            self.identifier.clear_message()
        self.identifier.set_parse(parse_nhs_number if kind == "nhs_number" else parse_local_number)
        self.identifier.edit.setEnabled(kind != "anonymous")
        self._update_identifier_hint()
        self.changed.emit()

    def _update_identifier_hint(self) -> None:
        self.identifier.edit.setPlaceholderText(_identifier_hints()[self.identifier_kind()])

    def _tidy_identifier(self) -> None:
        """Show a valid NHS number grouped 3-3-4, as it is read aloud."""
        if self.identifier_kind() == "nhs_number":
            parsed = self.identifier.value()
            if isinstance(parsed, str) and self.identifier.edit.text() != format_nhs_number(parsed):
                self.identifier.edit.setText(format_nhs_number(parsed))
