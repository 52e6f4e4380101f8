"""The main window: the screening form on the left, the live result and actions on the right (on a narrow window,
the result under the form: ui/columns.py).

Features plug in through the contract in docs/ui-features.md: ``menu(name)``, ``add_result_section``,
``draft_contributors`` / ``current_draft()``, ``saver``, ``new_screening()`` and ``screening_reset``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import pairwise

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QMainWindow,
    QMenu,
    QPushButton,
    QScrollArea,
    QWidget,
)

from app.errors import SignpostError
from app.i18n import N_, _
from app.instrument.loader import find_pack
from app.instrument.model import InstrumentPack
from app.policy import load_action_policy
from app.records.draft import SAME_IDENTIFIER, SavedDraft, ScreeningDraft, patient_doubt
from ui.columns import ScreeningColumns
from ui.context import AppContext
from ui.message_label import MessageLabel
from ui.screen_fit import fit_to_screen
from ui.screening.form import ScreeningForm
from ui.screening.result_panel import ResultPanel

MENU_ORDER = ("File", "Admin", "Help")
MIN_WIDTH = 480  # px
_MENU_TITLES = {"File": N_("&File"), "Admin": N_("&Admin"), "Help": N_("&Help")}


class _ActionButton(QPushButton):
    """A push button that Enter presses too (Qt only does that in dialogs), for keyboard-only use."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        from PySide6.QtCore import Qt

        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self.click()
        else:
            super().keyPressEvent(event)


NOTHING_LOST = N_("Nothing has been lost: the answers stay on screen.")


def standard_or(bindings: list[QKeySequence], fallback: str) -> list[QKeySequence]:
    """A standard key's ``bindings`` on this platform, or ``fallback`` where it has none (Windows binds nothing
    to Quit)."""
    return bindings or [QKeySequence(fallback)]


def _in_reading_order(layout: QLayout) -> Iterator[QWidget]:
    """The widgets ``layout`` places, each followed by those inside it, as they read: a grid row by row.

    Box layouts keep the order widgets were added in, which is the order they show (mirrored, as the
    text is, in a right-to-left language).
    """
    indexes: list[int] = list(range(layout.count()))
    if isinstance(layout, QGridLayout):
        indexes.sort(key=lambda index: layout.getItemPosition(index)[:2])
    for index in indexes:
        item = layout.itemAt(index)
        if item.widget() is not None:
            yield item.widget()
            yield from _widgets_inside(item.widget())
        elif item.layout() is not None:
            yield from _in_reading_order(item.layout())


def _widgets_inside(widget: QWidget) -> Iterator[QWidget]:
    """What ``widget`` lays out (for a scroll area, what it scrolls), in reading order."""
    if isinstance(widget, QScrollArea):
        if widget.widget() is not None:
            yield widget.widget()
            yield from _widgets_inside(widget.widget())
    elif widget.layout() is not None:
        yield from _in_reading_order(widget.layout())


def _unsaved_because(demo: bool) -> str:
    if demo:
        return _("This is the demo: screenings are not saved to a patient record.")
    return _("This screening cannot be saved yet: saving is not set up on this computer.")


