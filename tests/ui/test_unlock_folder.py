"""A vault folder set by IT that holds no vault (an unmounted share's empty mount point) is not set up unasked."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from test_unlock import finish_vault_calls, note_and_press, open_window, start_set_up, when_modal
from vault_support import new_vault

from ui.unlock import MissingFolderScreen, SetupScreen, SignInScreen

pytestmark = [pytest.mark.gui]


@pytest.fixture(params=["environment", "config file"])
def share(request: pytest.FixtureRequest, tmp_path: Path, machine_config: Path,
          monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder IT set as this computer's vault folder, as the mount point of a share not connected is."""
    folder = tmp_path / "mnt" / "signpost"
    folder.mkdir(parents=True)
    if request.param == "environment":
        monkeypatch.setenv("SIGNPOST_DATA_DIR", str(folder))
    else:
        with machine_config.open("a", encoding="utf-8") as config:
            config.write(f'\n[storage]\ndata_dir = "{folder.as_posix()}"\n')
    return folder


def answer_new_vault_question(qtbot: QtBot, button: str, seen: list[str]) -> None:
    """When the question comes, note its text and press ``button`` ("confirm-new-vault" or "cancel")."""

    def answer(box: object) -> None:
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        if button == "cancel":
            box.button(QMessageBox.StandardButton.Cancel).click()
        else:
            next(b for b in box.buttons() if b.objectName() == button).click()

    when_modal(qtbot, answer)


def test_an_empty_folder_set_by_it_says_no_vault_and_offers_try_again_first(qtbot: QtBot, share: Path) -> None:
    window = open_window(qtbot, share)
    gate = window.centralWidget()
    assert isinstance(gate, MissingFolderScreen) and gate.empty
    assert gate.title.text() == "No vault in the vault folder"
    message = gate.message.text()
    assert str(share) in message and "holds no vault" in message and "not connected" in message
    assert gate.retry.isDefault() and window.focusWidget() is gate.retry
    qtbot.waitUntil(gate.isVisible)  # a layout shows what it is given once back in the event loop
    assert gate.set_up.isVisible() and not gate.set_up.isDefault() and not gate.set_up.autoDefault()
    assert list(share.iterdir()) == []

    gate.retry.click()  # still not connected: the same screen, nothing made
    assert isinstance(window.centralWidget(), MissingFolderScreen) and window.centralWidget().empty
    assert list(share.iterdir()) == []

    session, _key = new_vault(share)  # the share is connected: its vault is there
    session.close()
    window.centralWidget().retry.click()
    assert isinstance(window.centralWidget(), SignInScreen)
    finish_vault_calls()


def test_a_new_vault_in_a_folder_set_by_it_is_set_up_only_once_confirmed(qtbot: QtBot, share: Path) -> None:
    window = open_window(qtbot, share)
    gate = window.centralWidget()
    assert isinstance(gate, MissingFolderScreen)
    seen: list[str] = []

    answer_new_vault_question(qtbot, "cancel", seen)
    gate.set_up.click()
    assert seen and "brand-new vault" in seen[0] and "second vault" in seen[0]
    assert window.centralWidget() is gate and list(share.iterdir()) == []

    answer_new_vault_question(qtbot, "confirm-new-vault", seen)
    gate.set_up.click()
    setup = window.centralWidget()
    assert isinstance(setup, SetupScreen)
    start_set_up(window)
    finish_vault_calls()
    assert not setup.key_page.isHidden() and (share / "signpost.db").exists()
    setup.abandon()


