"""Sign-in, set-up and password change run on a worker thread: the window keeps working meanwhile.

The vault here is made with a higher Argon2id cost (through the machine config) so each call lasts
long enough (a few hundred milliseconds) to look at the window while it runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT, TEST_CONFIG
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from pytestqt.qtbot import QtBot
from test_unlock import finish_vault_calls, open_window, sign_in_through, start_set_up
from vault_support import ADMIN, ADMIN_PASSWORD, answers, cost, new_vault

from app.errors import SignpostError, sentence
from app.vault import users
from app.vault.session import sign_in
from ui.unlock import ChangePasswordDialog, SignInScreen
from ui.vault_worker import unsettled_calls

pytestmark = [pytest.mark.gui]

# About 0.2 s per key derivation on the 2-core build machine (the test default is a few milliseconds).
SLOW_COST = """\
argon2_time_cost = 4
argon2_memory_kib = 65536
"""


@pytest.fixture
def slow_cost(machine_config: Path) -> None:
    machine_config.write_text(
        TEST_CONFIG.replace("argon2_time_cost = 1\nargon2_memory_kib = 8192\n", SLOW_COST), encoding="utf-8"
    )
    assert cost().memory_kib == 65536


@pytest.fixture
def slow_vault(slow_cost: None, data_dir: Path) -> Path:
    new_vault(data_dir)[0].close()
    return data_dir


def audit_actions(data_dir: Path) -> list[str]:
    """The audit trail as a fresh sign-in sees it (its own sign-in last)."""
    check = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost())
    try:
        return [row[0] for row in check.conn.execute("SELECT action FROM audit ORDER BY id")]
    finally:
        check.close()


def start_sign_in(gate: SignInScreen, name: str = ADMIN, password: str = ADMIN_PASSWORD) -> None:
    gate.name.setText(name)
    gate.password.setText(password)
    gate.button.click()


def is_working(gate: SignInScreen) -> bool:
    """The working state: inputs disabled, the status line shown, the wait cursor."""
    cursor = QApplication.overrideCursor()
    inputs = (gate.name, gate.password, gate.button)
    return (gate.working.active and not gate.status.isHidden() and not any(w.isEnabled() for w in inputs)
            and cursor is not None and cursor.shape() == Qt.CursorShape.WaitCursor)


def test_the_event_loop_runs_while_the_worker_signs_in(qtbot: QtBot, slow_vault: Path) -> None:
    window = open_window(qtbot, slow_vault)
    gate = window.centralWidget()
    assert isinstance(gate, SignInScreen)
    during: list[bool] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: during.append(gate.working.active))
    timer.start()
    start_sign_in(gate)
    assert is_working(gate)
    assert gate.status.text().startswith("Signing in…") and "backs up the vault" in gate.status.text()
    finish_vault_calls()
    timer.stop()
    assert during.count(True) >= 5, f"the timer fired {during.count(True)} times during the sign-in"
    assert window.context.vault is not None and window.form.isVisible()
    assert QApplication.overrideCursor() is None

    window.vault_feature.sign_out(ask=False)
    gate = window.centralWidget()
    start_sign_in(gate)
    assert gate.status.text() == "Signing in…"  # today's backup is made: nothing more to wait for
    finish_vault_calls()
    assert window.context.vault is not None


def test_unlocking_after_the_idle_lock_runs_on_the_worker_and_keeps_the_screening(qtbot: QtBot,
                                                                                  slow_vault: Path) -> None:
    window = open_window(qtbot, slow_vault, minutes=0.01)
    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    in_progress = replace(window.form.draft(), answers=answers(**{"alcohol.use": "yes"}), setting="ed")
    window.form.set_draft(in_progress)
    qtbot.waitUntil(lambda: window.context.vault is None, timeout=5000)
    gate = window.centralWidget()
    assert isinstance(gate, SignInScreen) and gate.name.text() == ADMIN
    gate.password.setText(ADMIN_PASSWORD)
    qtbot.keyClick(gate.password, Qt.Key.Key_Return)
    assert is_working(gate) and gate.status.text() == "Signing in…"
    finish_vault_calls()
    assert window.context.vault is not None and window.form.draft() == in_progress


def test_enter_and_the_button_pressed_again_start_no_second_sign_in(qtbot: QtBot, slow_vault: Path) -> None:
    window = open_window(qtbot, slow_vault)
    gate = window.centralWidget()
    gate.name.setText(ADMIN)
    gate.password.setText(ADMIN_PASSWORD)
    qtbot.keyClick(gate.password, Qt.Key.Key_Return)
    qtbot.keyClick(gate.password, Qt.Key.Key_Return)
    gate.button.click()
    gate.submit()
    assert unsettled_calls() == 1
    finish_vault_calls()
    session = window.context.vault
    actions = [row[0] for row in session.conn.execute("SELECT action FROM audit ORDER BY id")]
    assert actions.count("sign_in") == 2  # set-up's and this one
    window.vault_feature.sign_out(ask=False)


def test_closing_the_window_during_sign_in_signs_the_new_session_out(qtbot: QtBot, slow_vault: Path) -> None:
    window = open_window(qtbot, slow_vault)
    gate = window.centralWidget()
    start_sign_in(gate)
    assert is_working(gate)
    window.close()
    assert QApplication.overrideCursor() is None
    finish_vault_calls()
    assert window.context.vault is None and window.centralWidget() is gate and not window.form.isVisible()
    # The sign-in completed on the worker; nobody took the session, so it was signed out at once.
    assert audit_actions(slow_vault)[-3:] == ["sign_in", "sign_out", "sign_in"]


def test_the_window_stays_open_while_set_up_makes_the_vault_and_asks_before_losing_the_key(
    qtbot: QtBot, slow_cost: None, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window(qtbot, data_dir)
    setup = start_set_up(window)
    assert setup.working.active and setup.status.text() == "Creating the vault…"
    assert not setup.name.isEnabled() and not setup.create_button.isEnabled()
    assert not window.close() and window.isVisible()  # the recovery key comes next, shown once
    finish_vault_calls()
    assert setup.key.text() and window.context.vault is None  # not signed in until the key is stored

    asked: list[str] = []

    def answer(reply: QMessageBox.StandardButton) -> None:
        def warning(_parent: object, _title: str, text: str, *_args: object) -> QMessageBox.StandardButton:
            asked.append(text)
            return reply

        monkeypatch.setattr(QMessageBox, "warning", warning)

    answer(QMessageBox.StandardButton.No)
    assert not window.close() and setup.key.text()
    assert "will not be shown again" in asked[-1]
    answer(QMessageBox.StandardButton.Yes)
    assert window.close()
    # The vault exists, but its administrator is not left signed in.
    assert audit_actions(data_dir)[:4] == ["vault_create", "user_add", "sign_in", "sign_out"]
    assert len(asked) == 2


def test_closing_on_the_recovery_key_page_once_it_is_stored_asks_nothing(
    qtbot: QtBot, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window(qtbot, data_dir)
    setup = start_set_up(window)
    finish_vault_calls()
    setup.stored.setChecked(True)
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: pytest.fail("asked although the key is stored"))
    assert window.close()
    assert audit_actions(data_dir)[:4] == ["vault_create", "user_add", "sign_in", "sign_out"]


def test_quitting_while_the_worker_signs_in_waits_for_it_and_signs_out(slow_vault: Path) -> None:
    script = textwrap.dedent(f"""
        from pathlib import Path
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        from app.config import load_config
        from ui.context import AppContext
        from ui.main_window import MainWindow
        from ui.vault_feature import install
        from ui.vault_worker import unsettled_calls

        app = QApplication([])
        window = MainWindow(AppContext(config=load_config(), demo=False, data_dir=Path({str(slow_vault)!r})))
        window.ask_before_discarding = False
        window.show()
        install(window)
        gate = window.centralWidget()
        gate.name.setText({ADMIN!r})
        gate.password.setText({ADMIN_PASSWORD!r})
        app.aboutToQuit.connect(lambda: print("running at quit:", unsettled_calls()))
        QTimer.singleShot(0, gate.button.click)
        QTimer.singleShot(40, app.quit)
        app.exec()
        print("running after:", unsettled_calls())
    """)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert "running at quit: 1" in done.stdout and "running after: 0" in done.stdout
    assert "QThread" not in done.stderr
    assert audit_actions(slow_vault)[-3:] == ["sign_in", "sign_out", "sign_in"]


def refusal(data_dir: Path, name: str) -> str:
    """What a sign-in refused by the vault says, asked directly (no window)."""
    with pytest.raises(SignpostError) as refused:
        sign_in(data_dir, name, ADMIN_PASSWORD, cost())
    return sentence(refused.value)


@pytest.mark.parametrize("fault", ["disabled account", "damaged key slots", "database missing"])
def test_a_refused_sign_in_says_what_it_did_before_and_gives_the_form_back(qtbot: QtBot, data_dir: Path,
                                                                           fault: str) -> None:
    admin, _ = new_vault(data_dir)
    users.add_user(admin, "nurse.kim", "practitioner", ADMIN_PASSWORD)
    users.disable_user(admin, "nurse.kim")
    admin.close()
    name = ADMIN
    if fault == "disabled account":
        name = "nurse.kim"
    elif fault == "damaged key slots":
        (data_dir / "keyslots.json").write_text("{ not json", encoding="utf-8")
    else:
        (data_dir / "signpost.db").unlink()
    expected = refusal(data_dir, name)
    window = open_window(qtbot, data_dir)
    gate = window.centralWidget()
    assert isinstance(gate, SignInScreen)
    start_sign_in(gate, name)
    finish_vault_calls()
    assert gate.message.text() == expected
    assert window.context.vault is None
    assert gate.name.isEnabled() and gate.password.isEnabled() and gate.button.isEnabled()
    assert gate.status.isHidden() and QApplication.overrideCursor() is None
    assert QApplication.focusWidget() is gate.password


def test_a_wrong_password_gives_the_form_back_with_the_password_field_focused(qtbot: QtBot, slow_vault: Path) -> None:
    window = open_window(qtbot, slow_vault)
    gate = window.centralWidget()
    start_sign_in(gate, password="not the password")
    assert is_working(gate)
    finish_vault_calls()
    assert gate.message.text().startswith("The user name or password is not right.")
    assert gate.name.isEnabled() and gate.password.isEnabled() and gate.button.isEnabled()
    assert QApplication.focusWidget() is gate.password and gate.password.text() == ""


def test_a_bug_in_the_worker_reaches_the_crash_report_and_the_form_comes_back(qtbot: QtBot, data_dir: Path) -> None:
    new_vault(data_dir)[0].close()
    window = open_window(qtbot, data_dir)
    gate = window.centralWidget()
    outcomes: list[object] = []

    def broken() -> None:
        raise RuntimeError("broken on purpose")

    with qtbot.captureExceptions() as raised:
        gate.working.run("Signing in…", broken, done=outcomes.append, refused=outcomes.append)
        finish_vault_calls()
    assert [str(error) for _kind, error, _tb in raised] == ["broken on purpose"]  # to sys.excepthook, as before
    assert outcomes == []
    assert gate.name.isEnabled() and gate.button.isEnabled() and gate.status.text() == ""
    assert QApplication.overrideCursor() is None


def test_the_password_change_finishes_before_the_dialog_can_close(qtbot: QtBot, slow_vault: Path) -> None:
    session = sign_in(slow_vault, ADMIN, ADMIN_PASSWORD, cost())
    dialog = ChangePasswordDialog(session, required=False)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.current.setText(ADMIN_PASSWORD)
    dialog.new.setText("kettle-orbit-77")
    dialog.confirm.setText("kettle-orbit-77")
    dialog.change()
    assert dialog.working.active and dialog.status.text() == "Changing your password…"
    assert not dialog.buttons.isEnabled() and not dialog.current.isEnabled()
    dialog.reject()  # Escape or Cancel while the new key slot is being written
    assert dialog.isVisible()
    finish_vault_calls()
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    session.close()
    sign_in(slow_vault, ADMIN, "kettle-orbit-77", cost()).close()


def test_the_lock_waits_for_a_password_change_under_way(qtbot: QtBot, slow_vault: Path) -> None:
    from test_unlock import when_modal

    window = open_window(qtbot, slow_vault)
    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    session = window.context.vault
    seen: list[object] = []

    def change_then_lock(dialog: QDialog) -> None:
        dialog.current.setText(ADMIN_PASSWORD)
        dialog.new.setText("kettle-orbit-77")
        dialog.confirm.setText("kettle-orbit-77")
        dialog.change()
        window.vault_feature.lock()  # e.g. the idle lock firing while the new key slot is written
        seen.append(window.context.vault)
        QTimer.singleShot(5000, dialog, lambda: dialog.done(0))  # a dialog stuck open fails instead of hanging

    when_modal(qtbot, change_then_lock)
    assert window.vault_feature.change_password(required=False)
    assert seen == [session]  # not locked (its database closed) under the worker's feet
    qtbot.waitUntil(lambda: window.context.vault is None)  # locked once the change was done
    qtbot.waitUntil(lambda: session.conn is None)  # the lock's audit entry is written on the worker, then it closes
    sign_in(slow_vault, ADMIN, "kettle-orbit-77", cost()).close()


def test_a_bug_in_a_call_nobody_waits_for_any_more_is_still_reported(qtbot: QtBot) -> None:
    # A sign-in given up (Cancel, a closed window) dropped whatever its call raised, a bug included.
    from ui.vault_worker import VaultCall

    seen: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.detailedText())
            box.accept()
        else:
            QTimer.singleShot(20, read_and_close)

    def broken() -> None:
        raise ZeroDivisionError("a mistake in the code")

    call = VaultCall(broken)
    call.abandon()
    QTimer.singleShot(20, read_and_close)
    call.start()
    qtbot.waitUntil(lambda: unsettled_calls() == 0 and bool(seen), timeout=10_000)
    assert "ZeroDivisionError: a mistake in the code" in seen[0]
