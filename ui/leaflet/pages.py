"""PDF bytes to page images (pypdfium2) for the preview and the printer, made in memory.

What is painted onto a ``QPrinter`` becomes the operating system's print job, which its print system may spool
to a temporary file (Qt's CUPS printing does); the leaflet carries no patient identifier.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrinter

from app.i18n import _


def page_images(pdf: bytes, dpi: float) -> list[QImage]:
    """Every page of ``pdf`` rendered at ``dpi`` as an RGB image."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    images = []
    try:
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
            pixels = bytes(bitmap.buffer)
            image = QImage(pixels, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGB888)
            images.append(image.copy())  # own the pixels before pdfium frees its buffer
            bitmap.close()
            page.close()
    finally:
        document.close()
    return images


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) of every page of ``pdf`` in points."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return [document.get_page_size(index) for index in range(len(document))]
    finally:
        document.close()


def merge(pdfs: list[bytes]) -> bytes:
    """One PDF holding the pages of each of ``pdfs`` in order (a leaflet per language)."""
    import io

    import pypdfium2 as pdfium

    if len(pdfs) == 1:
        return pdfs[0]
    merged = pdfium.PdfDocument.new()
    sources = [pdfium.PdfDocument(data) for data in pdfs]
    try:
        for source in sources:
            merged.import_pages(source)
        buffer = io.BytesIO()
        merged.save(buffer)
        return buffer.getvalue()
    finally:
        for source in sources:
            source.close()
        merged.close()


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Paint every page onto ``printer`` at its resolution (capped at 300 dpi); returns the page count. Raises
    ``OSError`` when the printer refuses the job, a page, or the end of the job."""
    dpi = min(printer.resolution(), 300)
    images = page_images(pdf, dpi)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError(_("the printer could not be started"))
    try:
        for number, image in enumerate(images):
            if number and not printer.newPage():
                raise OSError(_("the printer stopped at page {page}").format(page=number + 1))
            area = painter.viewport()
            size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.setViewport(QRect(area.x(), area.y(), size.width(), size.height()))
            painter.setWindow(image.rect())
            painter.drawImage(0, 0, image)
            painter.setViewport(area)
    finally:
        ended = painter.end()
    if not ended or printer.printerState() == QPrinter.PrinterState.Error:
        raise OSError(_("the printer did not accept the leaflet"))
    return len(images)

