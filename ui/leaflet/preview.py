"""Scrollable page-by-page preview of PDF bytes."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from ui.leaflet.pages import page_images

PREVIEW_DPI = 60


class PdfPreview(QScrollArea):
    """Shows every page of the PDF it is given; ``page_count()`` says how many are shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setMinimumWidth(int(8.27 * PREVIEW_DPI) + 40)
        self.pages = QWidget()
        self.pages.setObjectName("leaflet-preview-pages")
        self.column = QVBoxLayout(self.pages)
        self.column.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setWidget(self.pages)
        self.labels: list[QLabel] = []

    def clear(self) -> None:
        for label in self.labels:
            self.column.removeWidget(label)
            label.hide()
            label.deleteLater()
        self.labels = []

    def show_pdf(self, pdf: bytes) -> None:
        self.clear()
        for number, image in enumerate(page_images(pdf, PREVIEW_DPI), start=1):
            label = QLabel()
            pixmap = QPixmap.fromImage(image)
            label.setPixmap(pixmap)
            label.setFixedSize(pixmap.size() + QSize(2, 2))
            label.setFrameShape(QFrame.Shape.Box)
            label.setObjectName(f"leaflet-page-{number}")
            self.column.addWidget(label)
            self.labels.append(label)
        self.pages.adjustSize()

    def page_count(self) -> int:
        return len(self.labels)
