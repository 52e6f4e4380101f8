"""The result panel's "Services to offer": suggested services ticked, untick or add others; saved with the screening.

Suggestions come from the signposting rules (``app.directory.rules``) for the live result, the
mental-health answer and "risk to self"; with a large directory only the first few for each need are
shown, with a line saying how many more the search finds. The practitioner's choice (ticks and added
services) is kept while the answers change and contributed to the draft as ``service_ids``, after
re-reading the directory if another open copy or the command line has changed it (so a screening is
never saved or printed with a service since deactivated). Every service name and description is shown
as plain text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.directory.model import CATEGORY_LABELS, Service
from app.directory.rules import (
    LOCAL_PER_NEED,
    NATIONAL_PER_NEED,
    categories_counted,
    shortlist,
    suggest,
    suggested_categories,
)
from app.directory.search import search
from app.directory.staleness import is_stale, stale_services
from app.i18n import _, ngettext, ui_language
from app.i18n.formatting import format_date
from app.instrument.scoring import Result
from app.records.draft import ScreeningDraft
from ui.directory.source import DirectorySource
from ui.i18n import mark_data_text
from ui.key_routes import down_into, esc_clears
from ui.message_label import announce
from ui.screening.result_panel import band_word
from ui.theme import FOCUS, SURFACE

SEARCH_LIMIT = 20


def plain_label(text: str = "", *, object_name: str = "", data: bool = True) -> QLabel:
    """A label that never interprets markup: ``<b>``, ``&`` and direction marks are shown as typed."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setText(text)
    if object_name:
        label.setObjectName(object_name)
    if data:
        mark_data_text(label)
    return label


def contact_parts(service: Service) -> list[str]:
    """Phone, text number, website and hours, each as the practitioner reads it out."""
    parts = []
    if service.phone:
        note = f" ({service.phone_note})" if service.phone_note else ""
        parts.append(_("Phone {number}").format(number=service.phone) + note)
    if service.text_number:
        parts.append(service.text_note or _("Text {number}").format(number=service.text_number))
    if service.website:
        parts.append(service.website)
    if service.hours:
        parts.append(service.hours)
    return parts


def contact_line(service: Service) -> str:
    """Phone, text number, website and hours on one line."""
    return " · ".join(contact_parts(service))


class _ClickableLabel(QLabel):
    clicked = Signal()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mousePressEvent(event)


