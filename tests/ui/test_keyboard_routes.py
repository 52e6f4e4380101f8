"""Keyboard routes in the main window: Tab in reading order, into a radio group on its answer, Esc in searches.

Keys are pressed on whatever has the keyboard, as a user would, in the real window with every feature.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ALCOHOL_HIGH, shown_with_keyboard
from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from app.config import load_config
from app.directory.seed import seed_if_empty
from app.vault.session import create_vault
from ui.app import install_features, make_context
from ui.context import AppContext
from ui.leaflet import feature as leaflet_feature
from ui.main_window import MainWindow
from ui.theme import FOCUS, SURFACE, apply_style, apply_stylesheet
from ui.unlock import SignInScreen

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
]

ADMIN, PASSWORD = "admin1", "correct horse battery"


@pytest.fixture
def demo(qtbot: QtBot) -> Iterator[MainWindow]:
    """The demo window with every feature, as ``make run`` starts it on a machine with nothing set up."""
    window = shown_with_keyboard(qtbot, MainWindow(make_context(load_config(), demo=True, data_dir=None)))
    install_features(window)
    yield window
    if window.context.vault is not None:
        window.context.vault.close()


@pytest.fixture
def signed_in(qtbot: QtBot, data_dir: Path) -> Iterator[MainWindow]:
    """A window on a real vault with every feature, signed in (so Lock and Sign out show at the top right)."""
    session, _key = create_vault(data_dir, ADMIN, PASSWORD, load_config().argon2)
    seed_if_empty(session.conn)
    session.close()
    window = shown_with_keyboard(qtbot, MainWindow(AppContext(config=load_config(), demo=False, data_dir=data_dir)))
    install_features(window)
    gate = window.centralWidget()
    assert isinstance(gate, SignInScreen)
    gate.name.setText(ADMIN)
    gate.password.setText(PASSWORD)
    gate.button.click()
    qtbot.waitUntil(lambda: window.context.vault is not None and window.form.isVisible())
    yield window
    window.vault_feature.sign_out(ask=False)  # type: ignore[attr-defined]


def show_draft(qtbot: QtBot, window: MainWindow, **fields: object) -> None:
    window.form.set_draft(dataclasses.replace(window.form.draft(), **fields))  # type: ignore[arg-type]
    qtbot.wait(10)  # lay out the new service rows; the rows they replace are deleted


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has keyboard focus"
    return widget


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> QWidget:
    """Press ``key`` on whatever has the keyboard; returns what has it after."""
    qtbot.keyClick(focused(), key, modifier)
    return focused()


def walk(qtbot: QtBot, key: Qt.Key) -> list[str]:
    """Press ``key`` until the keyboard is back where it started: the object names of every stop on the way."""
    start = focused()
    stops = [start.objectName()]
    for _ in range(80):
        widget = press(qtbot, key)
        if widget is start:
            return stops
        stops.append(widget.objectName())
    raise AssertionError(f"Tab never came back to {start.objectName()}: {stops}")


# --- Tab order ----------------------------------------------------------------------------------------

GATE_ROWS = [f"question:{block}.use" for block in ("tobacco", "alcohol")]
ALCOHOL_ROWS = [f"question:alcohol.{item}" for item in ("more_than_4", "failed_to_control", "concern")]
LATER_GATES = [f"question:{block}.use" for block in ("cannabis", "stimulants", "sedatives", "opioids", "other")]
FORM = ["identifier-kind", "date-of-birth", "setting", "mental-health:2", "risk-to-self", *GATE_ROWS, *ALCOHOL_ROWS,
        *LATER_GATES]


def test_tab_walks_the_form_then_the_right_hand_column_then_the_session_buttons(
    qtbot: QtBot, signed_in: MainWindow
) -> None:
    window = signed_in
    show_draft(qtbot, window, answers=ALCOHOL_HIGH)
    services = [f"service-check:{service_id}" for service_id in window.services_panel.rows]  # type: ignore[attr-defined]
    assert len(services) >= 2
    right = [*services, "services-search", "print-leaflet", "new-screening", "save"]

    window.form.patient.kind.setFocus(Qt.FocusReason.OtherFocusReason)
    assert walk(qtbot, Qt.Key.Key_Tab) == [*FORM, *right, "lock-button", "sign-out-button"]
    # Shift+Tab is the same walk backwards.
    assert walk(qtbot, Qt.Key.Key_Backtab) == ["identifier-kind", "sign-out-button", "lock-button",
                                               *reversed(right), *reversed(FORM[1:])]
    # The right-hand column reads top to bottom on screen, as Tab walks it.
    tops = [window.findChild(QWidget, name).mapTo(window, window.rect().topLeft()).y() for name in right]
    assert tops == sorted(tops)


def test_focus_on_the_session_buttons_shows_as_on_every_other_button(
    qtbot: QtBot, qapp: QApplication, signed_in: MainWindow
) -> None:
    apply_style(qapp)
    apply_stylesheet(qapp)
    try:
        lock = signed_in.findChild(QWidget, "lock-button")
        sign_out = signed_in.findChild(QWidget, "sign-out-button")
        lock.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(lock.hasFocus)
        inside = QPoint(8, lock.height() // 2)  # inside the border, clear of the text
        assert lock.grab().toImage().pixelColor(inside).name() == FOCUS
        assert sign_out.grab().toImage().pixelColor(inside).name() == SURFACE
        assert lock.height() >= 36 and sign_out.height() >= 36
    finally:
        qapp.setStyleSheet("")


def test_rows_rebuilt_for_new_answers_keep_their_place_above_the_search(qtbot: QtBot, demo: MainWindow) -> None:
    window = demo
    show_draft(qtbot, window, answers=ALCOHOL_HIGH)
    show_draft(qtbot, window, answers=ALCOHOL_HIGH, risk_to_self=True)  # crisis lines join: every row is new
    services = [f"service-check:{service_id}" for service_id in window.services_panel.rows]  # type: ignore[attr-defined]
    assert any("samaritans" in name for name in services)
    window.save_button.setFocus(Qt.FocusReason.OtherFocusReason)
    # The demo has no session buttons: from Save, Tab goes round to the top of the form.
    assert press(qtbot, Qt.Key.Key_Tab) is window.form.patient.kind
    risk = window.form.patient.risk_to_self
    risk.setFocus(Qt.FocusReason.OtherFocusReason)
    stops = walk(qtbot, Qt.Key.Key_Tab)
    assert stops[stops.index("question:other.use") + 1:] == [
        *services, "services-search", "print-leaflet", "new-screening", "save", *FORM[:FORM.index("risk-to-self")]
    ]


def test_in_one_column_tab_walks_the_same_stops_as_beside_it(
    qtbot: QtBot, qapp: QApplication, demo: MainWindow
) -> None:
    # A narrow window (1024x768 at 150 %) puts the results under the form (ui/columns.py): the stops stay in order.
    window = demo
    show_draft(qtbot, window, answers=ALCOHOL_HIGH)
    apply_style(qapp)
    apply_stylesheet(qapp)  # the theme's fonts, which set the width the two columns need
    try:
        window.resize(1320, 860)
        qtbot.waitUntil(lambda: not window.columns.one_column)
        window.form.patient.kind.setFocus(Qt.FocusReason.OtherFocusReason)
        beside = walk(qtbot, Qt.Key.Key_Tab)
        assert beside[-2:] == ["new-screening", "save"]
        window.resize(683, 470)
        qtbot.waitUntil(lambda: window.columns.one_column)
        assert focused() is window.form.patient.kind
        assert walk(qtbot, Qt.Key.Key_Tab) == beside
        # Scrolled to each stop as it is reached: the Print leaflet button under the form too.
        printing = window.findChild(QWidget, "print-leaflet")
        while focused() is not printing:
            press(qtbot, Qt.Key.Key_Tab)
        viewport = window.form_scroll.viewport()

        def printing_in_view() -> bool:
            top = printing.mapTo(viewport, QPoint(0, 0)).y()
            return 0 <= top <= viewport.height() - printing.height()

        qtbot.waitUntil(printing_in_view)
    finally:
        qapp.setStyleSheet("")


def test_the_service_matches_are_a_stop_between_the_search_and_print(qtbot: QtBot, demo: MainWindow) -> None:
    panel = demo.services_panel  # type: ignore[attr-defined]
    panel.search.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.keyClicks(panel.search, "drink")
    assert press(qtbot, Qt.Key.Key_Tab) is panel.matches
    assert press(qtbot, Qt.Key.Key_Tab).objectName() == "print-leaflet"


# --- the mental-health answers --------------------------------------------------------------------------


def test_tab_enters_the_mental_health_answers_on_the_chosen_one(qtbot: QtBot, demo: MainWindow) -> None:
    patient = demo.form.patient
    yes, no, not_known = patient.mental_health_buttons
    assert not_known.isChecked()
    patient.setting.setFocus(Qt.FocusReason.OtherFocusReason)
    assert press(qtbot, Qt.Key.Key_Tab) is not_known
    assert press(qtbot, Qt.Key.Key_Tab) is patient.risk_to_self
    assert press(qtbot, Qt.Key.Key_Backtab) is not_known

    # Arrows move among the answers and choose as they go.
    assert press(qtbot, Qt.Key.Key_Left) is no and no.isChecked()
    assert press(qtbot, Qt.Key.Key_Left) is yes and demo.current_draft().under_mental_health_services is True
    assert press(qtbot, Qt.Key.Key_Right) is no and demo.current_draft().under_mental_health_services is False
    assert press(qtbot, Qt.Key.Key_Tab) is patient.risk_to_self
    assert press(qtbot, Qt.Key.Key_Backtab) is no

    # An answer set by the form (a new screening, a restored draft) is where Tab and Alt+M land next.
    show_draft(qtbot, demo, under_mental_health_services=True)
    patient.setting.setFocus(Qt.FocusReason.OtherFocusReason)
    assert press(qtbot, Qt.Key.Key_Tab) is yes
    demo.new_screening(ask=False)
    patient.setting.setFocus(Qt.FocusReason.OtherFocusReason)
    assert press(qtbot, Qt.Key.Key_Tab) is not_known
    assert press(qtbot, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier) is not_known
    demo.form.focus_first_question()
    assert press(qtbot, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier) is not_known


# --- Esc in a search box --------------------------------------------------------------------------------


class _KeysReaching(QObject):
    """Records the keys that reach ``widget`` (a key its child did not take goes on to it)."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.keys: list[int] = []
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress:
            self.keys.append(event.key())  # type: ignore[attr-defined]
        return False


