"""Switching the staff UI language re-texts the live window, flips the layout for right-to-left
languages, reaches registered objects and Qt's own buttons, and is offered in Help ▸ Language."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialogButtonBox, QLabel, QMenu, QWidget
from pytestqt.qtbot import QtBot
from test_pseudo_locale import pseudo_catalog  # noqa: F401 - builds the pseudo-locale for this module too

from app.i18n import _, ui_language
from app.i18n.pseudo import is_pseudo
from ui.i18n import keep_translated, menu_languages, register, switch_language, switcher
from ui.main_window import MainWindow

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
]


@pytest.fixture
def window(open_window: Callable[..., MainWindow]) -> Iterator[MainWindow]:
    yield open_window(demo=True)
    switch_language("en")


def texts(root: QWidget) -> dict[int, str]:
    return {id(w): w.text() for w in [*root.findChildren(QLabel), *root.findChildren(QAbstractButton)] if w.text()}


def test_switching_re_texts_the_live_window_and_back_without_restart(window: MainWindow) -> None:
    english = texts(window)
    english_title = window.save_button.text()

    switch_language("qps")
    assert ui_language() == "qps"
    assert is_pseudo(window.save_button.text()) and is_pseudo(window.demo_banner.text())
    pseudo = texts(window)
    assert sum(is_pseudo(t) for t in pseudo.values()) > 20

    switch_language("en")
    assert texts(window) == english
    assert window.save_button.text() == english_title == "Save"
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_the_save_status_line_follows_the_language(window: MainWindow) -> None:
    window.save()  # the demo: says nothing is saved
    english = window.status.text()
    assert english.startswith("This is the demo") and window.status.isVisible()
    switch_language("qps")
    assert is_pseudo(window.status.text()) and window.status.text() != english
    switch_language("en")
    assert window.status.text() == english


@pytest.mark.parametrize("code", ["ar", "ur", "fa", "qps"])
def test_right_to_left_languages_mirror_the_layout(window: MainWindow, code: str) -> None:
    switch_language(code)
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    switch_language("pl")
    assert window.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_qt_standard_buttons_follow_the_language(qtbot: QtBot) -> None:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    cancel = box.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.text() == "Cancel"
    switch_language("pl")  # from Qt's own qtbase_pl catalog
    assert cancel.text() == "Anuluj"
    switch_language("qps")
    assert is_pseudo(cancel.text())
    switch_language("en")
    assert cancel.text() == "Cancel"


class _Controller(QObject):
    """A non-widget owner of texts, as a feature's controller would be."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def retranslate(self) -> None:
        self.seen.append(_("Save"))


def test_registered_objects_and_bound_actions_follow_until_they_are_gone(qtbot: QtBot) -> None:
    controller = _Controller()
    register(controller)
    assert controller.seen == ["Save"]
    holder = QWidget()
    qtbot.addWidget(holder)
    action = QAction(holder)
    keep_translated(action, lambda: action.setText(_("Save")))
    assert action.text() == "Save"

    with qtbot.waitSignal(switcher().language_changed, timeout=1000) as announced:
        switch_language("qps")
    assert announced.args == ["qps"]
    assert is_pseudo(controller.seen[-1]) and is_pseudo(action.text())

    del controller  # the registry holds it weakly
    action.deleteLater()
    QApplication.processEvents()
    switch_language("en")  # neither raises nor reaches the deleted objects


def test_help_language_menu_lists_own_names_and_switches(window: MainWindow) -> None:
    from ui.i18n_feature import install

    install(window)
    menu = window.findChild(QMenu, "menu:Language")
    assert menu is not None and menu.menuAction() in window.menu("Help").actions()
    actions = {a.data(): a for a in menu.actions() if a.data()}
    assert list(actions) == [lang.code for lang in menu_languages()]
    assert actions["en"].text() == "English" and actions["en"].isChecked()

    actions["qps"].trigger()
    assert ui_language() == "qps" and is_pseudo(window.save_button.text()) and is_pseudo(menu.title())
    assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    actions["en"].trigger()
    assert ui_language() == "en" and window.save_button.text() == "Save"
    assert menu.title() == "&Language"


def test_pseudo_locale_from_the_environment(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.i18n_feature import install

    monkeypatch.setenv("SIGNPOST_PSEUDO_LOCALE", "1")
    install(window)
    assert ui_language() == "qps"
    assert is_pseudo(window.save_button.text())
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    checked = [a.data() for a in window.findChild(QMenu, "menu:Language").actions() if a.isChecked()]
    assert checked == ["qps"]
