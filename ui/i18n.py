"""Live switch of the staff UI language, right-to-left layout, and Qt's own button texts.

Every widget that shows text sets it in a ``retranslate()`` method (docs/ui-features.md).
``switch_language(code)`` sets the language in ``app.i18n``, flips the layout direction for
right-to-left languages (and the pseudo-locale), installs Qt's own catalog for the language (a
pseudo one for the pseudo-locale), then calls
``retranslate()`` on every live widget that has one, on every object passed to ``register()``, and
every callback given to ``keep_translated()``. No restart is needed.

- Widgets with ``retranslate()`` are found by walking ``QApplication.allWidgets()``: nothing to do.
- Other objects with ``retranslate()`` (a feature's controller owning QActions) call ``register(obj)``;
  the registry holds them weakly.
- A QAction or QMenu made in a feature's ``install()`` is kept translated with
  ``keep_translated(action, lambda: action.setText(_("Services leaflet…")))`` while it lives.
- A label that shows data rather than UI text (a site name, a record reference, a service name)
  is marked with ``mark_data_text(label)`` so the pseudo-locale screenshot test does not flag it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QLibraryInfo, QObject, Qt, QTranslator, Signal
from PySide6.QtWidgets import QApplication, QLayout, QWidget

from app import i18n
from app.i18n.languages import LANGUAGES, PSEUDO, Language, language
from app.i18n.pseudo import pseudo_catalog_path, pseudo_text

DATA_TEXT_PROPERTY = "signpostDataText"

# Qt contexts whose strings staff see: standard dialog buttons and message boxes.
_PSEUDO_QT_CONTEXTS = frozenset({"QPlatformTheme", "QDialogButtonBox", "QMessageBox"})


class _PseudoQtTranslator(QTranslator):
    """Qt's own button texts ("OK", "Cancel") in the pseudo-locale too, as Qt has no catalog for it."""

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        if context in _PSEUDO_QT_CONTEXTS and source:
            return pseudo_text(source)
        return source  # this is the only translator installed under the pseudo-locale


class LanguageSwitcher(QObject):
    """Owns the current Qt translator and announces switches (``language_changed`` carries the code)."""

    language_changed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._qt_translator: QTranslator | None = None
        self._registered: weakref.WeakSet[QObject] = weakref.WeakSet()
        self._bindings: list[tuple[QObject, Callable[[], None]]] = []

    def register(self, obj: QObject) -> None:
        self._registered.add(obj)
        obj.retranslate()  # type: ignore[attr-defined]

    def keep_translated(self, obj: QObject, apply: Callable[[], None]) -> None:
        self._bindings.append((obj, apply))
        apply()

    def switch(self, code: str) -> None:
        lang = language(code)
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            raise RuntimeError("switch_language needs a QApplication")
        i18n.set_ui_language(lang.code)
        self._install_qt_translator(app, lang)
        # Qt posts LanguageChange to every widget; deliver it now so standard buttons re-text at once.
        app.sendPostedEvents(None, QEvent.Type.LanguageChange)
        app.setLayoutDirection(Qt.LayoutDirection.RightToLeft if lang.is_rtl else Qt.LayoutDirection.LeftToRight)
        self.retranslate_all(app)
        self.language_changed.emit(lang.code)

    def retranslate_all(self, app: QApplication) -> None:
        done: set[int] = set()
        for obj in [*app.allWidgets(), *self._registered]:
            method = getattr(obj, "retranslate", None)
            if callable(method) and id(obj) not in done and shiboken6.isValid(obj):
                done.add(id(obj))
                method()
        self._bindings = [(obj, apply) for obj, apply in self._bindings if shiboken6.isValid(obj)]
        for _obj, apply in self._bindings:
            apply()
        # Layouts cache heights computed for the old texts (word-wrapped labels in a scroll area keep
        # them): without this a section grown by longer text is squeezed until the window is resized.
        for top in app.topLevelWidgets():
            for layout in top.findChildren(QLayout):
                layout.invalidate()
        # Deliver the direction changes and layout requests now, so the window is settled on return.
        app.sendPostedEvents()

    def _install_qt_translator(self, app: QApplication, lang: Language) -> None:
        if self._qt_translator is not None:
            app.removeTranslator(self._qt_translator)
            self._qt_translator.deleteLater()
            self._qt_translator = None
        if lang.code == "en":
            return
        if lang.code == PSEUDO.code:
            self._qt_translator = _PseudoQtTranslator(self)
            app.installTranslator(self._qt_translator)
            return
        translator = QTranslator(self)
        qt_name = {"zh_Hans": "zh_CN"}.get(lang.code, lang.code)
        if translator.load(f"qtbase_{qt_name}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(translator)
            self._qt_translator = translator
        else:
            translator.deleteLater()


_switcher: LanguageSwitcher | None = None


def switcher() -> LanguageSwitcher:
    """The application's one switcher, created on first use and owned by the QApplication."""
    global _switcher
    if _switcher is None or not shiboken6.isValid(_switcher):
        _switcher = LanguageSwitcher(QApplication.instance())
    return _switcher


def switch_language(code: str) -> None:
    """Show the staff UI in ``code`` (``en``, ``ar``, ``qps``…) now, re-texting every live widget."""
    switcher().switch(code)


def register(obj: QObject) -> None:
    """Call ``obj.retranslate()`` now and after every switch while ``obj`` lives (for non-widgets)."""
    switcher().register(obj)


def keep_translated(obj: QObject, apply: Callable[[], None]) -> None:
    """Call ``apply()`` now and after every switch while ``obj`` (a QAction, a QMenu…) lives."""
    switcher().keep_translated(obj, apply)


def mark_data_text(widget: QWidget) -> None:
    """Say that ``widget`` shows data (a name, a number, a reference), not UI text to translate."""
    widget.setProperty(DATA_TEXT_PROPERTY, True)


def is_data_text(widget: QWidget) -> bool:
    return bool(widget.property(DATA_TEXT_PROPERTY))


def menu_languages() -> list[Language]:
    """Languages to offer staff: English, those whose ``ui`` catalog has translations, the pseudo-locale
    (when built).

    A language whose staff UI is not translated yet is left out rather than shown in English.
    """
    from app.i18n.progress import translated_count

    offered = [lang for lang in LANGUAGES if lang.code == "en" or translated_count(lang.code, i18n.UI_DOMAIN) > 0]
    return [*offered, PSEUDO] if pseudo_catalog_compiled() else offered


def pseudo_catalog_compiled() -> bool:
    """True once ``make catalogs`` has built the pseudo-locale (it is build output, never committed)."""
    return pseudo_catalog_path().with_suffix(".mo").is_file()


def startup_language() -> str:
    """``qps`` when ``SIGNPOST_PSEUDO_LOCALE`` asks for it, otherwise British English."""
    return PSEUDO.code if i18n.pseudo_locale_requested() else "en"
