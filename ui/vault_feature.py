"""The vault feature: sign-in before anything else, idle lock, saving, sign-out and the users screen.

While nobody is signed in the main window's content (the screening form and results) is taken out
of the window and kept alive, unseen, so an unsaved screening survives an idle lock; the sign-in or
set-up screen takes its place, the menus are disabled and other windows are closed. In the demo an
in-memory vault is opened without sign-in.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QWidget,
)

from app.config import Config
from app.errors import SignpostError, sentence
from app.i18n import _, ngettext
from app.records.draft import SavedDraft, ScreeningDraft
from app.vault.database import BUSY_TIMEOUT_MS
from app.vault.errors import AccountDisabledError, VaultError, VaultReplacedError
from ui.copied_text import CopiedText
from ui.i18n import register
from ui.idle_lock import IdleLock
from ui.key_routes import no_alt_typing
from ui.message_label import announce
from ui.unlock import ChangePasswordDialog, MissingFolderScreen, SetupScreen, SignInScreen
from ui.vault_worker import VaultCall, unsettled_calls


def _configured_folder_missing(data_dir: Path) -> bool:
    """The data folder was chosen for this computer (not the default place) and is not there.

    The default folder is made at first run; a chosen one missing is more likely a share or drive not
    connected than a first run.
    """
    from app.paths import default_data_dir

    return not data_dir.exists() and data_dir.absolute() != default_data_dir().absolute()


def _chosen_by_it(config: Config, data_dir: Path) -> bool:
    """``data_dir`` is the folder IT set for this computer (``SIGNPOST_DATA_DIR`` or the config file).

    A vault there is expected, so an empty folder is more likely a share not connected than a first run.
    """
    from app.config import DATA_DIR_ENV

    if not (os.environ.get(DATA_DIR_ENV) or config.data_dir):
        return False
    return config.resolve_data_dir().absolute() == data_dir.absolute()


class VaultFeature(QObject):
    """Owns the session in ``window.context.vault`` and the screens around it."""

    session_refused = Signal(object, object)
    """(session, error): an action was refused because the vault was replaced or the account disabled."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.context = window.context
        self._content: QWidget | None = None
        self._gate: QWidget | None = None
        self._late_audit: list[tuple[str, str, str]] = []  # (who, action, when) a busy vault could not take
        self._ending: set[VaultCall] = set()  # locks and sign-outs still writing their audit entry on the worker
        # How long a lock or sign-out keeps trying a vault another copy holds before its entry waits for a sign-in.
        self.audit_patience = 15.0
        self._settling_close = False  # waiting for a lock or sign-out, or asking, before closing (_may_close)
        self._close_settled = False  # settled: the window's next close goes through
        self._focus_before_lock: QWidget | None = None
        self._carry_on: list[Callable[[], None]] = []  # work a lock closed, to reopen for the same user
        self.copied = CopiedText(self)  # taken off the clipboard at a lock or sign-out
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.idle = IdleLock(app, int(self.context.config.idle_lock_minutes * 60_000), self)
        self.idle.idle.connect(self._lock_when_idle)
        self.idle.lock_key.connect(self.lock)

        self.lock_action = QAction(window, shortcut=QKeySequence("Ctrl+L"))
        self.lock_action.setObjectName("lock-now")
        self.sign_out_action = QAction(window)
        self.sign_out_action.setObjectName("sign-out")
        self.password_action = QAction(window)
        self.password_action.setObjectName("change-own-password")
        self.users_action = QAction(window)
        self.users_action.setObjectName("admin-users")
        file_menu = window.menu("File")
        file_menu.insertActions(file_menu.actions()[-1], [self.lock_action, self.sign_out_action])
        admin_menu = window.menu("Admin")
        admin_menu.addActions([self.users_action, self.password_action])
        self.lock_action.triggered.connect(self.lock)
        self.sign_out_action.triggered.connect(self.sign_out)
        self.password_action.triggered.connect(lambda: self.change_password(required=False))
        self.users_action.triggered.connect(lambda: self.show_users())

        self.who = QLabel()
        self.who.setObjectName("signed-in-as")
        self.lock_button = QToolButton()
        self.lock_button.setObjectName("lock-button")
        self.sign_out_button = QToolButton()
        self.sign_out_button.setObjectName("sign-out-button")
        self.session_bar = QWidget()
        row = QHBoxLayout(self.session_bar)
        row.setContentsMargins(8, 0, 8, 0)
        row.addWidget(self.who)
        row.addWidget(self.lock_button)
        row.addWidget(self.sign_out_button)
        window.menuBar().setCornerWidget(self.session_bar, Qt.Corner.TopRightCorner)
        self.lock_button.clicked.connect(self.lock)
        self.sign_out_button.clicked.connect(self.sign_out)
        window.closing.connect(self._closing)
        window.close_guards.append(self._may_close)
        # Queued: the refusal is raised inside the action (perhaps on the worker thread); the action must be
        # rolled back and show its own message before the session is locked or signed out.
        self.session_refused.connect(self._session_refused, Qt.ConnectionType.QueuedConnection)
        register(self)  # retexts the actions and session bar now and after every language switch

        if self.context.demo:
            from app.vault.session import open_demo_vault

            self._signed_in(open_demo_vault())
        else:
            self._show_gate()

    # --- texts --------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.lock_action.setText(_("&Lock now"))
        self.sign_out_action.setText(_("Sign &out"))
        self.password_action.setText(_("Change my &password…"))
        self.users_action.setText(_("&Users…"))
        self.lock_button.setText(_("Lock"))
        self.sign_out_button.setText(_("Sign out"))
        session = self.context.vault
        self.who.setText(_("Signed in as {name}").format(name=session.user.name) if session else "")
        # The menu bar sizes its corner widget only when laid out again.
        self.session_bar.adjustSize()
        self.window.menuBar().adjustSize()
        if self._gate is not None and hasattr(self._gate, "retranslate"):
            self._gate.retranslate()

    # --- saving -------------------------------------------------------------------------------

    def save(self, draft: ScreeningDraft, saved: SavedDraft | None) -> tuple[str, int]:
        """``window.saver``: saves or amends (``app.records.screenings.save_draft``); refuses plainly while locked."""
        from app.records.screenings import save_draft

        session = self.context.vault
        if session is None:
            raise VaultError(_("Signpost is locked: sign in again to save."))
        return save_draft(session, draft, saved, approval=self.context.config.action_approval)

    # --- sign-in, lock, sign-out --------------------------------------------------------------

    @property
    def locked(self) -> bool:
        return self._gate is not None

    def _show_gate(self, *, note: str = "", set_up: bool = False) -> None:
        """The sign-in screen, or set-up where there is no vault (``set_up``: confirmed in a folder IT set)."""
        from app.vault.layout import VaultLayout

        data_dir = self.context.data_dir
        gate: Any
        layout = VaultLayout(data_dir)
        # A swap record: a restore or rekey was killed mid-way; signing in finishes it.
        if layout.exists() or layout.db.exists() or layout.swap_record.exists():
            gate = SignInScreen(self.context.config, data_dir, user_hint=self.window.locked_for, note=note)
            gate.signed_in.connect(self._signed_in)
        elif _configured_folder_missing(data_dir):
            gate = MissingFolderScreen(data_dir, note=note)
            gate.retry_requested.connect(lambda: self._show_gate(note=note))
        elif not set_up and _chosen_by_it(self.context.config, data_dir):
            gate = MissingFolderScreen(data_dir, empty=True, note=note)
            gate.retry_requested.connect(lambda: self._show_gate(note=note))
            gate.set_up_requested.connect(lambda: self._show_gate(note=note, set_up=True))
        else:
            gate = SetupScreen(self.context.config, data_dir)
            gate.signed_in.connect(self._set_up)
            gate.key_shown.connect(self.idle.arm)
            gate.vault_found.connect(lambda note: self._show_gate(note=note))
            if set_up:
                gate.offer_back()
                gate.back_requested.connect(lambda: self._show_gate(note=note))
        no_alt_typing(gate)  # a password typed after Alt with a letter would have that letter in it
        self._close_other_windows()
        if self._content is None:
            self._content = self.window.takeCentralWidget()
        elif self._gate is not None:
            self.window.takeCentralWidget()
            self._gate.deleteLater()
        self._gate = gate
        self._show_pending_audit()
        self.window.setCentralWidget(gate)
        self.window.set_menus_enabled(False)
        self.session_bar.setVisible(False)
        gate.focus()
        if note:
            announce(gate, note)  # "Locked. …", "Signed out: …": said, as it is seen
        self.idle.arm()  # a quiet spell clears what is typed on it (_lock_when_idle)

    def _set_up(self, session: Any) -> None:
        """A new vault: answers kept on screen from before (a lock whose vault then went out of reach) belong to
        no record in it and to no user of it, so they are cleared; audit entries still waiting belong to that
        other vault, so they are not written into this one, and the administrator is told."""
        if self.window.locked_for:
            self.window.locked_for = ""
            self.window.new_screening(ask=False)
        if self._late_audit:
            session.notices.append(ngettext(
                "An audit entry (a lock or sign-out) of the earlier vault in this folder could not be written: that "
                "vault was out of reach. It is not written into the new vault.",
                "{count} audit entries (locks or sign-outs) of the earlier vault in this folder could not be "
                "written: that vault was out of reach. They are not written into the new vault.",
                len(self._late_audit),
            ).format(count=len(self._late_audit)))
            self._late_audit.clear()
        self._signed_in(session)

    def _signed_in(self, session: Any) -> None:
        previous, self.window.locked_for = self.window.locked_for, ""
        self.context.vault = session
        session.on_refused = lambda error: self.session_refused.emit(session, error)
        self.window.saver = self.save
        if self._gate is not None:
            self.window.takeCentralWidget()
            self._gate.deleteLater()
            self._gate = None
        if self._content is not None:
            self.window.setCentralWidget(self._content)
            self._content.show()  # re-parenting leaves a widget hidden until shown
            self._content = None
        if previous and previous != session.user.name:
            # Someone else unlocked: the last user's unsaved answers are not theirs to see.
            self.window.new_screening(ask=False)
        self._write_late_audit(session)
        self.window.clear_problem()
        self._check_last_saved(session)
        self.window.set_menus_enabled(True)
        self.session_bar.setVisible(not session.demo)
        self.users_action.setEnabled(session.user.is_admin)
        self.password_action.setEnabled(not session.demo)
        self.lock_action.setEnabled(not session.demo)
        self.sign_out_action.setEnabled(not session.demo)
        self.retranslate()
        if not session.demo:
            self.idle.arm()
        if session.notices:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(self.window, _("Signpost"), "\n\n".join(session.notices))
            session.notices.clear()
        if session.user.must_change_password and not self.change_password(required=True):
            if previous == session.user.name:
                # Their own work is on screen (they unlocked): lock again and keep it, rather than sign out.
                self._lock(_("Locked: a temporary password must be replaced before anything else."))
            else:
                self.sign_out(ask=False, note=_("Signed out: a temporary password must be replaced before anything "
                                                "else. Sign in again to choose your own."))
            return
        # Back where the keys were before the lock (or at the first open question): Y and N work at once.
        focused, self._focus_before_lock = self._focus_before_lock, None
        if focused is not None and not shiboken6.isValid(focused):
            focused = None  # rebuilt while locked (e.g. a services-panel row)
        if focused is not None and previous == session.user.name and self.window.isAncestorOf(focused):
            focused.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.window.form.focus_first_unanswered()
        resumes, self._carry_on = self._carry_on, []
        if previous == session.user.name:
            for resume in resumes:
                QTimer.singleShot(0, self, resume)

    def carry_on_after_unlock(self, resume: Callable[[], None]) -> None:
        """Call ``resume`` when the user the vault is locked for signs in again (it reopens what the lock closed);
        forgotten if anyone else signs in, or after a sign-out."""
        self._carry_on.append(resume)

    def _session_refused(self, session: Any, error: VaultError) -> None:
        """The open session can no longer be used: lock, keeping the answers (a disabled account with nothing unsaved
        is signed out)."""
        if self.context.vault is not session:
            return
        if unsettled_calls():
            # Refused on the worker (a password change), which may still be rolling back on this connection.
            QTimer.singleShot(100, self, lambda: self._session_refused(session, error))
            return
        if isinstance(error, AccountDisabledError) and self.window.unsaved:
            # Locked, not signed out: the unsaved screening waits, hidden, for the account to be enabled again.
            self._lock(_(
                "Locked: the account '{name}' has been disabled by an administrator, and the screening on screen has "
                "not been saved. It is kept, hidden, until someone signs in here: anyone else signing in clears it. To "
                "keep it, an administrator enables the account again from another computer (Admin ▸ Users, Reset "
                "password), then {name} signs in here with the temporary password."
            ).format(name=session.user.name), can_come_back=False)
        elif isinstance(error, AccountDisabledError):
            self.sign_out(ask=False, note=_(
                "Signed out: the account '{name}' has been disabled by an administrator. Ask an administrator if "
                "this is a mistake."
            ).format(name=session.user.name))
        elif isinstance(error, VaultReplacedError):
            self._lock(_(
                "Locked: the vault was replaced while you were signed in (restored from a backup or given a new "
                "key). Nothing was saved into the old copy. After a new key, sign in with the temporary password "
                "from your administrator."
            ))
        else:
            self._lock(_("Locked: {problem}").format(problem=sentence(error)))

    def _check_last_saved(self, session: Any) -> None:
        """After signing in again, make sure the record the form last saved is still in the vault as saved: a
        restore from an earlier backup meanwhile may have taken it away or back to an earlier version."""
        from app.records.screenings import current_version, get_screening

        saved = self.window.last_saved
        if saved is None or session.demo:
            return
        try:
            version = current_version(session, saved.reference)
            if version == saved.version:
                return
            if version is None:
                self.window.rebase_saved(None, _(
                    "Record {ref} is no longer in the vault (it was restored from an earlier backup). The answers "
                    "on screen are kept: save them to store them as a new record."
                ).format(ref=saved.reference))
                return
            stored = get_screening(session, saved.reference)
        except SignpostError:
            return  # the session reports its own refusal (busy, replaced, disabled)
        self.window.rebase_saved(SavedDraft(stored.draft, saved.reference, stored.version), _(
            "Record {ref} is at version {version} in the vault now (it was restored from an earlier backup). The "
            "answers on screen are kept: save them to store them as its next version."
        ).format(ref=saved.reference, version=stored.version))

    def lock(self) -> None:
        """Lock now (Lock, Ctrl+L): as the idle lock does, said as what it is."""
        self._lock(_("Locked."))

    def _lock_when_idle(self) -> None:
        if self._gate is not None and self.context.vault is None:
            # Locked, signed out or setting up: a password typed and never submitted is not left for whoever comes
            # next to submit with Enter.
            self._gate.forget_typed()
            lock_key = getattr(self._gate, "lock_key", None)
            if lock_key is not None:
                lock_key()  # set-up's key page holds the administrator's session: hide the key
            self.idle.arm()
            return
        self._lock(_("Locked after a quiet spell."))

    def _lock(self, why: str, *, can_come_back: bool = True) -> None:
        """Hide everything, close the database, keep the unsaved screening in the hidden form for its user
        (``can_come_back``: who can sign in to carry on; not a disabled account, whose note says what to do)."""
        session = self.context.vault
        if session is None or session.demo:
            return
        if unsettled_calls():
            # A password change is writing through this session on the worker: lock when it is done.
            QTimer.singleShot(100, self, lambda: self._lock(why, can_come_back=can_come_back))
            return
        self.idle.disarm()
        self.window.locked_for = session.user.name
        focused = QApplication.focusWidget()
        self._focus_before_lock = focused if focused is not None and self.window.isAncestorOf(focused) else None
        self.context.vault = None
        self.copied.forget()
        name = session.user.name
        if can_come_back:
            why += " " + _("{name} can sign in to carry on where they left off. If someone else signs in, the "
                           "screening on screen is cleared.").format(name=name)
        self._show_gate(note=why)
        self._end(session, session.lock)

    def sign_out(self, *, ask: bool = True, note: str = "") -> None:
        session = self.context.vault
        if session is None or session.demo:
            return
        if not self.window.new_screening(ask=ask, question=_("Sign out?")):
            return
        self.idle.disarm()
        self.window.locked_for = ""
        self.context.vault = None
        self.copied.forget()
        self._show_gate(note=note)
        self._end(session, session.close)

    def _end(self, session: Any, end: Callable[..., str | None]) -> None:
        """Lock or sign out ``session`` on the worker: while another copy holds the vault, its audit entry is tried
        again for up to ``audit_patience`` seconds with the key still held; one still not written is kept to write
        at the next sign-in, and the sign-in screen says so."""
        from app.records.audit import now_utc

        at, actor = now_utc(), session.user.name
        call = VaultCall(partial(end, patience=self.audit_patience))
        call.succeeded.connect(lambda missed: self._ended(call, actor, missed, at))
        call.failed.connect(lambda error: self._ended(call, actor, error, at))
        self._ending.add(call)
        call.start()

    def _ended(self, call: VaultCall, actor: str, outcome: str | BaseException | None, at: str) -> None:
        self._ending.discard(call)
        if isinstance(outcome, BaseException):
            raise outcome  # the entry's own faults are handled in the session: anything else is a bug
        if outcome is None:
            return
        self._late_audit.append((actor, outcome, at))
        if self.context.vault is not None:
            self._write_late_audit(self.context.vault)  # someone signed in meanwhile
        self._show_pending_audit()

    def _write_late_audit(self, session: Any) -> None:
        """Entries a busy vault could not take at lock or sign-out, written at the next sign-in, saying so."""
        while self._late_audit:
            actor, action, at = self._late_audit[0]
            try:
                session.record_late(actor, action, at)
            except SignpostError:
                return  # still busy, or refused: kept for the next sign-in
            self._late_audit.pop(0)

    def _show_pending_audit(self) -> None:
        if isinstance(self._gate, SignInScreen | MissingFolderScreen):
            self._gate.pending.show_count(len(self._late_audit))

    def _may_close(self) -> bool:
        """Close now, or not yet: a lock or sign-out still writing, or an entry not written, is waited for and asked
        about outside the close itself (``_close_when_settled``), which closes the window again once settled.

        Waiting or asking inside the window's close would let a second close (the title bar's X) through: Qt
        accepts a close asked for while one is in progress, and quits under the question.
        """
        if self._close_settled:
            return True
        if self._settling_close:
            return False  # a close is being settled already: it decides
        may_close = getattr(self._gate, "may_close", None)
        if may_close is not None and not may_close():
            return False
        session = self.context.vault
        if session is not None and not session.demo:
            # Closing signs out as Sign out does: the screen is hidden at once and the entry written on the worker,
            # so a busy vault keeps no patient's details on screen while it waits.
            self.sign_out(ask=False)
        if not self._ending and not self._late_audit:
            return True
        self._settling_close = True
        QTimer.singleShot(0, self, self._close_when_settled)
        return False

    def _close_when_settled(self) -> None:
        try:
            self._wait_for_endings()
            if isinstance(self._gate, SignInScreen):
                self._gate.set_waiting("")  # waiting is over, whichever way the question below is answered
            if self._late_audit and not self._close_anyway():
                return
        finally:
            self._settling_close = False
        self._close_settled = True
        self.window.close()

    def _close_anyway(self) -> bool:
        from PySide6.QtWidgets import QMessageBox

        count = len(self._late_audit)
        answer = QMessageBox.warning(
            self.window,
            _("Signpost"),
            ngettext(
                "An audit entry (a lock or sign-out) has not been written: the vault could not take it (another copy "
                "of Signpost held it, or it was out of reach). It is written when anyone next signs in here. If "
                "Signpost is closed now, it is lost. Close anyway?",
                "{count} audit entries (locks or sign-outs) have not been written: the vault could not take them "
                "(another copy of Signpost held it, or it was out of reach). They are written when anyone next signs "
                "in here. If Signpost is closed now, they are lost. Close anyway?",
                count,
            ).format(count=count),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _wait_for_endings(self) -> None:
        """A lock or sign-out still trying a busy vault ends first (within ``audit_patience``), so what it could
        not write is known before closing; the sign-in screen says what it is waiting for."""
        if not self._ending:
            return
        if isinstance(self._gate, SignInScreen):
            self._gate.set_waiting(_(
                "Closing: recording the sign-out or lock in the vault first. Another copy of Signpost is using the "
                "vault; this takes at most {seconds} seconds."
            ).format(seconds=round(self.audit_patience + BUSY_TIMEOUT_MS / 1000)))
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            while self._ending:
                QApplication.processEvents(
                    QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents | QEventLoop.ProcessEventsFlag.WaitForMoreEvents
                )
        finally:
            QApplication.restoreOverrideCursor()

    def _closing(self) -> None:
        """The window is going: a signed-in session was signed out before (``_may_close``); the demo's in-memory
        vault is closed and its key overwritten here."""
        session, self.context.vault = self.context.vault, None
        self.idle.disarm()
        if self._gate is not None:
            self._gate.abandon()  # a sign-in or set-up still running is signed out when it ends
        if session is not None:
            session.close()

    def _close_other_windows(self) -> None:
        for widget in QApplication.topLevelWidgets():
            if widget is self.window or not widget.isVisible():
                continue
            if isinstance(widget, QDialog):
                widget.reject()
            widget.close()

    # --- dialogs ------------------------------------------------------------------------------

    def change_password(self, *, required: bool) -> bool:
        session = self.context.vault
        if session is None:
            return False
        dialog = ChangePasswordDialog(session, required=required, parent=self.window)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()  # one per use; a closed dialog would otherwise live as long as the window
        # The session may have been locked while the dialog was open.
        if not (accepted and self.context.vault is session):
            return False
        self.window.say_done(lambda: _("Your password has been changed. Use the new one from now on."))
        return True

    def show_users(self, message: str = "") -> None:
        """Admin ▸ Users. ``message``: a temporary password on show when the vault locked, shown again."""
        from ui.admin.users import UsersDialog

        session = self.context.vault
        if session is None or not session.user.is_admin:
            return
        dialog = UsersDialog(session, self.window)
        if message:
            dialog.say(message, password_shown=True)
        dialog.exec()
        kept = dialog.shown_password if self.context.vault is None else ""
        dialog.deleteLater()
        if kept:  # closed by the lock before the password was noted: nobody else would know it
            self.carry_on_after_unlock(lambda: self.show_users(kept))


def install(window: Any) -> None:
    window.vault_feature = VaultFeature(window)
