"""Tick boxes for the directory categories a general services leaflet covers.

The boxes scroll inside their group: on a short screen the chooser shrinks instead of pushing the
dialog's buttons off the bottom. It is never taller than the boxes need.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGroupBox, QSizePolicy, QVBoxLayout, QWidget

from app.directory.model import CATEGORIES, CATEGORY_LABELS
from app.i18n import _
from ui.leaflet.fitted_scroll import FittedScroll


class CategoryChooser(QGroupBox):
    changed = Signal()

    def __init__(
        self,
        checked: tuple[str, ...] = ("alcohol", "drugs"),
        offered: frozenset[str] = frozenset(CATEGORIES),
        parent: QWidget | None = None,
    ) -> None:
        """``offered``: the kinds the directory has an active service of; the others cannot be ticked."""
        super().__init__(parent)
        self.offered = offered
        self.setObjectName("leaflet-categories")
        inner = QWidget()
        self.column = QVBoxLayout(inner)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for category in CATEGORIES:
            box = QCheckBox()
            box.setChecked(category in checked and category in offered)
            box.setEnabled(category in offered)  # ticked, a kind with no service was left out without a word
            box.toggled.connect(lambda _on: self.changed.emit())
            self.column.addWidget(box)
            self.boxes[category] = box
        self.scroll = FittedScroll(inner, self._two_boxes_high)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        policy.setVerticalStretch(1)  # shares the height with the language list (stretch 2) in the leaflet dialog
        self.setSizePolicy(policy)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("Services to include"))
        for category, box in self.boxes.items():
            box.setText(_(CATEGORY_LABELS.get(category, category)))
            why = "" if category in self.offered else _("The directory has no service of this kind.")
            box.setAccessibleDescription(why)
            box.setToolTip(why)

    def categories(self) -> list[str]:
        return [category for category, box in self.boxes.items() if box.isChecked()]

    def _two_boxes_high(self) -> int:
        return sum(box.sizeHint().height() for box in list(self.boxes.values())[:2]) + self.column.spacing()

