"""The print dialog offers no way to a file of its own: its browse button's file dialog keeps a note of where.

On Linux Qt's print dialog has "Print to File (PDF)" with a browse button that opens
``QFileDialog::getSaveFileName``: Qt's own dialog writes its folder history to ``QtProject.conf``, a GTK one adds
the file to ``recently-used.xbel``. On Windows the print dialog's "Print to file" box has the spooler ask for a
name in the system's dialog, with its own recent lists. A leaflet goes to a file only by Save PDF…
(``ui.file_chooser``).
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from file_dialogs import PATIENT_FOLDER, run_in_a_fresh_home
from PySide6.QtCore import QTimer
from PySide6.QtPrintSupport import QPrintDialog, QPrinterInfo
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from ui.leaflet.dialog import LeafletDialog

pytestmark = [pytest.mark.gui]

PRINT_TO_FILE = """
import json
from PySide6.QtCore import QTimer
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox
from file_dialogs import answer_file_dialog, leaflet_dialog_at_home

app = QApplication([])
dialog, pdf, recorded, folder = leaflet_dialog_at_home()
seen = {}

def use_print_dialog():
    printing = next((w for w in app.topLevelWidgets() if isinstance(w, QPrintDialog) and w.isVisible()), None)
    if printing is None:
        QTimer.singleShot(10, use_print_dialog)
        return
    try:
        printers = printing.findChild(QComboBox, "printers")
        browse = printing.findChild(QAbstractButton, "fileBrowser")
        seen["destinations"] = [printers.itemText(i) for i in range(printers.count())]
        seen["browse"] = browse.isVisible()
        if browse.isVisible():
            # As a user would: browse to a folder, name the file, print to it.
            seen["file_dialog"] = answer_file_dialog(folder / "leaflet.pdf")
            browse.click()
            printing.accept()
    finally:
        printing.reject()  # if still open

QTimer.singleShot(0, use_print_dialog)
# As Print… makes it (this machine has no printer, so Print… itself stops first: see the next test).
printer = QPrinter(QPrinter.PrinterMode.HighResolution)
if dialog.print_dialog(printer).exec():
    dialog.print_to(printer)
print(json.dumps({"seen": seen, "recorded": recorded}))
"""


def test_the_print_dialog_has_no_print_to_file_and_writes_nothing_in_the_home_folder(tmp_path: Path) -> None:
    outcome, home = run_in_a_fresh_home(PRINT_TO_FILE, tmp_path)
    assert not outcome["seen"]["browse"]
    assert not any("File" in destination for destination in outcome["seen"]["destinations"])
    assert outcome["recorded"] == []  # nothing printed
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*"))
    assert written == [PATIENT_FOLDER]  # made by the test; nothing inside, nothing beside it


@pytest.mark.skipif(bool(QPrinterInfo.availablePrinterNames()), reason="this machine has a printer")
def test_print_without_a_printer_points_to_save_pdf(qtbot: QtBot, announcements: list[tuple[object, str]]) -> None:
    """Without its "print to file" the print dialog would offer nowhere to print: Print… says so instead."""
    document = pdfium.PdfDocument.new()
    document.new_page(595, 842)
    buffer = io.BytesIO()
    document.save(buffer)
    recorded: list[str] = []
    dialog = LeafletDialog(lambda languages, paper: buffer.getvalue(), languages=["en"], paper="A4",
                           record=lambda how, languages: recorded.append(how))
    qtbot.addWidget(dialog)
    opened: list[QWidget] = []

    def close_a_print_dialog() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, QPrintDialog):
            opened.append(modal)
            modal.reject()

    timer = QTimer(dialog, interval=20, timeout=close_a_print_dialog)
    timer.start()
    assert dialog.print_button.isEnabled()
    dialog.print_button.click()
    timer.stop()
    said = "No printer is set up on this computer. Save PDF… keeps the leaflet as a file."
    assert dialog.status.text() == said
    assert opened == [] and recorded == []
    dialog.print_button.click()  # pressed again: said again, for screen-reader users too
    assert [message for _source, message in announcements].count(said) == 2
