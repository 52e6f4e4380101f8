"""A window too narrow for the form beside the result shows one column: the form, then the result under it.

On a ward PC at 1024x768 with text at 150 % the window is 683 wide; with two columns the form's column
scrolled sideways, and a practitioner reading the questions aloud scrolled left and right to see the question
and its Yes/No buttons.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import shown_with_keyboard
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from app.config import load_config
from app.instrument import find_pack
from app.records.draft import ScreeningDraft
from ui.app import install_features, make_context
from ui.main_window import MainWindow
from ui.screening.question import ChoiceQuestionRow
from ui.theme import apply_style, apply_stylesheet

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
]

PACK = find_pack("assist-lite-2013")
WARD_PC = (683, 470)  # 1024x768 at 150 %, less the title bar and task bar
WIDE = (1320, 860)


@pytest.fixture
def window(qtbot: QtBot, qapp: QApplication) -> Iterator[MainWindow]:
    apply_style(qapp)
    apply_stylesheet(qapp)  # the theme's fonts and scroll bars, which set the widths
    yield shown_with_keyboard(qtbot, MainWindow(make_context(load_config(), demo=True, data_dir=None)))
    qapp.setStyleSheet("")


def resize(qtbot: QtBot, window: MainWindow, size: tuple[int, int]) -> None:
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0])
    QApplication.processEvents()  # the layouts the new width asked for


def one_column(window: MainWindow) -> bool:
    """The result panel scrolls with the form, under it, and there is no result column beside it."""
    content = window.form_scroll.widget()
    panel = window.result_panel
    form_bottom = window.form.mapTo(content, QPoint(0, window.form.height())).y()
    under = panel.mapTo(content, QPoint(0, 0)).y() >= form_bottom
    return content.isAncestorOf(panel) and under and not window.result_scroll.isVisible()


def two_columns(window: MainWindow) -> bool:
    form_x = window.form_scroll.mapTo(window, QPoint(0, 0)).x()
    result_x = window.result_scroll.mapTo(window, QPoint(0, 0)).x()
    beside = window.result_scroll.widget() is window.result_panel and window.result_scroll.isVisible()
    return beside and form_x < result_x


def in_view(widget: QWidget, window: MainWindow) -> bool:
    viewport = window.form_scroll.viewport()
    top_left = widget.mapTo(viewport, QPoint(0, 0))
    return (0 <= top_left.x() and top_left.x() + widget.width() <= viewport.width()
            and 0 <= top_left.y() and top_left.y() + widget.height() <= viewport.height())


def press(qtbot: QtBot, keys: str | list[Qt.Key]) -> None:
    """Press keys on whatever has the keyboard, as a user would: one at a time, each shown before the next."""
    for key in [getattr(Qt.Key, f"Key_{k}") for k in keys] if isinstance(keys, str) else keys:
        focused = QApplication.focusWidget()
        assert focused is not None, "nothing has keyboard focus"
        qtbot.keyClick(focused, key)
        QApplication.processEvents()


def focused_item(window: MainWindow) -> str | None:
    focused = QApplication.focusWidget()
    return next((item_id for item_id, row in window.form.rows.items() if focused in (row, row.focus_target())), None)


def settled(qtbot: QtBot) -> None:
    """Let the layouts finish: a switch takes several turns of the event loop to settle, and a scroll worked out
    before the last of them is stale (waiting *until* something is in view would pass on a passing moment)."""
    qtbot.wait(300)


def bands(window: MainWindow) -> dict[str, str]:
    return {block.id: window.result_panel.findChild(QLabel, f"band:{block.id}").text() for block in PACK.blocks}


def test_at_683_wide_one_column_and_nothing_scrolls_sideways(qtbot: QtBot, window: MainWindow) -> None:
    resize(qtbot, window, WARD_PC)
    assert window.form_scroll.horizontalScrollBar().maximum() == 0  # nothing to the side to scroll to
    first = window.form.rows["tobacco.use"]
    assert isinstance(first, ChoiceQuestionRow)
    viewport = window.form_scroll.viewport()
    for button in first.buttons.values():
        left = button.mapTo(viewport, QPoint(0, 0)).x()
        assert 0 <= left and left + button.width() <= viewport.width(), button.objectName()
    assert first.label is not None and first.label.mapTo(viewport, QPoint(0, 0)).x() >= 0  # the wording from its start
    assert one_column(window)
    # New screening and Save stay in view under the scrolling column, whatever is scrolled to.
    for button in (window.new_button, window.save_button):
        assert button.isVisible() and button.mapTo(window, QPoint(0, button.height())).y() <= window.height()


def test_at_1320_wide_two_columns_and_back_from_one(qtbot: QtBot, window: MainWindow) -> None:
    resize(qtbot, window, WIDE)
    assert two_columns(window)
    resize(qtbot, window, WARD_PC)
    assert one_column(window)
    resize(qtbot, window, WIDE)
    assert two_columns(window)
    assert window.form_scroll.horizontalScrollBar().maximum() == 0


def test_the_switch_is_at_the_width_the_two_columns_need_and_only_there(qtbot: QtBot, window: MainWindow) -> None:
    needed = window.columns.two_columns_width()
    # From the widgets' own minimums: the form's narrowest (reflowed), its scroll bar and the result column.
    assert needed > window.form.minimumSizeHint().width() + window.result_panel.minimumSizeHint().width()
    resize(qtbot, window, (needed, 600))
    assert two_columns(window)
    assert window.form_scroll.horizontalScrollBar().maximum() == 0  # the narrowest two columns still fit
    resize(qtbot, window, (needed - 1, 600))
    assert one_column(window)
    for width in (needed - 1, needed - 2, needed - 1):  # nudged about under it: it stays one column
        resize(qtbot, window, (width, 600))
        assert one_column(window)
    resize(qtbot, window, (needed, 600))
    assert two_columns(window)


def test_switching_keeps_the_answers_the_bands_and_the_question_in_hand(qtbot: QtBot, window: MainWindow) -> None:
    resize(qtbot, window, WIDE)
    press(qtbot, "YYN" + "NNNN")  # tobacco moderate, alcohol to sedatives low; opioids in hand, low on the screen
    assert focused_item(window) == "opioids.use"
    answers, shown = window.form.draft().answers, bands(window)
    assert shown["tobacco"] == "Moderate" and shown["alcohol"] == "Low"

    for size, arranged in ((WARD_PC, one_column), (WIDE, two_columns), (WARD_PC, one_column)):
        resize(qtbot, window, size)
        assert arranged(window)
        assert window.form.draft().answers == answers and bands(window) == shown
        assert focused_item(window) == "opioids.use"
        row = window.form.rows["opioids.use"]
        qtbot.waitUntil(lambda row=row: in_view(row, window))  # scrolled to where the question now is
    press(qtbot, "N")  # the keys still answer the question in hand
    assert window.form.draft().answers["opioids.use"] == "no" and focused_item(window) == "other.use"


@pytest.mark.parametrize(
    ("narrow", "wide"), [(WARD_PC, WIDE), ((720, 574), (800, 574)), (WARD_PC, (1000, 470)), ((760, 700), (780, 700))]
)
def test_the_question_in_hand_is_in_view_once_each_crossing_has_settled(
    qtbot: QtBot, window: MainWindow, narrow: tuple[int, int], wide: tuple[int, int]
) -> None:
    # At 683 wide a switch scrolled while the one column was still 3236 px tall; it settled at 2476, and the
    # question was left above the view (y=-483 in a 341 px viewport).
    resize(qtbot, window, narrow)
    press(qtbot, "YNYYNNNNNY")  # sedatives' follow-up about the urge in hand, low on the form
    assert focused_item(window) == "sedatives.urge"
    row = window.form.rows["sedatives.urge"]
    for size, arranged in ((wide, two_columns), (narrow, one_column), (wide, two_columns), (narrow, one_column)):
        resize(qtbot, window, size)
        settled(qtbot)
        assert arranged(window), size
        assert in_view(row, window), (size, row.mapTo(window.form_scroll.viewport(), QPoint(0, 0)).y())
    press(qtbot, "N")  # and the keys still answer it
    assert window.form.draft().answers["sedatives.urge"] == "no"


@pytest.mark.parametrize("size", [WARD_PC, (720, 574), (800, 574), WIDE])
def test_each_answer_by_keyboard_leaves_the_whole_next_question_in_view(
    qtbot: QtBot, window: MainWindow, size: tuple[int, int]
) -> None:
    # At 683x470 the bottom 38 px of the next question (its Yes and No with it) were left under the button bar:
    # the scroll was worked out before the layout settled (the question answered losing its bold, follow-ups
    # shown or hidden, the result's words changing).
    install_features(window)
    resize(qtbot, window, size)
    for key in "YNYYNNNNNYNNYYY":
        press(qtbot, key)
        qtbot.wait(100)  # settled
        item = focused_item(window)
        assert item is not None
        row = window.form.rows[item]
        assert in_view(row, window), (key, item, row.mapTo(window.form_scroll.viewport(), QPoint(0, 0)).y())


def test_a_screen_reader_names_the_questions_and_the_result_in_both_arrangements(
    qtbot: QtBot, window: MainWindow
) -> None:
    def spoken(widget: QWidget) -> str:
        return QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name)

    for size in (WIDE, WARD_PC, WIDE):
        resize(qtbot, window, size)
        assert spoken(window.form_scroll) == "Screening questions", size
        assert spoken(window.result_panel) == "Result", size


def test_a_date_half_typed_is_not_checked_by_the_switch(qtbot: QtBot, window: MainWindow) -> None:
    resize(qtbot, window, WIDE)
    field = window.form.patient.date_of_birth.edit
    field.setFocus()
    qtbot.keyClicks(field, "12/0")
    resize(qtbot, window, WARD_PC)
    assert one_column(window)
    assert QApplication.focusWidget() is field and field.text() == "12/0"
    assert not window.form.patient.date_of_birth.message.isVisible()  # not told off for a date not finished


@pytest.mark.parametrize(("start", "end"), [(WIDE, WARD_PC), (WARD_PC, WIDE)])
def test_a_switch_hands_the_keyboard_nowhere_from_a_question(
    qtbot: QtBot, window: MainWindow, start: tuple[int, int], end: tuple[int, int]
) -> None:
    # Taking the form out of its scroll area handed the keyboard on: the question, then the NHS Smokefree
    # helpline tick box, then the Identifier list, then back, each a focus change a screen reader may announce.
    install_features(window)
    resize(qtbot, window, start)
    press(qtbot, "YNYYNNNNNY")
    assert focused_item(window) == "sedatives.urge"
    changes: list[tuple[QWidget | None, QWidget | None]] = []
    QApplication.instance().focusChanged.connect(lambda old, new: changes.append((old, new)))
    resize(qtbot, window, end)
    settled(qtbot)
    assert one_column(window) if end == WARD_PC else two_columns(window)
    assert changes == []
    assert focused_item(window) == "sedatives.urge"


def test_a_switch_hands_the_keyboard_to_no_other_control_from_the_result(qtbot: QtBot, window: MainWindow) -> None:
    install_features(window)
    window.form.set_draft(ScreeningDraft(PACK.id, PACK.version, answers={"tobacco.use": "yes"}))
    printing = window.findChild(QWidget, "print-leaflet")
    assert printing is not None
    resize(qtbot, window, WIDE)
    printing.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(printing.hasFocus)
    visited: list[QWidget] = []
    QApplication.instance().focusChanged.connect(lambda _old, new: visited.append(new))
    for size in (WARD_PC, WIDE):
        resize(qtbot, window, size)
        settled(qtbot)
    # Qt lets go of the keyboard while it moves the panel (nothing has it for that moment), and it comes back.
    assert [widget for widget in visited if widget is not None] == [printing, printing]
    assert QApplication.focusWidget() is printing


def test_focus_in_the_result_stays_there_when_it_moves(qtbot: QtBot, window: MainWindow) -> None:
    install_features(window)  # the services and Print leaflet sections, under the results
    window.form.set_draft(ScreeningDraft(PACK.id, PACK.version, answers={"tobacco.use": "yes"}))
    printing = window.findChild(QWidget, "print-leaflet")
    assert printing is not None
    resize(qtbot, window, WIDE)
    printing.setFocus(Qt.FocusReason.TabFocusReason)
    for size, arranged in ((WARD_PC, one_column), (WIDE, two_columns)):
        resize(qtbot, window, size)
        assert arranged(window)
        assert QApplication.focusWidget() is printing


def test_an_all_no_screening_by_keyboard_in_one_column(
    qtbot: QtBot, window: MainWindow, announcements: list[tuple[object, str]]
) -> None:
    resize(qtbot, window, WARD_PC)
    assert one_column(window)
    assert focused_item(window) == "tobacco.use"
    press(qtbot, "NNNNNNN")
    assert set(bands(window).values()) == {"Low"}
    assert window.form.draft().answers == {block.gate.id: "no" for block in PACK.blocks}
    # Each band was spoken as it appeared, the panel out of sight under the form or not.
    said = [message for source, message in announcements if source is window.result_panel]
    assert len(said) == len(PACK.blocks) and all(": Low, score 0 of" in message for message in said)
    # The last answer hands over to Save, kept in view, and brings the result up from under the form.
    assert QApplication.focusWidget() is window.save_button
    qtbot.waitUntil(lambda: in_view(window.result_panel.title, window))
    # Shift+Tab goes back through New screening to the last question, as it reads.
    press(qtbot, [Qt.Key.Key_Backtab])
    assert QApplication.focusWidget() is window.new_button
    press(qtbot, [Qt.Key.Key_Backtab])
    assert focused_item(window) == "other.use"
    press(qtbot, [Qt.Key.Key_Tab, Qt.Key.Key_Tab])
    assert QApplication.focusWidget() is window.save_button
    press(qtbot, [Qt.Key.Key_Return])
    assert "not saved to a patient record" in window.status.text()
    assert window.status.isVisible() and one_column(window)
    press(qtbot, [Qt.Key.Key_Tab])  # and round to the top of the form again
    assert QApplication.focusWidget() is window.form.patient.kind