def test_esc_in_the_services_search_clears_it_and_when_empty_goes_on_to_the_window(
    qtbot: QtBot, demo: MainWindow
) -> None:
    panel = demo.services_panel  # type: ignore[attr-defined]
    show_draft(qtbot, demo, answers=ALCOHOL_HIGH)
    suggested = list(panel.rows)
    reaching_window = _KeysReaching(demo)
    # Elsewhere in the window (here the Print leaflet button) Esc goes on to the window, which does nothing with it.
    print_button = demo.findChild(QWidget, "print-leaflet")
    print_button.setFocus(Qt.FocusReason.OtherFocusReason)
    press(qtbot, Qt.Key.Key_Escape)
    assert reaching_window.keys == [Qt.Key.Key_Escape]

    panel.search.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.keyClicks(panel.search, "samaritans")
    assert panel.matches.isVisible() and panel.matches.item(0).text().startswith("Samaritans")
    assert press(qtbot, Qt.Key.Key_Escape) is panel.search
    assert panel.search.text() == "" and not panel.matches.isVisible()
    assert list(panel.rows) == suggested and demo.current_draft().service_ids == tuple(suggested)  # nothing added
    assert reaching_window.keys == [Qt.Key.Key_Escape]  # the clearing Esc went no further

    assert press(qtbot, Qt.Key.Key_Escape) is panel.search
    assert reaching_window.keys == [Qt.Key.Key_Escape, Qt.Key.Key_Escape]  # as from the button
    assert demo.form.draft().answers == ALCOHOL_HIGH and list(panel.rows) == suggested

    # From the list of matches (Down from the search), Esc clears the search and goes back to it.
    qtbot.keyClicks(panel.search, "samaritans")
    assert press(qtbot, Qt.Key.Key_Down) is panel.matches
    assert press(qtbot, Qt.Key.Key_Escape) is panel.search
    assert panel.search.text() == "" and not panel.matches.isVisible()
    assert list(panel.rows) == suggested and len(reaching_window.keys) == 2


