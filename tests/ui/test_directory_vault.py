"""The services panel with the real vault feature: sign in, local services first, choice saved, lock and unlock."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from test_unlock import finish_vault_calls

from app.config import load_config
from app.directory.model import Service
from app.directory.repository import add_service, set_active
from app.directory.seed import seed_if_empty
from app.records import audit
from app.records.screenings import get_screening, list_screenings
from app.vault.session import create_vault
from ui.app import install_features
from ui.context import AppContext
from ui.directory.services_panel import ServicesPanel
from ui.main_window import MainWindow
from ui.unlock import SignInScreen

pytestmark = [pytest.mark.gui]

ADMIN, PASSWORD = "admin1", "correct horse battery"
ANSWERS = {"tobacco.use": "no", "alcohol.use": "yes", "alcohol.more_than_4": "yes", "alcohol.failed_to_control": "yes",
           "alcohol.concern": "yes", "cannabis.use": "no", "stimulants.use": "no", "sedatives.use": "no",
           "opioids.use": "no", "other.use": "no"}
LOCAL = Service(id="leeds-alcohol", name="Leeds Alcohol Service", summary="Local help", categories=("alcohol",),
                phone="0113 496 0000")


def sign_in_through(window: MainWindow) -> None:
    gate = window.centralWidget()
    assert isinstance(gate, SignInScreen)
    gate.name.setText(ADMIN)
    gate.password.setText(PASSWORD)
    gate.button.click()
    finish_vault_calls()  # the sign-in runs on a worker thread


def open_window_on_vault(qtbot: QtBot, data_dir: Path, *local: Service) -> MainWindow:
    """A vault with the national services and ``local`` ones, and the window with the directory and vault features."""
    session, _key = create_vault(data_dir, ADMIN, PASSWORD, load_config().argon2)
    seed_if_empty(session.conn)
    for service in local:
        add_service(session.conn, service, actor=ADMIN)
    session.close()
    window = MainWindow(AppContext(config=load_config(), demo=False, data_dir=data_dir))
    window.ask_before_discarding = False
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    install_features(window, ("ui.directory.feature", "ui.vault_feature"))
    return window


def test_signed_in_panel_reads_the_vault_and_the_choice_is_saved(qtbot: QtBot, data_dir: Path) -> None:
    window = open_window_on_vault(qtbot, data_dir, LOCAL)
    panel = window.services_panel  # type: ignore[attr-defined]
    # Not signed in yet: only the shipped national services.
    assert isinstance(panel, ServicesPanel) and "leeds-alcohol" not in panel._directory

    sign_in_through(window)
    qtbot.waitUntil(lambda: "leeds-alcohol" in panel._directory)
    assert not panel.stale_banner.isHidden()  # an admin, and nothing verified yet
    window.form.set_draft(replace(window.form.draft(), answers=ANSWERS, setting="ed"))
    assert list(panel.rows)[0] == "leeds-alcohol"
    panel.rows["drinkline"].check.setChecked(False)
    window.save()
    reference = re.search(r"SP-[A-Z0-9]{4}-[A-Z0-9]{4}", window.status.text()).group(0)  # type: ignore[union-attr]
    saved = get_screening(window.context.vault, reference).draft.service_ids
    assert saved == ("leeds-alcohol", "alcoholics-anonymous-gb")

    window.vault_feature.lock()  # type: ignore[attr-defined]
    sign_in_through(window)
    qtbot.waitUntil(lambda: panel.source.conn() is window.context.vault.conn)
    assert window.current_draft().service_ids == saved  # the choice on screen survives the lock
    window.vault_feature.sign_out(ask=False)  # type: ignore[attr-defined]


def test_a_local_service_added_by_search_survives_the_lock(qtbot: QtBot, data_dir: Path) -> None:
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtWidgets import QApplication

    housing = Service(id="leeds-housing", name="Leeds Housing Advice", summary="Legal and housing help",
                      categories=("legal",), phone="0113 496 0001")
    window = open_window_on_vault(qtbot, data_dir, LOCAL, housing)
    panel = window.services_panel  # type: ignore[attr-defined]
    sign_in_through(window)
    qtbot.waitUntil(lambda: "leeds-housing" in panel._directory)
    window.form.set_draft(replace(window.form.draft(), answers=ANSWERS, setting="ed"))
    qtbot.keyClicks(panel.search, "Leeds Housing")
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    chosen = window.current_draft().service_ids
    assert "leeds-housing" in chosen
    panel.rows["leeds-housing"].check.setFocus()  # its row is rebuilt while locked

    window.vault_feature.lock()  # type: ignore[attr-defined]
    # Staff come back to the window: it is activated while the lock screen shows (only national services readable).
    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowActivate))
    assert "leeds-housing" not in panel._directory
    sign_in_through(window)
    qtbot.waitUntil(lambda: "leeds-housing" in panel._directory)
    assert window.current_draft().service_ids == chosen
    assert window.focusWidget() is not None and window.form.isAncestorOf(window.focusWidget())  # keys work at once
    window.vault_feature.sign_out(ask=False)  # type: ignore[attr-defined]


def test_changing_the_services_after_save_is_an_unsaved_change(
    qtbot: QtBot, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    window = open_window_on_vault(qtbot, data_dir, LOCAL)
    panel = window.services_panel  # type: ignore[attr-defined]
    sign_in_through(window)
    qtbot.waitUntil(lambda: "leeds-alcohol" in panel._directory)
    window.form.set_draft(replace(window.form.draft(), answers=ANSWERS, setting="ed"))
    window.save()
    first = window.saved_reference
    assert first is not None
    window.save()
    assert window.saved_reference == first and "Already saved" in window.status.text()

    panel.rows["drinkline"].check.setChecked(False)  # a change the form itself does not hold
    assert window.saved_reference is None and window.status.text() == ""
    panel.rows["drinkline"].check.setChecked(True)  # and back: saved again, under the same reference
    assert window.saved_reference == first
    window.save()
    assert "Already saved" in window.status.text()
    assert len(list_screenings(window.context.vault)) == 1
    panel.rows["drinkline"].check.setChecked(False)
    assert window.saved_reference is None
    asked: list[str] = []
    window.ask_before_discarding = True

    def question(_parent: object, _title: str, text: str, *_args: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    try:
        assert not window.new_screening()  # asks first: the changed choice is not lost unasked
    finally:
        window.ask_before_discarding = False  # the test's window then closes without a question
    assert asked and window.current_draft().service_ids == ("leeds-alcohol", "alcoholics-anonymous-gb")
    window.save()  # the same encounter: a new version of the same record, never a second screening
    assert window.saved_reference == first and "version 2 of the same record" in window.status.text()
    assert len(list_screenings(window.context.vault)) == 1
    stored = get_screening(window.context.vault, first)
    assert stored.version == 2 and stored.draft.service_ids == ("leeds-alcohol", "alcoholics-anonymous-gb")
    assert stored.amendment_reason == "Changed on the screening form after saving: services chosen."
    assert get_screening(window.context.vault, first, version=1).draft.service_ids == (
        "leeds-alcohol", "alcoholics-anonymous-gb", "drinkline")
    amended = [e for e in audit.entries(window.context.vault.conn, record_ref=first) if e.action == audit.AMEND]
    assert [(e.actor, e.detail) for e in amended] == [
        (ADMIN, "version 2: Changed on the screening form after saving: services chosen.")]

    # A service deactivated in the directory drops out of the choice: that too is a change to save.
    set_active(window.context.vault.conn, "leeds-alcohol", False, actor=ADMIN)
    panel.refresh()
    assert window.current_draft().service_ids == ("alcoholics-anonymous-gb",)
    assert window.saved_reference is None
