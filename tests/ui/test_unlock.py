"""Sign-in and first-run set-up through the real window: nothing with patient data before sign-in."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot
from vault_support import ADMIN, ADMIN_PASSWORD, answers, cost, new_vault

from app.config import load_config
from app.records.screenings import get_screening
from app.vault import users
from app.vault.session import recover, sign_in
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.unlock import ChangePasswordDialog, SetupScreen, SignInScreen
from ui.vault_feature import install
from ui.vault_worker import unsettled_calls

pytestmark = [pytest.mark.gui]


def open_window(qtbot: QtBot, data_dir: Path | None, *, minutes: float = 5.0) -> MainWindow:
    config = replace(load_config(), idle_lock_minutes=minutes)
    window = MainWindow(AppContext(config=config, demo=data_dir is None, data_dir=data_dir))
    window.ask_before_discarding = False
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    install(window)
    return window


def finish_vault_calls(timeout: float = 10.0) -> None:
    """Run the event loop until every sign-in, set-up or password change on the worker has been handled."""
    deadline = time.monotonic() + timeout
    while unsettled_calls():
        assert time.monotonic() < deadline, "a vault call never came back"
        QTest.qWait(10)


def available_menus(window: MainWindow) -> list[str]:
    """The menus staff can open now, in menu-bar order."""
    return [name for name in ("File", "Admin", "Help") if window.menu(name).menuAction().isEnabled()]


def sign_in_through(window: MainWindow, name: str, password: str) -> None:
    gate = window.centralWidget()
    assert isinstance(gate, SignInScreen)
    gate.name.setText(name)
    gate.password.setText(password)
    gate.button.click()
    finish_vault_calls()


def start_set_up(window: MainWindow, name: str = ADMIN, password: str = ADMIN_PASSWORD) -> SetupScreen:
    """Fill in the first-run set-up screen and press Create vault (the vault is made on the worker)."""
    setup = window.centralWidget()
    assert isinstance(setup, SetupScreen)
    setup.name.setText(name)
    setup.password.setText(password)
    setup.confirm.setText(password)
    setup.create_button.click()
    return setup


def when_modal(qtbot: QtBot, act: Callable[[QDialog], None]) -> None:
    """Act on the next modal dialog once its event loop runs."""

    def attempt() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, attempt)
        else:
            act(dialog)

    QTimer.singleShot(0, attempt)


def when_dialog(kind: type[QDialog], act: Callable[[QDialog], None]) -> None:
    """Act on the next modal dialog of ``kind`` once its event loop runs (another may be open beneath it)."""

    def attempt() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            act(dialog)
        else:
            QTimer.singleShot(20, attempt)

    QTimer.singleShot(0, attempt)


def note_and_press(noted: list[str], button: QMessageBox.StandardButton) -> Callable[[QDialog], None]:
    """A ``when_modal`` action for a message box: note its text in ``noted``, then press ``button``."""

    def act(box: QDialog) -> None:
        assert isinstance(box, QMessageBox)
        noted.append(box.text())
        box.button(button).click()

    return act


def test_a_long_card_title_wraps_within_the_card(qtbot: QtBot, data_dir: Path) -> None:
    """A longer language's title wraps; unwrapped it widened the card past its maximum and squeezed the text."""
    setup = SetupScreen(load_config(), data_dir)
    qtbot.addWidget(setup)
    setup.title.setText(" ".join(["Einrichtungsassistent"] * 12))
    assert setup.frame.minimumSizeHint().width() <= setup.frame.maximumWidth()