def test_esc_in_the_directory_filter_clears_it_then_closes_the_editor(qtbot: QtBot, demo: MainWindow) -> None:
    from ui.directory.editor import DirectoryEditor
    from ui.directory.source import DirectorySource

    editor = DirectoryEditor(DirectorySource(demo.context), parent=demo)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    editor.filter.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.keyClicks(editor.filter, "frank")
    shown = editor.table.rowCount()
    qtbot.keyClick(editor.filter, Qt.Key.Key_Escape)
    assert editor.isVisible() and editor.filter.text() == "" and editor.table.rowCount() > shown
    qtbot.keyClick(editor.filter, Qt.Key.Key_Escape)
    assert not editor.isVisible()


def test_esc_in_the_language_search_clears_it_then_closes_the_dialog(qtbot: QtBot, demo: MainWindow) -> None:
    dialog = leaflet_feature.screening_dialog(demo)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    every_language = dialog.picker.visible_codes()
    dialog.picker.search.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.keyClicks(dialog.picker.search, "polsk")
    assert dialog.picker.visible_codes() == ["pl"] and dialog.languages() == ["pl"]

    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.picker.search.text() == ""
    assert dialog.picker.visible_codes() == every_language
    assert dialog.languages() == ["pl"]  # the choice stays

    qtbot.keyClicks(dialog.picker.search, "polsk")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.picker.list, Qt.Key.Key_Escape)  # from the list too: clears, back in the search
    assert dialog.isVisible() and dialog.picker.search.text() == ""
    assert dialog.focusWidget() is dialog.picker.search

    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
