"""Contrast, visible keyboard focus and spoken messages, measured on real themed widgets.

Contrast ratios use the WCAG 2 relative-luminance formula on the colours Qt actually paints (pixels of a
grab) or applies (the widget's palette after the stylesheet), so a colour changed in the theme is caught here.
Spoken messages are caught where they leave the application: ``QAccessible.updateAccessibility``, which hands
them to the platform's screen-reader bridge.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import shown_with_keyboard
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAccessible, QAction, QColor, QImage, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from ui.leaflet.language_picker import LanguagePicker
from ui.leaflet.preview import PdfPreview
from ui.message_label import MessageLabel
from ui.screening.patient_fields import PatientFields
from ui.theme import apply_style, apply_stylesheet

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
]

AA_TEXT = 4.5  # WCAG 1.4.3, normal-size text
NON_TEXT = 3.0  # WCAG 1.4.11 (controls, focus indicators) and 2.4.13 (focused against unfocused)


# --- measuring ------------------------------------------------------------------------------------


def luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def contrast(a: QColor, b: QColor) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def over(colour: QColor, background: QColor) -> QColor:
    """``colour`` as it shows when painted over ``background`` (placeholder text may be translucent)."""
    alpha = colour.alphaF()
    return QColor.fromRgbF(*(alpha * a + (1 - alpha) * b for a, b in zip(
        (colour.redF(), colour.greenF(), colour.blueF()),
        (background.redF(), background.greenF(), background.blueF()), strict=True)))


def seen(widget: QWidget, margin: int = 0) -> QImage:
    """What the window shows over ``widget`` (and ``margin`` pixels around): parents' backgrounds included."""
    window = widget.window()
    corner = widget.mapTo(window, QPoint(0, 0))
    rect = QRect(corner.x() - margin, corner.y() - margin, widget.width() + 2 * margin, widget.height() + 2 * margin)
    return window.grab(rect).toImage()


def darkest(image: QImage, rect: QRect) -> QColor:
    """The darkest pixel in ``rect``: the full colour of dark text (glyph edges are blended with the background)."""
    pixels = (image.pixelColor(x, y) for x in range(rect.left(), rect.right() + 1)
              for y in range(rect.top(), rect.bottom() + 1))
    return min(pixels, key=luminance)


def focused(qtbot: QtBot, widget: QWidget) -> None:
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus)


