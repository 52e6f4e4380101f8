"""The administrator's users screen: list accounts, add one, disable one, reset a password."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import SignpostError, sentence
from app.i18n import _
from app.vault.accounts import ADMIN, PRACTITIONER, ROLE_LABELS, generate_temporary_password
from ui.key_routes import keep_enter, no_alt_typing, select_on_focus
from ui.message_label import MessageLabel
from ui.screen_fit import fit_to_screen

ACTIVE_ROLE = Qt.ItemDataRole.UserRole


class AddUserDialog(QDialog):
    """Name, role and a temporary password (suggested, editable)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("add-user")
        self.name = QLineEdit()
        self.name.setObjectName("add-user-name")
        self.role = QComboBox()
        self.role.setObjectName("add-user-role")
        for role in (PRACTITIONER, ADMIN):
            self.role.addItem(_(ROLE_LABELS[role]), role)
        self.password = QLineEdit(generate_temporary_password())
        self.password.setObjectName("add-user-password")
        self.labels = [QLabel(), QLabel(), QLabel()]
        form = QFormLayout()
        for label, field in zip(self.labels, (self.name, self.role, self.password), strict=True):
            label.setBuddy(field)  # Alt+letter goes to the field, and a screen reader names the field by its label
            form.addRow(label, field)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.problem = MessageLabel()  # hidden while empty; each problem is announced to screen readers
        self.problem.setObjectName("add-user-problem")
        self.problem.setProperty("role", "field-error")
        self.problem.setWordWrap(True)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)  # it quotes what was typed
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.retranslate()
        no_alt_typing(self)

    def show_problem(self, text: str) -> None:
        """Why the account was not added; what was typed stays for correcting."""
        self.problem.clear()  # the same problem twice is said again
        self.problem.setText(text)
        self.name.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Add a user"))
        texts = (_("&User name"), _("&Role"), _("&Temporary password"))
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
            # Named explicitly: a screen reader names a combo box by its current item otherwise.
            label.buddy().setAccessibleName(text.replace("&", ""))
        self.hint.setText(_("Give the temporary password to the person; they choose their own at first sign-in."))


class UsersDialog(QDialog):
    """Accounts of this vault. Only administrators open it; every change is audited by ``app.vault.users``."""

    COLUMNS = 3

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("users-dialog")
        self.session = session
        self.shown_password = ""
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setObjectName("users-table")
        select_on_focus(self.table)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table for the buttons, as everywhere else
        keep_enter(self.table)  # not a press of the first button (Add)
        self.add_button = QPushButton()
        self.add_button.setObjectName("users-add")
        self.disable_button = QPushButton()
        self.disable_button.setObjectName("users-disable")
        self.reset_button = QPushButton()
        self.reset_button.setObjectName("users-reset")
        self.close_button = QPushButton()
        self.message = MessageLabel()
        self.message.setObjectName("users-message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # messages quote what was typed, e.g. a user name
        # A temporary password shown here can be selected and copied from the keyboard too.
        self.message.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.message.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.disable_button, self.reset_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self.add)
        self.disable_button.clicked.connect(self.disable)
        self.reset_button.clicked.connect(self.reset)
        self.close_button.clicked.connect(self.accept)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        fit_to_screen(self, 720, 420)  # 1024 x 768 at 150 % leaves 683 wide
        self.retranslate()
        no_alt_typing(self)
        self.refresh()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Users"))
        self.table.setHorizontalHeaderLabels([_("User name"), _("Role"), _("State")])
        self.table.setAccessibleName(_("Users"))
        self.add_button.setText(_("&Add…"))
        self.disable_button.setText(_("&Disable"))
        self.reset_button.setText(_("&Reset password…"))
        self.close_button.setText(_("&Close"))

    def refresh(self) -> None:
        from app.vault.users import list_users

        accounts = list_users(self.session)
        self.table.setRowCount(len(accounts))
        for row, account in enumerate(accounts):
            if not account.active:
                state = _("disabled")
            elif account.must_change_password:
                state = _("active, must change password")
            else:
                state = _("active")
            for column, text in enumerate((account.name, _(ROLE_LABELS[account.role]), state)):
                item = QTableWidgetItem(text)
                item.setData(ACTIVE_ROLE, account.active)
                self.table.setItem(row, column, item)
        self._selection_changed()

    def selected_name(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.table.item(rows[0].row(), 0).text() if rows else None

    def select(self, name: str) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).text() == name:
                self.table.selectRow(row)

    def _selected_is_active(self) -> bool:
        rows = self.table.selectionModel().selectedRows()
        return bool(rows) and bool(self.table.item(rows[0].row(), 0).data(ACTIVE_ROLE))

    def _selection_changed(self) -> None:
        chosen = self.selected_name()
        active = self._selected_is_active()
        someone_else = chosen is not None and chosen != self.session.user.name
        self.disable_button.setEnabled(someone_else and active)
        # Your own password is changed with Admin ▸ Change my password: a reset here would lock you out.
        self.reset_button.setEnabled(someone_else)

    def say(self, text: str, *, password_shown: bool = False) -> None:
        """Show ``text`` on the message line; ``password_shown``: it gives a temporary password (``shown_password``
        keeps it, for the window to show again should the vault lock before it is noted)."""
        self.message.setText(text)
        self.shown_password = text if password_shown else ""

    def _run(self, call: Any, *args: Any) -> bool:
        try:
            call(self.session, *args)
        except SignpostError as exc:
            self.say(sentence(exc))
            return False
        return True

    def add(self) -> None:
        from app.vault.users import add_user

        dialog = AddUserDialog(self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            name, role, password = dialog.name.text(), dialog.role.currentData(), dialog.password.text()
            try:
                added = add_user(self.session, name, role, password)
            except SignpostError as exc:
                dialog.show_problem(sentence(exc))
                continue
            self.refresh()
            self.say(_("Added {name}. Temporary password: {password}").format(name=added.name, password=password),
                     password_shown=True)
            return

    def disable(self) -> None:
        from app.vault.users import disable_user

        name = self.selected_name()
        if name is None:
            return
        answer = QMessageBox.question(
            self, _("Disable user"),
            _("Disable {name}? They will no longer be able to sign in. Resetting the password "
              "enables the account again.").format(name=name),
        )
        if answer == QMessageBox.StandardButton.Yes and self._run(disable_user, name):
            self.refresh()
            self.say(_("{name} is disabled.").format(name=name))

    def reset(self) -> None:
        from app.vault.users import reset_password

        name = self.selected_name()
        if name is None:
            return
        question = _("Give {name} a new temporary password? Their current password stops working at once, and "
                     "where they are signed in now, Signpost locks, keeping their work; they choose a new password "
                     "at their next sign-in.").format(name=name)
        if not self._selected_is_active():
            question += " " + _("This also enables the disabled account again.")
        answer = QMessageBox.question(self, _("Reset password"), question,
                                      defaultButton=QMessageBox.StandardButton.No)  # Enter alone resets nothing
        if answer != QMessageBox.StandardButton.Yes:
            return
        password = generate_temporary_password()
        if self._run(reset_password, name, password):
            self.refresh()
            self.select(name)
            self.say(_("{name} has a new temporary password: {password}").format(name=name, password=password),
                     password_shown=True)
