"""Sign-in, first-run set-up (first administrator + recovery key) and the change-password dialog.

These screens take the place of the main window's content while nobody is signed in, so nothing
with patient data is on screen. Each emits ``signed_in(session)`` with an open ``VaultSession``.
The slow vault calls behind them (Argon2id, opening the database, the daily backup) run on a worker
thread (``ui.vault_worker``): the window keeps painting and says what it is doing meanwhile.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QStyleOptionFrame,
    QVBoxLayout,
    QWidget,
)

from app.config import Config
from app.errors import SignpostError, sentence
from app.i18n import _, ngettext
from ui.i18n import mark_data_text
from ui.key_routes import keep_enter, no_alt_typing
from ui.message_label import MessageLabel
from ui.vault_worker import VaultCall


class _Working:
    """A form while its vault call runs on the worker: inputs disabled, a status line, the wait cursor.

    ``done(result)`` or ``refused(error)`` runs on the UI thread once the inputs are enabled again.
    An error that is not a ``SignpostError`` is a bug: it is raised there, for the crash dialog.
    """

    def __init__(self, owner: QWidget, status: QLabel, inputs: Sequence[QWidget]) -> None:
        self._owner = owner
        self._status = status
        self._inputs = inputs
        self._call: VaultCall | None = None

    @property
    def active(self) -> bool:
        return self._call is not None

    def run(self, text: str, call: Callable[[], Any], *, done: Callable[[Any], None],
            refused: Callable[[SignpostError], None], dispose: Callable[[Any], None] | None = None) -> None:
        assert self._call is None, "one vault call at a time"
        for widget in self._inputs:
            widget.setEnabled(False)
        self._status.setText(text)
        self._status.show()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        self._call = VaultCall(call, dispose=dispose)
        self._call.succeeded.connect(lambda result: self._end(result, done, dispose))
        self._call.failed.connect(lambda error: self._end(error, refused, None))
        self._call.start()

    def abandon(self) -> None:
        """The form is going away: whatever the call opens is closed when it ends, not handed over."""
        if self._call is not None:
            self._call.abandon()
            self._call = None
            QApplication.restoreOverrideCursor()

    def _end(self, outcome: Any, then: Callable[[Any], None], dispose: Callable[[Any], None] | None) -> None:
        self._call = None
        QApplication.restoreOverrideCursor()
        if not shiboken6.isValid(self._owner):  # deleted without being abandoned: nobody to hand it to
            if dispose is not None:
                dispose(outcome)
            return
        self._status.clear()
        self._status.hide()
        for widget in self._inputs:
            widget.setEnabled(True)
        if isinstance(outcome, BaseException) and not isinstance(outcome, SignpostError):
            raise outcome
        then(outcome)


def _status_label(name: str) -> QLabel:
    """What the form is doing while its vault call runs (hidden otherwise). It wraps, never widening the form."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    label.hide()
    return label


def _backup_due(data_dir: Path) -> bool:
    """Whether a sign-in now would also write today's automatic backup (for what the status line says)."""
    from app.vault.backup import daily_backup_path
    from app.vault.layout import VaultLayout

    try:
        return not daily_backup_path(VaultLayout(data_dir)).exists()
    except OSError:
        return True


def _label_fields(pairs: Sequence[tuple[QLabel, QWidget]]) -> None:
    """Each label's mnemonic (the letter after '&') focuses its field; without a buddy the '&' shows."""
    for label, field in pairs:
        label.setBuddy(field)


PASSWORD_CHARS = 24  # average characters a password field shows whole: a passphrase of a few words


