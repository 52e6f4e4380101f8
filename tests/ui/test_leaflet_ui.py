"""Leaflet printing in the real window: search by own or English name, preview pages, print, save only where chosen."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import ALCOHOL_HIGH
from file_dialogs import PATIENT_FOLDER, answer_file_dialog, run_in_a_fresh_home
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot
from vault_support import cost, new_vault

from app.records import audit
from app.records.screenings import save_screening
from app.vault.session import VaultSession, open_demo_vault, sign_in
from app.vault.users import add_user, disable_user
from ui.directory import feature as directory_feature
from ui.leaflet import feature
from ui.leaflet.categories import CategoryChooser
from ui.leaflet.dialog import LeafletDialog
from ui.leaflet.language_picker import LanguagePicker
from ui.main_window import MainWindow
from ui.theme import apply_style, apply_stylesheet

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
]



@pytest.fixture
def window(open_window: Callable[..., MainWindow]) -> MainWindow:
    return open_window(directory_feature, feature)


def pdf_text(data: bytes) -> str:
    pdf = pdfium.PdfDocument(data)
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))).replace("\u00a0", " ")
    finally:
        pdf.close()


def test_search_finds_languages_by_own_and_english_name(qtbot: QtBot) -> None:
    picker = LanguagePicker()
    qtbot.addWidget(picker)
    qtbot.keyClicks(picker.search, "pol")
    assert picker.visible_codes() == ["pl"]
    assert picker.list.currentItem().text().startswith("Polski")
    picker.search.clear()
    qtbot.keyClicks(picker.search, "urdu")
    assert picker.visible_codes() == ["ur"]
    assert picker.list.currentItem().text().startswith("اردو")
    picker.search.clear()
    qtbot.keyClicks(picker.search, "lietuviu")  # accents need not be typed
    assert picker.visible_codes() == ["lt"]
    picker.search.clear()
    picker.search.setText("فارسی")  # QTest cannot type non-Latin keys
    assert picker.visible_codes() == ["fa"]


@pytest.mark.parametrize("multiple", [False, True])
def test_a_narrow_language_list_wraps_long_names_instead_of_scrolling_sideways(
    qapp: QApplication, qtbot: QtBot, multiple: bool
) -> None:
    """The print dialog at 150 % on a 1024-pixel screen: 'ਪੰਜਾਬੀ — Punjabi (Gurmukhi)' was cut off, with a scroll bar."""
    apply_style(qapp)
    apply_stylesheet(qapp)  # the real text size: whether a name needs two lines depends on it
    picker = LanguagePicker(multiple=multiple)
    qtbot.addWidget(picker)
    longest = max(picker.list.fontMetrics().horizontalAdvance(item.text()) for item in picker.items())
    picker.resize(longest * 3 // 4, 600)
    picker.show()
    qtbot.waitExposed(picker)
    width = picker.list.viewport().width()
    assert picker.list.horizontalScrollBar().maximum() == 0
    assert all(picker.list.visualItemRect(item).right() < width for item in picker.items())
    heights = {picker.list.visualItemRect(item).height() for item in picker.items()}
    assert max(heights) > min(heights), "at this width the longest names take two lines, the others one"


def test_screening_leaflet_preview_print_and_save(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.context.vault = open_demo_vault()
    window.form.set_draft(
        dataclasses.replace(
            window.form.draft(), answers=ALCOHOL_HIGH, identifier_kind="nhs_number", identifier="9434765919"
        )
    )
    QApplication.processEvents()
    button = window.findChild(feature.PrintLeafletSection).button
    assert button.text().replace("&", "") == "Print leaflet…"

    dialog = feature.screening_dialog(window)
    qtbot.addWidget(dialog)
    assert dialog.preview.page_count() >= 1
    qtbot.keyClicks(dialog.picker.search, "polsk")
    assert dialog.languages() == ["pl"]
    assert dialog.preview.page_count() >= 1
    text = pdf_text(dialog.pdf)
    assert "Dziękujemy za dzisiejszą rozmowę" in text and "Thank you for talking with us today" in text
    assert "Drinkline" in text and "0300 123 1110" in text  # the services the panel chose
    assert "9434765919" not in text

    # Print to a PDF printer (no dialog), then the audit records it with the language.
    printed = tmp_path / "printer-out.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(printed))
    assert dialog.print_to(printer)
    assert len(pdfium.PdfDocument(printed.read_bytes())) == dialog.preview.page_count()
    latest = audit.entries(window.context.vault.conn, limit=1)[0]
    assert latest.action == audit.PRINT
    assert json.loads(latest.detail) == {"leaflet": "screening", "languages": ["pl"]}
    assert "9434765919" not in latest.detail
    assert latest.record_ref is None  # not saved yet: no record to name

    # Once saved, the leaflet's audit entry names the record it was made from.
    window.saver = lambda draft, _saved: (save_screening(window.context.vault, draft), 1)
    window.save()
    assert window.saved_reference is not None
    assert dialog.print_to(printer)
    assert audit.entries(window.context.vault.conn, limit=1)[0].record_ref == window.saved_reference

    # Nothing else was written; Save writes exactly where the user chose.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["printer-out.pdf"]
    chosen = tmp_path / "chosen" / "for-patient.pdf"
    chosen.parent.mkdir()
    shown = answer_file_dialog(chosen)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert shown[0]["qt_dialog"] and Path(shown[0]["name"]).name == "leaflet-pl.pdf"
    assert chosen.read_bytes() == dialog.pdf
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chosen", "printer-out.pdf"]
    assert audit.entries(window.context.vault.conn, limit=1)[0].action == audit.EXPORT


def test_cancelled_save_writes_nothing(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    dialog = feature.screening_dialog(window)
    qtbot.addWidget(dialog)
    shown = answer_file_dialog(None)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert shown[0]["folder"] == str(tmp_path)  # it opens in the home folder
    assert list(tmp_path.iterdir()) == []


def test_services_leaflet_in_several_languages(window: MainWindow, qtbot: QtBot) -> None:
    action = window.findChild(type(window.menu("File").actions()[0]), "action:services-leaflet")
    assert action is not None and action.text().replace("&", "") == "Services leaflet…"
    from ui.i18n import switcher

    bindings = len(switcher()._bindings)
    for _ in range(3):  # each dialog is freed when closed: nothing keeps it for a later language switch
        feature.services_dialog(window).deleteLater()
    assert len(switcher()._bindings) == bindings
    dialog = feature.services_dialog(window)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Services leaflet"
    dialog.picker.set_checked(["ar", "zh_Hans"])
    dialog.refresh()
    one_language = dialog.preview.page_count()
    text = pdf_text(dialog.pdf)
    assert "感谢" not in text and "您需要时，随时可以获得帮助" in text
    assert "Help is here when you want it" in text and "FRANK" in text
    dialog.picker.set_checked(["ar", "zh_Hans", "so"])
    dialog.refresh()
    assert dialog.preview.page_count() > one_language
    dialog.picker.set_checked([])
    dialog.refresh()
    assert dialog.pdf is None and not dialog.print_button.isEnabled()


def test_a_services_leaflet_with_no_service_of_the_kinds_chosen_is_not_offered(
    window: MainWindow, qtbot: QtBot
) -> None:
    """It printed a leaflet saying it lists services that can help, with only the crisis lines in it; with another
    kind ticked beside it, the empty kind was left out without a word."""
    dialog = feature.services_dialog(window)
    qtbot.addWidget(dialog)
    dialog.picker.set_checked(["pl"])
    chooser = dialog.findChild(CategoryChooser)
    legal = chooser.boxes["legal"]  # the national directory has no legal service
    assert not legal.isEnabled() and not legal.isChecked()
    assert legal.accessibleDescription() == legal.toolTip() == "The directory has no service of this kind."
    assert chooser.boxes["family"].isEnabled()
    for box in chooser.boxes.values():
        box.setChecked(False)
    dialog.refresh()
    assert dialog.pdf is None and not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()
    assert dialog.status.text() == "The leaflet cannot be made: choose at least one kind of service to include."
    chooser.boxes["family"].setChecked(True)
    dialog.refresh()
    assert dialog.pdf is not None and "Adfam" in pdf_text(dialog.pdf)


def test_a_search_with_no_match_leaves_nothing_to_print(window: MainWindow, qtbot: QtBot) -> None:
    dialog = feature.screening_dialog(window)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.picker.search, "Pashto")  # "Pa..." matched Punjabi on the way
    assert dialog.languages() == [] and dialog.pdf is None
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()
    assert dialog.preview.page_count() == 0
    assert dialog.status.text() == "No leaflet language matches “Pashto”. Clear the search to see them all."
    dialog.picker.search.clear()
    qtbot.keyClicks(dialog.picker.search, "Pol")
    assert dialog.languages() == ["pl"] and dialog.print_button.isEnabled()


def test_a_fault_while_making_the_leaflet_leaves_nothing_that_looks_printable(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = feature.screening_dialog(window)
    qtbot.addWidget(dialog)
    dialog.picker.set_checked(["pl"])
    dialog.refresh()
    assert dialog.preview.page_count() > 0 and dialog.print_button.isEnabled()

    def fault(languages: list[str], paper: str) -> bytes:
        raise ValueError("a fault in the leaflet code")

    monkeypatch.setattr(dialog, "make_pdf", fault)
    with pytest.raises(ValueError):  # reported as a bug by the app's exception hook
        dialog.refresh()
    assert dialog.pdf is None and dialog.preview.page_count() == 0  # not the last leaflet's pages
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()
    assert dialog.status.text() == "The leaflet cannot be made: a fault in Signpost stopped it."


def test_enter_in_the_search_chooses_a_language_and_prints_nothing(window: MainWindow, qtbot: QtBot,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = feature.screening_dialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    printed: list[bool] = []
    monkeypatch.setattr(dialog, "print_leaflet", lambda: printed.append(True))
    dialog.print_button.clicked.disconnect()
    dialog.print_button.clicked.connect(dialog.print_leaflet)
    qtbot.keyClicks(dialog.picker.search, "Pol")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    assert dialog.languages() == ["pl"]
    assert printed == [] and dialog.isVisible()
    assert "Not yet checked by a qualified translator: Polish." in dialog.status.text()


def _shown_screening_dialog(window: MainWindow, qtbot: QtBot) -> LeafletDialog:
    dialog = feature.screening_dialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_enter_in_the_language_list_prints_nothing(window: MainWindow, qtbot: QtBot) -> None:
    # It went on to the dialog's default button: "No printer is set up…" here, the print dialog on a ward PC.
    dialog = _shown_screening_dialog(window, qtbot)
    dialog.picker.search.setFocus()
    qtbot.keyClicks(dialog.picker.search, "pol")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.picker.list, Qt.Key.Key_Return)
    assert dialog.languages() == ["pl"] and dialog.isVisible()
    assert "printer" not in dialog.status.text().lower()
    picker = LanguagePicker(multiple=True)  # the services leaflet's: Enter ticks and unticks, as Space does
    qtbot.addWidget(picker)
    picker.set_current("ur")
    qtbot.keyClick(picker.list, Qt.Key.Key_Return)
    assert picker.checked_codes() == ["ur"]
    qtbot.keyClick(picker.list, Qt.Key.Key_Return)
    assert picker.checked_codes() == []


def test_down_moves_from_the_language_search_into_the_list(window: MainWindow, qtbot: QtBot) -> None:
    dialog = _shown_screening_dialog(window, qtbot)
    dialog.picker.search.setFocus()
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Down)
    assert dialog.focusWidget() is dialog.picker.list  # (the dialog need not be the active window offscreen)


def test_an_unfinished_screening_gives_no_band_for_a_substance_half_answered(window: MainWindow, qtbot: QtBot) -> None:
    # Alcohol: two of four answers (so far "moderate"; the two to come could make it high).
    half = {**ALCOHOL_HIGH, "alcohol.failed_to_control": "", "alcohol.concern": ""}
    window.form.set_draft(dataclasses.replace(window.form.draft(), answers={k: v for k, v in half.items() if v}))
    QApplication.processEvents()
    dialog = feature.screening_dialog(window)
    qtbot.addWidget(dialog)
    text = pdf_text(dialog.pdf)
    assert "Thank you for talking with us today" in text
    assert "risk." not in text  # no "Your answers suggest this is putting your health at … risk."
    assert "Drinkline" not in text  # no services chosen for a band not known yet
    notice = dialog.findChild(QLabel, "leaflet-notice")
    assert notice is not None and notice.text().startswith("Not every substance is fully answered")

    window.form.set_draft(dataclasses.replace(window.form.draft(), answers=ALCOHOL_HIGH))
    QApplication.processEvents()
    finished = feature.screening_dialog(window)
    qtbot.addWidget(finished)
    assert "putting your health at high risk." in pdf_text(finished.pdf)
    assert finished.findChild(QLabel, "leaflet-notice") is None


def test_a_leaflet_for_a_patient_at_risk_with_no_service_chosen_says_so_before_printing(
    window: MainWindow, qtbot: QtBot
) -> None:
    """The advice says "talk to your GP or one of the services below"; with every service unticked, only the
    crisis lines were below, and nothing said so."""
    window.form.set_draft(dataclasses.replace(window.form.draft(), answers=ALCOHOL_HIGH))
    QApplication.processEvents()
    panel = window.services_panel  # type: ignore[attr-defined]
    for row in panel.rows.values():
        row.check.setChecked(False)
    QApplication.processEvents()
    assert window.current_draft().service_ids == ()
    dialog = feature.screening_dialog(window)
    qtbot.addWidget(dialog)
    notice = dialog.findChild(QLabel, "leaflet-notice")
    assert notice is not None and notice.text() == (
        "No service is chosen for this patient, so the leaflet lists only the crisis lines. Tick the services to "
        "offer under the result before printing.")
    # A crisis line alone ticked: it is printed in the crisis box, so the leaflet still lists no other service.
    window.form.set_draft(dataclasses.replace(window.form.draft(), risk_to_self=True))
    QApplication.processEvents()
    for service_id, row in panel.rows.items():
        row.check.setChecked(service_id == "samaritans")
    QApplication.processEvents()
    assert window.current_draft().service_ids == ("samaritans",)
    again = feature.screening_dialog(window)
    qtbot.addWidget(again)
    assert again.findChild(QLabel, "leaflet-notice") is not None


def _leaflet_rows(session: VaultSession) -> list[tuple[str, str, str]]:
    return [(e.actor, e.action, e.detail) for e in audit.entries(session.conn) if '"leaflet"' in e.detail]


def test_a_leaflet_leaves_the_app_only_once_its_audit_entry_is_written(
    window: MainWindow, qtbot: QtBot, data_dir: Path, tmp_path: Path
) -> None:
    admin, _key = new_vault(data_dir)
    add_user(admin, "prac1", "practitioner", "temporary pass 1")
    session = sign_in(data_dir, "prac1", "temporary pass 1", cost(), daily_backup=False)
    window.context.vault = session
    dialog = feature.services_dialog(window)
    qtbot.addWidget(dialog)
    try:
        saved = tmp_path / "saved.pdf"
        assert dialog.save_to(saved) and saved.read_bytes() == dialog.pdf
        assert _leaflet_rows(admin) == [("prac1", audit.EXPORT, '{"leaflet":"services","languages":["en"]}')]

        # Another copy is writing (it holds the write lock longer than this copy waits): nothing is saved.
        session.conn.execute("PRAGMA busy_timeout = 100")  # the app waits 5 s; the outcome is the same
        admin.conn.execute("BEGIN IMMEDIATE")
        busy = tmp_path / "busy.pdf"
        try:
            assert not dialog.save_to(busy)
        finally:
            admin.conn.execute("ROLLBACK")
        assert not busy.exists() and list(tmp_path.glob(".busy.pdf*")) == []  # nor its part-written copy
        assert dialog.status.text().startswith("Not saved: every leaflet is recorded in the audit log")
        assert "The vault is busy" in dialog.status.text() and "Try again in a moment" in dialog.status.text()
        assert dialog.status.accessibleName() == dialog.status.text()  # the status line is spoken

        # The account was disabled meanwhile: nothing is printed, and the leaflet is still there to try again.
        disable_user(admin, "prac1")
        printed = tmp_path / "printer-out.pdf"
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        assert not dialog.print_to(printer)
        assert not printed.exists()
        assert dialog.status.text().startswith("Not printed: every leaflet is recorded in the audit log")
        assert "'prac1' has been disabled" in dialog.status.text()
        assert dialog.pdf is not None and dialog.print_button.isEnabled()
        assert _leaflet_rows(admin) == [("prac1", audit.EXPORT, '{"leaflet":"services","languages":["en"]}')]

        # A file that cannot be written is said so, and not recorded as saved (it was, before the write).
        if Path("/proc/self").is_dir():
            window.context.vault = admin
            assert not dialog.save_to(Path("/proc/leaflet.pdf"))
            assert dialog.status.text().startswith("/proc/leaflet.pdf cannot be written (")
            assert dialog.status.text().endswith("Nothing was written.")
            assert _leaflet_rows(admin) == [("prac1", audit.EXPORT, '{"leaflet":"services","languages":["en"]}')]
    finally:
        window.context.vault = None
        session.close()
        admin.close()


def test_printing_while_locked_is_refused(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    dialog = feature.services_dialog(window)  # no vault open: locked while the dialog was up
    qtbot.addWidget(dialog)
    assert not dialog.save_to(tmp_path / "leaflet.pdf")
    assert list(tmp_path.iterdir()) == []
    assert "Signpost is locked: sign in again, then print or save the leaflet." in dialog.status.text()


NO_TRACE = """
import json
from PySide6.QtWidgets import QApplication, QFileDialog
from file_dialogs import answer_file_dialog, leaflet_dialog_at_home

