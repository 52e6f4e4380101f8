"""Choose the language(s), see the leaflet, print it or save it where the user chooses.

The PDF is made in memory and carries no patient identifier. Signpost itself writes only the file the user
names in "Save PDF…" (and keeps no note of where: see ``ui.file_chooser``). The print dialog's own "print to
file" is turned off, as its file dialog keeps such a note (Qt's folder history in QtProject.conf, GTK's
recently-used.xbel, the Windows spooler's save dialog). Printing hands the job to the operating system's print
system, which may spool it to a temporary file of its own (Qt's CUPS printing does).
A leaflet leaves the app only once its audit entry is written: if it cannot be, nothing is printed or saved.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import SignpostError, sentence
from app.i18n import N_, _, language, ngettext, review_status
from app.leaflets.output_audit import PRINTED, SAVED
from app.output_file import OutputFileError, write_output
from ui.accessible_names import name_after_label
from ui.file_chooser import choose_save_path
from ui.key_routes import no_alt_typing
from ui.leaflet.fitted_scroll import FittedScroll
from ui.leaflet.language_picker import LanguagePicker
from ui.leaflet.pages import print_pdf
from ui.leaflet.preview import PdfPreview, ZoomBox
from ui.message_label import MessageLabel
from ui.screen_fit import fitted

MakePdf = Callable[[list[str], str], bytes]
# Records (``PRINTED`` or ``SAVED``, the leaflet languages) before the leaflet leaves the app; a SignpostError
# refuses it.
Record = Callable[[str, list[str]], None]
PREFERRED_SIZE = QSize(1100, 780)
SIDE_SHORTEST = 160  # px the language column may shrink to on a short screen (it scrolls then)
REFUSED = {
    PRINTED: N_(
        "Not printed: every leaflet is recorded in the audit log before it leaves Signpost, and this one could not be."
    ),
    SAVED: N_(
        "Not saved: every leaflet is recorded in the audit log before it leaves Signpost, and this one could not be."
    ),
}


class _NotRecorded(Exception):
    """The audit entry could not be written: the saved leaflet must not take its place."""


class LeafletDialog(QDialog):
    """A language picker (one language, or several ticked), paper size, preview, Print… and Save PDF…."""

    def __init__(
        self,
        make_pdf: MakePdf,
        *,
        languages: list[str],
        paper: str,
        multiple: bool = False,
        record: Record,
        extra: QWidget | None = None,
        title: str = N_("Print leaflet"),
        parent: QWidget | None = None,
    ) -> None:
        from PySide6.QtCore import Qt  # not at start-up: importing Qt builds all its enums

        super().__init__(parent)
        self.title = title
        self.make_pdf = make_pdf
        self.record = record
        self.pdf: bytes | None = None
        self.picker = LanguagePicker(multiple=multiple)
        self.paper = QComboBox()
        self.paper.addItems(["A4", "A5"])
        self.paper.setCurrentText(paper)
        self.paper_label = QLabel()
        self.paper_label.setBuddy(self.paper)
        self.preview = PdfPreview()
        self.zoom = ZoomBox()
        self.zoom_label = QLabel()
        self.zoom_label.setBuddy(self.zoom)
        self.status = MessageLabel()  # spoken when it changes: "Sent to the printer." is heard, not only seen
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # "Saved {path}" shows a file name as it is
        self.status.setWordWrap(True)
        self.print_button = QPushButton()
        self.save_button = QPushButton()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        side_column = QWidget()
        side = QVBoxLayout(side_column)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.picker, 2)  # an extra that may shrink sets its own (smaller) vertical stretch
        form = QFormLayout()
        form.addRow(self.paper_label, self.paper)
        side.addLayout(form)
        if extra is not None:
            side.addWidget(extra)
        self.side = FittedScroll(side_column, lambda: SIDE_SHORTEST)
        zoom_row = QHBoxLayout()
        zoom_row.addWidget(self.zoom_label)
        zoom_row.addWidget(self.zoom)
        zoom_row.addStretch(1)
        shown = QVBoxLayout()
        shown.addLayout(zoom_row)
        shown.addWidget(self.preview, 1)
        body = QHBoxLayout()
        body.addWidget(self.side, 1)
        body.addLayout(shown, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

        if multiple:
            self.picker.set_checked(languages)
            self.picker.selection_changed.connect(self.refresh)
        else:
            self.picker.set_current(languages[0] if languages else "en")
            self.picker.language_changed.connect(lambda _code: self.refresh())
        self.paper.currentTextChanged.connect(lambda _paper: self.refresh())
        self.zoom.currentIndexChanged.connect(lambda _index: self.preview.set_zoom(self.zoom.zoom()))
        self.print_button.clicked.connect(self.print_leaflet)
        self.save_button.clicked.connect(self.save_leaflet)
        self.fit_to((parent or self).screen().availableGeometry().size())
        self.retranslate()
        no_alt_typing(self)
        self.refresh()

    def retranslate(self) -> None:
        self.setWindowTitle(_(self.title))
        self.paper_label.setText(_("Pape&r:"))  # Alt+P is Print
        name_after_label(self.paper_label)
        self.print_button.setText(_("&Print…"))
        self.save_button.setText(_("&Save PDF…"))
        self.zoom_label.setText(_("&Zoom:"))
        self.zoom.setAccessibleName(_("Zoom"))  # a combo box is otherwise named by its current choice
        self.zoom.retranslate()
        self.picker.retranslate()
        self.preview.retranslate()

    def fit_to(self, available: QSize) -> None:
        """The preferred size, or less on a small or scaled screen, so that all of it, buttons too, is on the screen."""
        self.resize(fitted(PREFERRED_SIZE, available))
        self.layout().activate()  # the preview draws its pages for its width, before the dialog is first shown

    def languages(self) -> list[str]:
        if self.picker.multiple:
            return self.picker.checked_codes()
        code = self.picker.current_code()
        return [code] if code else []

    def refresh(self) -> None:
        """Make the PDF for the current choice and show it. A leaflet that cannot be made is said so; a fault in
        Signpost is said so too, then raised to be reported as one. Print and Save follow what is shown."""
        self.pdf = None
        try:
            self._show(self.languages())
        finally:
            if self.pdf is None:
                self.preview.setAccessibleDescription(self.status.text())
            self.print_button.setEnabled(self.pdf is not None)
            self.save_button.setEnabled(self.pdf is not None)

    def _show(self, languages: list[str]) -> None:
        if not languages:
            self.preview.clear()
            if self.picker.query() and not self.picker.visible_codes():
                self.status.setText(
                    _("No leaflet language matches “{query}”. Clear the search to see them all.").format(
                        query=self.picker.query()
                    )
                )
            else:
                self.status.setText(_("Choose a language."))
            return
        try:
            self.pdf = self.make_pdf(languages, self.paper.currentText())
        except SignpostError as exc:
            self.preview.clear()
            self.status.setText(_("The leaflet cannot be made: {problem}").format(problem=exc))
            return
        except Exception:
            self.preview.clear()  # nothing left on screen that looks printable
            self.status.setText(_("The leaflet cannot be made: a fault in Signpost stopped it."))
            raise
        self.preview.show_pdf(self.pdf)
        pages = self.preview.page_count()
        message = ngettext(
            "{pages} page. Nothing is saved unless you choose Save PDF.",
            "{pages} pages. Nothing is saved unless you choose Save PDF.",
            pages,
        ).format(pages=pages)
        names = ", ".join(language(code).english_name for code in languages)
        self.preview.setAccessibleDescription(
            ngettext(
                "{pages} page of the leaflet in {languages}, as it will print.",
                "{pages} pages of the leaflet in {languages}, as they will print.",
                pages,
            ).format(pages=pages, languages=names)
        )
        unchecked = [language(code).english_name for code in languages if review_status(code).needs_notice]
        if unchecked:
            message += " " + _(
                "Not yet checked by a qualified translator: {languages}. Every page says so, and the "
                "English is printed beside the translation."
            ).format(languages=", ".join(unchecked))
        self.status.setText(message)

    def print_leaflet(self) -> None:
        if self.pdf is None:
            return
        if not QPrinterInfo.availablePrinterNames():
            self.status.clear()  # said again, and heard again, at every press
            self.status.setText(_("No printer is set up on this computer. Save PDF… keeps the leaflet as a file."))
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = self.print_dialog(printer)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_dialog(self, printer: QPrinter) -> QPrintDialog:
        """The system's print dialog, without its own "print to file": Save PDF… is the way to a file."""
        dialog = QPrintDialog(printer, self)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, False)
        return dialog

    def print_to(self, printer: QPrinter) -> bool:
        """Record, then send the leaflet to ``printer``; nothing is printed unless the audit entry is written."""
        if self.pdf is None or not self._recorded(PRINTED):
            return False
        try:
            pages = print_pdf(self.pdf, printer)
        except OSError as exc:
            self.status.setText(_("Printing failed: {problem}").format(problem=exc))
            return False
        self.status.setText(ngettext("{pages} page sent to the printer.", "{pages} pages sent to the printer.",
                                     pages).format(pages=pages))
        return True

    def save_leaflet(self) -> None:
        if self.pdf is None:
            return
        chosen = choose_save_path(
            self,
            _("Save leaflet as PDF"),
            name=f"leaflet-{'-'.join(self.languages())}.pdf",
            filters=[_("PDF files (*.pdf)")],
            suffix="pdf",
        )
        if chosen is not None:
            self.save_to(chosen[0])

    def save_to(self, path: Path) -> bool:
        """Write the leaflet to ``path``, recorded first: the file takes its place only once its audit entry is
        written, and an entry is written only for a file that could be written."""
        if self.pdf is None:
            return False

        def record() -> None:
            if not self._recorded(SAVED):
                raise _NotRecorded

        try:
            write_output(path, self.pdf, before_it_takes_its_place=record)
        except _NotRecorded:
            return False  # the status says why
        except OutputFileError as exc:
            self.status.setText(sentence(exc))  # "… cannot be written (…). Nothing was written."
            return False
        self.status.setText(_("Saved {path}").format(path=path))
        return True

    def _recorded(self, how: str) -> bool:
        """Write the audit entry for ``how`` (``PRINTED`` or ``SAVED``); if it cannot be written, say so and refuse."""
        self.status.clear()  # the same outcome twice is announced twice
        try:
            self.record(how, self.languages())
        except SignpostError as exc:
            self.status.setText(_(REFUSED[how]) + " " + sentence(exc))
            return False
        return True
