"""A vertical scroll area that asks for its content's size and gives way on a short screen."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


class FittedScroll(QScrollArea):
    """As wide as ``content`` needs and as tall as it wants; it may shrink to ``shortest()`` px, then scrolls.

    Its room for the scroll bar is kept even while the bar is hidden, so the content is never cut at the side.
    The content is laid out here rather than by ``setWidgetResizable``, which never lets content holding
    wrapped text be shorter than it would like: here it shrinks to its least height (a list down to its
    fewest rows) before the bar appears.
    """

    def __init__(self, content: QWidget, shortest: Callable[[], int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shortest = shortest
        self.setWidget(content)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Only a holder: Tab goes to what it holds (and scrolls it into view), and no ring is drawn around it.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setStyleSheet("QScrollArea { border: none; margin: 0; }")

    def sizeHint(self) -> QSize:
        wanted = self.widget().sizeHint()
        return QSize(wanted.width() + self.verticalScrollBar().sizeHint().width(), wanted.height())

    def minimumSizeHint(self) -> QSize:
        least = self.widget().minimumSizeHint()
        bar = self.verticalScrollBar().sizeHint().width()
        return QSize(least.width() + bar, min(least.height(), self.shortest()))

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the content's sizes changed (new texts): so do this area's hints
            self._fit_content()
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_content()

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize:
            self._fit_content()  # the scroll bar came or went
        return super().viewportEvent(event)

    def _fit_content(self) -> None:
        content = self.widget()
        width = max(self.viewport().width(), content.minimumSizeHint().width())
        layout = content.layout()
        if layout is not None and layout.hasHeightForWidth():
            least = layout.minimumHeightForWidth(width)
        else:
            least = content.minimumSizeHint().height()
        content.resize(width, max(self.viewport().height(), least))
