"""A searchable list of leaflet languages, each shown by its own name ("Polski", "اردو") and its English name."""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.i18n import LANGUAGES, Language, _
from ui.key_routes import down_into, esc_clears, keep_enter

CODE_ROLE = Qt.ItemDataRole.UserRole
ROW_HEIGHT = 36  # px: a row and its tick box big enough to hit (WCAG 2.5.8 asks for 24 at least)
INDICATOR = 26
# The list's own rules: the theme sizes QCheckBox indicators, which an item view does not draw with.
_LIST_STYLE = (
    f"QListWidget::item {{ min-height: {ROW_HEIGHT}px; }}"
    f" QListWidget::indicator {{ width: {INDICATOR}px; height: {INDICATOR}px; }}"
)


def _folded(text: str) -> str:
    """Case- and accent-insensitive form for matching ("lietuviu" finds "Lietuvių")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def matches(language: Language, query: str) -> bool:
    """True when ``query`` is part of the language's own name, English name or code."""
    wanted = _folded(query.strip())
    return not wanted or any(wanted in _folded(t) for t in (language.own_name, language.english_name, language.code))


class LanguagePicker(QWidget):
    """Type to filter; one language (``multiple=False``) or several, ticked (``multiple=True``)."""

    language_changed = Signal(str)
    selection_changed = Signal()

    def __init__(self, *, multiple: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.multiple = multiple
        self.label = QLabel()
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setObjectName("leaflet-languages")
        self.list.setStyleSheet(_LIST_STYLE)
        self.list.setMinimumHeight(2 * ROW_HEIGHT + 2 * self.list.frameWidth())
        # A narrow dialog (a small screen at 150 %) wraps a long name onto a second line rather than cutting it off.
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.label.setBuddy(self.search)
        for language in LANGUAGES:
            item = QListWidgetItem(f"{language.own_name} — {language.english_name}")
            item.setData(CODE_ROLE, language.code)
            if language.is_rtl:
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            if multiple:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        self.search.textChanged.connect(self._filter)
        keep_enter(self.search, self._choose_first_visible)  # and never the dialog's Print button
        down_into(self.search, self.list)
        keep_enter(self.list, self._enter_in_list)  # Enter picks, as in the search box: it never prints
        esc_clears(self.search, self.list)  # every language shows again; with nothing typed the dialog closes
        self.list.currentItemChanged.connect(self._current_changed)
        self.list.itemChanged.connect(lambda _item: self.selection_changed.emit())
        self.retranslate()

    def retranslate(self) -> None:
        self.label.setText(_("&Language (type to search):"))
        self.search.setPlaceholderText(_("e.g. Polski, Urdu, اردو"))
        if self.multiple:
            self.list.setAccessibleName(_("Leaflet languages"))
            self.list.setAccessibleDescription(
                _("Tick each language the leaflet is wanted in; each language has its own pages.")
            )
        else:
            self.list.setAccessibleName(_("Leaflet language"))
            self.list.setAccessibleDescription(_("Choose the language the leaflet is printed in."))

    def items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    def query(self) -> str:
        """What is typed in the search box, trimmed."""
        return self.search.text().strip()

    def visible_codes(self) -> list[str]:
        return [item.data(CODE_ROLE) for item in self.items() if not item.isHidden()]

    def current_code(self) -> str | None:
        item = self.list.currentItem()
        return item.data(CODE_ROLE) if item is not None and not item.isHidden() else None

    def set_current(self, code: str) -> None:
        for item in self.items():
            if item.data(CODE_ROLE) == code:
                self.list.setCurrentItem(item)

    def checked_codes(self) -> list[str]:
        return [item.data(CODE_ROLE) for item in self.items() if item.checkState() == Qt.CheckState.Checked]

    def set_checked(self, codes: list[str] | tuple[str, ...]) -> None:
        """Tick exactly ``codes``; listeners hear one ``selection_changed``."""
        self.list.blockSignals(True)
        try:
            for item in self.items():
                item.setCheckState(Qt.CheckState.Checked if item.data(CODE_ROLE) in codes else Qt.CheckState.Unchecked)
        finally:
            self.list.blockSignals(False)
        self.selection_changed.emit()

    def _enter_in_list(self) -> None:
        """Ticks or unticks the current language where several are chosen; one chosen by moving to it stays so."""
        item = self.list.currentItem()
        if self.multiple and item is not None and not item.isHidden():
            checked = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)

    def _filter(self, text: str) -> None:
        by_code = {lang.code: lang for lang in LANGUAGES}
        for item in self.items():
            item.setHidden(not matches(by_code[item.data(CODE_ROLE)], text))
        current = self.list.currentItem()
        if not self.multiple and (current is None or current.isHidden()):
            visible = [item for item in self.items() if not item.isHidden()]
            if visible:
                self.list.setCurrentItem(visible[0])
            else:
                # Nothing matches: no language is chosen, so no leaflet can be printed in one nobody picked.
                self.list.setCurrentRow(-1)
                self.language_changed.emit("")

    def _choose_first_visible(self) -> None:
        visible = [item for item in self.items() if not item.isHidden()]
        if not visible:
            return
        if self.multiple:
            visible[0].setCheckState(Qt.CheckState.Checked)
        else:
            self.list.setCurrentItem(visible[0])

    def _current_changed(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if current is not None and not self.multiple:
            self.language_changed.emit(current.data(CODE_ROLE))
