"""Admin ▸ Services directory: list, add, edit, deactivate, mark verified, import (checked first) and export.

Entries not verified within the configured months are flagged in the list and counted in a banner.
Every change is one ``app.directory`` call: validated, one transaction, audited under the admin's name.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.directory.formats import DirectoryFileError, read_limited
from app.directory.importing import ImportPlan, ImportRejectedError, import_data
from app.directory.model import CATEGORY_LABELS, Service
from app.directory.repository import (
    DirectoryValidationError,
    add_service,
    get_service,
    list_services,
    mark_verified,
    new_service_id,
    set_active,
    update_service,
)
from app.directory.search import search
from app.directory.staleness import is_stale
from app.errors import SignpostError, sentence
from app.i18n import _, ngettext, ui_language
from app.i18n.formatting import format_date
from app.leaflets import CRISIS_SERVICE_IDS
from ui.directory.service_dialog import ServiceDialog, field_labels, problem_line
from ui.directory.services_panel import contact_line
from ui.directory.source import DirectorySource
from ui.file_chooser import choose_open_path, choose_save_path
from ui.key_routes import esc_clears, keep_enter, no_alt_typing, select_on_focus
from ui.message_label import MessageLabel
from ui.screen_fit import fit_to_screen
from ui.theme import WARNING_BG

COLUMNS = ("name", "categories", "contact", "verified", "status")


def warn(parent: QWidget, title: str, text: str) -> None:
    """A warning whose text (it may quote a file's content or a service name) is shown as plain text."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, "", QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    box.exec()


class ImportReviewDialog(QDialog):
    """The dry-run of a chosen file, row by row; "Import" is offered only when no row is rejected."""

    def __init__(self, plan: ImportPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setObjectName("import-review")
        self.setWindowTitle(_("Check directory file"))
        self.summary = QLabel()
        self.summary.setObjectName("import-summary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        if plan.rejected:
            self.summary.setText(
                plan.summary() + "\n" + _("Nothing can be imported until the rejected rows are corrected in the file.")
            )
            self.summary.setProperty("role", "field-error")
        else:
            self.summary.setText(plan.summary())
        self.report = QPlainTextEdit(plan.report())
        self.report.setObjectName("import-report")
        self.report.setAccessibleName(_("What importing the file would do, row by row"))
        self.report.setReadOnly(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(_("Import"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("import-confirm")
        self.import_button.setEnabled(not plan.rejected)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.report, 1)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 760, 480)


@dataclasses.dataclass(frozen=True)
class KeptServiceEdit:
    """A service being added or edited when the vault locked: the entry it started from and what was typed."""

    new: bool
    base: Service
    entered: Service
    made_id: str = ""


class DirectoryEditor(QDialog):
    """The admin's directory editor. ``directory_changed`` fires after every saved change."""

    directory_changed = Signal()

    def __init__(self, source: DirectorySource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.left_by_lock: KeptServiceEdit | None = None
        self.setObjectName("directory-editor")
        self.banner = QLabel()
        self.banner.setObjectName("directory-editor-banner")
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setWordWrap(True)
        self.banner.setProperty("role", "notice")
        self.filter = QLineEdit()
        self.filter.setObjectName("directory-filter")
        self.filter.setClearButtonEnabled(True)
        keep_enter(self.filter)  # Enter in the filter is not a press of "Add…"
        esc_clears(self.filter)  # with nothing typed, Esc closes the editor as before
        self.show_inactive = QCheckBox()
        self.show_inactive.setObjectName("show-inactive")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setTabKeyNavigation(False)  # Tab leaves the table for the buttons
        keep_enter(self.table, lambda: self.edit_button.click())  # Enter on a row edits it
        self.table.setObjectName("directory-table")
        select_on_focus(self.table)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        # Name, categories and contact share the width: sized to its contents, a service in many categories
        # took most of it and the names were cut to a word.
        for column, mode in enumerate((
            QHeaderView.ResizeMode.Stretch,
            QHeaderView.ResizeMode.Stretch,
            QHeaderView.ResizeMode.Stretch,
            QHeaderView.ResizeMode.ResizeToContents,
            QHeaderView.ResizeMode.ResizeToContents,
        )):
            header.setSectionResizeMode(column, mode)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.add_button = QPushButton()
        self.add_button.setObjectName("directory-add")
        self.edit_button = QPushButton()
        self.edit_button.setObjectName("directory-edit")
        self.active_button = QPushButton()
        self.active_button.setObjectName("directory-active")
        self.verify_button = QPushButton()
        self.verify_button.setObjectName("directory-verify")
        self.import_button = QPushButton()
        self.import_button.setObjectName("directory-import")
        self.export_button = QPushButton()
        self.export_button.setObjectName("directory-export")
        self.status = MessageLabel()  # an empty status line takes no room above the buttons
        self.status.setObjectName("directory-status")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.show_inactive)
        self.entry_actions = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.active_button, self.verify_button):
            self.entry_actions.addWidget(button)
        self.entry_actions.addStretch(1)
        self.file_actions = QHBoxLayout()
        self.file_actions.addStretch(1)
        self.file_actions.addWidget(self.import_button)
        self.file_actions.addWidget(self.export_button)
        self.actions = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.actions.addLayout(self.entry_actions)
        self.actions.addLayout(self.file_actions)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(self.actions)

        self.filter.textChanged.connect(lambda _text: self.reload())
        self.show_inactive.toggled.connect(lambda _on: self.reload())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda _item: self.edit_selected())
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.active_button.clicked.connect(self.toggle_active)
        self.verify_button.clicked.connect(self.verify_selected)
        self.import_button.clicked.connect(self.choose_import)
        self.export_button.clicked.connect(self.choose_export)
        self.retranslate()
        no_alt_typing(self)
        fit_to_screen(self, 1100, 700)
        self._arrange_actions()
        self.reload()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._arrange_actions()

    def _arrange_actions(self) -> None:
        """The file actions go on a second row when one row of buttons would not fit: squeezed, their
        words were cut, and a row wider than a small or scaled screen pushed the buttons off it."""
        margins = self.layout().contentsMargins()
        one_row = (
            self.entry_actions.sizeHint().width() + self.actions.spacing() + self.file_actions.sizeHint().width()
        )
        fits = one_row <= self.width() - margins.left() - margins.right()
        self.actions.setDirection(QBoxLayout.Direction.LeftToRight if fits else QBoxLayout.Direction.TopToBottom)

    # --- texts and list ---------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(_("Services directory"))
        self.filter.setPlaceholderText(_("Filter by name, area, category, what it offers or phone number"))
        self.filter.setAccessibleName(_("Filter the services by name, area or category"))
        self.table.setAccessibleName(_("Services in the directory"))
        self.show_inactive.setText(_("Show &inactive"))
        self.table.setHorizontalHeaderLabels(
            [_("Service"), _("Categories"), _("Contact"), _("Last verified"), _("Status")]
        )
        self.add_button.setText(_("&Add…"))
        self.edit_button.setText(_("&Edit…"))
        self.verify_button.setText(_("&Mark verified…"))
        self.import_button.setText(_("Check and im&port file…"))
        self.export_button.setText(_("E&xport…"))
        self._arrange_actions()
        self._selection_changed()
        self.reload()

    @property
    def months(self) -> int:
        return self.source.context.config.directory_stale_after_months

    def _conn(self) -> object:
        conn = self.source.conn()
        if conn is None:
            raise SignpostError(_("The vault is locked: sign in again to edit the directory."))
        return conn

    def reload(self) -> None:
        """Re-read the directory and show it, keeping the selected service selected."""
        conn = self.source.conn()
        keep = self.selected_id()
        services = list_services(conn, active_only=not self.show_inactive.isChecked()) if conn is not None else []
        services = search(services, self.filter.text())
        self.table.setRowCount(len(services))
        for row, service in enumerate(services):
            stale = service.active and is_stale(service, months=self.months)
            self._fill_row(row, service, stale)
            if service.id == keep:
                self.table.selectRow(row)
        self._update_banner(conn)
        self._selection_changed()

    def _fill_row(self, row: int, service: Service, stale: bool) -> None:
        if not service.active:
            status = _("Inactive")
        elif stale:
            status = _("Overdue for checking")
        else:
            status = _("Verified")
        if service.national:
            status += " · " + _("national")
        verified = (
            _("{date} by {name}").format(date=format_date(service.last_verified, ui_language(), length="medium"),
                                         name=service.verified_by)
            if service.last_verified else _("never")
        )
        cells = (
            service.name,
            ", ".join(_(CATEGORY_LABELS[c]) for c in service.categories if c in CATEGORY_LABELS),
            contact_line(service),
            verified,
            status,
        )
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)  # item text is never interpreted as markup
            item.setData(Qt.ItemDataRole.UserRole, service.id)
            if stale:
                item.setBackground(QBrush(QColor(WARNING_BG)))
            if not service.active:
                item.setForeground(QBrush(QColor("#4c6272")))
            self.table.setItem(row, column, item)

    def _update_banner(self, conn: object) -> None:
        if conn is None:
            self.banner.setText(_("The vault is locked: sign in again to edit the directory."))
            self.banner.show()
            return
        stale = [s for s in list_services(conn) if is_stale(s, months=self.months)]
        messages = []
        if stale:
            messages.append(
                ngettext(
                    "{count} active service has not been verified in the last {months} months (highlighted). "
                    "Check it against the service's official website or phone line, then use Mark verified.",
                    "{count} active services have not been verified in the last {months} months (highlighted). "
                    "Check each against the service's official website or phone line, then use Mark verified.",
                    len(stale),
                ).format(count=len(stale), months=self.months)
            )
        if self.source.managed_problem:
            messages.append(_("The IT-managed directory file was not imported:") + "\n" + self.source.managed_problem)
        self.banner.setText("\n\n".join(messages))
        self.banner.setVisible(bool(messages))

    def selected_id(self) -> str | None:
        items = self.table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def select(self, service_id: str) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == service_id:
                self.table.selectRow(row)
                return

    def _selection_changed(self) -> None:
        service_id = self.selected_id()
        for button in (self.edit_button, self.active_button, self.verify_button):
            button.setEnabled(service_id is not None)
        active = True
        conn = self.source.conn()
        if service_id is not None and conn is not None:
            active = get_service(conn, service_id).active
        self.active_button.setText(_("&Deactivate") if active else _("Reac&tivate"))

    def _changed(self, message: str) -> None:
        self.status.setText(message)
        self.reload()
        self.directory_changed.emit()

    # --- actions ----------------------------------------------------------------------------------

    def service_dialog(self, service: Service | None) -> ServiceDialog:
        """The add (``None``) or edit dialog, wired to save through ``app.directory``."""
        conn = self._conn()
        actor = self.source.actor()
        if service is None:
            base = Service(id="", name="", summary="", categories=())
            return ServiceDialog(
                base, new=True, save=lambda s: add_service(conn, s, actor=actor),
                make_id=lambda name: new_service_id(conn, name), parent=self,
            )
        return ServiceDialog(
            service, new=False, save=lambda s: update_service(conn, s, actor=actor, base=service),
            make_id=lambda name: new_service_id(conn, name), parent=self,
        )

    def add(self) -> None:
        self._run(self.service_dialog(None))

    def edit_selected(self) -> None:
        service_id = self.selected_id()
        if service_id is None:
            return
        self._run(self.service_dialog(get_service(self._conn(), service_id)))

    def resume(self, kept: KeptServiceEdit) -> None:
        """Open the add or edit dialog again with what was typed in it before the vault locked."""
        if not kept.new:
            self.select(kept.base.id)
        dialog = self.service_dialog(None if kept.new else kept.base)
        dialog.restore(kept.entered, kept.made_id)
        self._run(dialog)

    def _run(self, dialog: ServiceDialog) -> None:
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        entered = dialog.service()
        if accepted:
            self._changed((_("Added {name}.") if dialog.new else _("Saved {name}.")).format(name=entered.name))
            if dialog.new:
                self.select(entered.id)
        elif self.source.context.vault is None and dialog.changed():
            # Closed by the lock, not by its user: kept for them to carry on after signing in again.
            self.left_by_lock = KeptServiceEdit(dialog.new, dialog.base, entered, dialog.made_id)
        dialog.deleteLater()

    def toggle_active(self) -> None:
        service_id = self.selected_id()
        if service_id is None:
            return
        conn = self._conn()
        service = set_active(conn, service_id, not get_service(conn, service_id).active, actor=self.source.actor())
        # Nothing is chosen after: a second press went on to deactivate the next row too.
        self.table.clearSelection()
        if service.active:
            self._changed(_("{name} is active again and can be suggested.").format(name=service.name))
        elif service.id in CRISIS_SERVICE_IDS:
            self._changed(_(
                "{name} is deactivated: it is no longer suggested or offered. As a crisis line, it is still printed "
                "on every leaflet, as shipped with Signpost."
            ).format(name=service.name))
        else:
            self._changed(_("{name} is deactivated: it is no longer suggested or offered.").format(name=service.name))

    def verify_selected(self) -> None:
        service_id = self.selected_id()
        if service_id is None:
            return
        conn = self._conn()
        service = get_service(conn, service_id)
        # The service's name goes in the title (always plain text), never in the dialog's label.
        name, ok = QInputDialog.getText(
            self,
            _("Mark verified: {name}").format(name=service.name),
            _("You have checked every detail of this entry against the service's official website or phone line "
              "today. Who checked it?"),
            QLineEdit.EchoMode.Normal,
            self.source.actor(),
        )
        if not ok:
            return
        try:
            mark_verified(conn, service_id, verified_by=name, actor=self.source.actor(), on=dt.date.today())
        except DirectoryValidationError as exc:
            labels = field_labels()
            warn(self, _("Mark verified"), "\n".join(problem_line(p, labels) for p in exc.field_problems))
            return
        self._changed(_("{name} marked verified today.").format(name=service.name))

    def review_import(self, path: Path) -> ImportReviewDialog | None:
        """Check a file (dry run) and return the review dialog; ``None`` (after saying why) if unreadable."""
        try:
            data = read_limited(path)
            plan = import_data(self._conn(), data, path.name, actor=self.source.actor(), dry_run=True)
        except DirectoryFileError as exc:
            warn(self, _("Check directory file"), str(exc))
            return None
        dialog = ImportReviewDialog(plan, self)
        dialog.accepted.connect(lambda: self._import(data, path.name))
        return dialog

    def _import(self, data: bytes, name: str) -> None:
        try:
            plan = import_data(self._conn(), data, name, actor=self.source.actor(), dry_run=False)
        except (ImportRejectedError, DirectoryFileError) as exc:
            warn(self, _("Import"), str(exc))
            return
        self._changed(_("Imported {name}: {summary}.").format(name=name, summary=plan.summary()))

    def choose_import(self) -> None:
        path = choose_open_path(
            self, _("Check and import a directory file"), filters=[_("Directory files (*.json *.csv)")]
        )
        if path is not None:
            dialog = self.review_import(path)
            if dialog is not None:
                dialog.exec()

    def export_to(self, path: Path) -> None:
        from app.directory.export import export_directory
        from app.output_file import OutputFileError

        fmt = "csv" if path.suffix.lower() == ".csv" else "json"
        try:
            count = export_directory(self._conn(), path, fmt, actor=self.source.actor())
        except OutputFileError as exc:
            warn(self, _("Export"), sentence(exc))
            return
        self.status.setText(ngettext("Exported {count} service to {path}.", "Exported {count} services to {path}.",
                                     count).format(count=count, path=path))

    def choose_export(self) -> None:
        chosen = choose_save_path(
            self, _("Export the directory"), name="services-directory.json", filters=["JSON (*.json)", "CSV (*.csv)"]
        )
        if chosen is not None:
            target, name_filter = chosen
            if target.suffix.lower() not in (".json", ".csv"):
                target = target.with_suffix(".csv" if "csv" in name_filter.lower() else ".json")
            self.export_to(target)