class ServiceRow(QFrame):
    """One service: tick box, name, contact details and why it is offered."""

    toggled = Signal(str, bool)

    def __init__(self, service: Service, why: str, checked: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setObjectName(f"service:{service.id}")
        self.check = QCheckBox()
        self.check.setObjectName(f"service-check:{service.id}")
        # The theme makes check boxes in a panel transparent; Fusion draws the box's frame from that
        # background, so an unticked service would show no box at all. The panel is white anyway.
        self.check.setStyleSheet(f"QCheckBox {{ background: {SURFACE}; }} QCheckBox:focus {{ background: {FOCUS}; }}")
        self.check.setChecked(checked)
        self.check.setAccessibleName(service.name)
        # The details and the reason are labels beside the box, which a screen reader on the box does not
        # reach: it reads them from the box's description, one sentence each rather than "dot"-separated.
        self.check.setAccessibleDescription(". ".join([*contact_parts(service), why]))
        self.name = _ClickableLabel()
        self.name.setTextFormat(Qt.TextFormat.PlainText)
        self.name.setWordWrap(True)
        self.name.setText(service.name)
        self.name.setObjectName(f"service-name:{service.id}")
        self.name.setStyleSheet("font-weight: 600;")
        mark_data_text(self.name)
        self.details = plain_label(contact_line(service), object_name=f"service-details:{service.id}")
        self.why = plain_label(why, object_name=f"service-why:{service.id}")
        self.why.setProperty("role", "help")
        text = QVBoxLayout()
        text.setSpacing(0)
        text.addWidget(self.name)
        text.addWidget(self.details)
        text.addWidget(self.why)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.addWidget(self.check, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(text, 1)
        # Only once it has a parent: shown before, a label is its own window for a moment, and takes the
        # keyboard from the form.
        self.details.setHidden(not self.details.text())
        self.check.toggled.connect(lambda on: self.toggled.emit(service.id, on))
        self.name.clicked.connect(self.check.toggle)


class ServicesPanel(QFrame):
    """Suggested services for the live result, chosen by the practitioner; see the module docstring."""

    selection_changed = Signal(tuple)  # the chosen service ids

    def __init__(self, source: DirectorySource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.setObjectName("services-panel")
        self.setProperty("role", "panel")
        self._directory: dict[str, Service] = {}
        self._suggested: list[str] = []
        self._why: dict[str, str] = {}
        self._more: dict[str, int] = {}  # per need, how many more services are suggested than shown
        self._read: tuple[Any, int] | None = None  # the connection and its others' changes at the last read
        self._added: list[str] = []
        self._unticked: set[str] = set()
        self._announced: tuple[str, ...] | None = None  # the choice last told through ``selection_changed``
        self._last: tuple[ScreeningDraft, Result] | None = None
        # The services of the screening on screen as saved, while its answers are still those saved (set by the
        # feature); a directory re-read then shows the services it newly suggests unticked, so a saved screening
        # never changes without the practitioner.
        self.saved_choice: Callable[[], tuple[str, ...] | None] = lambda: None
        self._new_since_saved = False  # the directory suggests services it did not when the screening was saved
        self._gone_since_saved = False  # a service saved with the screening is no longer in the directory
        self.rows: dict[str, ServiceRow] = {}

        self.title = QLabel()
        self.title.setProperty("role", "section-title")
        self._changed_elsewhere = False
        self.stale_banner = plain_label(object_name="directory-stale-banner", data=False)
        self.stale_banner.setProperty("role", "notice")
        self.stale_banner.hide()
        self.empty = QLabel()
        self.empty.setProperty("role", "help")
        self.empty.setWordWrap(True)
        self.rows_box = QVBoxLayout()
        self.rows_box.setSpacing(0)
        self.more = plain_label(object_name="services-more", data=False)
        self.more.setProperty("role", "help")
        self.more.hide()
        self.search = QLineEdit()
        self.search.setObjectName("services-search")
        self.search.setClearButtonEnabled(True)
        self.matches = QListWidget()
        self.matches.setObjectName("services-matches")
        self.matches.setMaximumHeight(180)
        self.matches.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(self.title)
        layout.addWidget(self.stale_banner)
        layout.addWidget(self.empty)
        layout.addLayout(self.rows_box)
        layout.addWidget(self.more)
        layout.addWidget(self.search)
        layout.addWidget(self.matches)

        self.search.textChanged.connect(self._show_matches)
        self.search.returnPressed.connect(self._add_first_match)
        down_into(self.search, self.matches)
        esc_clears(self.search, self.matches)  # and the matches close; with nothing typed Esc goes on
        self.matches.itemActivated.connect(self._add_item)
        self.matches.itemClicked.connect(self._add_item)
        self.retranslate()
        self.refresh()

    # --- what the window calls --------------------------------------------------------------------

    def selected_ids(self) -> tuple[str, ...]:
        return tuple(i for i in self._shown_ids() if i not in self._unticked)

    def contribute(self, draft: ScreeningDraft) -> ScreeningDraft:
        """Draft contributor: the chosen services are saved (and printed) with the screening, as the directory
        has them now."""
        self.refresh_if_changed()
        return dataclasses.replace(draft, service_ids=self.selected_ids())

    def check_directory(self) -> str | None:
        """``window.draft_checks``: when another copy or IT changed the directory since the services were shown,
        show them as the directory has them now and stop the save or print, so nothing unseen is stored."""
        if not self.refresh_if_changed():
            return None
        return _("The services directory was changed elsewhere, so the services suggested have changed. Check "
                 "them, then try again.")

    def update_for(self, draft: ScreeningDraft, result: Result) -> None:
        """Re-suggest for a changed draft, keeping the practitioner's unticks and additions."""
        self._suggest(draft, result)
        if (self._new_since_saved or self._gone_since_saved) and self.saved_choice() is None:
            self._new_since_saved = self._gone_since_saved = False  # answers changed: no longer the saved screening
            self._update_banner()
        self._rebuild()

    def _suggest(self, draft: ScreeningDraft, result: Result) -> None:
        self._last = (draft, result)
        services = list(self._directory.values())
        chosen = suggest(
            result,
            under_mental_health_services=draft.under_mental_health_services,
            risk_to_self=draft.risk_to_self,
            services=services,
        )
        reasons = suggested_categories(
            result,
            under_mental_health_services=bool(draft.under_mental_health_services),
            risk_to_self=draft.risk_to_self,
            describe=lambda block: f"{block.block.label}: {band_word(block.band)}",  # as the result panel words it
        )
        # A service saved with the screening stays on show even if a new one now comes before it in the list.
        short = shortlist(chosen, list(reasons), local=LOCAL_PER_NEED, national=NATIONAL_PER_NEED,
                          keep=self.saved_choice() or ())
        self._suggested = [s.id for s in short.shown]
        self._more = short.more
        self._retext_empty()
        self._retext_more()
        self._why = {
            s.id: "; ".join(dict.fromkeys(r for c in categories_counted(s) if c in reasons for r in reasons[c]))
            for s in chosen
        }

    def reset(self) -> None:
        """A new screening: forget the practitioner's choices."""
        self._added.clear()
        self._unticked.clear()
        self._changed_elsewhere = False
        self._new_since_saved = self._gone_since_saved = False
        self._update_banner()
        self.search.setText("")  # clear() would keep what was typed for the last patient for Ctrl+Z
        self._rebuild()

    def refresh(self) -> None:
        """Re-read the directory (after sign-in, lock, or an admin's edit) and re-suggest."""
        shown_before, saved = set(self._shown_ids()), self.saved_choice()
        self._read = self._read_point()  # before reading: a change made meanwhile is read at the next check
        self._directory = {s.id: s for s in self.source.services()}
        # Added services the directory now lacks are kept, not dropped: while the vault is locked only the
        # national list is readable, and a local service the practitioner added must come back at sign-in.
        if self._last is not None:
            self._suggest(*self._last)
        if saved is not None:
            new = {i for i in self._suggested if i not in shown_before and i not in saved}
            self._unticked |= new
            self._new_since_saved = self._new_since_saved or bool(new)
            if self.source.conn() is not None:  # while locked only the national services can be read
                self._gone_since_saved = any(i not in self._directory for i in saved)
        self._update_banner()
        self._rebuild()

    def retranslate(self) -> None:
        self.title.setText(_("Services to offer"))
        self._retext_empty()
        self.search.setPlaceholderText(_("Add a service: type a name, area or need…"))
        self.search.setAccessibleName(_("Search the services directory"))
        self.matches.setAccessibleName(_("Services matching the search"))
        self._update_banner()
        if self._last is not None:
            self.update_for(*self._last)

    def refresh_if_changed(self) -> bool:
        """Re-read the directory if the open vault is another one than at the last read, or another open copy or
        the command line has written to it since; True when that changed the services chosen."""
        now = self._read_point()
        if self._read is not None and self._read[0] is now[0] and self._read[1] == now[1]:
            return False
        elsewhere = self._read is not None and self._read[0] is now[0] and now[0] is not None
        before = self.selected_ids()
        self.refresh()
        changed = self.selected_ids() != before
        if elsewhere and changed:
            self._changed_elsewhere = True  # said in the banner until the next screening
            self._update_banner()
        return changed

    # --- internals --------------------------------------------------------------------------------

    def _read_point(self) -> tuple[Any, int]:
        conn = self.source.conn()
        if conn is None:
            return (None, 0)
        from app.directory.repository import others_changes

        return (conn, others_changes(conn))

    def _shown_ids(self) -> list[str]:
        added = (i for i in self._added if i not in self._suggested and i in self._directory)
        return [*self._suggested, *added]

    def _retext_empty(self) -> None:
        unfinished = self._last is not None and not self._last[1].complete
        if unfinished:
            self.empty.setText(_("Services are suggested as soon as the answers show each substance's risk. Add one "
                                 "below if the patient would like one now."))
        else:
            self.empty.setText(_("No services are suggested for this result. Add one below if the patient would like "
                                 "one."))

    def _retext_more(self) -> None:
        lines = [
            ngettext(
                "{need}: {count} more service is suggested. Type in the search box below to find it.",
                "{need}: {count} more services are suggested. Type in the search box below to find them.",
                count,
            ).format(need=_(CATEGORY_LABELS[need]), count=count)
            for need, count in self._more.items()
        ]
        self.more.setText("\n".join(lines))
        self.more.setVisible(bool(lines))

    def _rebuild(self) -> None:
        """Show the rows for the chosen services, keeping (with their focus) the rows whose service and reason
        are unchanged; a service whose details changed gets a new row."""
        rows: dict[str, ServiceRow] = {}
        for service_id in self._shown_ids():
            service, why = self._directory[service_id], self._why_text(service_id)
            row = self.rows.get(service_id)
            if row is not None and row.service == service and row.why.text() == why:
                row.check.setChecked(service_id not in self._unticked)
            else:
                row = ServiceRow(service, why, service_id not in self._unticked, self)
                row.toggled.connect(self._toggled)
            rows[service_id] = row
        old = list(self.rows.values())
        if old != list(rows.values()):
            for row in old:
                self.rows_box.removeWidget(row)
                if row not in rows.values():
                    row.hide()  # at once: a dialog's own event loop (a required password change) does not delete
                    row.deleteLater()
            for row in rows.values():
                self.rows_box.addWidget(row)
            self.rows = rows
        self.empty.setVisible(not self.rows)
        self._announce()

    def _announce(self) -> None:
        """Emit ``selection_changed`` when the choice differs from the one last announced, whatever changed
        it: answers, ticks, or the directory itself (a service deactivated drops out of the choice)."""
        chosen = self.selected_ids()
        if chosen != self._announced:
            self._announced = chosen
            self.selection_changed.emit(chosen)

    def _why_text(self, service_id: str) -> str:
        why = _("Why: {reasons}").format(reasons=self._why.get(service_id) or _("added by you"))
        service = self._directory[service_id]
        months = self.source.context.config.directory_stale_after_months
        if service.national or not is_stale(service, months=months):
            return why
        # A local entry overdue for checking: the practitioner may want to confirm it with the patient.
        if service.last_verified is None:
            return why + " · " + _("Details not checked yet")
        checked = format_date(service.last_verified, ui_language(), length="medium")  # as the directory editor shows it
        return why + " · " + _("Details last checked {date}").format(date=checked)

    def _toggled(self, service_id: str, on: bool) -> None:
        if on:
            self._unticked.discard(service_id)
        else:
            self._unticked.add(service_id)
        self._announce()

    def _update_banner(self) -> None:
        """Services changed by another copy or IT since shown; for admins also entries overdue for checking, and an
        IT-managed file that failed to import."""
        messages = []
        if self._new_since_saved:
            messages.append(_("The services directory has changed since this screening was saved: services it now "
                              "suggests as well are shown unticked."))
        if self._gone_since_saved:
            messages.append(_("A service saved with this screening has been switched off or removed in the services "
                              "directory, so it is no longer chosen. Check the services below, then save again."))
        if self._changed_elsewhere:
            messages.append(_("The services directory was changed elsewhere: the services below were updated."))
        if self.source.is_admin():
            months = self.source.context.config.directory_stale_after_months
            count = len(stale_services(self._directory.values(), months=months))
            if count:
                messages.append(
                    ngettext(
                        "{count} service has not been verified in the last {months} months: check it in "
                        "Admin ▸ Services directory.",
                        "{count} services have not been verified in the last {months} months: check them in "
                        "Admin ▸ Services directory.",
                        count,
                    ).format(count=count, months=months)
                )
            if self.source.managed_problem:
                problem = self.source.managed_problem
                messages.append(_("The IT-managed directory file was not imported:") + "\n" + problem)
        self.stale_banner.setText("\n\n".join(messages))
        self.stale_banner.setVisible(bool(messages))

    def _candidates(self, text: str) -> list[Service]:
        shown = set(self._shown_ids())
        return search((s for s in self._directory.values() if s.id not in shown), text)[:SEARCH_LIMIT]

    def _show_matches(self, text: str) -> None:
        self.matches.clear()
        if not text.strip():
            self.matches.hide()
            return
        for service in self._candidates(text):
            contact = contact_line(service)
            item = QListWidgetItem(f"{service.name} — {contact}" if contact else service.name)
            item.setData(Qt.ItemDataRole.UserRole, service.id)
            self.matches.addItem(item)
        if not self.matches.count():
            item = QListWidgetItem(_("No other service matches."))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.matches.addItem(item)
        self.matches.show()

    def _add_first_match(self) -> None:
        item = self.matches.item(0)
        if item is not None and item.data(Qt.ItemDataRole.UserRole):
            self._add_item(item)

    def _add_item(self, item: QListWidgetItem) -> None:
        service_id = item.data(Qt.ItemDataRole.UserRole)
        if not service_id:
            return
        self._added.append(service_id)
        self._unticked.discard(service_id)
        self.search.clear()
        self._rebuild()
        # Back in the search box, ready for another: the list that had the keyboard has gone.
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)
        service = self._directory.get(service_id)
        if service is not None:
            announce(self.search, _("{name} added to the services to offer.").format(name=service.name))