def test_first_run_creates_the_admin_and_shows_the_recovery_key_once(qtbot: QtBot, data_dir: Path) -> None:
    window = open_window(qtbot, data_dir)
    setup = window.centralWidget()
    assert isinstance(setup, SetupScreen)
    assert not window.form.isVisible() and available_menus(window) == ["Help"]
    setup.name.setText("Ward.Admin")
    setup.password.setText("first-admin-pass")
    setup.confirm.setText("first-admin-typo")
    setup.create_button.click()
    assert "not the same" in setup.message.text()
    assert not (data_dir / "keyslots.json").exists()
    setup.password.setText("first-admin-pass")
    setup.confirm.setText("first-admin-pass")
    setup.create_button.click()
    finish_vault_calls()
    shown = setup.key.text()
    groups = shown.split()
    assert len(groups) == 8 and all(re.fullmatch(r"[A-Z2-9]{5}", g) for g in groups)
    # The key can be reached with Tab and selected (so copied) from the keyboard, not only with a mouse.
    assert setup.key.focusPolicy() & Qt.FocusPolicy.TabFocus
    setup.key.setFocus()
    qtbot.keyClick(setup.key, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert setup.key.selectedText().split() == groups
    assert not setup.continue_button.isEnabled()
    setup.stored.setFocus()
    qtbot.keyClick(setup.stored, Qt.Key.Key_Return)  # not ticked yet: Enter does not go on
    assert window.centralWidget() is setup
    qtbot.keyClick(setup.stored, Qt.Key.Key_Space)
    assert setup.stored.isChecked()
    qtbot.keyClick(setup.stored, Qt.Key.Key_Return)  # ticked with Space, then Enter goes on
    assert window.centralWidget() is not setup and window.form.isVisible()
    assert window.context.vault.user.name == "ward.admin"
    window.vault_feature.sign_out(ask=False)
    # The key on screen was the real one: it recovers the administrator.
    session = recover(data_dir, "-".join(groups), "ward.admin", "recovered-pass", cost())
    session.close()


def test_sign_in_shows_the_form_and_saves_to_the_vault(qtbot: QtBot, data_dir: Path) -> None:
    new_vault(data_dir)[0].close()
    window = open_window(qtbot, data_dir)
    assert window.context.vault is None and not window.form.isVisible()
    sign_in_through(window, ADMIN, "wrong password")
    assert "not right" in window.centralWidget().message.text()
    assert window.context.vault is None
    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    assert window.form.isVisible() and available_menus(window) == ["File", "Admin", "Help"]
    assert window.vault_feature.who.text() == f"Signed in as {ADMIN}"
    window.form.set_draft(replace(window.form.draft(), answers=answers(), setting="ed"))
    window.save()
    reference = re.search(r"SP-[A-Z0-9]{4}-[A-Z0-9]{4}", window.status.text()).group(0)
    assert get_screening(window.context.vault, reference).draft.answers == answers()
    window.vault_feature.sign_out(ask=False)
    assert window.context.vault is None and isinstance(window.centralWidget(), SignInScreen)
    assert window.form.draft().answers == {}


def test_temporary_password_must_be_changed_before_anything_else(qtbot: QtBot, data_dir: Path) -> None:
    admin, _ = new_vault(data_dir)
    users.add_user(admin, "nurse.kim", "practitioner", "kim-temporary")
    admin.close()
    window = open_window(qtbot, data_dir)

    def change(dialog: QDialog) -> None:
        dialog.current.setText("kim-temporary")
        dialog.new.setText("kims-own-password")
        dialog.confirm.setText("kims-own-password")
        dialog.change()

    when_modal(qtbot, change)
    sign_in_through(window, "nurse.kim", "kim-temporary")
    assert window.context.vault.user.name == "nurse.kim"
    assert not window.context.vault.user.must_change_password
    assert not window.vault_feature.users_action.isEnabled()
    window.vault_feature.sign_out(ask=False)
    sign_in(data_dir, "nurse.kim", "kims-own-password", cost()).close()


CHANGED = "Your password has been changed. Use the new one from now on."


def change_to(current: str, new: str) -> Callable[[QDialog], None]:
    """A ``when_modal`` action for the change-password dialog: type ``current`` and ``new`` (twice) and press OK."""

    def act(dialog: QDialog) -> None:
        assert isinstance(dialog, ChangePasswordDialog)
        dialog.current.setText(current)
        dialog.new.setText(new)
        dialog.confirm.setText(new)
        dialog.change()

    return act


def test_a_changed_password_is_confirmed_on_the_status_line_and_to_screen_readers(
    qtbot: QtBot, data_dir: Path, announcements: list[tuple[object, str]]
) -> None:
    """The dialog closed and nothing said the change had worked: at the first sign-in, or from the Admin menu."""
    admin, _ = new_vault(data_dir)
    users.add_user(admin, "nurse.kim", "practitioner", "kim-temporary")
    admin.close()
    window = open_window(qtbot, data_dir)
    when_modal(qtbot, change_to("kim-temporary", "kims-own-password"))
    sign_in_through(window, "nurse.kim", "kim-temporary")
    assert window.status.isVisible() and window.status.text() == CHANGED
    assert (window.status, CHANGED) in announcements

    window.new_screening(ask=False)  # the status line is cleared for the next patient
    announcements.clear()
    window.save()  # nothing answered: a warning the confirmation must not wipe out
    warning = window.status.text()
    assert warning.startswith("Not saved yet")
    when_modal(qtbot, change_to("kims-own-password", "kims-second-password"))
    window.vault_feature.password_action.trigger()
    finish_vault_calls()
    assert window.status.text() == CHANGED + " " + warning
    assert announcements[-1] == (window.status, CHANGED + " " + warning)
    when_modal(qtbot, change_to("kims-second-password", "kims-third-password"))
    window.vault_feature.password_action.trigger()
    finish_vault_calls()
    assert window.status.text() == CHANGED + " " + warning  # said once, not once per change
    window.vault_feature.sign_out(ask=False)
    sign_in(data_dir, "nurse.kim", "kims-third-password", cost()).close()


def test_refusing_to_change_a_temporary_password_signs_out(qtbot: QtBot, data_dir: Path) -> None:
    admin, _ = new_vault(data_dir)
    users.add_user(admin, "nurse.kim", "practitioner", "kim-temporary")
    admin.close()
    window = open_window(qtbot, data_dir)
    when_modal(qtbot, lambda dialog: dialog.reject())
    sign_in_through(window, "nurse.kim", "kim-temporary")
    assert window.context.vault is None
    gate = window.centralWidget()
    assert isinstance(gate, SignInScreen)
    assert gate.note.text().startswith("Signed out: a temporary password must be replaced")  # says why


def test_demo_needs_no_sign_in_and_saves_in_memory(qtbot: QtBot, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    window = open_window(qtbot, None)
    assert window.context.vault is not None and window.context.vault.demo
    assert window.form.isVisible()
    window.form.set_draft(replace(window.form.draft(), answers=answers(), setting="ed"))
    window.save()
    # Under the banner saying nothing is saved to a patient record, it says where the screening went.
    assert window.status.text().startswith("Saved in this demo only, until Signpost closes. Demo reference: SP-")
    assert list(tmp_path.iterdir()) == []


def test_repeated_wrong_passwords_make_the_button_wait(qtbot: QtBot, data_dir: Path) -> None:
    new_vault(data_dir)[0].close()
    window = open_window(qtbot, data_dir)
    gate = window.centralWidget()
    for _ in range(3):
        sign_in_through(window, ADMIN, "wrong password")
    assert not gate.button.isEnabled() and gate.button.text() == "Wait 1 s"
    gate.password.setText("another try")
    qtbot.keyClick(gate.password, Qt.Key.Key_Return)  # Enter during the wait is answered, not ignored unsaid
    assert gate.message.text() == "Wait 1 second before trying again." and gate.password.text() == "another try"
    qtbot.waitUntil(lambda: gate.button.isEnabled(), timeout=3000)
    assert gate.message.text() == ""  # not left beside a Sign in button that works again
    sign_in_through(window, ADMIN, "wrong password")
    assert not gate.button.isEnabled()
    qtbot.keyClicks(gate.name, "x")  # another name: the wait was for the one mistyped
    assert gate.button.isEnabled() and gate.button.text() == "Sign in"
    gate.name.setText(ADMIN)
    qtbot.wait(2100)  # the wait after a fourth wrong password
    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    assert window.context.vault is not None
    focused = QApplication.focusWidget()
    assert focused is window.form.rows["tobacco.use"].focus_target()  # Y and N work straight away


def test_sign_in_warns_when_the_daily_backup_cannot_be_written(qtbot: QtBot, data_dir: Path) -> None:
    new_vault(data_dir)[0].close()
    (data_dir / "backups").write_text("in the way")
    window = open_window(qtbot, data_dir)
    seen: list[str] = []
    when_modal(qtbot, note_and_press(seen, QMessageBox.StandardButton.Ok))
    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    assert window.context.vault is not None
    assert seen and "cannot be written" in seen[0]


def test_set_up_fields_do_not_overlap_at_1024_by_768(qtbot: QtBot, data_dir: Path, qapp: QApplication) -> None:
    from ui.theme import apply_style, apply_stylesheet

    apply_style(qapp)  # the real 48-pixel fields
    apply_stylesheet(qapp)
    try:
        window = open_window(qtbot, data_dir)
        window.resize(1024, 768)
        qtbot.waitUntil(lambda: window.width() == 1024)
        QApplication.processEvents()
        setup = window.centralWidget()
        fields = [setup.name, setup.password, setup.confirm]
        for upper, lower in zip(fields, fields[1:], strict=False):
            assert upper.geometry().bottom() < lower.geometry().top()
        assert all(field.height() >= 40 for field in fields)  # the theme's min-height: nothing squeezed
    finally:
        qapp.setStyleSheet("")


def test_the_recovery_key_tick_box_is_visible_before_it_is_ticked(qtbot: QtBot, data_dir: Path,
                                                                   qapp: QApplication) -> None:
    from PySide6.QtCore import QPoint, QRect, QSize
    from PySide6.QtGui import QColor

    from ui.theme import apply_style, apply_stylesheet

    apply_style(qapp)
    apply_stylesheet(qapp)
    try:
        window = open_window(qtbot, data_dir)
        setup = window.centralWidget()
        setup.name.setText("ward.admin")
        setup.password.setText("kettle-orbit-77")
        setup.confirm.setText("kettle-orbit-77")
        setup.create_button.click()
        finish_vault_calls()
        setup.key.setFocus()
        QApplication.processEvents()
        # As it is on screen, over the card (a widget grabbed alone has no background behind it).
        box = QRect(setup.stored.mapTo(window, QPoint(0, 0)), QSize(30, setup.stored.height()))
        image = window.grab(box).toImage()
        pixels = [image.pixel(x, y) for x in range(image.width()) for y in range(image.height())]
        darkest = min(QColor(pixel).lightness() for pixel in pixels)
        assert darkest < 230, "the empty tick box is drawn white on the white card"
        assert not setup.continue_button.isEnabled()
        setup.stored.setChecked(True)  # else closing the window would ask about the key
        window.vault_feature.sign_out(ask=False)
    finally:
        qapp.setStyleSheet("")


def test_alt_and_the_underlined_letter_go_to_each_sign_in_field(qtbot: QtBot, data_dir: Path) -> None:
    new_vault(data_dir)[0].close()
    window = open_window(qtbot, data_dir)
    gate = window.centralWidget()
    assert isinstance(gate, SignInScreen)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    for key, field in ((Qt.Key.Key_P, gate.password), (Qt.Key.Key_U, gate.name)):
        qtbot.keyClick(window, key, Qt.KeyboardModifier.AltModifier)
        assert QApplication.focusWidget() is field
    # The '&' marks the letter: it is not drawn (a label without a field to go to shows it literally).
    labels = [gate.name_label, gate.password_label]
    setup = SetupScreen(window.context.config, data_dir)
    qtbot.addWidget(setup)
    labels += [setup.name_label, setup.password_label, setup.confirm_label]
    assert all(label.buddy() is not None for label in labels)


def test_a_closed_change_password_dialog_keeps_no_password(qtbot: QtBot, data_dir: Path) -> None:
    from PySide6.QtCore import QEvent

    from ui.unlock import ChangePasswordDialog

    new_vault(data_dir)[0].close()
    window = open_window(qtbot, data_dir)
    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    typed: list[ChangePasswordDialog] = []

    def type_then_cancel(dialog: QDialog) -> None:
        assert isinstance(dialog, ChangePasswordDialog)
        dialog.current.setText(ADMIN_PASSWORD)
        dialog.new.setText("kettle-orbit-77")
        typed.append(dialog)
        dialog.reject()

    when_modal(qtbot, type_then_cancel)
    assert not window.vault_feature.change_password(required=False)
    assert typed and typed[0].current.text() == "" and typed[0].new.text() == ""
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    assert window.findChildren(ChangePasswordDialog) == []
    window.vault_feature.sign_out(ask=False)


def test_set_up_finding_a_vault_made_meanwhile_offers_sign_in(qtbot: QtBot, data_dir: Path) -> None:
    window = open_window(qtbot, data_dir)
    setup = window.centralWidget()
    assert isinstance(setup, SetupScreen)
    new_vault(data_dir)[0].close()  # e.g. IT ran 'signpost init' while the set-up screen stood open
    setup.name.setText("someone.else")
    setup.password.setText("first-admin-pass")
    setup.confirm.setText("first-admin-pass")
    setup.create_button.click()
    finish_vault_calls()
    gate = window.centralWidget()
    assert isinstance(gate, SignInScreen)
    assert gate.note.text() == "A vault was set up in this folder meanwhile: sign in to it."
    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    assert window.context.vault is not None and window.context.vault.user.name == ADMIN
    window.vault_feature.sign_out(ask=False)


def test_set_up_finding_half_a_vault_keeps_its_own_advice(qtbot: QtBot, data_dir: Path) -> None:
    window = open_window(qtbot, data_dir)
    (data_dir / "signpost.db").write_bytes(b"half a vault")  # e.g. a restore copied only the database
    setup = start_set_up(window)
    finish_vault_calls()
    assert window.centralWidget() is setup
    assert "damaged or half-restored vault" in setup.message.text()
    setup.stored.setChecked(True)


def underlined_letters(window: MainWindow) -> list[str]:
    """The letters Alt goes to in the window as it stands: the menu bar's and those of the visible labels (with a
    field to go to) and buttons."""
    from PySide6.QtWidgets import QAbstractButton, QLabel

    texts = [action.text() for action in window.menuBar().actions()]
    screen = window.centralWidget()
    for widget in screen.findChildren(QLabel) + screen.findChildren(QAbstractButton):
        if widget.isVisibleTo(screen) and (not isinstance(widget, QLabel) or widget.buddy() is not None):
            texts.append(widget.text())
    return [found.lower() for text in texts for found in re.findall(r"(?<!&)&([^&\s])", text)]


def test_each_underlined_letter_goes_to_one_place(qtbot: QtBot, data_dir: Path, tmp_path: Path) -> None:
    # "Password &again" on the set-up screen shared Alt+A with the Admin menu: Alt+A opened the menu, and the
    # confirmation typed next was lost.
    from collections import Counter

    (tmp_path / "empty").mkdir()
    window = open_window(qtbot, tmp_path / "empty")
    assert isinstance(window.centralWidget(), SetupScreen)
    screens = {"set-up": underlined_letters(window)}
    window.close()
    new_vault(data_dir)[0].close()
    window = open_window(qtbot, data_dir)
    screens["sign-in"] = underlined_letters(window)
    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    screens["form"] = underlined_letters(window)
    for screen, letters in screens.items():
        assert len(letters) >= 3, screen
        assert [letter for letter, count in Counter(letters).items() if count > 1] == [], (screen, letters)
    window.vault_feature.sign_out(ask=False)


def test_alt_with_a_letter_types_nothing_into_a_password_after_a_lock_or_in_the_change_dialog(
    qtbot: QtBot, data_dir: Path
) -> None:
    """The guard covered only the fields there were at start-up: after a lock, Alt+Q put a "q" into the password,
    and the sign-in failed and counted towards the growing wait."""
    new_vault(data_dir)[0].close()
    window = open_window(qtbot, data_dir)
    sign_in_through(window, ADMIN, ADMIN_PASSWORD)
    window.vault_feature.lock()
    finish_vault_calls()
    gate = window.centralWidget()
    assert isinstance(gate, SignInScreen)
    gate.password.setFocus()
    qtbot.keyClicks(gate.password, "pass")
    qtbot.keyClick(gate.password, Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
    assert gate.password.text() == "pass"
    dialog = ChangePasswordDialog(None, required=False)
    qtbot.addWidget(dialog)
    qtbot.keyClick(dialog.new, Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
    assert dialog.new.text() == ""


def test_the_change_password_dialog_grows_for_its_message_instead_of_squashing_its_fields(
    qtbot: QtBot, data_dir: Path
) -> None:
    """Left at its size, the dialog squeezed its three fields below their height to fit "The two new passwords are
    not the same.", their borders cut off."""
    session, _ = new_vault(data_dir)
    dialog = ChangePasswordDialog(session, required=False)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    before = dialog.height()
    dialog.current.setText(ADMIN_PASSWORD)
    dialog.new.setText("one new password")
    dialog.confirm.setText("another new password")
    dialog.change()
    assert dialog.message.text() == "The two new passwords are not the same."
    fields = (dialog.current, dialog.new, dialog.confirm)
    qtbot.waitUntil(lambda: dialog.height() > before and all(f.height() >= f.sizeHint().height() for f in fields))
    session.close()


def test_the_recovery_key_shows_when_it_has_the_keyboard(qtbot: QtBot, data_dir: Path, qapp: QApplication) -> None:
    """It takes the keyboard (to be selected and copied) but drew no focus at all: only a thin caret."""
    from PySide6.QtCore import Qt

    from ui.theme import FOCUSED_FIELD, TEXT, apply_style, apply_stylesheet

    apply_style(qapp)
    apply_stylesheet(qapp)
    window = open_window(qtbot, data_dir)
    setup = start_set_up(window)
    finish_vault_calls()
    try:
        setup.stored.setFocus()
        idle = setup.key.grab().toImage()
        setup.key.setFocus(Qt.FocusReason.BacktabFocusReason)
        qtbot.waitUntil(lambda: setup.key.hasFocus())
        focused = setup.key.grab().toImage()
        assert idle.pixelColor(1, focused.height() // 2).name() != TEXT.lower()
        assert focused.pixelColor(1, focused.height() // 2).name() == TEXT.lower()  # a dark ring round it
        assert focused.pixelColor(6, 6).name() == FOCUSED_FIELD.lower()
    finally:
        setup.stored.setChecked(True)  # else closing the window would ask about the key
        window.vault_feature.sign_out(ask=False)
        qapp.setStyleSheet("")


def typing_room(field: QLineEdit) -> float:
    """How many average characters of its font ``field`` shows at once. Qt sizes a line edit for 17 'x's plus its
    frame and padding, which gives the frame."""
    metrics = field.fontMetrics()
    frame = field.sizeHint().width() - 17 * metrics.horizontalAdvance("x")
    return (field.width() - frame) / metrics.averageCharWidth()


@pytest.mark.parametrize(("screen", "font_px"), [
    ((1024, 768), 16),
    ((780, 439), 16),  # a 1366x768 screen at 175% display scaling
    ((1024, 768), 28),  # text made 175% larger
])
def test_password_fields_show_a_passphrase_and_still_fit_their_screen(
    qtbot: QtBot, data_dir: Path, qapp: QApplication, screen: tuple[int, int], font_px: int
) -> None:
    """They were 17 'x's wide: a passphrase of a few words scrolled inside a short box."""
    from PySide6.QtCore import QPoint

    from ui.theme import apply_style, apply_stylesheet
    from ui.unlock import PASSWORD_CHARS

    apply_style(qapp)
    apply_stylesheet(qapp)
    qapp.setStyleSheet(qapp.styleSheet() + f"\nQWidget {{ font-size: {font_px}px; }}")

    def check(card: SetupScreen | SignInScreen, fields: tuple[QLineEdit, ...]) -> None:
        QApplication.processEvents()
        for field in fields:
            assert field.fontMetrics().height() > font_px  # the larger text reached the field
            assert typing_room(field) >= PASSWORD_CHARS, field.objectName()
            right = field.mapTo(card.frame, QPoint(field.width(), 0)).x()
            assert right <= card.frame.width() - card.body.contentsMargins().right(), field.objectName()

    try:
        window = open_window(qtbot, data_dir)
        window.resize(*screen)
        qtbot.waitUntil(lambda: window.width() == screen[0])
        setup = window.centralWidget()
        assert isinstance(setup, SetupScreen)
        check(setup, (setup.password, setup.confirm))
        window.close()
        session, _key = new_vault(data_dir)
        window = open_window(qtbot, data_dir)
        window.resize(*screen)
        qtbot.waitUntil(lambda: window.width() == screen[0])
        gate = window.centralWidget()
        assert isinstance(gate, SignInScreen)
        check(gate, (gate.password,))
        dialog = ChangePasswordDialog(session, required=False)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        for field in (dialog.current, dialog.new, dialog.confirm):
            assert typing_room(field) >= PASSWORD_CHARS, field.objectName()
        assert dialog.width() <= screen[0]
        session.close()
    finally:
        qapp.setStyleSheet("")
