"""The administrator's users screen: add, disable and reset through the real dialog; changes are real."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import shown_with_keyboard
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot
from small_screen import run_on_screen
from test_unlock import note_and_press, when_dialog, when_modal
from vault_support import ADMIN_PASSWORD, cost, new_vault

from app.vault.errors import WrongPasswordError
from app.vault.session import sign_in
from ui.admin.users import UsersDialog

pytestmark = [pytest.mark.gui]


def _table(dialog: UsersDialog) -> list[tuple[str, str, str]]:
    t = dialog.table
    return [tuple(t.item(r, c).text() for c in range(3)) for r in range(t.rowCount())]  # type: ignore[misc]


def test_add_reset_and_disable_users(qtbot: QtBot, data_dir: Path) -> None:
    session, _ = new_vault(data_dir)
    dialog = UsersDialog(session)
    qtbot.addWidget(dialog)
    assert _table(dialog) == [("alice", "Administrator", "active")]
    assert not dialog.disable_button.isEnabled()

    def fill(add: QDialog) -> None:
        add.name.setText("Nurse.Lee")
        add.password.setText("lee-temporary")
        add.accept()

    when_modal(qtbot, fill)
    dialog.add_button.click()
    assert ("nurse.lee", "Practitioner", "active, must change password") in _table(dialog)
    sign_in(data_dir, "nurse.lee", "lee-temporary", cost()).close()

    dialog.select("nurse.lee")

    def default_is_no(box: QDialog) -> None:
        assert isinstance(box, QMessageBox) and box.defaultButton() is box.button(QMessageBox.StandardButton.No)
        box.defaultButton().click()

    when_modal(qtbot, default_is_no)
    dialog.reset_button.click()  # asked first: No (what Enter alone presses) changes nothing
    sign_in(data_dir, "nurse.lee", "lee-temporary", cost()).close()
    when_modal(qtbot, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    dialog.reset_button.click()
    temporary = re.search(r"new temporary password: (\S+)", dialog.message.text()).group(1)
    sign_in(data_dir, "nurse.lee", temporary, cost()).close()

    dialog.select("nurse.lee")
    when_modal(qtbot, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    dialog.disable_button.click()
    assert ("nurse.lee", "Practitioner", "disabled") in _table(dialog)
    with pytest.raises(WrongPasswordError):
        sign_in(data_dir, "nurse.lee", temporary, cost())
    dialog.select("nurse.lee")
    assert not dialog.disable_button.isEnabled()  # already disabled
    assert dialog.reset_button.isEnabled()  # a reset enables the account again, and says so first
    asked: list[str] = []
    when_modal(qtbot, note_and_press(asked, QMessageBox.StandardButton.No))
    dialog.reset_button.click()
    assert asked and asked[0].endswith("This also enables the disabled account again.")

    dialog.select("alice")
    assert not dialog.disable_button.isEnabled()
    assert not dialog.reset_button.isEnabled()  # your own password: Change my password, never a reset
    session.close()


def test_no_administrator_can_reset_their_own_password(data_dir: Path) -> None:
    from app.vault.errors import AccountError
    from app.vault.users import reset_password

    session, _ = new_vault(data_dir)
    with pytest.raises(AccountError, match="cannot reset your own password"):
        reset_password(session, "alice", "a-new-temporary-1")
    session.close()
    sign_in(data_dir, "alice", ADMIN_PASSWORD, cost()).close()


def test_refused_change_is_shown_not_raised(qtbot: QtBot, data_dir: Path) -> None:
    session, _ = new_vault(data_dir)
    dialog = UsersDialog(session)
    qtbot.addWidget(dialog)

    seen: list[str] = []

    def look_and_cancel(add: QDialog) -> None:
        seen.append(f"{add.name.text()}: {add.problem.text()}")
        add.reject()

    def fill(add: QDialog) -> None:
        add.name.setText("alice")
        add.accept()  # refused: the same dialog comes back with what was typed and why
        QTimer.singleShot(50, lambda: when_modal(qtbot, look_and_cancel))

    when_modal(qtbot, fill)
    dialog.add_button.click()
    assert len(seen) == 1 and seen[0].startswith("alice: ") and "already a user named 'alice'" in seen[0]
    assert [row[0] for row in _table(dialog)] == ["alice"]
    session.close()


def test_keyboard_enter_on_a_row_opens_nothing_and_tab_leaves_the_table(qtbot: QtBot, data_dir: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    session, _ = new_vault(data_dir)
    dialog = UsersDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.table.setFocus()
    dialog.select("alice")
    opened: list[str] = []

    def close_any_dialog() -> None:
        modal = QApplication.activeModalWidget()
        if modal is not None:
            opened.append(modal.windowTitle())
            modal.reject()

    QTimer.singleShot(200, close_any_dialog)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)  # used to open "Add a user"
    qtbot.wait(300)
    assert opened == []
    qtbot.keyClick(dialog.table, Qt.Key.Key_Tab)
    assert not dialog.table.hasFocus()
    session.close()


def test_add_user_fields_are_named_by_their_labels_and_reached_by_alt_keys(qtbot: QtBot) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QAccessible

    from ui.admin.users import AddUserDialog

    add = shown_with_keyboard(qtbot, AddUserDialog())
    for label, field, name in ((0, add.name, "User name"), (1, add.role, "Role"), (2, add.password,
                                                                                   "Temporary password")):
        assert add.labels[label].buddy() is field and field.accessibleName() == name
    for field, name in ((add.name, "User name"), (add.password, "Temporary password")):
        assert QAccessible.queryAccessibleInterface(field).text(QAccessible.Text.Name) == name
    # (Qt on Linux names a combo box by its current item and relates it to its label: the buddy above.)
    qtbot.keyClick(add, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    assert add.focusWidget() is add.password


def test_a_temporary_password_can_be_selected_from_the_keyboard(qtbot: QtBot, data_dir: Path) -> None:
    from PySide6.QtCore import Qt

    session, _ = new_vault(data_dir)
    try:
        dialog = UsersDialog(session)
        qtbot.addWidget(dialog)
        dialog.message.setText("Nurse.Lee's new temporary password: abc-def-ghi")
        assert dialog.message.focusPolicy() & Qt.FocusPolicy.TabFocus  # reached with Tab
        assert dialog.message.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByKeyboard
    finally:
        session.close()


def test_the_first_row_is_chosen_when_the_table_gets_the_keyboard(qtbot: QtBot, data_dir: Path) -> None:
    # The first row was current but not selected: Disable and Reset stayed greyed, Down went to the second row
    # (yourself, so still greyed) and Up chose nothing.
    from PySide6.QtCore import Qt

    from app.vault.users import add_user

    session, _ = new_vault(data_dir)
    add_user(session, "a.nurse", "practitioner", "temporary pass 1")  # sorts before the administrator
    dialog = shown_with_keyboard(qtbot, UsersDialog(session))
    assert [row[0] for row in _table(dialog)][0] == "a.nurse"
    dialog.table.clearSelection()
    dialog.add_button.setFocus()
    qtbot.keyClick(dialog.add_button, Qt.Key.Key_Backtab)  # back into the table, from the keyboard
    qtbot.waitUntil(dialog.table.hasFocus)
    assert dialog.selected_name() == "a.nurse"
    assert dialog.disable_button.isEnabled() and dialog.reset_button.isEnabled()
    session.close()


def test_a_temporary_password_on_show_when_the_vault_locks_is_shown_again_to_that_administrator(
    qtbot: QtBot, data_dir: Path
) -> None:
    """The lock closed the Users screen with the new password on it: nobody knew it, and it had to be reset again."""
    from PySide6.QtWidgets import QApplication
    from test_unlock import finish_vault_calls, open_window, sign_in_through
    from vault_support import ADMIN

    from app.vault import users

    session, _ = new_vault(data_dir)
    users.add_user(session, "nurse.lee", "practitioner", "lee-temporary")
    session.close()
    window = open_window(qtbot, data_dir)
    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    issued: list[str] = []

    def in_users(dialog: QDialog) -> None:
        assert isinstance(dialog, UsersDialog)
        dialog.select("nurse.lee")

        def confirm_then_lock(box: QDialog) -> None:
            box.button(QMessageBox.StandardButton.Yes).click()  # type: ignore[attr-defined]
            QTimer.singleShot(0, lambda: (issued.append(dialog.message.text()), window.vault_feature.lock()))

        when_dialog(QMessageBox, confirm_then_lock)
        QTimer.singleShot(0, dialog.reset)

    when_modal(qtbot, in_users)
    window.vault_feature.users_action.trigger()
    finish_vault_calls()
    assert window.context.vault is None and issued and "nurse.lee has a new temporary password: " in issued[0]

    shown: list[str] = []
    when_modal(qtbot, lambda dialog: (shown.append(dialog.message.text()), dialog.reject()))
    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    qtbot.waitUntil(lambda: bool(shown) and QApplication.activeModalWidget() is None)
    assert shown == issued
    password = issued[0].rsplit(": ", 1)[1]
    sign_in(data_dir, "nurse.lee", password, cost()).close()  # the password shown is the one that works
    window.vault_feature.sign_out(ask=False)


OPEN_ON_A_SMALL_SCREEN = """
import json, sys
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QPushButton
from app.vault.session import open_demo_vault
from ui.admin.users import UsersDialog
from ui.theme import apply_style, apply_stylesheet

