"""Leaflet dialogs on small and scaled screens: they fit, buttons show, the list is easy to hit, the preview is sharp.

Layouts work in logical pixels: a 1366x768 screen at 125 % is 1093x614 of them, at 150 % 911x512, so
fitting the dialog to those sizes is what a scaled screen asks of it. The real theme is applied: its
sizes (48 px buttons, 40 px fields) are what must fit.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator

import pypdfium2 as pdfium
import pytest
from conftest import ROOT
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialogButtonBox, QStyle, QStyleOptionViewItem, QWidget
from pytestqt.qtbot import QtBot

from ui.directory import feature as directory_feature
from ui.leaflet import feature
from ui.leaflet.dialog import LeafletDialog
from ui.leaflet.preview import FIT_PAGE, MARGIN, PdfPreview
from ui.main_window import MainWindow
from ui.theme import apply_style, apply_stylesheet

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
]

# (name, logical width, logical height) of the screens staff use, scaled or not.
SCREENS = [
    ("1366x768", 1366, 768),
    ("1280x720", 1280, 720),
    ("1366x768 at 125%", 1093, 614),
    ("1280x720 at 125%", 1024, 576),
    ("1366x768 at 150%", 911, 512),
]
TITLE_BAR = 40  # the system draws the title bar and borders outside the dialog's own size
BORDERS = 20


@pytest.fixture
def window(open_window: Callable[..., MainWindow], qapp: QApplication) -> Iterator[MainWindow]:
    apply_style(qapp)
    apply_stylesheet(qapp)
    try:
        yield open_window(directory_feature, feature)
    finally:
        qapp.setStyleSheet("")


def opened(qtbot: QtBot, dialog: LeafletDialog) -> LeafletDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def inside(widget: QWidget, dialog: QWidget) -> bool:
    where = QRect(widget.mapTo(dialog, QPoint(0, 0)), widget.size())
    return widget.isVisibleTo(dialog) and dialog.rect().contains(where)


def fully_shown_rows(dialog: LeafletDialog) -> int:
    view = dialog.picker.list
    rows = [view.visualItemRect(item) for item in dialog.picker.items() if not item.isHidden()]
    return sum(1 for rect in rows if view.viewport().rect().contains(rect))


def blank_pdf(pages: int) -> bytes:
    document = pdfium.PdfDocument.new()
    for _ in range(pages):
        document.new_page(595, 842)  # A4 in points
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    return buffer.getvalue()


@pytest.mark.parametrize("make", [feature.screening_dialog, feature.services_dialog], ids=["print", "services"])
def test_the_dialog_and_its_buttons_fit_small_and_scaled_screens(
    window: MainWindow, qtbot: QtBot, make: Callable[[MainWindow], LeafletDialog]
) -> None:
    dialog = opened(qtbot, make(window))
    try:
        screen = dialog.screen().availableGeometry()
        assert dialog.width() + BORDERS <= screen.width() and dialog.height() + TITLE_BAR <= screen.height()
        for name, width, height in SCREENS:
            dialog.fit_to(QSize(width, height))
            QApplication.processEvents()
            assert dialog.width() + BORDERS <= width and dialog.height() + TITLE_BAR <= height, name
            least = dialog.minimumSizeHint()  # what the layout would grow the dialog back to
            assert least.width() + BORDERS <= width and least.height() + TITLE_BAR <= height, name
            buttons = dialog.findChild(QDialogButtonBox).findChildren(QAbstractButton)
            assert len(buttons) == 3
            for button in buttons:
                assert inside(button, dialog), (name, button.text())
            assert inside(dialog.status, dialog) and inside(dialog.preview, dialog), name
            assert dialog.preview.viewport().height() >= 150, name
            assert fully_shown_rows(dialog) >= 2 or dialog.side.verticalScrollBar().maximum() > 0, name
    finally:
        dialog.close()


def test_the_services_category_chooser_shrinks_and_scrolls(window: MainWindow, qtbot: QtBot) -> None:
    dialog = opened(qtbot, feature.services_dialog(window))
    try:
        dialog.fit_to(QSize(1093, 614))
        QApplication.processEvents()
        chooser = dialog.findChild(QWidget, "leaflet-categories")
        assert chooser.height() < chooser.sizeHint().height()  # it gave way...
        assert chooser.scroll.verticalScrollBar().maximum() > 0  # ...and the boxes it cannot show scroll
        last = list(chooser.boxes.values())[-1]
        chooser.scroll.ensureWidgetVisible(last)
        assert chooser.scroll.viewport().rect().contains(
            QRect(last.mapTo(chooser.scroll.viewport(), QPoint(0, 0)), last.size())
        )
        dialog.fit_to(QSize(1920, 1080))
        QApplication.processEvents()
        assert chooser.height() <= chooser.sizeHint().height()  # never taller than its boxes need
    finally:
        dialog.close()


def test_language_rows_and_tick_boxes_are_big_enough_and_more_of_them_show(window: MainWindow, qtbot: QtBot) -> None:
    dialog = opened(qtbot, feature.services_dialog(window))
    try:
        dialog.fit_to(QSize(1280, 720))
        QApplication.processEvents()
        view = dialog.picker.list
        index = view.model().index(0, 0)
        assert view.visualRect(index).height() >= 24
        option = QStyleOptionViewItem()
        view.initViewItemOption(option)
        option.rect = view.visualRect(index)
        view.itemDelegateForIndex(index).initStyleOption(option, index)
        tick = view.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, view)
        assert tick.width() >= 24 and tick.height() >= 24
        assert fully_shown_rows(dialog) >= 6  # the QA saw 5 rows of 22 px here
    finally:
        dialog.close()


def accessible(widget: QWidget, what: QAccessible.Text) -> str:
    return QAccessible.queryAccessibleInterface(widget).text(what)


def test_language_list_and_preview_say_what_they_are(window: MainWindow, qtbot: QtBot) -> None:
    dialog = opened(qtbot, feature.services_dialog(window))
    try:
        assert accessible(dialog.picker.list, QAccessible.Text.Name) == "Leaflet languages"
        assert dialog.zoom.accessibleName() == "Zoom" and dialog.zoom_label.buddy() is dialog.zoom
        assert "Tick each language" in accessible(dialog.picker.list, QAccessible.Text.Description)
        dialog.picker.set_checked(["en", "pl"])
        pages = dialog.preview.page_count()
        assert pages >= 2
        assert accessible(dialog.preview, QAccessible.Text.Name) == "Leaflet preview"
        assert accessible(dialog.preview, QAccessible.Text.Description) == (
            f"{pages} pages of the leaflet in English, Polish, as they will print."
        )
        assert [accessible(label, QAccessible.Text.Name) for label in dialog.preview.labels] == [
            f"Page {number} of {pages}" for number in range(1, pages + 1)
        ]
        dialog.picker.set_checked([])
        assert accessible(dialog.preview, QAccessible.Text.Description) == "Choose a language."
    finally:
        dialog.close()
    single = opened(qtbot, feature.screening_dialog(window))
    try:
        assert accessible(single.picker.list, QAccessible.Text.Name) == "Leaflet language"
    finally:
        single.close()


def test_the_page_count_is_said_in_the_singular_and_the_plural(window: MainWindow, qtbot: QtBot) -> None:
    dialog = opened(qtbot, feature.services_dialog(window))
    try:
        dialog.picker.set_checked(["en"])
        assert dialog.preview.page_count() == 1
        assert dialog.status.text().startswith("1 page. Nothing is saved unless you choose Save PDF.")
        dialog.picker.set_checked(["en", "pl"])
        pages = dialog.preview.page_count()
        assert dialog.status.text().startswith(f"{pages} pages. Nothing is saved")
        assert "(s)" not in dialog.status.text()
    finally:
        dialog.close()


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