class _PasswordField(QLineEdit):
    """Wide enough to see what was typed: a long passphrase scrolled inside a short box. In units of the field's
    own font, so it widens with larger text."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().minimumSizeHint()
        option = QStyleOptionFrame()
        self.initStyleOption(option)
        option.rect = QRect(0, 0, 1000, hint.height())
        typing_area = self.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, self)
        frame = 1000 - typing_area.width() + 4  # and the 2-pixel margin QLineEdit keeps inside it on each side
        margins = self.textMargins()
        frame += margins.left() + margins.right()
        return hint.expandedTo(QSize(frame + self.fontMetrics().averageCharWidth() * PASSWORD_CHARS, 0))


def _field_form() -> QFormLayout:
    """Labels beside their fields; a field that no longer fits beside a long label (a longer language, larger text)
    goes under it, not squeezed below its width."""
    form = QFormLayout()
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    return form


def _password_field(name: str) -> QLineEdit:
    field = _PasswordField()
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


_Message = TypeVar("_Message", bound=MessageLabel)


def _message_label(name: str, kind: type[_Message] = MessageLabel) -> _Message:
    label = kind()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)  # messages quote what was typed, e.g. a user name
    label.setProperty("role", "status")
    label.setStyleSheet("color: #7a0a0a; font-weight: 600;")
    return label


class _Card(QWidget):
    """A centred panel on an otherwise empty window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.frame = QFrame()
        self.frame.setObjectName("vault-card")
        self.frame.setMaximumWidth(520)
        self.frame.setFrameShape(QFrame.Shape.StyledPanel)
        self.body = QVBoxLayout(self.frame)
        self.body.setContentsMargins(32, 28, 32, 28)
        self.body.setSpacing(12)
        self.title = QLabel()
        self.title.setProperty("role", "heading")  # size and weight from the theme
        # Wrapped: a long title (in a longer language) otherwise widens the card past its maximum, and its
        # wrapped text is then measured at the wider width and drawn squeezed.
        self.title.setWordWrap(True)
        self.body.addWidget(self.title)
        # Centred by stretches, not by alignment: an aligned panel is given the height its wrapped text
        # needs at the window's full width, too little at its own, and its fields overlapped.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.frame)
        row.addStretch(1)
        page = QWidget()
        centred = QVBoxLayout(page)
        centred.addStretch(1)
        centred.addLayout(row)
        centred.addStretch(2)
        # A card taller than the window (large text, a small screen) scrolls rather than squeezing its text.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setProperty("focusPolicy", "NoFocus")
        scroll.setWidget(page)
        self._scroll = scroll
        self._button_rows: list[tuple[QBoxLayout, tuple[QWidget, ...]]] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def fit_button_row(self, row: QBoxLayout, buttons: tuple[QWidget, ...]) -> None:
        """Side by side while they fit the card; one above the other when their words (a longer translation, a
        narrow window) would otherwise be cut off. Fitted again whenever the window changes size."""
        if all(row is not known for known, _buttons in self._button_rows):
            self._button_rows.append((row, buttons))
        page = self._scroll.widget().layout().contentsMargins()
        card = min(self.frame.maximumWidth(), self._scroll.viewport().width() - page.left() - page.right())
        margins = self.body.contentsMargins()
        room = card - margins.left() - margins.right()
        shown = [button for button in buttons if not button.isHidden()]
        needed = sum(button.sizeHint().width() for button in shown) + max(row.spacing(), 6) * (len(shown) - 1)
        row.setDirection(QBoxLayout.Direction.TopToBottom if needed > room else QBoxLayout.Direction.LeftToRight)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        for row, buttons in self._button_rows:
            self.fit_button_row(row, buttons)

    def forget_typed(self) -> None:
        """A quiet spell: passwords typed here and never submitted are cleared."""
        for field in self.findChildren(QLineEdit):
            if field.echoMode() != QLineEdit.EchoMode.Normal:
                field.clear()


