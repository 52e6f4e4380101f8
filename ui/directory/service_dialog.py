"""Add or edit one directory entry, with every problem listed before anything is saved.

Saving an edit writes only the fields changed in the dialog, so a change someone else made meanwhile to
other fields (another open copy, an import) is kept; if they changed the same fields, nothing is saved
and the dialog says what they changed, keeping what was typed on screen.

Verification (who and when) is recorded with "Mark verified" in the editor, not typed here; the
entry's sources and do-not-print notes are shown for reference and kept as they are. Each problem
is tied to its field (``app.directory.validation.FieldProblem``): the list names the field by its
label on screen and the field itself is marked, in whatever language the staff UI is in.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.directory.model import CATEGORIES, CATEGORY_LABELS, Service
from app.directory.repository import DirectoryValidationError, ServiceChangedError, UnknownServiceError
from app.directory.validation import FieldProblem, field_problems
from app.i18n import _
from ui.accessible_names import name_after_label
from ui.key_routes import no_alt_typing
from ui.message_label import MessageLabel, announce
from ui.screen_fit import fit_to_screen

_LINE_FIELDS = ("name", "phone", "phone_note", "text_number", "text_note", "email", "website", "hours", "area")
# A mnemonic: "(&N)" after the word, as some languages write it, or "&" before its letter; "&&" is a real "&".
_MNEMONIC = re.compile(r"\s*\(&[^&\s]\)|&(&?)")


def field_labels() -> dict[str, str]:
    """The label of every field a problem can concern: the form's own rows, and the fields the form does not
    edit (verification, sources), which an entry read from the vault or a file may still get wrong."""
    return {
        "name": _("&Name"),
        "id": _("Id (for files)"),
        "summary": _("What it &offers"),
        "categories": _("Categories"),
        "phone": _("&Phone"),
        "phone_note": _("Phone note"),
        "text_number": _("&Text number"),
        "text_note": _("Text note"),
        "email": _("&Email"),
        "website": _("&Website"),
        "address": _("Address"),
        "hours": _("Opening &hours"),
        "self_referral": _("Self-referral"),
        "languages": _("Languages spoken"),
        "area": _("Area served"),
        "national": _("National"),
        "last_verified": _("Last verified"),
        "verified_by": _("Verified by"),
        "sources": _("Sources"),
        "confidence": _("Confidence note"),
    }


def without_mnemonic(label: str) -> str:
    """A label as read, not as typed: "&Name" → "Name", "Fish && chips" → "Fish & chips"."""
    return _MNEMONIC.sub(lambda match: match.group(1) or "", label)


def shown_value(value: object) -> str:
    """A field's value as a person reads it."""
    if value is None:
        return _("not known")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, tuple):
        value = "; ".join(str(part) for part in value)
    return str(value) or _("(empty)")


def clash_problems(exc: ServiceChangedError) -> list[FieldProblem]:
    """Each field someone else changed while this edit was open, with what they changed it to."""
    problems = []
    for name in exc.fields:
        value = shown_value(getattr(exc.current, name))
        reason = _("changed by someone else to: {value}").format(value=value)
        problems.append(FieldProblem(name, f"{name}: {reason}", reason))
    return problems


def problem_line(problem: FieldProblem, labels: dict[str, str]) -> str:
    """One problem as the form lists it: the field's label on screen, then what is wrong with it."""
    label = labels.get(problem.field or "")
    if label is None:  # about the entry as a whole: a sentence of its own
        return problem.reason[:1].upper() + problem.reason[1:]
    return _("{field}: {problem}").format(field=without_mnemonic(label), problem=problem.reason)


