"""Feature: Help ▸ Language, the staff UI language menu; honours ``SIGNPOST_PSEUDO_LOCALE`` at start.

Each language is listed by its own name ("Polski", "اردو"), so staff can find theirs whatever the UI
is showing. Choosing one switches the whole window at once (ui/i18n.py).
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMainWindow, QMenu

from app.i18n import _, pseudo_locale_requested, ui_language
from app.i18n.languages import PSEUDO
from ui.i18n import keep_translated, menu_languages, pseudo_catalog_compiled, startup_language, switch_language

log = logging.getLogger(__name__)


def install(window: QMainWindow) -> None:
    menu = QMenu(window)
    menu.setObjectName("menu:Language")
    keep_translated(menu, lambda: menu.setTitle(_("&Language")))
    group = QActionGroup(menu)
    group.setExclusive(True)
    for lang in menu_languages():
        action = QAction(lang.own_name, group)
        action.setObjectName(f"language:{lang.code}")
        action.setCheckable(True)
        action.setChecked(lang.code == ui_language())
        action.setData(lang.code)
        if lang.code == PSEUDO.code:
            menu.addSeparator()
            keep_translated(action, lambda action=action: action.setText(_("Pseudo-locale (layout check)")))
        menu.addAction(action)
    group.triggered.connect(lambda action: switch_language(action.data()))
    window.menu("Help").addMenu(menu)  # type: ignore[attr-defined]

    if pseudo_locale_requested():
        if not pseudo_catalog_compiled():
            log.warning("SIGNPOST_PSEUDO_LOCALE is set but the pseudo-locale is not built: run `make catalogs`")
            return
        switch_language(startup_language())
        for action in group.actions():
            action.setChecked(action.data() == PSEUDO.code)