def test_the_default_folder_on_a_first_run_goes_straight_to_set_up(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.paths import default_data_dir

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    folder = default_data_dir()
    folder.mkdir(parents=True)
    window = open_window(qtbot, folder)
    assert isinstance(window.centralWidget(), SetupScreen)


def test_a_folder_given_on_the_command_line_goes_straight_to_set_up(
    qtbot: QtBot, share: Path, tmp_path: Path
) -> None:
    """``--data-dir`` elsewhere than the folder IT set is a deliberate choice for this run."""
    chosen = tmp_path / "training"
    chosen.mkdir()
    window = open_window(qtbot, chosen)
    assert isinstance(window.centralWidget(), SetupScreen)


def test_a_missing_folder_set_by_it_offers_no_set_up_at_all(qtbot: QtBot, share: Path) -> None:
    share.rmdir()
    window = open_window(qtbot, share)
    gate = window.centralWidget()
    assert isinstance(gate, MissingFolderScreen) and not gate.empty
    qtbot.waitUntil(gate.isVisible)
    assert gate.retry.isVisible() and not gate.set_up.isVisible()
    assert gate.title.text() == "The vault folder is missing"


def test_a_lock_whose_vault_went_out_of_reach_never_carries_answers_into_a_new_vault(
    qtbot: QtBot, share: Path, tmp_path: Path
) -> None:
    from test_unlock import sign_in_through
    from vault_support import ADMIN, ADMIN_PASSWORD

    from app.records import audit
    from app.records.draft import ScreeningDraft

    session, _key = new_vault(share)
    session.close()
    window = open_window(qtbot, share)
    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    window.form.set_draft(ScreeningDraft("assist-lite-2013", "2013.1", {"tobacco.use": "yes"}, identifier="RX1"))
    away = tmp_path / "unmounted"
    share.rename(away)
    share.mkdir()  # the share went away, leaving its empty mount point
    window.vault_feature.lock()
    finish_vault_calls()
    gate = window.centralWidget()
    assert isinstance(gate, MissingFolderScreen) and gate.empty
    # What is kept, as the sign-in screen would say: the screening for its user, the lock's entry not written.
    assert f"{ADMIN} can sign in to carry on where they left off" in gate.note.text()
    assert gate.pending.text().startswith("An audit entry (a lock or sign-out) has not been written yet")
    seen: list[str] = []
    answer_new_vault_question(qtbot, "confirm-new-vault", seen)
    gate.set_up.click()
    setup = window.centralWidget()
    assert isinstance(setup, SetupScreen)
    qtbot.waitUntil(setup.isVisible)
    assert setup.back_button.isVisible() and not setup.back_button.isDefault()
    setup.back_button.click()  # not meant after all: back to Try again
    assert isinstance(window.centralWidget(), MissingFolderScreen) and list(share.iterdir()) == []

    answer_new_vault_question(qtbot, "confirm-new-vault", seen)
    window.centralWidget().set_up.click()
    setup = window.centralWidget()
    start_set_up(window)  # an administrator of the same name, in a brand-new vault
    finish_vault_calls()
    told: list[str] = []
    when_modal(qtbot, note_and_press(told, QMessageBox.StandardButton.Ok))
    setup.stored.setChecked(True)
    setup.continue_button.click()
    finish_vault_calls()
    assert window.context.vault is not None
    qtbot.waitUntil(lambda: bool(told))
    # The lock belonged to the vault out of reach: said, and not written into the new one.
    assert "of the earlier vault in this folder could not be written" in told[0]
    actions = [entry.action for entry in audit.entries(window.context.vault.conn, limit=20)]
    assert audit.LOCK not in actions
    draft = window.current_draft()
    assert draft.answers == {} and draft.identifier == ""  # nothing from the vault out of reach
    window.vault_feature.sign_out(ask=False)
    finish_vault_calls()


def test_a_card_taller_than_a_150_percent_screen_scrolls_instead_of_squeezing_its_text(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QLabel, QMainWindow

    from ui.theme import apply_style, apply_stylesheet

    apply_style(QApplication.instance())
    apply_stylesheet(QApplication.instance())
    try:
        window = QMainWindow()
        qtbot.addWidget(window)
        gate = MissingFolderScreen(Path("/mnt/share/signpost"), empty=True, note=(
            "Locked. alice can sign in to carry on where they left off. If someone else signs in, the screening on "
            "screen is cleared."
        ))
        gate.pending.show_count(1)
        window.setCentralWidget(gate)
        window.resize(891, 472)  # a maximised window on a 1366x768 screen at 150 %
        window.show()
        qtbot.waitExposed(window)
        QApplication.processEvents()
        squeezed = [label.text()[:40] for label in gate.findChildren(QLabel)
                    if label.isVisible() and label.wordWrap() and label.height() < label.heightForWidth(label.width())]
        assert squeezed == []
    finally:
        QApplication.instance().setStyleSheet("")


def test_a_restore_killed_with_both_files_moved_aside_shows_sign_in_not_set_up(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Killed after moving signpost.db and keyslots.json aside: set-up was offered, over a vault that is all there."""
    from test_vault_swap_crash import killed
    from vault_support import ADMIN, ADMIN_PASSWORD, cost

    from app.vault.backup import write_backup
    from app.vault.session import sign_in

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    new_vault(data_dir)[0].close()
    admin = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    write_backup(admin, tmp_path / "b.spbackup")
    admin.close()
    killed(2, data_dir, "restore", str(tmp_path / "b.spbackup"), "--force")
    assert not (data_dir / "keyslots.json").exists() and (data_dir / "swap-record.json").exists()
    window = open_window(qtbot, data_dir)
    assert isinstance(window.centralWidget(), SignInScreen)
