"""A form that saved a screening, then signs in again to a vault restored from an earlier backup, never claims
the answers are saved: it stores them again, as a new record or as the next version of the one restored."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from test_directory_vault import ADMIN, ANSWERS, PASSWORD, open_window_on_vault, sign_in_through
from test_unlock import finish_vault_calls, when_modal

from app.config import load_config
from app.records.screenings import get_screening, list_screenings
from app.vault.backup import restore_backup, write_backup
from app.vault.session import sign_in
from ui.main_window import MainWindow


def _backup(data_dir: Path, out: Path) -> None:
    session = sign_in(data_dir, ADMIN, PASSWORD, load_config().argon2)
    try:
        write_backup(session, out)
    finally:
        session.close()


def _restore_while_locked(window: MainWindow, data_dir: Path, backup: Path) -> None:
    window.vault_feature.lock()  # type: ignore[attr-defined]
    finish_vault_calls()  # the lock closes the vault on the worker: a restore before then finds it still open
    restore_backup(data_dir, backup, ADMIN, PASSWORD, force=True, refuse_if_open=True)
    sign_in_through(window)


def _stored(window: MainWindow) -> list[str]:
    return [summary.ref for summary in list_screenings(window.context.vault)]


def test_a_screening_saved_after_the_backup_is_saved_again_as_a_new_record(
    qtbot: QtBot, data_dir: Path, tmp_path: Path
) -> None:
    window = open_window_on_vault(qtbot, data_dir)
    sign_in_through(window)
    _backup(data_dir, tmp_path / "before.spbackup")
    window.form.set_draft(replace(window.form.draft(), answers=ANSWERS, setting="ed"))
    window.save()
    lost = window.saved_reference
    assert lost is not None

    _restore_while_locked(window, data_dir, tmp_path / "before.spbackup")
    assert window.form.draft().answers == ANSWERS  # still on screen
    assert window.saved_reference is None and f"{lost} is no longer in the vault" in window.status.text()
    window.save()
    assert "Already saved" not in window.status.text()
    assert _stored(window) == [window.saved_reference] and window.saved_reference != lost
    window.ask_before_discarding = False


def same_patient(qtbot: QtBot) -> None:
    """Answer Save's "Same patient?" question: the same patient, correct the record."""
    when_modal(qtbot, lambda dialog: dialog.findChild(QPushButton, "which-record-correct").click())


def test_a_record_restored_to_an_earlier_version_gets_the_answers_on_screen_as_its_next_version(
    qtbot: QtBot, data_dir: Path, tmp_path: Path
) -> None:
    window = open_window_on_vault(qtbot, data_dir)
    sign_in_through(window)
    window.form.set_draft(replace(window.form.draft(), answers=ANSWERS, setting="ed"))
    window.save()
    ref = window.saved_reference
    _backup(data_dir, tmp_path / "version-1.spbackup")
    changed = {**ANSWERS, "alcohol.concern": "no"}
    window.form.set_draft(replace(window.form.draft(), answers=changed))
    same_patient(qtbot)  # changed answers on a screening that names nobody: Save asks
    window.save()
    assert "version 2" in window.status.text()

    _restore_while_locked(window, data_dir, tmp_path / "version-1.spbackup")
    assert window.saved_reference is None and f"{ref} is at version 1" in window.status.text()
    same_patient(qtbot)
    window.save()
    assert window.saved_reference == ref and "version 2 of the same record" in window.status.text()
    stored = get_screening(window.context.vault, ref)
    assert stored.version == 2 and stored.draft.answers == changed
    window.ask_before_discarding = False
