"""Scrollable page-by-page preview of PDF bytes, drawn for the screen's pixel density at the zoom chosen."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtWidgets import QComboBox, QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.i18n import N_, _
from ui.leaflet.pages import page_images, page_sizes

FIT_WIDTH = "width"
FIT_PAGE = "page"
Zoom = str | float  # FIT_WIDTH, FIT_PAGE, or times the printed size
FITS = ((FIT_WIDTH, N_("Fit width")), (FIT_PAGE, N_("Whole page")))
TIMES_PRINTED = (1.0, 1.5, 2.0)
PIXELS_PER_POINT = 96 / 72  # the printed size on screen: a logical inch is 96 px
MARGIN = 8
MIN_SCALE = 0.2


class ZoomBox(QComboBox):
    """How big the preview draws a page: fitted to the preview's width, whole, or a multiple of its printed size."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("leaflet-zoom")
        for zoom, _label in FITS:
            self.addItem("", zoom)
        for times in TIMES_PRINTED:
            self.addItem("", times)
        self.retranslate()

    def retranslate(self) -> None:
        for index, (_zoom, label) in enumerate(FITS):
            self.setItemText(index, _(label))
        for index, times in enumerate(TIMES_PRINTED, start=len(FITS)):
            self.setItemText(index, _("{percent}%").format(percent=round(times * 100)))

    def zoom(self) -> Zoom:
        return self.currentData()


class PdfPreview(QScrollArea):
    """Shows every page of the PDF it is given; ``page_count()`` says how many are shown.

    Pages are rendered at the widget's device pixel ratio, so they stay sharp on a scaled screen, and
    drawn again when a fitted zoom meets a new size.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("leaflet-preview")
        self.setWidgetResizable(True)
        self.setMinimumSize(240, 160)
        # Always there, so fitting a page to the width never makes the bar come and go (and the width with it).
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pages = QWidget()
        self.pages.setObjectName("leaflet-preview-pages")
        self.column = QVBoxLayout(self.pages)
        self.column.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        self.column.setSpacing(MARGIN)
        self.column.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setWidget(self.pages)
        self.labels: list[QLabel] = []
        self.pdf: bytes | None = None
        self.sizes: list[tuple[float, float]] = []
        self.zoom: Zoom = FIT_WIDTH
        self.scale = 0.0  # logical pixels per point, as last drawn
        self.ratio = 1.0  # device pixels per logical pixel, as last drawn
        self.refit = QTimer(self)
        self.refit.setSingleShot(True)
        self.refit.setInterval(100)  # once the user stops resizing, not at every step
        self.refit.timeout.connect(self._refit)
        self.retranslate()

    def retranslate(self) -> None:
        self.setAccessibleName(_("Leaflet preview"))
        for number, label in enumerate(self.labels, start=1):
            label.setAccessibleName(_("Page {number} of {count}").format(number=number, count=len(self.labels)))

    def clear(self) -> None:
        self.pdf = None
        self.sizes = []
        self._remove_pages()

    def show_pdf(self, pdf: bytes) -> None:
        self.pdf = pdf
        self.sizes = page_sizes(pdf)
        self._draw()

    def page_count(self) -> int:
        return len(self.labels)

    def set_zoom(self, zoom: Zoom) -> None:
        self.zoom = zoom
        fitted = zoom in (FIT_WIDTH, FIT_PAGE)
        self.setHorizontalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff if fitted else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        )
        if self.pdf is not None:
            self._draw()

    def page_scale(self) -> float:
        """Logical pixels per point for the current zoom and size."""
        if not self.sizes:
            return 1.0
        if not isinstance(self.zoom, str):
            return self.zoom * PIXELS_PER_POINT
        # From the widget's own size, not the viewport's: a dialog not shown yet has laid out only the former.
        frame = 2 * self.frameWidth()
        border = 2  # each page's box
        width = self.width() - frame - self.verticalScrollBar().sizeHint().width() - 2 * MARGIN - border
        height = self.height() - frame - 2 * MARGIN - border
        across = width / max(w for w, _h in self.sizes)
        if self.zoom == FIT_PAGE:
            across = min(across, height / max(h for _w, h in self.sizes))
        return max(across, MIN_SCALE)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.pdf is not None and isinstance(self.zoom, str):
            self.refit.start()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.DevicePixelRatioChange and self.pdf is not None:
            self.refit.start()  # moved to a screen with another scale
        return super().event(event)

    def _refit(self) -> None:
        if self.pdf is None:
            return
        if abs(self.page_scale() - self.scale) > 0.01 * self.scale or self.devicePixelRatioF() != self.ratio:
            self._draw()

    def _remove_pages(self) -> None:
        for label in self.labels:
            self.column.removeWidget(label)
            label.hide()
            label.deleteLater()
        self.labels = []

    def _draw(self) -> None:
        self._remove_pages()
        if self.pdf is None:
            return
        self.scale = self.page_scale()
        self.ratio = self.devicePixelRatioF()
        for number, image in enumerate(page_images(self.pdf, 72 * self.scale * self.ratio), start=1):
            label = QLabel()
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(self.ratio)
            label.setPixmap(pixmap)
            label.setFixedSize(pixmap.deviceIndependentSize().toSize() + QSize(2, 2))
            label.setFrameShape(QFrame.Shape.Box)
            label.setObjectName(f"leaflet-page-{number}")
            self.column.addWidget(label)
            self.labels.append(label)
        self.retranslate()
        self.pages.adjustSize()
