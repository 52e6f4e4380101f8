"""The window of a copy left open while the vault changes under it: replaced, account disabled, busy, folder missing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from pytestqt.qtbot import QtBot
from test_unlock import finish_vault_calls, note_and_press, open_window, sign_in_through, when_modal
from vault_support import (
    ADMIN,
    ADMIN_PASSWORD,
    another_copy_writing,
    answers,
    cost,
    disable_elsewhere,
    draft,
    new_vault,
)

from app.records.screenings import list_screenings, save_screening
from app.vault import users
from app.vault.backup import restore_backup, write_backup
from app.vault.errors import VaultError
from app.vault.session import sign_in
from ui.main_window import MainWindow
from ui.unlock import ChangePasswordDialog, MissingFolderScreen, SetupScreen, SignInScreen

pytestmark = [pytest.mark.gui]

NURSE, NURSE_PASSWORD = "nurse", "kettle-Orbit-7"
ANSWERS = answers(**{"alcohol.use": "yes", "alcohol.more_than_4": "yes", "alcohol.failed_to_control": "no",
                     "alcohol.concern": "no"})


@pytest.fixture
def ward(data_dir: Path) -> Path:
    """A vault with an administrator and a practitioner (nurse) who has chosen her password."""
    admin, _ = new_vault(data_dir)
    users.add_user(admin, NURSE, "practitioner", "temporary-pass-1")
    nurse = sign_in(data_dir, NURSE, "temporary-pass-1", cost(), daily_backup=False)
    users.change_own_password(nurse, "temporary-pass-1", NURSE_PASSWORD)
    nurse.close()
    admin.close()
    return data_dir


def nurse_with_answers(qtbot: QtBot, data_dir: Path) -> MainWindow:
    window = open_window(qtbot, data_dir)
    sign_in_through(window, NURSE, NURSE_PASSWORD)
    assert window.context.vault is not None and window.context.vault.user.name == NURSE
    window.form.set_draft(draft(answers=ANSWERS))
    return window


def nurse_kept_waiting(qtbot: QtBot, data_dir: Path) -> tuple[MainWindow, Any]:
    """``nurse_with_answers`` and her session; a lock or sign-out tries a busy vault for 0.3 s, not 15."""
    window = nurse_with_answers(qtbot, data_dir)
    window.vault_feature.audit_patience = 0.3  # type: ignore[attr-defined]
    return window, window.context.vault


def saved_refs(data_dir: Path) -> list[str]:
    admin = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    try:
        return [summary.ref for summary in list_screenings(admin)]
    finally:
        admin.close()


def back_with_the_temporary_password_and_save(qtbot: QtBot, window: MainWindow, data_dir: Path) -> None:
    """The nurse signs in with the temporary password "temporary-pass-2", replaces it, finds the answers that waited
    behind the lock, and saves them; then signs out."""

    def change(dialog: QDialog) -> None:
        assert isinstance(dialog, ChangePasswordDialog)
        dialog.current.setText("temporary-pass-2")
        dialog.new.setText("kettle-Orbit-8")
        dialog.confirm.setText("kettle-Orbit-8")
        dialog.change()

    when_modal(qtbot, change)
    sign_in_through(window, NURSE, "temporary-pass-2")
    assert window.current_draft().answers == ANSWERS
    window.save()
    assert saved_refs(data_dir) == [window.saved_reference]
    window.vault_feature.sign_out(ask=False)


def test_save_in_a_copy_open_during_a_restore_is_refused_and_the_copy_locks_keeping_the_answers(
    qtbot: QtBot, ward: Path, tmp_path: Path
) -> None:
    window = nurse_with_answers(qtbot, ward)
    admin = sign_in(ward, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    write_backup(admin, tmp_path / "b1.spbackup")
    admin.close()
    restore_backup(ward, tmp_path / "b1.spbackup", ADMIN, ADMIN_PASSWORD, force=True)

    window.save()
    status = window.status.text()
    assert status.startswith("Not saved: the vault in") and "replaced while you were signed in" in status
    assert "Sign in again" in status and "Nothing has been lost" in status
    qtbot.waitUntil(lambda: isinstance(window.centralWidget(), SignInScreen))
    gate = window.centralWidget()
    assert "the vault was replaced while you were signed in" in gate.note.text()
    assert "After a new key, sign in with the temporary password from your administrator." in gate.note.text()
    assert "nurse can sign in to carry on where they left off" in gate.note.text()
    assert window.context.vault is None and saved_refs(ward) == []

    sign_in_through(window, NURSE, NURSE_PASSWORD)
    assert window.current_draft().answers == ANSWERS  # the answers waited behind the lock
    assert not window.status.text().startswith("Not saved")  # the fault's line went with the fault
    window.save()
    assert window.status.text().startswith("Saved. Record reference: ")
    assert saved_refs(ward) == [window.saved_reference]
    window.vault_feature.sign_out(ask=False)


def test_a_password_reset_elsewhere_locks_the_copy_keeping_the_answers_for_the_temporary_password(
    qtbot: QtBot, ward: Path
) -> None:
    window = nurse_with_answers(qtbot, ward)
    admin = sign_in(ward, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    users.reset_password(admin, NURSE, "temporary-pass-2")
    admin.close()

    window.save()
    qtbot.waitUntil(lambda: isinstance(window.centralWidget(), SignInScreen))
    note = window.centralWidget().note.text()
    assert note.startswith("Locked: The password of the account 'nurse' has been changed or reset since it signed in")
    assert window.context.vault is None and saved_refs(ward) == []

    back_with_the_temporary_password_and_save(qtbot, window, ward)


def test_a_disabled_account_with_an_unsaved_screening_locks_keeping_it_until_enabled_again(
    qtbot: QtBot, ward: Path
) -> None:
    """Signed out, the practitioner's finished but unsaved screening was thrown away at the press of Save."""
    window = nurse_with_answers(qtbot, ward)
    disable_elsewhere(ward, NURSE)

    window.save()
    assert "'nurse' has been disabled by an administrator" in window.status.text()
    qtbot.waitUntil(lambda: isinstance(window.centralWidget(), SignInScreen))
    note = window.centralWidget().note.text()
    assert note.startswith("Locked: the account 'nurse' has been disabled by an administrator, and the screening")
    assert "an administrator enables the account again from another computer (Admin ▸ Users, Reset password)" in note
    assert "nurse can sign in to carry on" not in note  # not while the account is disabled
    assert window.context.vault is None and saved_refs(ward) == []

    admin = sign_in(ward, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    users.reset_password(admin, NURSE, "temporary-pass-2")  # enables it again
    admin.close()

    back_with_the_temporary_password_and_save(qtbot, window, ward)


def test_a_disabled_account_with_nothing_unsaved_is_signed_out_with_a_note_saying_so(
    qtbot: QtBot, ward: Path
) -> None:
    window = open_window(qtbot, ward)
    sign_in_through(window, NURSE, NURSE_PASSWORD)
    disable_elsewhere(ward, NURSE)
    with pytest.raises(VaultError):
        window.context.vault.check_usable()
    qtbot.waitUntil(lambda: isinstance(window.centralWidget(), SignInScreen))
    note = window.centralWidget().note.text()
    assert note == ("Signed out: the account 'nurse' has been disabled by an administrator. Ask an administrator if "
                    "this is a mistake.")
    assert window.context.vault is None and window.locked_for == ""


def test_a_disabled_account_changing_its_password_is_told_so_and_signed_out(qtbot: QtBot, ward: Path) -> None:
    window = nurse_with_answers(qtbot, ward)
    disable_elsewhere(ward, NURSE)
    seen: list[str] = []

    def change(dialog: object) -> None:
        assert isinstance(dialog, ChangePasswordDialog)
        dialog.current.setText(NURSE_PASSWORD)
        dialog.new.setText("a new pass phrase")
        dialog.confirm.setText("a new pass phrase")
        dialog.change()  # on the worker; refused there
        QTimer.singleShot(3000, dialog, dialog.reject)  # never left open, even if the sign-out does not come

        def read_message() -> None:
            if dialog.working.active:
                QTimer.singleShot(5, read_message)
            else:
                seen.append(dialog.message.text())

        read_message()

    when_modal(qtbot, change)
    assert not window.vault_feature.change_password(required=False)  # returns once the sign-out closed it
    finish_vault_calls()
    assert any("has been disabled by an administrator" in text for text in seen)
    assert not any("not right" in text for text in seen)
    qtbot.waitUntil(lambda: isinstance(window.centralWidget(), SignInScreen))
    assert "'nurse' has been disabled" in window.centralWidget().note.text()
    assert window.context.vault is None


def test_a_busy_vault_says_try_again_and_keeps_the_answers_not_the_fault_dialog(qtbot: QtBot, ward: Path) -> None:
    window = nurse_with_answers(qtbot, ward)
    session = window.context.vault
    assert session is not None
    with another_copy_writing(session):
        window.save()
    status = window.status.text()
    assert status.startswith("Not saved: the vault is busy") and "Try again in a moment" in status
    assert status.endswith("Nothing has been lost: the answers stay on screen.")
    assert not any(isinstance(w, QMessageBox) and w.isVisible() for w in QApplication.topLevelWidgets())
    assert window.context.vault is session and window.current_draft().answers == ANSWERS
    window.save()  # trying again once the other copy is done
    assert window.status.text().startswith("Saved. Record reference: ")
    window.vault_feature.sign_out(ask=False)


def test_locking_while_another_copy_writes_hides_the_screen_and_records_the_lock_late(qtbot: QtBot, ward: Path) -> None:
    from app.records import audit

    window, session = nurse_kept_waiting(qtbot, ward)
    with another_copy_writing(session):  # for longer than the lock keeps trying
        window.vault_feature.lock()
        assert isinstance(window.centralWidget(), SignInScreen) and not window.form.isVisible()
        finish_vault_calls()
    pending = window.centralWidget().pending.text()
    # Signed in before asserting: a failure must not leave the entry pending, or closing the window would ask.
    sign_in_through(window, NURSE, NURSE_PASSWORD)
    assert pending == (
        "An audit entry (a lock or sign-out) has not been written yet: the vault could not take it (another copy of "
        "Signpost held it, or it was out of reach). It is written when anyone signs in here. If Signpost is closed "
        "first, it is lost."
    )
    assert window.current_draft().answers == ANSWERS
    entries = audit.entries(window.context.vault.conn, limit=3)
    late = [e for e in entries if e.action == audit.LOCK]
    assert late and late[0].actor == NURSE and late[0].detail.startswith("recorded late: at ")
    window.vault_feature.sign_out(ask=False)
    finish_vault_calls()
    assert window.centralWidget().pending.isHidden()  # written: nothing pending any more


def test_a_lock_while_another_copy_writes_briefly_is_recorded_on_time(qtbot: QtBot, ward: Path) -> None:
    from test_vault_late_audit import another_copy_writing_for

    from app.records import audit

    window = nurse_with_answers(qtbot, ward)
    session = window.context.vault
    assert session is not None
    with another_copy_writing_for(session, 0.4):  # longer than one try waits, shorter than the lock keeps trying
        window.vault_feature.lock()
        assert isinstance(window.centralWidget(), SignInScreen)  # at once: the tries run on the worker
        finish_vault_calls()
    pending = window.centralWidget().pending.text()
    sign_in_through(window, NURSE, NURSE_PASSWORD)
    assert pending == ""
    lock = next(e for e in audit.entries(window.context.vault.conn, limit=3) if e.action == audit.LOCK)
    assert (lock.actor, lock.detail) == (NURSE, "")  # within a second of the lock: its own time is right
    window.vault_feature.sign_out(ask=False)


def test_closing_from_the_sign_in_screen_with_an_audit_entry_pending_asks_first(qtbot: QtBot, ward: Path) -> None:
    window, session = nurse_kept_waiting(qtbot, ward)
    asked: list[str] = []

    with another_copy_writing(session):
        window.vault_feature.sign_out(ask=False)
        when_modal(qtbot, note_and_press(asked, QMessageBox.StandardButton.No))
        assert not window.close()  # not yet: it waits for the sign-out's tries, then asks
        qtbot.waitUntil(lambda: bool(asked), timeout=15_000)
        assert window.isVisible() and isinstance(window.centralWidget(), SignInScreen)
        assert asked[0].startswith("An audit entry (a lock or sign-out) has not been written")
        assert asked[0].endswith("If Signpost is closed now, it is lost. Close anyway?")

        when_modal(qtbot, note_and_press(asked, QMessageBox.StandardButton.Yes))
        assert not window.close()
        qtbot.waitUntil(lambda: not window.isVisible())  # closed once answered
    assert len(asked) == 2


def test_a_configured_vault_folder_that_is_missing_is_not_offered_set_up(qtbot: QtBot, tmp_path: Path) -> None:
    share = tmp_path / "share" / "signpost"  # e.g. a network drive not connected
    window = open_window(qtbot, share)
    gate = window.centralWidget()
    assert isinstance(gate, MissingFolderScreen)
    message = gate.message.text()
    assert str(share) in message and "cannot be found" in message and "contact IT" in message
    assert not share.exists()

    share.mkdir(parents=True)  # connected, and empty: a first run here is meant
    gate.retry.click()
    assert isinstance(window.centralWidget(), SetupScreen)


def test_a_configured_vault_folder_that_comes_back_offers_sign_in(qtbot: QtBot, tmp_path: Path) -> None:
    share = tmp_path / "share" / "signpost"
    window = open_window(qtbot, share)
    assert isinstance(window.centralWidget(), MissingFolderScreen)
    share.parent.mkdir()  # the drive is back, with its vault
    session, _ = new_vault(share)
    save_screening(session, draft())
    session.close()
    window.centralWidget().retry.click()
    assert isinstance(window.centralWidget(), SignInScreen)
    finish_vault_calls()


def test_closing_while_signed_in_and_the_vault_busy_hides_the_screen_says_why_it_waits_and_asks(
    qtbot: QtBot, ward: Path
) -> None:
    window, session = nurse_kept_waiting(qtbot, ward)
    seen: list[tuple[bool, str]] = []  # (the form visible, the sign-in screen's message) when asked
    closed_again: list[bool] = []  # (closed by a second close, question and window still shown)

    def answer_no(box: QDialog) -> None:
        gate = window.centralWidget()
        seen.append((window.form.isVisible(), gate.message.text() if isinstance(gate, SignInScreen) else ""))
        assert isinstance(box, QMessageBox)
        try:
            closed_again.append(window.close())  # the title bar's X while asked: the question stays, and decides
            closed_again.append(box.isVisible() and window.isVisible())
        finally:
            box.button(QMessageBox.StandardButton.No).click()

    waiting: list[str] = []
    gate_says = SignInScreen.set_waiting

    def note_waiting(gate: SignInScreen, text: str) -> None:
        waiting.extend([text] if text else [])
        gate_says(gate, text)

    try:
        with another_copy_writing(session), pytest.MonkeyPatch.context() as patch:
            patch.setattr(SignInScreen, "set_waiting", note_waiting)
            when_modal(qtbot, answer_no)
            assert not window.close()  # not yet: it signs out, waits and asks first
            qtbot.waitUntil(lambda: bool(seen), timeout=15_000)
        assert closed_again == [False, True]
        assert seen and seen[0][0] is False  # no patient's details on screen while it waited
        assert seen[0][1] == ""  # "Closing: …" was said while waiting (below), not left over the question
        assert waiting and waiting[0].startswith("Closing: recording the sign-out or lock in the vault first.")
        assert window.context.vault is None and isinstance(window.centralWidget(), SignInScreen)
        assert window.centralWidget().pending.isVisible()  # the sign-out is kept for the next sign-in
        sign_in_through(window, NURSE, NURSE_PASSWORD)  # written now: closing needs no question
        window.vault_feature.sign_out(ask=False)
        finish_vault_calls()
    finally:
        # Whatever failed above, closing the window after the test must not ask again with nobody to answer
        # (in one full run, a failure here left the question to the teardown, which aborted the whole run).
        window.vault_feature._late_audit.clear()  # type: ignore[attr-defined]