def focus_change(qtbot: QtBot, widget: QWidget, away: QWidget) -> float:
    """The smallest contrast, focused against unfocused, along a 2-pixel band at the widget's edge.

    The middle of each side, outermost two pixels: where a focus ring has to show (WCAG 2.4.13 asks for a
    2 px perimeter changing by 3:1), and where a fill-only indicator changes too little.
    """
    focused(qtbot, away)
    before = seen(widget)
    focused(qtbot, widget)
    after = seen(widget)
    w, h = widget.width(), widget.height()
    points = [QPoint(d, h // 2) for d in (0, 1)] + [QPoint(w - 1 - d, h // 2) for d in (0, 1)]
    points += [QPoint(w // 2, d) for d in (0, 1)] + [QPoint(w // 2, h - 1 - d) for d in (0, 1)]
    return min(contrast(before.pixelColor(p), after.pixelColor(p)) for p in points)


# --- fixtures --------------------------------------------------------------------------------------


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[None]:
    apply_style(qapp)
    apply_stylesheet(qapp)
    yield
    qapp.setStyleSheet("")


def dialog_with(qtbot: QtBot, *widgets: QWidget) -> QDialog:
    dialog = QDialog()
    layout = QVBoxLayout(dialog)
    for widget in widgets:
        layout.addWidget(widget)
    return shown_with_keyboard(qtbot, dialog)


def table() -> QTableWidget:
    users = QTableWidget(3, 2)
    for row, (name, role) in enumerate((("alice", "Administrator"), ("bob", "Staff"), ("carol", "Staff"))):
        users.setItem(row, 0, QTableWidgetItem(name))
        users.setItem(row, 1, QTableWidgetItem(role))
    users.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    return users


# --- contrast ---------------------------------------------------------------------------------------


def test_placeholder_text_reads_at_aa_contrast_in_a_field_at_rest_and_being_typed_in(
    qtbot: QtBot, themed: None
) -> None:
    patient = PatientFields()
    _host = dialog_with(qtbot, patient)
    date_of_birth = patient.date_of_birth.edit
    assert date_of_birth.placeholderText() == "DD/MM/YYYY"  # it says how to type the date: it has to be read
    for state in ("at rest", "focused"):
        if state == "focused":
            focused(qtbot, date_of_birth)
        else:
            focused(qtbot, patient.setting)
        background = seen(date_of_birth).pixelColor(date_of_birth.width() - 12, date_of_birth.height() // 2)
        placeholder = over(date_of_birth.palette().color(QPalette.ColorRole.PlaceholderText), background)
        assert contrast(placeholder, background) >= AA_TEXT, state


def test_selected_rows_in_lists_and_tables_read_at_aa_contrast_with_and_without_the_keyboard(
    qtbot: QtBot, themed: None
) -> None:
    picker = LanguagePicker()
    users = table()
    _host = dialog_with(qtbot, picker, users)
    picker.list.setCurrentRow(0)
    users.selectRow(0)
    for view, holder in ((picker.list, picker.search), (users, picker.search), (picker.list, picker.list),
                         (users, users)):
        focused(qtbot, holder)
        index = view.model().index(0, 1 if view is users else 0)  # the row's last cell
        cell = view.visualRect(index)
        spot = view.viewport().mapTo(view, QPoint(cell.right() - 4, cell.center().y()))  # clear of the text
        background = seen(view).pixelColor(spot)
        group = QPalette.ColorGroup.Active if view.hasFocus() else QPalette.ColorGroup.Inactive
        text = view.palette().color(group, QPalette.ColorRole.HighlightedText)
        assert contrast(text, background) >= AA_TEXT, (type(view).__name__, group)
        # The selected row stands out from the others, not only through its text.
        below = view.visualRect(index.siblingAtRow(1))
        other = view.viewport().mapTo(view, QPoint(below.right() - 4, below.center().y()))
        assert contrast(background, seen(view).pixelColor(other)) >= NON_TEXT


def test_a_scroll_bar_handle_stands_out_from_its_track(qtbot: QtBot, themed: None) -> None:
    content = QWidget()
    content.setMinimumSize(2000, 2000)
    area = QScrollArea()
    area.setWidget(content)
    area.setFixedSize(300, 300)
    _host = dialog_with(qtbot, area)
    for bar in (area.verticalScrollBar(), area.horizontalScrollBar()):
        assert bar.value() == 0  # the handle (at least 48 px long) is at the near end; the far end is bare track
        if bar.orientation() == Qt.Orientation.Vertical:
            handle, track = QPoint(bar.width() // 2, 24), QPoint(bar.width() // 2, bar.height() - 6)
        else:
            handle, track = QPoint(24, bar.height() // 2), QPoint(bar.width() - 6, bar.height() // 2)
        image = seen(bar)
        assert contrast(image.pixelColor(handle), image.pixelColor(track)) >= NON_TEXT, bar.orientation()


def test_disabled_menu_items_are_readable_yet_plainly_lighter_than_the_others(qtbot: QtBot, themed: None) -> None:
    menu = QMenu()
    enabled = QAction("Print leaflet…", menu)
    disabled = QAction("Services directory…", menu)
    disabled.setEnabled(False)
    menu.addActions([enabled, disabled])
    qtbot.addWidget(menu)
    menu.popup(QPoint(20, 20))
    qtbot.waitExposed(menu)
    try:
        image = menu.grab().toImage()
        ratios = {}
        for action in (enabled, disabled):
            row = menu.actionGeometry(action)
            background = image.pixelColor(row.right() - 3, row.center().y())
            ratios[action.isEnabled()] = contrast(darkest(image, row), background)
        assert ratios[False] >= AA_TEXT
        assert ratios[True] >= 2 * ratios[False]
    finally:
        menu.close()


# --- focus -------------------------------------------------------------------------------------------


def test_keyboard_focus_shows_on_lists_tables_text_boxes_and_the_leaflet_preview(qtbot: QtBot, themed: None) -> None:
    picker = LanguagePicker()
    users = table()
    preview = PdfPreview()
    report = QPlainTextEdit("Row 2: added")  # as the directory import report and a service's summary
    _host = dialog_with(qtbot, picker, users, preview, report)
    for view in (picker.list, users, preview, report):
        assert focus_change(qtbot, view, away=picker.search) >= NON_TEXT, type(view).__name__


def test_keyboard_focus_on_tick_boxes_radio_buttons_and_fields_changes_their_edge_by_3_to_1(
    qtbot: QtBot, themed: None
) -> None:
    patient = PatientFields()
    _host = dialog_with(qtbot, patient)
    away = patient.setting
    for widget in (patient.risk_to_self, patient.mental_health_buttons[0], patient.date_of_birth.edit):
        assert focus_change(qtbot, widget, away=away) >= NON_TEXT, widget.objectName()
    # A field showing a problem (red edge) still shows when it holds the keyboard.
    date_of_birth = patient.date_of_birth.edit
    date_of_birth.setText("31/02/2000")
    patient.date_of_birth.check()
    assert date_of_birth.property("invalid") is True
    assert focus_change(qtbot, date_of_birth, away=away) >= NON_TEXT


# --- spoken messages ------------------------------------------------------------------------------


def test_a_message_label_announces_each_new_message_and_is_named_by_it(
    qtbot: QtBot, announcements: list[tuple[object, str]]
) -> None:
    label = MessageLabel()
    host = dialog_with(qtbot, QLineEdit(), label)
    assert label.isHidden()
    label.setText("Saved. Record reference: SP-1234")
    label.setText("Saved. Record reference: SP-1234")  # the same message again: already heard
    label.setText("Not saved: the vault is locked.")
    interface = QAccessible.queryAccessibleInterface(label)
    assert interface.text(QAccessible.Text.Name) == "Not saved: the vault is locked."
    assert interface.text(QAccessible.Text.Description) == "Not saved: the vault is locked."
    label.clear()
    assert label.isHidden() and not interface.text(QAccessible.Text.Name)
    label.setText("Not saved: the vault is locked.")  # shown again after it went: heard again
    assert announcements == [
        (label, "Saved. Record reference: SP-1234"),
        (label, "Not saved: the vault is locked."),
        (label, "Not saved: the vault is locked."),
    ]
    assert label.isVisibleTo(host)


def test_a_field_problem_describes_the_field_and_is_announced_on_leaving_it_not_at_each_key(
    qtbot: QtBot, announcements: list[tuple[object, str]]
) -> None:
    patient = PatientFields()
    _host = dialog_with(qtbot, patient)
    patient.kind.setCurrentIndex(patient.kind.findData("nhs_number"))
    number = patient.identifier.edit

    def description(edit: QLineEdit) -> str:
        return QAccessible.queryAccessibleInterface(edit).text(QAccessible.Text.Description)

    def no_problem_described(edit: QLineEdit) -> bool:
        # With no description of its own, Qt describes a line edit by its placeholder (the hint).
        return description(edit) == edit.placeholderText()

    focused(qtbot, number)
    qtbot.keyClicks(number, "943")
    assert announcements == [] and no_problem_described(number)  # nothing said before the field is done with
    qtbot.keyClick(number, Qt.Key.Key_Return)
    three = "An NHS number has 10 digits; this has 3."
    assert patient.identifier.message.text() == three
    assert description(number) == three
    assert announcements == [(number, three)]

    qtbot.keyClicks(number, "4")  # the message follows the typing, silently
    four = "An NHS number has 10 digits; this has 4."
    assert patient.identifier.message.text() == four and description(number) == four
    assert announcements == [(number, three)]
    qtbot.keyClick(number, Qt.Key.Key_Return)
    assert announcements == [(number, three), (number, four)]
    qtbot.keyClick(number, Qt.Key.Key_Return)  # nothing new: not said again
    assert len(announcements) == 2

    qtbot.keyClicks(number, "765919")  # 943 476 5919 is valid: the problem goes from screen and description
    assert patient.identifier.message.isHidden() and no_problem_described(number)

    number.setText("12")
    patient.identifier.check()
    patient.kind.setCurrentIndex(patient.kind.findData("anonymous"))  # the number is not used: no problem stands
    assert patient.identifier.message.isHidden() and no_problem_described(number)
    assert number.property("invalid") is False
    assert [message for _source, message in announcements][2:] == ["An NHS number has 10 digits; this has 2."]
