"""The admin directory editor driven with qtbot on a real (in-memory SQLCipher) demo vault."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from app.config import load_config
from app.directory.model import Service
from app.directory.repository import add_service, get_service, list_services
from app.records.audit import entries
from app.vault.session import open_demo_vault
from ui.context import AppContext
from ui.directory.editor import DirectoryEditor
from ui.directory.service_dialog import ServiceDialog
from ui.directory.source import DirectorySource

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
]

TRICKY = "<b>Bold</b> & Co \u200f\u0645\u0631\u06a9\u0632"


@pytest.fixture
def source() -> Iterator[DirectorySource]:
    vault = open_demo_vault()
    yield DirectorySource(AppContext(config=load_config(), demo=True, data_dir=None, vault=vault))
    vault.close()


@pytest.fixture
def editor(qtbot: QtBot, source: DirectorySource) -> DirectoryEditor:
    editor = DirectoryEditor(source)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def row_of(editor: DirectoryEditor, service_id: str) -> int:
    for row in range(editor.table.rowCount()):
        if editor.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == service_id:
            return row
    raise AssertionError(f"{service_id} is not listed")


def cell(editor: DirectoryEditor, service_id: str, column: int) -> str:
    return editor.table.item(row_of(editor, service_id), column).text()


def test_lists_the_seeded_services_and_flags_unverified_ones(editor: DirectoryEditor) -> None:
    assert editor.table.rowCount() == 12
    assert cell(editor, "samaritans", 4) == "Overdue for checking · national"
    assert cell(editor, "samaritans", 3) == "never"
    assert editor.banner.text().startswith("12 active services have not been verified in the last 6 months")
    assert not editor.banner.isHidden()


def test_add_through_the_dialog_refuses_problems_then_saves(
    editor: DirectoryEditor, source: DirectorySource, qtbot: QtBot
) -> None:
    dialog = editor.service_dialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.fields["name"], "Leeds Recovery Hub")
    qtbot.keyClicks(dialog.fields["phone"], "0113 496")
    qtbot.keyClicks(dialog.fields["website"], "leeds.example.org")
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    problems = dialog.problems.text()
    assert "summary (what the service offers) is required" in problems
    assert "choose at least one category" in problems
    assert "phone '0113 496': is not a UK phone number" in problems
    assert "website 'leeds.example.org': must start with https://" in problems
    assert dialog.fields["phone"].property("invalid") == "true"
    assert list_services(source.conn(), categories=["alcohol"])[0].national  # nothing saved

    dialog.fields["phone"].setText("0113 496 0000")
    dialog.fields["website"].setText("https://leeds.example.org")
    qtbot.keyClicks(dialog.summary, "Drop-in support for drinking & drugs.")
    qtbot.keyClick(dialog.category_boxes["alcohol"], Qt.Key.Key_Space)
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.problems.text()
    stored = get_service(source.conn(), "leeds-recovery-hub")
    assert (stored.name, stored.phone, stored.categories) == ("Leeds Recovery Hub", "0113 496 0000", ("alcohol",))
    assert entries(source.conn())[0].action == "directory_add"


def test_the_add_button_opens_the_dialog_and_the_list_shows_the_new_entry(
    editor: DirectoryEditor, qtbot: QtBot
) -> None:
    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ServiceDialog)
        dialog.fields["name"].setText(TRICKY)
        dialog.summary.setPlainText("a < b & c")
        dialog.fields["phone"].setText("0300 123 6600")
        dialog.category_boxes["drugs"].setChecked(True)
        dialog.accept()

    QTimer.singleShot(0, fill)
    with qtbot.waitSignal(editor.directory_changed):
        qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    assert editor.table.rowCount() == 13
    assert cell(editor, "b-bold-b-co", 0) == TRICKY  # a table item: text, never markup
    assert editor.selected_id() == "b-bold-b-co"
    assert editor.status.text() == f"Added {TRICKY}."


def test_a_new_entry_renamed_after_a_refused_save_gets_an_id_from_its_new_name(
    editor: DirectoryEditor, source: DirectorySource, qtbot: QtBot
) -> None:
    dialog = editor.service_dialog(None)
    qtbot.addWidget(dialog)
    dialog.fields["name"].setText("Leeds Hub")
    dialog.summary.setPlainText("Drop-in")
    dialog.fields["phone"].setText("0113 496")
    dialog.category_boxes["drugs"].setChecked(True)
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.id_edit.text() == "leeds-hub"
    dialog.fields["name"].setText("Wakefield Hub")
    dialog.fields["phone"].setText("0113 496 0000")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.problems.text()
    assert get_service(source.conn(), "wakefield-hub").name == "Wakefield Hub"


def test_an_id_already_taken_is_reported_in_the_dialog(editor: DirectoryEditor, qtbot: QtBot) -> None:
    dialog = editor.service_dialog(None)
    qtbot.addWidget(dialog)
    dialog.id_edit.setText("frank")
    dialog.fields["name"].setText("Another")
    dialog.summary.setPlainText("x")
    dialog.fields["phone"].setText("0300 123 6600")
    dialog.category_boxes["drugs"].setChecked(True)
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "the id 'frank' is already taken" in dialog.problems.text()


def test_edit_saves_the_changed_field(editor: DirectoryEditor, source: DirectorySource, qtbot: QtBot) -> None:
    editor.table.selectRow(row_of(editor, "drinkline"))
    dialog = editor.service_dialog(get_service(source.conn(), "drinkline"))
    qtbot.addWidget(dialog)
    assert dialog.id_edit.isReadOnly()
    assert "https://talkcommunity.org" in dialog.reference.text()
    dialog.fields["hours"].setText("Monday to Friday, 9am to 8pm")
    dialog.accept()
    assert get_service(source.conn(), "drinkline").hours == "Monday to Friday, 9am to 8pm"
    assert json.loads(entries(source.conn())[0].detail) == {"fields": ["hours"]}


def test_a_do_not_print_number_cannot_be_entered(editor: DirectoryEditor, source: DirectorySource) -> None:
    dialog = editor.service_dialog(get_service(source.conn(), "frank"))
    dialog.fields["phone"].setText("0800 77 66 00")
    dialog.accept()
    assert "listed as not to be printed (0800 77 66 00 (replaced 2018-11-22))" in dialog.problems.text()
    assert get_service(source.conn(), "frank").phone == "0300 123 6600"
    dialog.deleteLater()


def test_deactivate_hides_the_entry_and_reactivate_brings_it_back(
    editor: DirectoryEditor, source: DirectorySource, qtbot: QtBot
) -> None:
    editor.table.selectRow(row_of(editor, "calm"))
    assert editor.active_button.text() == "&Deactivate"
    with qtbot.waitSignal(editor.directory_changed):
        qtbot.mouseClick(editor.active_button, Qt.MouseButton.LeftButton)
    assert not get_service(source.conn(), "calm").active
    assert editor.table.rowCount() == 11
    qtbot.mouseClick(editor.show_inactive, Qt.MouseButton.LeftButton)
    assert cell(editor, "calm", 4).startswith("Inactive")
    editor.table.selectRow(row_of(editor, "calm"))
    assert editor.active_button.text() == "Reac&tivate"
    qtbot.mouseClick(editor.active_button, Qt.MouseButton.LeftButton)
    assert get_service(source.conn(), "calm").active
    assert [e.action for e in entries(source.conn())[:2]] == ["directory_reactivate", "directory_deactivate"]


def test_mark_verified_clears_the_stale_flag(
    editor: DirectoryEditor, source: DirectorySource, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("Sam Admin", True))
    editor.table.selectRow(row_of(editor, "shout"))
    qtbot.mouseClick(editor.verify_button, Qt.MouseButton.LeftButton)
    stored = get_service(source.conn(), "shout")
    assert (stored.last_verified, stored.verified_by) == (dt.date.today(), "Sam Admin")
    assert cell(editor, "shout", 4) == "Verified · national"
    assert editor.banner.text().startswith("11 active services")


def test_import_review_blocks_a_file_with_a_rejected_row(editor: DirectoryEditor, tmp_path: Path, qtbot: QtBot) -> None:
    path = tmp_path / "local.csv"
    path.write_text("id,name,summary,categories,phone\nhub,Hub,Help,alcohol,0113 496 0000\nbad,Bad,B,drugs,12\n",
                    encoding="utf-8")
    dialog = editor.review_import(path)
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert not dialog.import_button.isEnabled()
    assert "row 2 (bad): rejected: phone '12'" in dialog.report.toPlainText()
    assert "Nothing can be imported until the rejected rows are corrected" in dialog.summary.text()


def test_import_review_then_import(editor: DirectoryEditor, source: DirectorySource, tmp_path: Path,
                                   qtbot: QtBot) -> None:
    path = tmp_path / "local.csv"
    path.write_text("id,name,summary,categories,phone\nhub,Hub,Help,alcohol,0113 496 0000\n", encoding="utf-8")
    dialog = editor.review_import(path)
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.report.toPlainText().splitlines()[0] == "row 1 (hub): would be added"
    with qtbot.waitSignal(editor.directory_changed):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert get_service(source.conn(), "hub").name == "Hub"
    assert editor.status.text() == "Imported local.csv: 1 added, 0 changed, 0 unchanged."


def test_an_unreadable_file_gets_a_clear_message(
    editor: DirectoryEditor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []

    def record(box: QMessageBox) -> int:
        assert box.textFormat() == Qt.TextFormat.PlainText
        shown.append(box.text())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", record)
    path = tmp_path / "latin.csv"
    path.write_bytes("id,name,summary,categories\ncafe,Caf\xe9,x,drugs\n".encode("cp1252"))
    assert editor.review_import(path) is None
    assert shown and shown[0].startswith("latin.csv is not UTF-8 text")


def test_export_writes_every_entry(editor: DirectoryEditor, source: DirectorySource, tmp_path: Path) -> None:
    add_service(source.conn(), Service(id="x", name=TRICKY, summary="s", categories=("legal",), phone="111"),
                actor="demo")
    editor.export_to(tmp_path / "out.json")
    doc = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert len(doc["services"]) == 13 and doc["services"][0]["name"] == TRICKY


def test_keyboard_enter_on_a_row_edits_it_and_tab_leaves_the_table(editor: DirectoryEditor, qtbot: QtBot) -> None:
    opened: list[str] = []

    def note_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, note_and_close)
            return
        opened.append(dialog.windowTitle())
        dialog.reject()

    qtbot.keyClicks(editor.filter, "samar")
    qtbot.keyClick(editor.filter, Qt.Key.Key_Return)  # Enter in the filter: nothing opens
    QApplication.processEvents()
    assert QApplication.activeModalWidget() is None
    editor.table.setFocus()
    editor.table.selectRow(0)
    QTimer.singleShot(0, note_and_close)
    qtbot.keyClick(editor.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(opened))
    assert opened == ["Edit service"]
    qtbot.keyClick(editor.table, Qt.Key.Key_Tab)
    assert not editor.table.hasFocus()
