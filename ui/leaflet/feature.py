"""Feature: "Print leaflet…" under the results and File ▸ "Services leaflet…".

Both open ``LeafletDialog``. The screening leaflet uses the form's result and the services the
practitioner chose (``service_ids`` of the current draft), never the patient's identifier. A leaflet is
printed or saved only once its audit entry, with the languages, is written to the open vault.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QPushButton, QWidget

from app.errors import SignpostError
from app.i18n import N_, _
from ui.i18n import keep_translated
from ui.leaflet.categories import CategoryChooser
from ui.leaflet.dialog import LeafletDialog
from ui.leaflet.pages import merge


def _directory(window: Any) -> list[Any]:
    """The directory as the services panel reads it (one source: the IT-managed file is read once a session)."""
    panel = getattr(window, "services_panel", None)
    if panel is not None:
        return panel.source.services()  # type: ignore[no-any-return]
    from ui.directory.source import DirectorySource

    return DirectorySource(window.context).services()


def _default_languages(window: Any) -> list[str]:
    configured = [code for code in window.context.config.leaflet_languages if code != "en"]
    return configured or ["en"]


def audit_output(window: Any, kind: str, how: str, languages: list[str]) -> None:
    """Record a leaflet about to be printed or saved in the audit log (no patient data in it).

    A screening leaflet names the record it was made from when the answers on screen are saved. Raises a
    ``SignpostError`` when the entry cannot be written, the vault locked meanwhile included.
    """
    vault = window.context.vault
    if vault is None or getattr(vault, "conn", None) is None:
        raise SignpostError(_("Signpost is locked: sign in again, then print or save the leaflet."))
    from app.leaflets.output_audit import audit_leaflet

    record = window.saved_reference if kind == "screening" else None
    audit_leaflet(vault.conn, vault.user.name, kind=kind, how=how, languages=languages, record_ref=record)


def screening_dialog(window: Any) -> LeafletDialog:
    from app.leaflets.build import risks_from_result, screening_leaflet_pdf

    result = window.form.result()
    draft = window.current_draft()
    directory = _directory(window)
    by_id = {s.id: s for s in directory}
    services = [by_id[i] for i in draft.service_ids if i in by_id]
    site = window.context.config.site_name

    def make(languages: list[str], paper: str) -> bytes:
        return screening_leaflet_pdf(
            languages[0],
            risks=risks_from_result(result),
            services=services,
            site_name=site,
            paper=paper,
            directory=directory,
        )

    return LeafletDialog(
        make,
        languages=_default_languages(window)[:1],
        paper=window.context.config.leaflet_paper,
        extra=_notice(result, risks_from_result(result), services),
        record=lambda how, languages: audit_output(window, "screening", how, languages),
        parent=window,
    )


def _notice(result: Any, risks: list[Any], services: list[Any]) -> QLabel | None:
    """What the practitioner should know before printing: a screening not fully answered; a patient at risk with
    no service chosen (the leaflet's advice points to "the services below")."""
    from app.leaflets import CRISIS_SERVICE_IDS
    from app.leaflets.advice import ADVICE_BANDS

    said = []
    if not result.complete:
        said.append(_("Not every substance is fully answered, so some advice may be missing: finish the screening "
                      "first for a complete leaflet."))
    listed = [s for s in services if s.active and s.id not in CRISIS_SERVICE_IDS]  # crisis lines have their own box
    if not listed and any(risk.band in ADVICE_BANDS for risk in risks):
        said.append(_("No service is chosen for this patient, so the leaflet lists only the crisis lines. Tick the "
                      "services to offer under the result before printing."))
    if not said:
        return None
    notice = QLabel("\n\n".join(said))
    notice.setObjectName("leaflet-notice")
    notice.setProperty("role", "notice")
    notice.setWordWrap(True)
    return notice


def services_dialog(window: Any) -> LeafletDialog:
    from app.leaflets.build import in_categories, services_leaflet_pdf

    directory = _directory(window)
    chooser = CategoryChooser(offered=frozenset(c for s in directory if s.active for c in s.categories))
    site = window.context.config.site_name

    def make(languages: list[str], paper: str) -> bytes:
        services = in_categories(directory, chooser.categories())
        return merge(
            [
                services_leaflet_pdf(code, services=services, site_name=site, paper=paper, directory=directory)
                for code in languages
            ]
        )

    dialog = LeafletDialog(
        make,
        languages=_default_languages(window),
        paper=window.context.config.leaflet_paper,
        multiple=True,
        extra=chooser,
        record=lambda how, languages: audit_output(window, "services", how, languages),
        title=N_("Services leaflet"),
        parent=window,
    )
    chooser.changed.connect(dialog.refresh)
    return dialog


def _open(dialog: LeafletDialog) -> None:
    dialog.exec()
    dialog.deleteLater()


class PrintLeafletSection(QWidget):
    """The "Print leaflet…" button under the results."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__()
        self.window_ = window
        self.button = QPushButton()
        self.button.setObjectName("print-leaflet")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button)
        layout.addStretch(1)
        self.button.clicked.connect(self._print)
        self.retranslate()

    def _print(self) -> None:
        problem = self.window_.check_draft()  # type: ignore[attr-defined]
        if problem is not None:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.information(self.window_, _("Print leaflet"), problem)
            return
        _open(screening_dialog(self.window_))

    def retranslate(self) -> None:
        self.button.setText(_("Print &leaflet…"))
        self.button.setToolTip(_("A leaflet in the patient's language beside English, with the chosen services"))


def install(window: QMainWindow) -> None:
    window.add_result_section(PrintLeafletSection(window))  # type: ignore[attr-defined]
    action = QAction(window)
    action.setObjectName("action:services-leaflet")
    keep_translated(action, lambda: action.setText(_("Ser&vices leaflet…")))
    action.triggered.connect(lambda: _open(services_dialog(window)))
    menu = window.menu("File")  # type: ignore[attr-defined]
    quit_action = getattr(window, "quit_action", None)
    if quit_action is not None and quit_action in menu.actions():
        menu.insertAction(quit_action, action)  # printing belongs with the screening actions, above Quit
        menu.insertSeparator(quit_action)
    else:
        menu.addAction(action)