class _PendingAudit(MessageLabel):
    """On the screens before sign-in: how many lock or sign-out audit entries wait for a sign-in to be written
    (hidden while none do)."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def show_count(self, count: int) -> None:
        self.count = count
        self.retranslate()

    def retranslate(self) -> None:
        self.setText(ngettext(
            "An audit entry (a lock or sign-out) has not been written yet: the vault could not take it (another copy "
            "of Signpost held it, or it was out of reach). It is written when anyone signs in here. If Signpost is "
            "closed first, it is lost.",
            "{count} audit entries (locks or sign-outs) have not been written yet: the vault could not take them "
            "(another copy of Signpost held it, or it was out of reach). They are written when anyone signs in here. "
            "If Signpost is closed first, they are lost.",
            self.count,
        ).format(count=self.count) if self.count else "")


class MissingFolderScreen(_Card):
    """Instead of first-run set-up when the configured vault folder is not there (a share not connected?).

    Setting up a vault there would make a second vault beside the real one, which may only be out of reach.
    With ``empty`` the folder IT set is there but holds no vault (perhaps the empty mount point of a share not
    connected): set-up is offered too, but only behind Try again and a question confirming a brand-new vault.
    """

    retry_requested = Signal()
    set_up_requested = Signal()  # confirmed: a brand-new vault is meant in the empty folder

    def __init__(self, data_dir: Path, *, empty: bool = False, note: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("missing-folder-screen")
        self.data_dir = data_dir
        self.empty = empty
        # Why this screen shows after a lock (what is kept, for whom), as on the sign-in screen.
        self.note = QLabel(note)
        self.note.setWordWrap(True)
        self.note.setVisible(bool(note))
        self.pending = _message_label("missing-folder-pending-audit", _PendingAudit)
        self.message = QLabel()
        self.message.setObjectName("missing-folder-message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # the folder's name is shown as it is
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry = QPushButton()
        self.retry.setObjectName("missing-folder-retry")
        self.retry.setDefault(True)
        self.retry.clicked.connect(self.retry_requested)
        self.set_up = QPushButton()
        self.set_up.setObjectName("missing-folder-set-up")
        self.set_up.setAutoDefault(False)  # Enter is Try again, never a new vault
        self.set_up.clicked.connect(self._confirm_set_up)
        buttons = self.buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.set_up)
        buttons.addWidget(self.retry)
        self.body.addWidget(self.note)
        self.body.addWidget(self.pending)
        self.body.addWidget(self.message)
        self.body.addLayout(buttons)
        self.set_up.setVisible(empty)
        self.retranslate()

    def retranslate(self) -> None:
        if self.empty:
            self.title.setText(_("No vault in the vault folder"))
            self.message.setText(_(
                "The vault folder set up for this computer holds no vault:\n{dir}\n\nIt may be a drive or network "
                "share that is not connected, leaving an empty folder in its place. Connect it and choose Try again; "
                "if the vault is still not found, contact IT. Nothing has been changed.\n\nSet up a new vault here "
                "only if this computer is meant to start a brand-new vault."
            ).format(dir=self.data_dir))
            self.set_up.setText(_("Set up a &new vault here…"))
        else:
            self.title.setText(_("The vault folder is missing"))
            self.message.setText(_(
                "The vault folder set up for this computer cannot be found:\n{dir}\n\nThe drive or network share "
                "that holds it may not be connected. Signpost will not set up a new vault in its place, as that would "
                "make a second vault. Connect the drive or share and choose Try again; if the folder is still "
                "missing, contact IT. Nothing has been changed."
            ).format(dir=self.data_dir))
        self.retry.setText(_("&Try again"))
        self.pending.retranslate()
        self.fit_button_row(self.buttons, (self.set_up, self.retry))

    def focus(self) -> None:
        self.retry.setFocus(Qt.FocusReason.OtherFocusReason)

    def abandon(self) -> None:
        """Nothing runs behind this screen."""

    def _confirm_set_up(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Warning, _("Signpost"), _(
            "Set up a brand-new vault in {dir}?\n\nIf this computer's vault is on a drive or network share that is "
            "not connected, a vault set up here is a separate, second vault: screenings saved in one are not in the "
            "other. Choose Cancel and contact IT if you are not sure."
        ).format(dir=self.data_dir), parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        confirm = box.addButton(_("Set up a new vault"), QMessageBox.ButtonRole.AcceptRole)
        confirm.setObjectName("confirm-new-vault")
        box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
        box.exec()
        chosen = box.clickedButton()
        box.deleteLater()
        if chosen is confirm:
            self.set_up_requested.emit()
        else:
            self.focus()


class SignInScreen(_Card):
    """User name + password. Wrong passwords show the wait imposed before the next try."""

    signed_in = Signal(object)

    def __init__(self, config: Config, data_dir: Path, *, user_hint: str = "", note: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signin-screen")
        self.config = config
        self.data_dir = data_dir
        self._note_text = note
        self._user_hint = user_hint
        self.site = QLabel(config.site_name)
        mark_data_text(self.site)  # the site's own name, as IT typed it: never translated
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.pending = _message_label("signin-pending-audit", _PendingAudit)
        self.name = QLineEdit(user_hint)
        self.name.setObjectName("signin-name")
        self.password = _password_field("signin-password")
        self.button = QPushButton()
        self.button.setObjectName("signin-button")
        self.button.setDefault(True)
        self.message = _message_label("signin-message")
        self.status = _status_label("signin-status")
        self.form = _field_form()
        self.name_label, self.password_label = QLabel(), QLabel()
        self.form.addRow(self.name_label, self.name)
        self.form.addRow(self.password_label, self.password)
        _label_fields(((self.name_label, self.name), (self.password_label, self.password)))
        self.body.addWidget(self.site)
        self.body.addWidget(self.note)
        self.body.addWidget(self.pending)
        self.body.addLayout(self.form)
        self.body.addWidget(self.message)
        self.body.addWidget(self.status)
        self.body.addWidget(self.button, 0, Qt.AlignmentFlag.AlignRight)
        self.working = _Working(self, self.status, (self.name, self.password, self.button))
        self._wait_left = 0
        self._deadline = 0.0
        self._wait_said = ""  # "Wait 1 second before trying again.", while shown
        self._countdown = QTimer(self)
        self._countdown.setTimerType(Qt.TimerType.PreciseTimer)
        self._countdown.setInterval(200)
        self._countdown.timeout.connect(self._tick)
        self.button.clicked.connect(self.submit)
        self.name.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.submit)
        # A wait belongs to the name that was mistyped: someone else signing in need not sit it out.
        self.name.textEdited.connect(lambda _text: self._end_wait())
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Sign in to Signpost"))
        self.note.setText(self._note_text)
        self.note.setVisible(bool(self._note_text))
        # Read out on the field the keyboard starts in: why the screen is here, and what a sign-in does to the
        # screening on screen, which a screen reader would otherwise never reach.
        for field in (self.name, self.password):
            field.setAccessibleDescription(self._note_text)
        self.pending.retranslate()
        self.name_label.setText(_("&User name"))
        self.password_label.setText(_("&Password"))
        self.button.setText(_("Sign in"))

    def focus(self) -> None:
        (self.password if self.name.text() else self.name).setFocus(Qt.FocusReason.OtherFocusReason)

    def set_waiting(self, text: str) -> None:
        """Say what Signpost is waiting for (closing while a lock or sign-out is still recorded)."""
        self.message.setText(text)

    def submit(self) -> None:
        if self.working.active:
            return
        if self._wait_left > 0:  # Enter during the wait: said, not ignored without a word
            said = ngettext("Wait {seconds} second before trying again.", "Wait {seconds} seconds before trying again.",
                            self._wait_left).format(seconds=self._wait_left)
            self._wait_said = said
            self.message.setText(said)
            return
        from app.vault.session import sign_in

        name, password = self.name.text(), self.password.text()
        self.password.clear()
        if not name.strip() or not password:
            self.message.setText(_("Type your user name and password."))
            return
        self.message.clear()
        if _backup_due(self.data_dir):
            text = _("Signing in… The first sign-in of the day also backs up the vault: this can take a few "
                     "seconds.")
        else:
            text = _("Signing in…")
        self.working.run(text, partial(sign_in, self.data_dir, name, password, self.config.argon2, how="app"),
                         done=self.signed_in.emit, refused=self._refused, dispose=lambda session: session.close())

    def abandon(self) -> None:
        """The window is closing: a sign-in still running is signed out as soon as it ends."""
        self.working.abandon()

    def _refused(self, exc: SignpostError) -> None:
        from app.vault.errors import SignInThrottledError, WrongPasswordError

        text = sentence(exc)
        if isinstance(exc, WrongPasswordError) and self._user_hint and self.name.text() == self._user_hint:
            # The locked user's name is filled in: someone else typing only their own password was counted
            # against that user, who then had to wait.
            text += " " + _("If you are not {name}, type your own name first.").format(name=self._user_hint)
        self.message.setText(text)
        if isinstance(exc, WrongPasswordError | SignInThrottledError):
            self._start_wait(exc.wait_seconds)
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def _start_wait(self, seconds: float) -> None:
        if seconds <= 0:
            return
        self._deadline = time.monotonic() + seconds
        self.button.setEnabled(False)
        self._tick()
        self._countdown.start()

    def _end_wait(self) -> None:
        self._deadline = 0.0
        self._tick()

    def _tick(self) -> None:
        left = self._deadline - time.monotonic()
        self._wait_left = math.ceil(left) if left > 0 else 0
        if self._wait_left <= 0:
            self._countdown.stop()
            self.button.setEnabled(True)
            self.button.setText(_("Sign in"))
            if self._wait_said and self.message.text() == self._wait_said:  # it outlived the wait
                self.message.clear()
        else:
            self.button.setText(_("Wait {seconds} s").format(seconds=self._wait_left))


class SetupScreen(_Card):
    """First run: create the vault and its first administrator, then show the recovery key once.

    The key page holds the administrator's open session: after a quiet spell (``lock_key``) the key is
    hidden and Continue barred until the administrator's password is given again.
    """

    signed_in = Signal(object)
    key_shown = Signal()  # the key is on screen (again): the idle lock may start counting
    vault_found = Signal(str)  # a vault was set up in the folder meanwhile (e.g. by IT): sign in to it instead
    back_requested = Signal()  # Back (``offer_back``): set-up was not meant after all

    def __init__(self, config: Config, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setup-screen")
        self.config = config
        self.data_dir = data_dir
        self._session: Any = None
        self._key_text = ""

        create = QWidget()
        create_layout = QVBoxLayout(create)
        create_layout.setContentsMargins(0, 0, 0, 0)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.name = QLineEdit()
        self.name.setObjectName("setup-name")
        self.password = _password_field("setup-password")
        self.confirm = _password_field("setup-confirm")
        self.form = _field_form()
        self.name_label, self.password_label, self.confirm_label = QLabel(), QLabel(), QLabel()
        self.form.addRow(self.name_label, self.name)
        self.form.addRow(self.password_label, self.password)
        self.form.addRow(self.confirm_label, self.confirm)
        _label_fields(((self.name_label, self.name), (self.password_label, self.password),
                       (self.confirm_label, self.confirm)))
        self.message = _message_label("setup-message")
        self.status = _status_label("setup-status")
        self.create_button = QPushButton()
        self.create_button.setObjectName("setup-create")
        self.create_button.setDefault(True)
        self.back_button = QPushButton()
        self.back_button.setObjectName("setup-back")
        self.back_button.setAutoDefault(False)
        self.back_button.hide()
        buttons = self.buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.create_button)
        create_layout.addWidget(self.intro)
        create_layout.addLayout(self.form)
        create_layout.addWidget(self.message)
        create_layout.addWidget(self.status)
        create_layout.addLayout(buttons)
        self.working = _Working(
            self, self.status, (self.name, self.password, self.confirm, self.create_button, self.back_button)
        )

        key_page = QWidget()
        key_layout = QVBoxLayout(key_page)
        key_layout.setContentsMargins(0, 0, 0, 0)
        self.key_intro = QLabel()
        self.key_intro.setWordWrap(True)
        self.key = QLabel()
        self.key.setObjectName("recovery-key")
        # Selectable from the keyboard too (Tab to it, Shift+arrows, Ctrl+C), to copy it into a password safe.
        self.key.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.key.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a selectable label only takes focus from a click
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        mono.setPointSizeF(self.font().pointSizeF() * 1.4)
        mono.setBold(True)
        self.key.setFont(mono)
        self.key.setWordWrap(True)
        self.stored = QCheckBox()
        self.stored.setObjectName("recovery-stored")
        self.continue_button = QPushButton()
        self.continue_button.setObjectName("recovery-continue")
        self.continue_button.setEnabled(False)
        self.continue_button.setAutoDefault(True)  # Enter presses it when it has focus, as Space does
        self.relock_note = QLabel()
        self.relock_note.setWordWrap(True)
        self.relock_password = _password_field("recovery-relock-password")
        self.relock_message = _message_label("recovery-relock-message")
        self.relock_status = _status_label("recovery-relock-status")
        self.relock_button = QPushButton()
        self.relock_button.setObjectName("recovery-relock-show")
        self.relock_button.setAutoDefault(True)
        # The problem message shows itself when it has something to say (MessageLabel).
        self.relock_widgets = (self.relock_note, self.relock_password, self.relock_button)
        key_layout.addWidget(self.key_intro)
        key_layout.addWidget(self.key)
        key_layout.addWidget(self.stored)
        key_layout.addWidget(self.continue_button, 0, Qt.AlignmentFlag.AlignRight)
        for widget in (self.relock_note, self.relock_password, self.relock_message, self.relock_status):
            key_layout.addWidget(widget)
        key_layout.addWidget(self.relock_button, 0, Qt.AlignmentFlag.AlignRight)
        for widget in self.relock_widgets:
            widget.hide()
        self.relock_working = _Working(self, self.relock_status, (self.relock_password, self.relock_button))

        # Two pages shown one at a time; a QStackedLayout here under-reports the height its wrapped text
        # needs, and the fields overlapped.
        self.create_page, self.key_page = create, key_page
        self.body.addWidget(create)
        self.body.addWidget(key_page)
        key_page.hide()
        self.create_button.clicked.connect(self.create)
        self.back_button.clicked.connect(self.back_requested)
        self.confirm.returnPressed.connect(self.create)
        self.stored.toggled.connect(self.continue_button.setEnabled)
        keep_enter(self.stored, self._continue)  # ticked with Space, then Enter: on, as on a dialog
        self.continue_button.clicked.connect(self._continue)
        self.relock_password.returnPressed.connect(self._show_key_again)
        self.relock_button.clicked.connect(self._show_key_again)
        self.retranslate()

    def retranslate(self) -> None:
        on_key_page = not self.key_page.isHidden()
        self.title.setText(_("Your recovery key") if on_key_page else _("Set up Signpost on this computer"))
        self.intro.setText(
            _("No vault has been set up in {dir} yet. Create the first administrator account: "
              "it can add staff accounts later.").format(dir=self.data_dir)
        )
        self.name_label.setText(_("Administrator &user name"))
        self.password_label.setText(_("&Password"))
        self.confirm_label.setText(_("Password a&gain"))  # Alt+A opens the Admin menu
        self.create_button.setText(_("Create vault"))
        self.back_button.setText(_("&Back"))
        self.key_intro.setText(
            _("Write this key down now and keep it locked away (for example in the IT safe). It is shown only "
              "once. With it, IT can set a new administrator password if every password is lost. Read it out "
              "in groups of five.")
        )
        self.stored.setText(_("I have stored the recovery key safely"))
        self.continue_button.setText(_("Continue"))
        self.relock_note.setText(
            _("The recovery key is hidden after a quiet spell. Enter the administrator's password to show it again "
              "and carry on.")
        )
        self.relock_button.setText(_("Show the key"))
        self.relock_password.setAccessibleName(_("Administrator's password"))
        self.fit_button_row(self.buttons, (self.back_button, self.create_button))

    def focus(self) -> None:
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def offer_back(self) -> None:
        """Show Back, for a set-up chosen on purpose (an empty folder IT set): the way back to Try again."""
        self.back_button.show()
        self.fit_button_row(self.buttons, (self.back_button, self.create_button))

    def create(self) -> None:
        if self.working.active:
            return
        from app.vault.accounts import check_name, check_new_password
        from app.vault.session import create_vault

        if self.password.text() != self.confirm.text():
            self.message.setText(_("The two passwords are not the same."))
            self.confirm.clear()
            return
        name, password = self.name.text(), self.password.text()
        try:
            # create_vault checks these too; here a refused name or password is answered at once.
            check_new_password(check_name(name), password)
        except SignpostError as exc:
            self.message.setText(sentence(exc))
            return
        self.message.clear()
        self.working.run(_("Creating the vault…"), partial(create_vault, self.data_dir, name, password,
                                                           self.config.argon2),
                         done=self._created, refused=self._refused, dispose=lambda made: made[0].close())

    def may_close(self) -> bool:
        """Whether the window may close now: not while the vault is being made (its recovery key is shown
        next, once), and on the recovery-key page only when the key is stored or the user accepts losing it."""
        if self.working.active:
            return False
        if self._session is None or self.stored.isChecked():
            return True
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.warning(
            self,
            _("Signpost"),
            _(
                "The recovery key has not been confirmed as stored, and it will not be shown again. Without it, "
                "a forgotten administrator password cannot be recovered (IT can make a new key with 'signpost "
                "rekey'). Close anyway?"
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def abandon(self) -> None:
        """The window is closing: the administrator's session (now or once set-up ends) is signed out."""
        self.working.abandon()
        self.relock_working.abandon()
        self._clear_copied_key()
        session, self._session = self._session, None
        if session is not None:
            session.close()

    def _refused(self, exc: SignpostError) -> None:
        from app.vault.errors import VaultExistsError
        from app.vault.layout import VaultLayout

        layout = VaultLayout(self.data_dir)
        if isinstance(exc, VaultExistsError) and layout.exists() and layout.db.exists():
            self.vault_found.emit(_("A vault was set up in this folder meanwhile: sign in to it."))
            return  # a damaged or half-restored vault keeps set-up's own advice, below
        self.message.setText(sentence(exc))
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def _created(self, made: tuple[Any, str]) -> None:
        session, key = made
        self.password.clear()
        self.confirm.clear()
        self._session = session
        self._key_text = key
        self.create_page.hide()
        self.key_page.show()
        self.retranslate()
        self._show_key()

    def lock_key(self) -> None:
        """A quiet spell on the key page: hide the key and bar Continue until the password is given again."""
        if self._session is None or self.key_page.isHidden() or not self.relock_note.isHidden():
            return
        self.key.clear()
        self._clear_copied_key()
        for widget in (self.key_intro, self.key, self.stored, self.continue_button):
            widget.hide()
        for widget in self.relock_widgets:
            widget.show()
        self.relock_password.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_key_again(self) -> None:
        if self.relock_working.active or self._session is None:
            return
        problem = _("That is not the password of the administrator who set up this vault.")
        self.relock_working.run(_("Checking the password…"),
                                partial(self._session.confirm_password, self.relock_password.text(), problem),
                                done=lambda _result: self._key_unlocked(), refused=self._relock_refused)

    def _relock_refused(self, exc: SignpostError) -> None:
        self.relock_password.clear()
        self.relock_message.setText(sentence(exc))
        self.relock_password.setFocus(Qt.FocusReason.OtherFocusReason)

    def _key_unlocked(self) -> None:
        self.relock_password.clear()
        self.relock_message.clear()
        for widget in self.relock_widgets:
            widget.hide()
        self._show_key()

    def _show_key(self) -> None:
        groups = self._key_text.split("-")
        self.key.setText("  ".join(groups[:4]) + "\n" + "  ".join(groups[4:]))
        for widget in (self.key_intro, self.key, self.stored, self.continue_button):
            widget.show()
        self.stored.setFocus()
        self.key_shown.emit()

    def _continue(self) -> None:
        if not self.stored.isChecked() or self._session is None or self.key.isHidden():
            return
        session, self._session = self._session, None
        self.key.clear()
        self._clear_copied_key()
        self._key_text = ""
        self.signed_in.emit(session)

    def _clear_copied_key(self) -> None:
        """If the key was copied, do not leave it on the clipboard for the next program or person to read."""
        if not self._key_text:
            return
        clipboard = QGuiApplication.clipboard()
        copied = "".join(ch for ch in clipboard.text() if ch.isalnum())
        if copied and copied == self._key_text.replace("-", ""):
            clipboard.clear()