app = QApplication(sys.argv[:1])
apply_style(app)
apply_stylesheet(app)
vault = open_demo_vault()
dialog = UsersDialog(vault)
dialog.show()
app.processEvents()
buttons = [b for b in dialog.findChildren(QPushButton) if b.isVisible()]
print(json.dumps({
    "frame": dialog.frameGeometry().getRect(),
    "size": dialog.size().toTuple(),
    "buttons": [[b.text(), *QRect(b.mapTo(dialog, QPoint(0, 0)), b.size()).getRect(), b.sizeHint().width()]
                for b in buttons],
}))
vault.close()
"""


# 1024 x 768 at 150 % leaves 683 x 485 (logical) above a 40-pixel taskbar; 1280 x 720 at 150 %, 853 x 440.
# Qt's offscreen platform takes such a screen from a file, in its own process.
@pytest.mark.parametrize(("width", "height"), [(683, 485), (853, 440)])
def test_the_users_screen_fits_a_small_or_scaled_screen_with_every_button_whole(
    width: int, height: int, tmp_path: Path
) -> None:
    # It opened 720 wide whatever the screen: 1080 px on a 1024-pixel screen at 150 %, Close off its edge.
    seen = run_on_screen(OPEN_ON_A_SMALL_SCREEN, width, height, tmp_path)
    x, y, w, h = seen["frame"]
    assert x >= 0 and y >= 0 and x + w <= width and y + h <= height, seen["frame"]
    dialog_width, dialog_height = seen["size"]
    assert len(seen["buttons"]) == 4
    for text, bx, by, bw, bh, wanted in seen["buttons"]:
        assert bx >= 0 and by >= 0 and bx + bw <= dialog_width and by + bh <= dialog_height, text
        assert bw >= wanted, f"{text!r} squeezed to {bw} px, its words need {wanted}"
