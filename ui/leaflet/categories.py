"""Tick boxes for the directory categories a general services leaflet covers."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGroupBox, QVBoxLayout, QWidget

from app.directory.model import CATEGORIES
from app.i18n import N_, _

CATEGORY_LABELS = {
    "alcohol": N_("Alcohol"),
    "drugs": N_("Drugs"),
    "tobacco": N_("Smoking and tobacco"),
    "mental_health": N_("Mental health"),
    "co_occurring": N_("Drugs or alcohol with mental health (co-occurring)"),
    "crisis": N_("Crisis and urgent help"),
    "family": N_("Family and friends"),
    "legal": N_("Legal advice"),
}


class CategoryChooser(QGroupBox):
    changed = Signal()

    def __init__(self, checked: tuple[str, ...] = ("alcohol", "drugs"), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.boxes: dict[str, QCheckBox] = {}
        for category in CATEGORIES:
            box = QCheckBox()
            box.setChecked(category in checked)
            box.toggled.connect(lambda _on: self.changed.emit())
            layout.addWidget(box)
            self.boxes[category] = box
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("Services to include"))
        for category, box in self.boxes.items():
            box.setText(_(CATEGORY_LABELS.get(category, category)))

    def categories(self) -> list[str]:
        return [category for category, box in self.boxes.items() if box.isChecked()]
