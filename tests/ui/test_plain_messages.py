"""Messages that quote what someone typed show it literally: a '<b>' in a user name is never read as markup."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtGui
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMessageBox
from pytestqt.qtbot import QtBot
from test_unlock import open_window, when_modal
from vault_support import new_vault

from app.errors import SignpostError
from ui.admin.users import UsersDialog
from ui.unlock import SetupScreen

pytestmark = [pytest.mark.gui]

TYPED = "<b>boss</b>"


def shows_literally(label: QLabel, typed: str) -> bool:
    """The label holds the typed text and will draw it as plain text (Qt's AutoText would render the tags)."""
    return typed in label.text() and label.textFormat() == Qt.TextFormat.PlainText


def test_set_up_screen_quotes_a_refused_user_name_literally(qtbot: QtBot, data_dir: Path) -> None:
    window = open_window(qtbot, data_dir)
    setup = window.centralWidget()
    assert isinstance(setup, SetupScreen)
    setup.name.setText(TYPED)
    setup.password.setText("first-admin-pass")
    setup.confirm.setText("first-admin-pass")
    setup.create_button.click()
    assert "cannot be a user name" in setup.message.text()
    assert QtGui.Qt.mightBeRichText(setup.message.text())  # as AutoText, Qt would have shown a bold 'boss'
    assert shows_literally(setup.message, TYPED)
    assert not (data_dir / "keyslots.json").exists()


def test_users_screen_quotes_a_refused_user_name_literally(qtbot: QtBot, data_dir: Path) -> None:
    session, _ = new_vault(data_dir)
    dialog = UsersDialog(session)
    qtbot.addWidget(dialog)

    problems: list[tuple[str, Qt.TextFormat]] = []

    def look_and_cancel(add: QDialog) -> None:
        problems.append((add.problem.text(), add.problem.textFormat()))
        add.reject()

    def fill(add: QDialog) -> None:
        add.name.setText(TYPED)
        add.accept()  # refused: the dialog comes back saying why
        QTimer.singleShot(50, lambda: when_modal(qtbot, look_and_cancel))

    when_modal(qtbot, fill)
    dialog.add_button.click()
    assert len(problems) == 1
    text, text_format = problems[0]
    assert "cannot be a user name" in text and TYPED in text
    assert text_format == Qt.TextFormat.PlainText  # as AutoText, Qt would render the typed tags
    session.close()


def test_plain_error_dialog_shows_the_message_literally(qtbot: QtBot) -> None:
    from ui.errors import show_error

    seen: list[tuple[str, Qt.TextFormat]] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append((box.text(), box.textFormat()))
        box.accept()

    QTimer.singleShot(50, read_and_close)
    show_error(None, SignpostError(f"{TYPED}.csv cannot be read"))
    assert seen == [(f"{TYPED}.csv cannot be read.", Qt.TextFormat.PlainText)]


def test_a_fault_raised_through_an_event_filter_is_shown_without_pysides_notes(qtbot: QtBot) -> None:
    """PySide puts "Error calling Python override of QObject::eventFilter(): " before the message of an error
    leaving an event filter, once for each filter it passes through; the dialog shows the message alone."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QWidget
    from test_unlock import note_and_press

    from ui.errors import report_bug

    class Raising(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
            if event.type() == QEvent.Type.Show:
                raise SignpostError("the vault database is damaged")
            return False

    class Watching(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
            return False

    widget = QWidget()
    qtbot.addWidget(widget)
    raising, watching = Raising(widget), Watching(widget)
    widget.installEventFilter(raising)
    QApplication.instance().installEventFilter(watching)
    try:
        with pytest.raises(SignpostError) as caught:
            widget.show()
    finally:
        QApplication.instance().removeEventFilter(watching)
    assert str(caught.value).startswith("Error calling Python override of QObject::eventFilter(): Error calling")
    seen: list[str] = []
    when_modal(qtbot, note_and_press(seen, QMessageBox.StandardButton.Ok))
    report_bug(SignpostError, caught.value, caught.value.__traceback__)
    assert seen == ["The vault database is damaged."]