class ServiceDialog(QDialog):
    """``service()`` is the entry as entered. Save checks it, then calls ``save`` (which stores it and may
    raise ``DirectoryValidationError``, e.g. for a taken id); the dialog closes only when that succeeds.
    ``make_id`` turns a name into a free id for a new entry whose id is left empty.
    """

    def __init__(
        self,
        base: Service,
        *,
        new: bool,
        save: Callable[[Service], object],
        make_id: Callable[[str], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.base = base
        self.new = new
        self._save = save
        self._make_id = make_id
        self.setObjectName("service-dialog")
        self.setMinimumWidth(640)
        self.fields: dict[str, QLineEdit] = {}
        for name in _LINE_FIELDS:
            edit = QLineEdit()
            edit.setObjectName(f"field:{name}")
            self.fields[name] = edit
        self.id_edit = QLineEdit()
        self.made_id = ""  # the id last made from the name, so a renamed new entry gets a fresh one
        self.id_edit.setObjectName("field:id")
        self.id_edit.setReadOnly(not new)
        self.summary = QPlainTextEdit()
        self.summary.setObjectName("field:summary")
        self.summary.setTabChangesFocus(True)
        self.summary.setFixedHeight(90)
        self.address = QPlainTextEdit()
        self.address.setObjectName("field:address")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(70)
        self.languages = QLineEdit()
        self.languages.setObjectName("field:languages")
        self.self_referral = QComboBox()
        self.self_referral.setObjectName("field:self_referral")
        self.self_referral.addItems(["", "", ""])
        self.national = QCheckBox()
        self.national.setObjectName("field:national")
        self.category_boxes: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        for i, category in enumerate(CATEGORIES):
            box = QCheckBox()
            box.setObjectName(f"category:{category}")
            self.category_boxes[category] = box
            grid.addWidget(box, i // 2, i % 2)
        self.restored_note = QLabel()
        self.restored_note.setObjectName("service-restored")
        self.restored_note.setWordWrap(True)
        self.restored_note.setProperty("role", "notice")
        self.restored_note.hide()
        self.problems = MessageLabel()
        self.problems.setObjectName("service-problems")
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.problems.setWordWrap(True)
        self.problems.setProperty("role", "field-error")
        self.reference = QLabel(self._reference_text())
        self.reference.setTextFormat(Qt.TextFormat.PlainText)
        self.reference.setWordWrap(True)
        self.reference.setProperty("role", "help")
        self.reference.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if not self.reference.text():
            self.reference.hide()  # hide only: showing a widget with no parent yet would open it as its own window

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # A row too wide beside its label (long words in some languages) goes under it, not off the edge.
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self._labels: dict[str, QLabel] = {}
        rows: list[tuple[str, QWidget | QGridLayout]] = [
            ("name", self.fields["name"]),
            ("id", self.id_edit),
            ("summary", self.summary),
            ("categories", grid),
            ("phone", self.fields["phone"]),
            ("phone_note", self.fields["phone_note"]),
            ("text_number", self.fields["text_number"]),
            ("text_note", self.fields["text_note"]),
            ("email", self.fields["email"]),
            ("website", self.fields["website"]),
            ("address", self.address),
            ("hours", self.fields["hours"]),
            ("self_referral", self.self_referral),
            ("languages", self.languages),
            ("area", self.fields["area"]),
            ("national", self.national),
        ]
        for key, widget in rows:
            label = QLabel()
            self._labels[key] = label
            if isinstance(widget, QGridLayout):
                self.form.addRow(label, widget)
            else:
                label.setBuddy(widget)
                self.form.addRow(label, widget)
        # The widgets a problem with each field marks.
        self.field_widgets: dict[str, list[QWidget]] = {
            **{name: [edit] for name, edit in self.fields.items()},
            "id": [self.id_edit],
            "summary": [self.summary],
            "address": [self.address],
            "languages": [self.languages],
            "categories": list(self.category_boxes.values()),
        }
        for name, edit in (*self.fields.items(), ("id", self.id_edit), ("languages", self.languages)):
            edit.textEdited.connect(lambda _text, name=name: self._recheck(name))
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        # In the scrolled part, so a long list of problems cannot push Save and Cancel off a small screen.
        inner_layout.addWidget(self.restored_note)
        inner_layout.addWidget(self.problems)
        inner_layout.addLayout(self.form)
        inner_layout.addWidget(self.reference)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("service-fields")
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the dialog opens on its first field, not on the frame
        self.scroll.setWidgetResizable(True)
        # Should a row be wider still on a narrow screen, it scrolls rather than being cut off.
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.scroll.setWidget(inner)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 780, 760)
        self._fill(base)
        self.retranslate()
        no_alt_typing(self)
        self._as_opened = self.service()

    def _fill(self, service: Service) -> None:
        for name, edit in self.fields.items():
            edit.setText(getattr(service, name))
        self.id_edit.setText(service.id)
        self.summary.setPlainText(service.summary)
        self.address.setPlainText(service.address)
        self.languages.setText("; ".join(service.languages))
        self.self_referral.setCurrentIndex({None: 0, True: 1, False: 2}[service.self_referral])
        self.national.setChecked(service.national)
        for category, box in self.category_boxes.items():
            box.setChecked(category in service.categories)

    def restore(self, entered: Service, made_id: str = "") -> None:
        """Put back what was typed before the vault locked (``made_id``: an id made then from the name, made
        again should the name change); Cancel still asks before giving it up."""
        self._fill(entered)
        self.made_id = made_id
        self.restored_note.show()
        # Heard too: on the field the dialog opens in, and said once the dialog is on screen.
        self.fields["name"].setAccessibleDescription(self.restored_note.text())
        QTimer.singleShot(0, self, lambda: announce(self, self.restored_note.text()))

    def cancel(self) -> None:
        """Cancel, Esc or the title bar's close: typed changes are given up only when the user says so.

        Not ``reject``: the idle lock closes every dialog with it, and must never wait on a question.
        """
        if self.changed() and not self._discard_confirmed():
            return
        self.reject()

    def changed(self) -> bool:
        """Whether anything differs from what the dialog opened with."""
        return self.service() != self._as_opened

    def _discard_confirmed(self) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, self.windowTitle(),
                          _("Discard the changes you typed in this service?"), parent=self)
        discard = box.addButton(_("&Discard changes"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(_("&Keep editing"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is discard

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            self.cancel()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if event.spontaneous() and self.isVisible():  # the title bar's close, not the lock (it rejects first)
            event.ignore()
            self.cancel()
            return
        super().closeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Add a service") if self.new else _("Edit service"))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("&Save"))  # Qt's has no shortcut
        labels = field_labels()
        for key, label in self._labels.items():
            label.setText(labels[key])
        name_after_label(self._labels["self_referral"])
        categories = without_mnemonic(labels["categories"])
        for category, box in self.category_boxes.items():
            box.setText(_(CATEGORY_LABELS[category]))
            # The "Categories" label sits beside the boxes, tied to none: a screen reader said only "Alcohol".
            box.setAccessibleName(_("{group}: {choice}").format(group=categories, choice=box.text()))
        for i, text in enumerate((_("not known"), _("yes"), _("no"))):
            self.self_referral.setItemText(i, text)
        self.national.setText(_("a national helpline (not a local service)"))
        # Numbers kept for drama by Ofcom: a real service's number here read as one already filled in.
        self.fields["phone"].setPlaceholderText(_("e.g. 0113 496 0000"))
        self.fields["text_number"].setPlaceholderText(_("e.g. 07700 900123"))
        self.fields["website"].setPlaceholderText("https://")
        self.languages.setPlaceholderText(_("e.g. English; Polish"))
        self.id_edit.setPlaceholderText(_("made from the name if left empty"))
        self.restored_note.setText(_(
            "What you typed before Signpost locked is back. It has not been saved yet: check it, then press Save."
        ))

    def _reference_text(self) -> str:
        lines = []
        if self.base.sources:
            lines.append(_("Sources:"))
            lines.extend(f"  {s.url}" + (f" ({s.date})" if s.date else "") + (f": {s.note}" if s.note else "")
                         for s in self.base.sources)
        if self.base.do_not_print:
            lines.append(_("Never print (outdated or wrong):"))
            lines.extend(f"  {item}" for item in self.base.do_not_print)
        return "\n".join(lines)

    def service(self) -> Service:
        """The entry as currently entered (not yet checked)."""
        return dataclasses.replace(
            self.base,
            id=self.id_edit.text().strip(),
            name=self.fields["name"].text().strip(),
            summary=self.summary.toPlainText().strip(),
            categories=tuple(c for c, box in self.category_boxes.items() if box.isChecked()),
            phone=self.fields["phone"].text().strip(),
            phone_note=self.fields["phone_note"].text().strip(),
            text_number=self.fields["text_number"].text().strip(),
            text_note=self.fields["text_note"].text().strip(),
            email=self.fields["email"].text().strip(),
            website=self.fields["website"].text().strip(),
            address=self.address.toPlainText().strip(),
            hours=self.fields["hours"].text().strip(),
            self_referral=(None, True, False)[self.self_referral.currentIndex()],
            languages=tuple(part.strip() for part in self.languages.text().split(";") if part.strip()),
            area=self.fields["area"].text().strip(),
            national=self.national.isChecked(),
        )

    def show_problems(self, problems: list[FieldProblem], *, heading: str = "", advice: str = "") -> None:
        """List the problems by the fields' labels, and mark each field concerned (its accessible description
        says what is wrong, so a screen reader reads it out on the field)."""
        labels = field_labels()
        lines = [heading or _("Please correct:"), *(f"• {problem_line(p, labels)}" for p in problems)]
        if advice:
            lines.append(advice)
        self.problems.setText("\n".join(lines) if problems else "")
        for name, widgets in self.field_widgets.items():
            reasons = [p.reason for p in problems if p.field == name]
            for widget in widgets:
                widget.setProperty("invalid", "true" if reasons else "false")
                widget.setAccessibleDescription("; ".join(reasons))
                widget.style().unpolish(widget)
                widget.style().polish(widget)
        if problems:
            self.scroll.verticalScrollBar().setValue(0)  # the list is at the top of the scrolled fields

    def _recheck(self, name: str) -> None:
        """A field marked wrong is being corrected: its mark goes as soon as what is typed is right."""
        widgets = self.field_widgets[name]
        if all(widget.property("invalid") != "true" for widget in widgets):
            return
        if any(problem.field == name for problem in field_problems(self.service())):
            return
        for widget in widgets:
            widget.setProperty("invalid", "false")
            widget.setAccessibleDescription("")
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def accept(self) -> None:
        made_id = self.new and self.fields["name"].text().strip() and (
            not self.id_edit.text().strip() or self.id_edit.text() == self.made_id
        )
        if made_id:
            # Made from the name (again, if the name changed after a refused save): never a stale one.
            self.made_id = self._make_id(self.fields["name"].text())
            self.id_edit.setText(self.made_id)
        service = self.service()
        problems = field_problems(service)
        if self.new and not service.id:
            problems = [p for p in problems if p.field != "id"]  # made from the name once there is one
        if not problems:
            try:
                self._save(service)
            except DirectoryValidationError as exc:
                problems = exc.field_problems
            except UnknownServiceError:
                self.problems.setText(_(
                    "Not saved: this service is no longer in the directory (the vault may have been restored from "
                    "a backup). Copy anything you typed that you want to keep, press Cancel, then add it as a new "
                    "service."
                ))
                self.scroll.verticalScrollBar().setValue(0)
                return
            except ServiceChangedError as exc:
                self.show_problems(
                    clash_problems(exc),
                    heading=_("Not saved: someone else changed this service while you were editing it."),
                    advice=_("Copy anything you typed that you want to keep, press Cancel, then open the service "
                             "again: it shows their change, and you can make yours."),
                )
                return
        if problems:
            self.show_problems(problems)
            return
        super().accept()
