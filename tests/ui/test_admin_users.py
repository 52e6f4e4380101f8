"""The administrator's users screen: add, disable and reset through the real dialog; changes are real."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot
from test_unlock import when_modal
from vault_support import cost, new_vault

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
    dialog.reset_button.click()
    temporary = re.search(r"new temporary password: (\S+)", dialog.message.text()).group(1)
    sign_in(data_dir, "nurse.lee", temporary, cost()).close()

    dialog.select("nurse.lee")
    when_modal(qtbot, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    dialog.disable_button.click()
    assert ("nurse.lee", "Practitioner", "disabled") in _table(dialog)
    with pytest.raises(WrongPasswordError):
        sign_in(data_dir, "nurse.lee", temporary, cost())

    dialog.select("alice")
    assert not dialog.disable_button.isEnabled()
    session.close()


def test_refused_change_is_shown_not_raised(qtbot: QtBot, data_dir: Path) -> None:
    session, _ = new_vault(data_dir)
    dialog = UsersDialog(session)
    qtbot.addWidget(dialog)

    def fill(add: QDialog) -> None:
        add.name.setText("alice")
        add.accept()

    when_modal(qtbot, fill)
    dialog.add_button.click()
    assert "already a user named 'alice'" in dialog.message.text()
    session.close()
