"""Leaflet preview: pages fill its width, zoom, and are drawn sharp on a scaled screen."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pypdfium2 as pdfium
import pytest
from conftest import ROOT
from pytestqt.qtbot import QtBot

from ui.leaflet.preview import FIT_PAGE, MARGIN, PdfPreview

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
]


def blank_pdf(pages: int) -> bytes:
    document = pdfium.PdfDocument.new()
    for _ in range(pages):
        document.new_page(595, 842)  # A4 in points
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    return buffer.getvalue()


def test_the_preview_fits_its_width_and_zooms(qtbot: QtBot) -> None:
    preview = PdfPreview()
    qtbot.addWidget(preview)
    preview.resize(500, 400)
    preview.show()
    qtbot.waitExposed(preview)
    preview.show_pdf(blank_pdf(2))
    assert preview.page_count() == 2

    def fills_width() -> bool:
        room = preview.viewport().width() - 2 * MARGIN
        return all(room - 4 <= label.width() <= room for label in preview.labels)

    assert fills_width()
    preview.resize(800, 400)  # a wider dialog draws the pages again, wider
    qtbot.waitUntil(lambda: preview.labels[0].width() > 700 and fills_width())
    preview.set_zoom(2.0)  # twice the printed size: 595 pt at 96 px an inch
    assert abs(preview.labels[0].width() - 2 - 2 * 595 * 96 / 72) <= 1
    preview.set_zoom(FIT_PAGE)
    assert preview.labels[0].height() <= preview.viewport().height() - 2 * MARGIN


_SCALED_PREVIEW = """
import io, json
import pypdfium2 as pdfium
from PySide6.QtWidgets import QApplication
from ui.leaflet.preview import PdfPreview
app = QApplication([])
document = pdfium.PdfDocument.new()
document.new_page(595, 842)
buffer = io.BytesIO()
document.save(buffer)
preview = PdfPreview()
preview.resize(600, 500)
preview.show()
app.processEvents()
preview.show_pdf(buffer.getvalue())
label = preview.labels[0]
pixmap = label.pixmap()
print(json.dumps({"widget": preview.devicePixelRatioF(), "pixmap": pixmap.devicePixelRatio(),
                  "pixels": pixmap.width(), "logical": label.contentsRect().width()}))
"""


def test_the_preview_is_drawn_for_a_scaled_screen() -> None:
    """At 150 % a page has one pixel of its own for each pixel of the screen: sharp, not a stretched 100 % image."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": "1.5"}
    run = subprocess.run(
        [sys.executable, "-c", _SCALED_PREVIEW], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    shown = json.loads(run.stdout.strip().splitlines()[-1])
    assert shown["widget"] == 1.5 and shown["pixmap"] == 1.5
    assert abs(shown["pixels"] - 1.5 * shown["logical"]) <= 2
