"""Feature: the services panel under the results, and Admin ▸ Services directory… (admins only).

The panel re-suggests on every form change, contributes the chosen ``service_ids`` to the draft,
and forgets the practitioner's choice on a new screening. The directory is re-read after every edit
in the editor, and whenever the open vault has changed (sign-in, unlock, sign-out) or another open
copy or the command line has written to it: checked when the panel is shown again, the window is
activated, the form changes, a new screening starts, and before the draft is saved or printed (the
panel's draft contribution checks). While the screening on screen is one saved from this form, a re-read
never ticks a service by itself: what the directory newly suggests is shown unticked.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMessageBox

from app.errors import SignpostError, sentence
from app.i18n import _
from ui.directory.services_panel import ServicesPanel
from ui.directory.source import DirectorySource
from ui.errors import show_error
from ui.i18n import keep_translated

if TYPE_CHECKING:
    from ui.directory.editor import KeptServiceEdit


class _VaultWatcher(QObject):
    """Re-reads the directory when the open vault is not the one the panel last read, or has been written to by
    another open copy or the command line since; ``vault_changed`` then fires."""

    vault_changed = Signal()

    def __init__(self, window: QMainWindow, panel: ServicesPanel) -> None:
        super().__init__(window)
        self.window = window
        self.panel = panel
        self.seen: tuple[Any, Any] = (None, None)
        window.installEventFilter(self)
        panel.installEventFilter(self)

    def check(self) -> None:
        vault = self.window.context.vault  # type: ignore[attr-defined]
        current = (vault, getattr(vault, "conn", None))
        if current[0] is not self.seen[0] or current[1] is not self.seen[1]:
            self.seen = current
            self.panel.refresh()
            self.vault_changed.emit()
        else:
            self.panel.refresh_if_changed()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in (QEvent.Type.WindowActivate, QEvent.Type.Show):
            self.check()
        return False


def _say_unreadable(window: QMainWindow, error: SignpostError) -> None:
    """Why the vault's directory cannot be read, and what that means for the screening on screen."""
    note = _(
        "Until this is put right, screenings cannot be saved and leaflets cannot be printed. The national services "
        "are listed meanwhile, so that you can still tell the patient about them."
    )
    show_error(window, SignpostError(f"{sentence(error)}\n\n{note}"))


def open_editor(
    window: QMainWindow, source: DirectorySource, panel: ServicesPanel, kept: KeptServiceEdit | None = None
) -> None:
    """Open the editor for an administrator; anyone else is told what is needed. With ``kept``, the service
    dialog the vault's lock closed opens again as it was left; one the lock closes now is kept the same way."""
    if source.conn() is None or not source.is_admin():
        QMessageBox.information(
            window,
            _("Services directory"),
            _("Sign in with an administrator account to edit the services directory."),
        )
        return
    from ui.directory.editor import DirectoryEditor

    editor = DirectoryEditor(source, window)
    editor.directory_changed.connect(panel.refresh)
    if kept is not None:
        QTimer.singleShot(0, editor, lambda: editor.resume(kept))
    editor.exec()
    left = editor.left_by_lock
    editor.deleteLater()
    if left is not None:
        window.vault_feature.carry_on_after_unlock(  # type: ignore[attr-defined]
            lambda: open_editor(window, source, panel, left)
        )


def install(window: QMainWindow) -> None:
    source = DirectorySource(window.context)  # type: ignore[attr-defined]
    source.setParent(window)
    panel = ServicesPanel(source)
    source.managed_imported.connect(panel.refresh)
    # Shown once the event that met it is handled: it is often met inside an event filter, mid-sign-in.
    source.fault.connect(lambda error: QTimer.singleShot(0, lambda: _say_unreadable(window, error)))
    window.services_panel = panel  # type: ignore[attr-defined]  # the leaflet feature reads the directory through it
    window.add_result_section(panel)  # type: ignore[attr-defined]
    window.draft_contributors.append(panel.contribute)  # type: ignore[attr-defined]
    window.draft_checks.append(panel.check_directory)  # type: ignore[attr-defined]
    panel.selection_changed.connect(lambda _ids: window.contribution_changed())  # type: ignore[attr-defined]
    form = window.form  # type: ignore[attr-defined]

    def saved_choice() -> tuple[str, ...] | None:
        saved = window.last_saved  # type: ignore[attr-defined]
        if saved is None or dataclasses.replace(form.draft(), service_ids=saved.draft.service_ids) != saved.draft:
            return None
        return tuple(saved.draft.service_ids)

    panel.saved_choice = saved_choice
    action = QAction(window)
    action.setObjectName("action:directory-editor")
    keep_translated(action, lambda: action.setText(_("Services &directory…")))
    action.triggered.connect(lambda: open_editor(window, source, panel))
    window.menu("Admin").addAction(action)  # type: ignore[attr-defined]
    watcher = _VaultWatcher(window, panel)
    # For administrators only, as Users… is: a practitioner was offered it, then told to sign in as one.
    watcher.vault_changed.connect(lambda: action.setEnabled(source.is_admin()))
    action.setEnabled(source.is_admin())

    def draft_changed(draft: Any) -> None:
        watcher.check()
        panel.update_for(draft, form.result())

    form.draft_changed.connect(draft_changed)
    window.screening_reset.connect(watcher.check)  # type: ignore[attr-defined]
    window.screening_reset.connect(panel.reset)  # type: ignore[attr-defined]
    panel.update_for(form.draft(), form.result())
    watcher.check()
    # After every feature has installed: the vault feature may have opened a (demo) vault meanwhile.
    QTimer.singleShot(0, watcher.check)