class ChangePasswordDialog(QDialog):
    """The signed-in user chooses a new password (required after a temporary one)."""

    def __init__(self, session: Any, *, required: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("change-password")
        self.session = session
        self.required = required
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.current = _password_field("current-password")
        self.new = _password_field("new-password")
        self.confirm = _password_field("confirm-password")
        self.message = _message_label("change-password-message")
        self.labels = [QLabel(), QLabel(), QLabel()]
        form = _field_form()
        pairs = tuple(zip(self.labels, (self.current, self.new, self.confirm), strict=True))
        for label, field in pairs:
            form.addRow(label, field)
        _label_fields(pairs)
        self.status = _status_label("change-password-status")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        # Always the size its contents ask for: a message appearing made room by squashing the fields.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)
        layout.addWidget(self.explain)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.working = _Working(self, self.status, (self.current, self.new, self.confirm, self.buttons))
        self.buttons.accepted.connect(self.change)
        self.buttons.rejected.connect(self.reject)
        self.retranslate()
        no_alt_typing(self)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Change password"))
        self.explain.setText(
            _("You signed in with a temporary password. Choose your own password to continue.")
            if self.required
            else _("Choose a new password.")
        )
        for label, text in zip(self.labels, (_("&Current password"), _("&New password"), _("New password &again")),
                               strict=True):
            label.setText(text)

    def change(self) -> None:
        if self.working.active:
            return
        from app.vault.users import change_own_password

        if self.new.text() != self.confirm.text():
            self.message.setText(_("The two new passwords are not the same."))
            return
        self.message.clear()
        self.working.run(_("Changing your password…"),
                         partial(change_own_password, self.session, self.current.text(), self.new.text()),
                         done=lambda _result: self.accept(), refused=self._refused)

    def reject(self) -> None:
        # The change is a write already under way (about a second): it finishes, then the dialog closes
        # or says what went wrong. Escape, Cancel and closing the window are ignored until then.
        if not self.working.active:
            super().reject()

    def done(self, result: int) -> None:
        for field in (self.current, self.new, self.confirm):
            field.clear()  # the passwords typed do not stay in a closed dialog
        super().done(result)

    def _refused(self, exc: SignpostError) -> None:
        from app.vault.errors import WrongPasswordError

        self.message.setText(sentence(exc))
        field = self.current if isinstance(exc, WrongPasswordError) else self.new
        field.setFocus(Qt.FocusReason.OtherFocusReason)
