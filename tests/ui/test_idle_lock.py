"""Idle lock: after the configured quiet time the records are hidden, the database closed, and the
screening in progress comes back after signing in again."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from pytestqt.qtbot import QtBot
from test_unlock import available_menus, note_and_press, open_window, sign_in_through, start_set_up, when_modal
from vault_support import ADMIN, ADMIN_PASSWORD, answers, new_vault

from app.vault import users
from app.vault.errors import VaultError
from ui.main_window import MainWindow
from ui.theme import apply_style, apply_stylesheet
from ui.unlock import SignInScreen

pytestmark = [pytest.mark.gui]

QUIET_MINUTES = 0.01  # 600 ms


@pytest.fixture
def vault_dir(data_dir: Path) -> Path:
    session, _ = new_vault(data_dir)
    users.add_user(session, "bob", "practitioner", "bob-temporary")
    session.close()
    return data_dir


def test_idle_lock_hides_records_closes_the_vault_and_keeps_the_screening(qtbot: QtBot, vault_dir: Path) -> None:
    window = open_window(qtbot, vault_dir, minutes=QUIET_MINUTES)
    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    session = window.context.vault
    in_progress = replace(
        window.form.draft(), answers=answers(**{"alcohol.use": "yes"}), identifier_kind="local_number",
        identifier="RX-4471", setting="ambulance",
    )
    window.form.set_draft(in_progress)
    window.form.rows["alcohol.more_than_4"].focus_target().setFocus()
    other = QDialog(window)
    other.show()

    qtbot.waitUntil(lambda: window.context.vault is None, timeout=5000)
    qtbot.waitUntil(lambda: session.conn is None)  # the lock's audit entry is written on the worker, then it closes
    assert set(session.master_key) == {0}
    gate = window.centralWidget()
    assert isinstance(gate, SignInScreen)
    assert not window.form.isVisible() and not window.result_panel.isVisible()
    assert not other.isVisible()
    assert available_menus(window) == ["Help"]  # the keys, the instrument and the language stay at hand
    assert gate.name.text() == ADMIN
    assert gate.note.text().startswith("Locked after a quiet spell.")
    assert f"{ADMIN} can sign in to carry on where they left off" in gate.note.text()
    assert window.saver is not None
    with pytest.raises(VaultError, match="locked"):
        window.saver(in_progress, None)

    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    assert window.context.vault is not None and window.form.isVisible()
    assert window.form.draft() == in_progress
    # The keys work at once, on the question in hand before the lock (the window's focus widget: the
    # dialog that was open has just closed, so offscreen no window is active).
    assert window.focusWidget() is window.form.rows["alcohol.more_than_4"].focus_target()
    actions = [row[0] for row in window.context.vault.conn.execute("SELECT action FROM audit ORDER BY id")]
    assert actions[-2:] == ["lock", "sign_in"]


def test_lock_now_says_it_was_locked_not_that_it_went_quiet(qtbot: QtBot, vault_dir: Path) -> None:
    window = open_window(qtbot, vault_dir, minutes=5)
    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    window.vault_feature.lock_action.trigger()
    gate = window.centralWidget()
    assert isinstance(gate, SignInScreen) and window.context.vault is None
    assert gate.note.text().startswith("Locked. ") and "quiet" not in gate.note.text()
    assert "If someone else signs in, the screening on screen is cleared." in gate.note.text()


def test_a_lock_or_sign_out_takes_a_copied_identifier_off_the_clipboard(qtbot: QtBot, vault_dir: Path) -> None:
    """Before, an NHS number copied from the form stayed on the clipboard for the next person to paste after a
    lock or sign-out. Something copied since in another program is left alone."""
    window = open_window(qtbot, vault_dir, minutes=5)
    clipboard = QApplication.clipboard()

    def copy_identifier() -> None:
        patient = window.form.patient
        patient.kind.setCurrentIndex(patient.kind.findData("nhs_number"))
        field = patient.identifier.edit
        field.setFocus()
        field.setText("")
        qtbot.keyClicks(field, "943 476 5919")
        field.selectAll()
        qtbot.keyClick(field, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
        assert clipboard.text() == "943 476 5919"

    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    copy_identifier()
    window.vault_feature.lock()  # type: ignore[attr-defined]
    assert clipboard.text() == ""

    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    copy_identifier()
    window.vault_feature.sign_out(ask=False)  # type: ignore[attr-defined]
    assert clipboard.text() == ""

    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    copy_identifier()
    window.hide()  # another program has the focus when it copies
    clipboard.setText("ward 7 handover")
    window.vault_feature.lock()  # type: ignore[attr-defined]
    assert clipboard.text() == "ward 7 handover"


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[None]:
    apply_style(qapp)
    apply_stylesheet(qapp)  # the theme's fonts, which set how wide the form must be
    yield
    qapp.setStyleSheet("")


def test_a_lock_hides_the_one_column_and_a_window_widened_meanwhile_comes_back_in_two(
    qtbot: QtBot, vault_dir: Path, themed: None
) -> None:
    # On a narrow window the result panel scrolls under the form (ui/columns.py): a lock hides it all the same.
    window = open_window(qtbot, vault_dir, minutes=5)
    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    window.resize(683, 470)  # 1024x768 at 150 %
    qtbot.waitUntil(lambda: window.width() == 683 and window.columns.one_column)
    in_progress = replace(window.form.draft(), answers=answers(**{"alcohol.use": "yes"}), identifier="RX-4471",
                          identifier_kind="local_number")
    window.form.set_draft(in_progress)
    assert window.form_scroll.widget().isAncestorOf(window.result_panel) and window.result_panel.isVisible()

    window.vault_feature.lock()  # type: ignore[attr-defined]
    assert isinstance(window.centralWidget(), SignInScreen)
    assert not window.form.isVisible() and not window.result_panel.isVisible()
    window.resize(1320, 860)  # widened while locked
    qtbot.waitUntil(lambda: window.width() == 1320)

    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    qtbot.waitUntil(lambda: not window.columns.one_column)
    assert window.result_scroll.widget() is window.result_panel and window.result_panel.isVisible()
    assert window.form.draft() == in_progress


def test_activity_postpones_the_lock(qtbot: QtBot, vault_dir: Path) -> None:
    window = open_window(qtbot, vault_dir, minutes=0.02)  # 1.2 s
    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    for _ in range(8):
        qtbot.wait(250)
        qtbot.keyClick(window.form, Qt.Key.Key_Shift)
    assert window.context.vault is not None
    qtbot.waitUntil(lambda: window.context.vault is None, timeout=5000)


def test_another_user_unlocking_does_not_see_the_last_screening(qtbot: QtBot, vault_dir: Path) -> None:
    window = open_window(qtbot, vault_dir, minutes=QUIET_MINUTES)
    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    window.form.set_draft(replace(window.form.draft(), answers=answers(), identifier_kind="local_number",
                                  identifier="RX-4471"))
    qtbot.waitUntil(lambda: window.context.vault is None, timeout=5000)
    window.vault_feature.idle.disarm()
    gate = window.centralWidget()
    gate.name.setText("bob")
    gate.password.setText("bob-temporary")
    from test_unlock import finish_vault_calls, when_modal

    when_modal(qtbot, lambda dialog: (dialog.current.setText("bob-temporary"), dialog.new.setText("bobs-password1"),
                                      dialog.confirm.setText("bobs-password1"), dialog.change()))
    gate.button.click()
    finish_vault_calls()
    assert window.context.vault.user.name == "bob"
    assert window.form.draft().identifier == "" and window.form.draft().answers == {}


def test_closing_the_window_signs_out(qtbot: QtBot, vault_dir: Path) -> None:
    from vault_support import cost

    from app.vault.session import sign_in

    window = open_window(qtbot, vault_dir)
    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    session = window.context.vault
    window.close()  # signs out on the worker, then closes
    qtbot.waitUntil(lambda: not window.isVisible())
    assert window.context.vault is None and session.conn is None and set(session.master_key) == {0}
    check = sign_in(vault_dir, ADMIN, ADMIN_PASSWORD, cost())
    actions = [row[0] for row in check.conn.execute("SELECT action FROM audit ORDER BY id")]
    check.close()
    assert actions[-2:] == ["sign_out", "sign_in"]  # the quit was recorded, then this check's sign-in


def test_closing_while_locked_says_whose_unsaved_screening_would_be_lost(qtbot: QtBot, vault_dir: Path) -> None:
    """Before, the question spoke of "the answers on screen" while the lock screen showed none."""
    window = open_window(qtbot, vault_dir, minutes=5)
    window.ask_before_discarding = True
    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    window.form.set_draft(replace(window.form.draft(), answers=answers(**{"alcohol.use": "yes"})))
    window.vault_feature.lock()  # type: ignore[attr-defined]
    asked: list[str] = []
    when_modal(qtbot, note_and_press(asked, QMessageBox.StandardButton.No))
    window.close()
    qtbot.waitUntil(lambda: asked != [])
    assert f"{ADMIN}'s screening, hidden while Signpost is locked, has not been saved" in asked[0]
    assert "on screen" not in asked[0]
    assert window.isVisible()
    window.ask_before_discarding = False


def test_the_discard_question_does_not_answer_to_y(
    qtbot: QtBot, vault_dir: Path
) -> None:
    # Y answers a question Yes, and a Y pressed once too often said Yes to clearing the answers.
    window = open_window(qtbot, vault_dir, minutes=5)
    window.ask_before_discarding = True
    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    window.form.set_draft(replace(window.form.draft(), answers=answers(**{"alcohol.use": "yes"})))
    window.vault_feature.lock()  # type: ignore[attr-defined]
    seen: list[list[str]] = []

    def press_y_then_keep() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, press_y_then_keep)
            return
        seen.append([b.text() for b in box.buttons()])
        QTest.keyClick(box, Qt.Key.Key_Y)
        if box.isVisible():
            box.button(QMessageBox.StandardButton.No).click()

    QTimer.singleShot(20, press_y_then_keep)
    window.close()
    qtbot.waitUntil(lambda: seen != [])
    assert sorted(seen[0]) == ["&Discard them", "&Keep them"]
    assert window.isVisible() and window.form.draft().answers == answers(**{"alcohol.use": "yes"})
    window.ask_before_discarding = False


def test_a_wrong_password_under_the_locked_users_name_says_to_type_your_own_name(
    qtbot: QtBot, vault_dir: Path
) -> None:
    """The lock screen fills in the locked user's name and puts the cursor in Password: a colleague typing only
    their own password made failed attempts for that user, who then had to wait, and was not told why."""
    window = open_window(qtbot, vault_dir, minutes=5)
    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    window.vault_feature.lock()  # type: ignore[attr-defined]
    gate = window.centralWidget()
    assert isinstance(gate, SignInScreen) and gate.name.text() == ADMIN
    gate.password.setText("bob's own password")
    gate.button.click()
    qtbot.waitUntil(lambda: gate.message.text() != "")
    assert gate.message.text().endswith(f"If you are not {ADMIN}, type your own name first.")
    qtbot.waitUntil(gate.button.isEnabled, timeout=5000)
    gate.name.setText("bob")
    gate.password.setText("not bob's password")
    gate.button.click()
    qtbot.waitUntil(lambda: "not right" in gate.message.text() and "type your own name" not in gate.message.text())


def test_menus_look_unavailable_while_locked(qtbot: QtBot, vault_dir: Path, qapp: QApplication) -> None:
    from PySide6.QtGui import QColor

    from ui.theme import apply_style, apply_stylesheet

    def darkest_menu_text(window: MainWindow, name: str) -> int:
        bar = window.menuBar()
        image = bar.grab(bar.actionGeometry(window.menu(name).menuAction())).toImage()
        return min(QColor(image.pixel(x, y)).lightness() for x in range(image.width()) for y in range(image.height()))

    apply_style(qapp)
    apply_stylesheet(qapp)
    try:
        window = open_window(qtbot, vault_dir, minutes=5)
        sign_in_through(window, ADMIN, ADMIN_PASSWORD)
        assert available_menus(window) == ["File", "Admin", "Help"] and darkest_menu_text(window, "File") < 80
        window.vault_feature.lock()
        assert available_menus(window) == ["Help"]
        assert darkest_menu_text(window, "File") > 100, "disabled menus are drawn as dark as available ones"
        assert darkest_menu_text(window, "Help") < 80
    finally:
        qapp.setStyleSheet("")


def test_cancelling_a_required_password_change_at_unlock_keeps_your_own_answers(
    qtbot: QtBot, vault_dir: Path
) -> None:
    from test_unlock import when_modal

    from app.config import load_config
    from app.vault.session import sign_in

    window = open_window(qtbot, vault_dir, minutes=5)
    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    work = replace(window.form.draft(), answers=answers(**{"alcohol.use": "yes"}), identifier_kind="local_number",
                   identifier="RX-4471")
    window.form.set_draft(work)
    window.vault_feature.lock()
    # Meanwhile another administrator gives this account a temporary password (e.g. it was forgotten).
    other = sign_in(vault_dir, ADMIN, ADMIN_PASSWORD, load_config().argon2, daily_backup=False)
    users.add_user(other, "second.admin", "admin", "second-temporary")
    other.close()
    second = sign_in(vault_dir, "second.admin", "second-temporary", load_config().argon2, daily_backup=False)
    users.change_own_password(second, "second-temporary", "second-admin-pass-9")
    users.reset_password(second, ADMIN, "admin-temporary-1")
    second.close()

    when_modal(qtbot, lambda dialog: dialog.reject())  # the required change, cancelled
    sign_in_through(window, ADMIN, "admin-temporary-1")
    gate = window.centralWidget()
    assert isinstance(gate, SignInScreen) and window.context.vault is None
    assert gate.note.text().startswith("Locked: a temporary password must be replaced")
    assert window.form.draft() == work  # kept for when they sign in again


def test_the_recovery_key_page_hides_the_key_after_a_quiet_spell(qtbot: QtBot, data_dir: Path) -> None:
    from test_unlock import finish_vault_calls

    window = open_window(qtbot, data_dir, minutes=QUIET_MINUTES)
    setup = start_set_up(window)
    finish_vault_calls()
    shown = setup.key.text()
    try:
        assert shown and window.vault_feature.idle.armed
        QApplication.clipboard().setText(shown)  # copied to paste into the IT password safe, say

        qtbot.waitUntil(lambda: not setup.relock_note.isHidden(), timeout=5000)
        assert setup.key.text() == "" and setup.key.isHidden() and setup.continue_button.isHidden()
        assert QApplication.clipboard().text() == ""  # not left there for the next person either
        setup.stored.setChecked(True)
        setup._continue()  # Enter on the hidden tick box, say: barred while the key is hidden
        assert window.context.vault is None and window.centralWidget() is setup

        setup.relock_password.setText("not the password")
        setup.relock_button.click()
        finish_vault_calls()
        assert "not the password of the administrator" in setup.relock_message.text() and setup.key.isHidden()
        setup.relock_password.setText(ADMIN_PASSWORD)
        setup.relock_button.click()
        finish_vault_calls()
        assert setup.key.text() == shown and setup.relock_note.isHidden() and window.vault_feature.idle.armed
        window.vault_feature.idle.disarm()
        setup.stored.setChecked(True)
        setup.continue_button.click()
        assert window.context.vault is not None and window.context.vault.user.name == ADMIN
        window.vault_feature.sign_out(ask=False)
    finally:
        if shiboken6.isValid(setup):
            setup.stored.setChecked(True)  # a test failing here must not leave the close question up


def test_a_password_typed_on_the_lock_screen_and_never_submitted_is_cleared_after_a_quiet_spell(
    qtbot: QtBot, vault_dir: Path
) -> None:
    """It stayed there: whoever came next pressed Enter and was signed in as that person, their patient's
    screening on screen."""
    window = open_window(qtbot, vault_dir, minutes=QUIET_MINUTES)
    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    window.form.set_draft(replace(window.form.draft(), answers=answers()))
    window.vault_feature.lock()
    gate = window.centralWidget()
    assert isinstance(gate, SignInScreen) and window.vault_feature.idle.armed
    gate.password.setText(ADMIN_PASSWORD)  # then called away
    qtbot.waitUntil(lambda: gate.password.text() == "", timeout=5000)
    assert gate.name.text() == ADMIN and window.context.vault is None  # the name stays: it says whose work it is
    gate.password.setText("typed again later")
    qtbot.waitUntil(lambda: gate.password.text() == "", timeout=5000)  # every quiet spell, not the first only
    window.vault_feature.idle.disarm()


def test_ctrl_l_locks_from_inside_a_dialog_too(qtbot: QtBot, vault_dir: Path) -> None:
    """The window's Lock shortcut does not reach past a dialog: someone called away had to close it first."""
    from test_unlock import finish_vault_calls

    window = open_window(qtbot, vault_dir)
    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    seen: list[object] = []

    def press_lock(dialog: QDialog) -> None:
        seen.append(dialog)
        qtbot.keyClick(dialog, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)

    when_modal(qtbot, press_lock)
    window.vault_feature.users_action.trigger()  # returns once the lock has closed it
    finish_vault_calls()
    assert seen and window.context.vault is None and isinstance(window.centralWidget(), SignInScreen)
    assert QApplication.activeModalWidget() is None
    assert window.centralWidget().note.text().startswith("Locked.")
    window.vault_feature.idle.disarm()


def test_the_lock_screen_says_why_it_is_there_to_a_screen_reader(
    qtbot: QtBot, vault_dir: Path, announcements: list[tuple[object, str]]
) -> None:
    """The note ("Locked. … If someone else signs in, the screening on screen is cleared.") was only seen: focus
    went to the password and nothing was said."""
    window = open_window(qtbot, vault_dir)
    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    announcements.clear()
    window.vault_feature.lock()
    gate = window.centralWidget()
    assert isinstance(gate, SignInScreen)
    note = gate.note.text()
    assert note.startswith("Locked.") and "If someone else signs in, the screening on screen is cleared." in note
    assert (gate, note) in announcements
    assert gate.password.accessibleDescription() == note and gate.name.accessibleDescription() == note
    window.vault_feature.idle.disarm()