class MainWindow(QMainWindow):
    screening_reset = Signal()
    # The window is closing for good (the person confirmed): features sign out and let go of what they hold.
    closing = Signal()

    def __init__(self, context: AppContext, pack: InstrumentPack | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The sign-in cards' words and buttons fit from this width on (the form needs more anyway).
        self.setMinimumWidth(MIN_WIDTH)
        self.context = context
        self.pack = pack or find_pack()
        self.policy = load_action_policy()
        # Stores a draft; given the draft this form last saved, amends that record. Returns (reference, version).
        self.saver: Callable[[ScreeningDraft, SavedDraft | None], tuple[str, int]] | None = None
        self.draft_contributors: list[Callable[[ScreeningDraft], ScreeningDraft]] = []
        # Asked in turn before the window closes; any may ask the user, and False keeps the window open.
        self.close_guards: list[Callable[[], bool]] = []
        # Asked before the screening is saved or printed: a message stops it (the feature has shown the change).
        self.draft_checks: list[Callable[[], str | None]] = []
        # Ask before throwing away answers not yet saved (new screening, closing the window).
        self.ask_before_discarding = True
        self.locked_for = ""  # whose screening a lock hides (kept by the vault feature), or empty
        self._unsaved = False
        # The record the answers on screen were saved as; None once they change or are cleared.
        self.saved_reference: str | None = None
        # What this form last saved; kept while the answers change afterwards, so Save amends that record.
        self._last_saved: SavedDraft | None = None
        self._menus: dict[str, QMenu] = {}
        self._status_text: Callable[[], str] = str  # the status line, made again in a new language
        self._warning_kept: Callable[[], str] | None = None  # a warning a confirmation was put before (say_done)
        self.setObjectName("main-window")

        self.form = ScreeningForm(self.pack)
        self.result_panel = ResultPanel(self.pack, self.policy, context.config.action_approval)
        self.status = MessageLabel()  # no room taken until there is something to say
        self.status.setObjectName("save-status")
        self.status.setProperty("role", "status")
        self.status.setWordWrap(True)
        # Enum properties by name: importing ``Qt`` costs start-up time (see ui/screening/question.py).
        self.status.setProperty("textInteractionFlags", "TextSelectableByMouse")
        self.new_button = _ActionButton()
        self.new_button.setObjectName("new-screening")
        self.save_button = _ActionButton()
        self.save_button.setObjectName("save")
        self.save_button.setProperty("role", "primary")
        self.demo_banner = QLabel()
        self.demo_banner.setObjectName("demo-banner")
        self.demo_banner.setProperty("role", "demo-banner")

        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        # The form beside the result, or on a narrow window the result under the form (ui/columns.py).
        central = ScreeningColumns(self.demo_banner, self.form, self.result_panel, self.status, buttons)
        self.columns = central
        self.form_scroll = central.form_scroll
        self.result_scroll = central.result_scroll
        self._content = central  # not the window's central widget while a sign-in screen stands in for it
        self.demo_banner.setHidden(not context.demo)  # once parented: shown before, it would be its own window
        self.setCentralWidget(central)

        file_menu = self.menu("File")
        self.new_action = QAction(self)
        self.save_action = QAction(self)
        self.quit_action = QAction(self)
        # setShortcuts(StandardKey) gives every platform binding, and unlike setShortcut(QKeySequence)
        # it does not make PySide6 build the ``Qt`` enums before the form is shown (nor does Quit's list).
        self.new_action.setShortcuts(QKeySequence.StandardKey.New)
        self.save_action.setShortcuts(QKeySequence.StandardKey.Save)
        self.quit_action.setShortcuts(standard_or(QKeySequence.keyBindings(QKeySequence.StandardKey.Quit), "Ctrl+Q"))
        file_menu.addActions([self.new_action, self.save_action])
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        self.addAction(self.quit_action)  # Ctrl+Q works on the sign-in screen too, where the File menu is off
        help_menu = self.menu("Help")
        self.keys_action = QAction(self)
        self.instrument_action = QAction(self)
        help_menu.addActions([self.keys_action, self.instrument_action])

        self.form.draft_changed.connect(self._draft_changed)
        self.form.questions_finished.connect(self._focus_save)
        self.columns.layout_changed.connect(self._keep_keyboard_in_view)  # a method: let go of when this window goes
        self.save_button.clicked.connect(self.save)
        self.save_action.triggered.connect(self.save)
        self.new_button.clicked.connect(self.new_screening)
        self.new_action.triggered.connect(self.new_screening)
        self.quit_action.triggered.connect(self.close)
        self.keys_action.triggered.connect(self._show_keys)
        self.instrument_action.triggered.connect(self._show_instrument)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._keep_focus_in_view)

        self.retranslate()
        self.result_panel.show_result(self.form.result(), False)
        self._fit_to_screen()
        self.form.focus_first_question()

    # --- contract -----------------------------------------------------------------------------

    def menu(self, name: str) -> QMenu:
        """The menu called ``name`` ("File", "Admin", "Help"), created on first use in that order."""
        if name in self._menus:
            return self._menus[name]
        menu = QMenu(self)
        menu.setObjectName(f"menu:{name}")
        menu.setTitle(_(_MENU_TITLES.get(name, name)))
        def rank(menu_name: str) -> int:
            return MENU_ORDER.index(menu_name) if menu_name in MENU_ORDER else len(MENU_ORDER)

        later = [m for n, m in self._menus.items() if rank(n) > rank(name)]
        if later:
            self.menuBar().insertMenu(later[0].menuAction(), menu)
        else:
            self.menuBar().addMenu(menu)
        self._menus[name] = menu
        return menu

    def clear_problem(self) -> None:
        """Take away a "Not saved: …" line whose cause has passed (e.g. signed in again after a vault fault)."""
        if self.status.property("kind") == "error":
            self._show_status(str, kind="")

    def check_draft(self) -> str | None:
        """What stops the screening being saved or printed as it stands (``draft_checks``), or None."""
        for check in self.draft_checks:
            if (problem := check()) is not None:
                return problem
        return None

    @property
    def unsaved(self) -> bool:
        """True while the form holds answers (or a choice of services) not yet saved."""
        return self._unsaved

    @property
    def last_saved(self) -> SavedDraft | None:
        """What this form last saved (kept while its answers change afterwards), or None."""
        return self._last_saved

    def rebase_saved(self, saved: SavedDraft | None, note: str) -> None:
        """The vault no longer holds what this form last saved (e.g. it was restored from an earlier backup):
        take ``saved`` as the record on file (None: there is none, Save makes a new one) and say so."""
        self._last_saved = saved
        self._label_save_button()
        self._draft_changed(self.form.draft())
        self._show_status(lambda: note, kind="warning")

    def say_done(self, text: Callable[[], str]) -> None:
        """Confirm on the status line something done outside the screening (e.g. a password changed); a warning
        already there stays, after it."""
        kind = self.status.property("kind") or ""
        kept = self._warning_kept or self._status_text  # a second confirmation replaces the first
        if kind in ("warning", "error") and kept():
            self._show_status(lambda: text() + " " + kept(), kind=kind)
            self._warning_kept = kept
        else:
            self._show_status(text, kind="ok")

    def set_menus_enabled(self, enabled: bool) -> None:
        """Enable or disable every menu but Help: while nobody is signed in, the keys, the instrument and the
        staff language stay at hand."""
        for name, menu in self._menus.items():
            menu.menuAction().setEnabled(enabled or name == "Help")

    def add_result_section(self, widget: QWidget) -> None:
        """Add a feature's widget under the per-substance results (services, print button…)."""
        self.result_panel.add_section(widget)

    def current_draft(self) -> ScreeningDraft:
        draft = self.form.draft()
        for contribute in self.draft_contributors:
            draft = contribute(draft)
        return draft

    def new_screening(self, *, ask: bool = True, question: str | None = None) -> bool:
        """Clear the form for the next patient; asks first (``question``) when answers are not saved.

        Returns True if the form was cleared.
        """
        if ask and not self._may_discard(question or _("Start a new screening?")):
            return False
        self.result_panel.forget_spoken()  # the next patient's empty result is not read out substance by substance
        self.form.clear()
        self.form_scroll.verticalScrollBar().setValue(0)  # the next patient starts at the top
        self.result_scroll.verticalScrollBar().setValue(0)  # with the result's heading, not where the last one ended
        self._unsaved = False
        self.saved_reference = None
        self._last_saved = None
        self._label_save_button()
        self._show_status(str, kind="")
        self.screening_reset.emit()
        return True

    def save(self) -> None:
        """Save through ``saver`` when storage is available; otherwise say so plainly, losing nothing."""
        if self.saver is None:
            demo = self.context.demo
            self._show_status(lambda: _unsaved_because(demo) + " " + _(NOTHING_LOST), kind="warning")
            return
        if self.form.problems():
            self._show_status(lambda: _("Not saved yet:") + " " + " ".join(self.form.problems()), kind="warning")
            return
        if (problem := self.check_draft()) is not None:
            self._show_status(lambda: _("Not saved yet.") + " " + problem, kind="warning")
            return
        draft = self.current_draft()
        if self._last_saved is not None and draft == self._last_saved.draft:
            # A second Enter or click on Save would store the same screening twice.
            saved = self.saved_reference = self._last_saved.reference
            self._unsaved = False
            self._show_status(
                lambda: _("Already saved, unchanged. Record reference: {reference}").format(reference=saved), kind="ok"
            )
            return
        on_file = self._last_saved
        if on_file is not None and (doubt := patient_doubt(on_file.draft, draft)) is not None:
            from ui.which_record import WhichRecordDialog

            dialog = WhichRecordDialog(on_file.reference, *doubt, parent=self)
            choice = dialog.ask()
            dialog.deleteLater()
            if choice is None:
                self._show_status(lambda: _("Not saved yet.") + " " + _(NOTHING_LOST), kind="warning")
                return
            if not choice and doubt[0] == SAME_IDENTIFIER:
                self._show_status(lambda: _(
                    "Not saved yet. Enter this patient's identifier and date of birth (or choose Anonymous), then "
                    "save."
                ) + " " + _(NOTHING_LOST), kind="warning")
                edit = self.form.patient.identifier.edit
                edit.setFocus()
                edit.selectAll()  # typing replaces the first patient's number rather than adding to it
                self.form_scroll.ensureWidgetVisible(edit, 20, 60)
                return
            on_file = on_file if choice else None
        try:
            reference, version = self.saver(draft, on_file)
        except SignpostError as exc:
            problem = str(exc)
            self._show_status(lambda: _("Not saved: {problem}").format(problem=problem) + " " + _(NOTHING_LOST),
                              kind="error")
            return
        self._unsaved = False
        self.saved_reference = reference
        self._last_saved = SavedDraft(draft, reference, version)
        self._label_save_button()
        if self.context.demo:
            # Under a banner that says nothing is saved to a patient record: say where it went.
            self._show_status(lambda: _(
                "Saved in this demo only, until Signpost closes. Demo reference: {reference}"
            ).format(reference=reference), kind="ok")
        elif version == 1:
            self._show_status(lambda: _("Saved. Record reference: {reference}").format(reference=reference), kind="ok")
        else:
            self._show_status(lambda: _(
                "Changes saved as version {version} of the same record. Record reference: {reference}"
            ).format(version=version, reference=reference), kind="ok")

    # --- texts --------------------------------------------------------------------------------

    def retranslate(self) -> None:
        """This window's own texts; the form, panel and rows each have their own ``retranslate()``."""
        parts = []
        if self.context.config.site_name:
            parts.append(self.context.config.site_name)
        if self.context.demo:
            parts.append(_("DEMO (practice data, not saved to a patient record)"))
        # The name comes last: Qt appends the application's display name to a title not ending with it.
        self.setWindowTitle(" — ".join([*parts, "Signpost"]))
        self.demo_banner.setText(_("DEMO: practice data only. Nothing here is saved to a patient record."))
        for name, menu in self._menus.items():
            menu.setTitle(_(_MENU_TITLES.get(name, name)))
        self.new_action.setText(_("&New screening"))
        self.save_action.setText(_("&Save screening"))
        self.quit_action.setText(_("&Quit"))
        self.keys_action.setText(_("&Keyboard keys"))
        self.instrument_action.setText(_("About the &instrument"))
        self.new_button.setText(_("New screening"))
        self.new_button.setToolTip(_("Clear the form for the next patient (Ctrl+N)"))
        self._label_save_button()
        self.status.setText(self._status_text())

    # --- internals ----------------------------------------------------------------------------

    def _label_save_button(self) -> None:
        """The Save button says "Save changes" once this form has saved the screening: it then corrects that record."""
        saved = self._last_saved
        if saved is None:
            self.save_button.setText(_("Save"))
            self.save_button.setToolTip(_("Save this screening to the patient record (Ctrl+S)"))
        else:
            self.save_button.setText(_("Save changes"))
            self.save_button.setToolTip(
                _("Save the changes to record {reference} (Ctrl+S)").format(reference=saved.reference)
            )

    def contribution_changed(self) -> None:
        """A feature's part of the draft changed (e.g. the services ticked): unsaved, as a changed answer is."""
        self._draft_changed(self.form.draft())

    def _draft_changed(self, draft: ScreeningDraft) -> None:
        if self._last_saved is not None and self.current_draft() == self._last_saved.draft:
            # Back to what was saved (e.g. a tick taken off and put back): saved, under its reference.
            self._unsaved = False
            self.saved_reference = self._last_saved.reference
        else:
            self._unsaved = not self.form.is_blank()
            self.saved_reference = None
        self.result_panel.show_result(self.form.result(), draft.under_mental_health_services is True)
        if self.status.property("kind") in ("ok", "warning", "error"):
            self._show_status(str, kind="")

    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802 - Qt override
        # Every Tab and Shift+Tab in the window comes here (each widget passes it to its parent).
        self._order_tab_stops()
        return super().focusNextPrevChild(forward)

    def _order_tab_stops(self) -> None:
        """Put Tab in reading order: the form top to bottom, the right-hand column top to bottom, then
        the session buttons (Lock, Sign out) at the top right, and round to the form again.

        Qt's own order is the order widgets joined the window, so the sections features add (services,
        Print leaflet), the service rows the panel rebuilds and the session buttons came after Save, or
        between sections. Labels and scroll areas take no focus and are no stops.
        """
        if self.centralWidget() is not self._content:
            return  # a sign-in screen is showing: it orders its own fields
        from PySide6.QtCore import Qt

        widgets = list(_in_reading_order(self._content.layout()))
        for corner in (Qt.Corner.TopLeftCorner, Qt.Corner.TopRightCorner):
            corner_widget = self.menuBar().cornerWidget(corner)
            if corner_widget is not None:
                widgets += [corner_widget, *_widgets_inside(corner_widget)]
        # Stops that are hidden, disabled or not Tab stops just now keep their place for when they are.
        stops = [widget for widget in widgets if widget.focusPolicy() != Qt.FocusPolicy.NoFocus]
        for first, second in pairwise(stops):
            QWidget.setTabOrder(first, second)

    def _focus_save(self) -> None:
        from PySide6.QtCore import Qt

        self.save_button.setFocus(Qt.FocusReason.TabFocusReason)
        self.columns.show_result()  # in one column the result is under the form, out of sight

    def _show_status(self, text: Callable[[], str], *, kind: str) -> None:
        """Show a status line (``str`` clears it); ``text`` makes it again when the language changes."""
        colours = {"ok": "#00401e", "warning": "#4d3800", "error": "#7a0a0a", "": "#212b32"}
        self._status_text = text
        self._warning_kept = None
        self.status.setText(text())
        self.status.setProperty("kind", kind)
        self.status.setStyleSheet(f"color: {colours[kind]}; font-weight: 600;")

    def _may_discard(self, question: str) -> bool:
        if not (self._unsaved and self.ask_before_discarding):
            return True
        from PySide6.QtWidgets import QMessageBox  # imported when needed: its enums cost start-up time

        if self.locked_for:
            lost = _(
                "{name}'s screening, hidden while Signpost is locked, has not been saved and will be lost."
            ).format(name=self.locked_for)
        else:
            lost = _("The answers on screen have not been saved and will be cleared.")
        box = QMessageBox(QMessageBox.Icon.Question, _("Signpost"), question + "\n\n" + lost,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        # Not "Yes" and "No": Y and N answer the questions, and a Y pressed once too often cleared the answers.
        box.button(QMessageBox.StandardButton.Yes).setText(_("&Discard them"))
        box.button(QMessageBox.StandardButton.No).setText(_("&Keep them"))
        return box.exec() == QMessageBox.StandardButton.Yes

    def _keep_keyboard_in_view(self) -> None:
        self._keep_focus_in_view(None, QApplication.focusWidget())

    def _keep_focus_in_view(self, _old: QWidget | None, new: QWidget | None) -> None:
        # A follow-up row that has just appeared is laid out after this event: scroll once it has its place. The
        # layouts take several turns to settle (a row losing its bold, the result's words): each time what the
        # scroll area holds changes height, ``columns.layout_changed`` scrolls again, so the last scroll is from the
        # end.
        if new is not None:
            QTimer.singleShot(0, self, lambda: self._scroll_to(new))

    def _scroll_to(self, new: QWidget) -> None:
        if QApplication.focusWidget() is not new:
            return
        for scroll in (self.form_scroll, self.result_scroll):
            if scroll.widget() is not None and scroll.widget().isAncestorOf(new):
                target = new
                while target.parentWidget() is not None and target.property("role") != "question":
                    if target.parentWidget() is scroll.widget():
                        break
                    target = target.parentWidget()
                scroll.ensureWidgetVisible(target if target.property("role") == "question" else new, 20, 60)

    def _fit_to_screen(self) -> None:
        """1320 x 860 where it fits; on a small ward screen, nearly all of it."""
        fit_to_screen(self, 1320, 860)

    def _show_keys(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(self, _("Keyboard keys"), self.form.keys_help.text() + "\n\n" + _(
            "Ctrl+S = save · Ctrl+N = new screening · Ctrl+Q = quit · Ctrl+L = lock, from any window of Signpost"
        ))

    def _show_instrument(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        pack = self.pack
        QMessageBox.information(
            self,
            _("About the instrument"),
            f"{pack.title} ({pack.id} {pack.version})\n\n{pack.administration}\n\n{pack.source}\n\n"
            f"{pack.licence_name}: {pack.licence_note}",
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._may_discard(_("Close Signpost?")) and all(may_close() for may_close in self.close_guards):
            event.accept()
            self.closing.emit()
        else:
            event.ignore()