app = QApplication([])
dialog, pdf, recorded, folder = leaflet_dialog_at_home()
first = answer_file_dialog(folder / "for-patient.pdf")
dialog.save_leaflet()
# Qt's own "last visited" folder (what its dialogs write to the settings, the registry on Windows).
last_visited = QFileDialog().directory().absolutePath()
again = answer_file_dialog(None)
dialog.save_leaflet()
print(json.dumps({"saved": (folder / "for-patient.pdf").read_bytes() == pdf, "recorded": recorded,
                  "first": first, "again": again, "last_visited": last_visited}))
"""


def test_saving_a_leaflet_leaves_no_note_of_where(tmp_path: Path) -> None:
    """Qt's file dialog keeps folder history in the user's settings; a patient's folder must not be kept there."""
    outcome, home = run_in_a_fresh_home(NO_TRACE, tmp_path)
    assert outcome["saved"] and outcome["recorded"] == ["save"]
    assert outcome["first"][0]["qt_dialog"] and outcome["first"][0]["folder"] == str(home)
    # The next person's dialog in the same program opens at home, with nothing of the patient's folder.
    assert outcome["again"][0]["folder"] == str(home)
    assert "SMITH" not in json.dumps(outcome["again"])
    assert outcome["last_visited"] == str(home)
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*"))
    assert written == [PATIENT_FOLDER, f"{PATIENT_FOLDER}/for-patient.pdf"]


def test_the_status_line_is_spoken(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, announcements: list[tuple[object, str]]
) -> None:
    window.context.vault = open_demo_vault()
    dialog = feature.services_dialog(window)
    qtbot.addWidget(dialog)
    assert (dialog.status, dialog.status.text()) in announcements and "page" in dialog.status.text()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    announcements.clear()
    assert dialog.print_to(printer) and dialog.print_to(printer)
    pages = dialog.preview.page_count()
    assert pages == 1 and len(pdfium.PdfDocument(tmp_path / "printed.pdf")) == pages
    assert announcements == [(dialog.status, "1 page sent to the printer.")] * 2  # printed twice: said twice
