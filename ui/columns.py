"""The main window's content: the form beside the live result, or the result under the form on a narrow window.

Two columns need the form's narrowest readable width (its own minimum, reflowed) and the result column's; a
window narrower than both (1024x768 at 150 % is 683 wide) shows one column: the form, then the result panel in the
same vertical scroll, with the status line and the New screening and Save buttons kept in view under it. Only the
result panel moves between the two arrangements (the form stays where it is); nothing is built again on a resize.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QLayout, QScrollArea, QVBoxLayout, QWidget

from app.i18n import _

# The result column's narrowest: its words and band badges stay readable (with the form's minimum, two columns
# still fit a 1024-pixel screen).
RESULT_MIN_WIDTH = 400
RESULT_MAX_WIDTH = 560
_NO_MAXIMUM = 16777215  # QWIDGETSIZE_MAX


def _scroll_area(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setProperty("focusPolicy", "NoFocus")  # no Tab stop of its own: what it holds scrolls it
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(widget)
    return area


class ScreeningColumns(QWidget):
    """``banner`` over the form and the result; ``one_column`` says which arrangement shows."""

    # What a scroll area holds changed its size (a switch of arrangement, a new width, a follow-up row shown, a
    # band's words): what has the keyboard may now be out of view. Sent again each time the layouts move on, so
    # the last one comes once they have settled (they take several turns of the event loop).
    layout_changed = Signal()

    def __init__(self, banner: QWidget, form: QWidget, panel: QWidget, status: QWidget, buttons: QLayout) -> None:
        super().__init__()
        self.form = form
        self.panel = panel
        self.one_column = False
        self._moving = False

        # The form never leaves this holder: taking it out of its scroll area handed the keyboard on, through the
        # controls after it, on every switch. Only the panel moves, into the slot under the form and back.
        holder = QWidget()
        holder.setObjectName("form-column")
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(form)
        self._under_form = QVBoxLayout()  # the panel's place in one column (margins given in _fit_right)
        column.addLayout(self._under_form)
        self.form_scroll = _scroll_area(holder)
        # A window narrower still than the form's minimum: a scroll bar rather than questions cut off at the left.
        self.form_scroll.setProperty("horizontalScrollBarPolicy", "ScrollBarAsNeeded")
        self.result_scroll = _scroll_area(panel)
        self.result_scroll.setProperty("horizontalScrollBarPolicy", "ScrollBarAlwaysOff")
        for area in (self.form_scroll, self.result_scroll):
            area.verticalScrollBar().rangeChanged.connect(lambda _low, _high: self.layout_changed.emit())

        self._right_layout = QVBoxLayout()
        self._right_layout.setSpacing(8)
        self._right_layout.addWidget(self.result_scroll, 1)
        self._right_layout.addWidget(status)
        self._right_layout.addLayout(buttons)
        self._right_column = QWidget()
        self._right_column.setLayout(self._right_layout)
        self._columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._columns.setContentsMargins(0, 0, 0, 0)
        self._columns.setSpacing(0)
        self._columns.addWidget(self.form_scroll)
        self._columns.addWidget(self._right_column)
        self._fit_right()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(banner)
        outer.addLayout(self._columns, 1)
        self.retranslate()

    def two_columns_width(self) -> int:
        """The narrowest width that shows the form beside the result with nothing scrolling sideways.

        The form's minimum does not depend on the arrangement, so there is one width to switch at, not a band
        to flicker in.
        """
        form = self.form.minimumSizeHint().width() + self.form_scroll.verticalScrollBar().sizeHint().width()
        return form + RESULT_MIN_WIDTH

    def show_result(self) -> None:
        """Bring the result into view: in one column, scroll its heading to the top (two columns show it)."""
        if self.one_column:
            QTimer.singleShot(0, self, self._scroll_to_result)

    def _scroll_to_result(self) -> None:
        # Once the last answer is laid out: the question answered has lost its bold, and the form some height.
        self.form_scroll.verticalScrollBar().setValue(self.panel.y())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._arrange(event.size().width())

    def retranslate(self) -> None:
        self.form_scroll.setAccessibleName(_("Screening questions"))  # the region a screen reader names
        # Longer words can widen the form's minimum: look again once the new texts are laid out.
        if self.isVisible():
            QTimer.singleShot(0, self, lambda: self._arrange(self.width()))

    def _arrange(self, width: int) -> None:
        one_column = width < self.two_columns_width()
        if one_column == self.one_column:
            return
        # Moving a widget out from under the keyboard hands the keyboard on: keep it where it was, unseen by the
        # widget that had it (a date half typed is not checked as if the person had left the field).
        focus = self.window().focusWidget()
        was_blocked = focus.blockSignals(True) if focus is not None else False
        self.setUpdatesEnabled(False)  # one repaint, in the new arrangement
        self._moving = True
        try:
            if one_column:
                self._to_one_column()
            else:
                self._to_two_columns()
            self.one_column = one_column
            self._fit_right()
        finally:
            self._moving = False
            self.setUpdatesEnabled(True)
        if focus is not None:
            if self.window().focusWidget() is not focus:
                focus.setFocus()  # no reason given: naming one imports ``Qt``, and this may run before the first paint
            focus.blockSignals(was_blocked)
        self.layout_changed.emit()

    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802 - Qt override
        if self._moving:
            # Qt hides the panel to move it and hands the keyboard on from a control in it to the next stop (and
            # a screen reader announces that stop): it stays where it is, and shows again with the panel.
            return True
        return super().focusNextPrevChild(forward)

    def _to_one_column(self) -> None:
        self._under_form.addWidget(self.result_scroll.takeWidget())
        self.panel.show()  # now, not once the event loop comes round to it (a layout shows what it is given later)
        self.result_scroll.hide()
        self._columns.setDirection(QBoxLayout.Direction.TopToBottom)

    def _to_two_columns(self) -> None:
        self.result_scroll.setWidget(self.panel)  # out of the one column (a layout lets go of a widget moved away)
        self.result_scroll.show()
        self._columns.setDirection(QBoxLayout.Direction.LeftToRight)

    def _fit_right(self) -> None:
        """The right-hand column beside the form, or under the one column just the status line and the buttons
        (and the panel under the form)."""
        if self.one_column:
            self._under_form.setContentsMargins(16, 0, 16, 16)  # as the form's own margins
            self._right_layout.setContentsMargins(16, 8, 16, 8)
            self._right_column.setMinimumWidth(0)
            self._right_column.setMaximumWidth(_NO_MAXIMUM)
            self._columns.setStretchFactor(self.form_scroll, 1)
            self._columns.setStretchFactor(self._right_column, 0)
        else:
            self._under_form.setContentsMargins(0, 0, 0, 0)  # empty: no space under the form
            self._right_layout.setContentsMargins(0, 12, 16, 16)
            self._right_column.setMinimumWidth(RESULT_MIN_WIDTH)
            self._right_column.setMaximumWidth(RESULT_MAX_WIDTH)
            self._columns.setStretchFactor(self.form_scroll, 3)
            self._columns.setStretchFactor(self._right_column, 2)
