"""One question of the instrument as a row: its exact wording and one large button per answer.

The row itself takes keyboard focus (the buttons are for mouse and touch): Y/N answer a yes/no
question, 1-9 pick an option of a choice question, Enter or Down go on, Up goes back, Esc clears
the answer (or goes back when there is none). The row never decides what happens next: it emits
signals and the form, which owns the answers, updates every row.

PySide6 builds every enum of its ``Qt`` namespace (about a hundred types, ~15 ms) the first time
``Qt`` is imported, so the rows are built without it (enum properties set by name) and the key
handlers import it when a key is first pressed, after the form is on screen.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.i18n import _
from app.instrument.model import TEXT, TEXT_ANSWER_MAX_LENGTH, YES_NO, Item
from ui.screening.sensitive import mark_sensitive

if TYPE_CHECKING:
    from PySide6.QtCore import Qt


@cache
def _keys() -> tuple[tuple[Qt.Key, ...], Qt.KeyboardModifier]:
    """(keys that move on to the next question, modifiers that make a key a command, not an answer)."""
    from PySide6.QtCore import Qt

    advance = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Down)
    command = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
    return advance, command


def _answer_letter(value: str) -> str:
    """The letter for a yes/no value in the staff UI language (the Y and N keys always work too)."""
    return _("Y") if value == "yes" else _("N")


class QuestionRow(QFrame):
    """Base of both row kinds: an item, its visible answer, and the navigation signals."""

    answered = Signal(str, object)  # item id, answer value or None to clear
    advance_requested = Signal(str)  # item id: move to the next visible question
    back_requested = Signal(str)  # item id: move to the previous visible question

    def __init__(self, item: Item, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.setProperty("role", "question")
        self.setProperty("answered", False)
        self.setObjectName(f"question:{item.id}")
        self.setAccessibleName(item.text)

    def set_value(self, value: str | None) -> None:
        raise NotImplementedError

    def value(self) -> str | None:
        raise NotImplementedError

    def focus_target(self) -> QWidget:
        """The widget that takes the keyboard when the form moves to this question."""
        return self

    def problem(self) -> str | None:
        """Why the answer given cannot be saved as it stands, or None (a choice always can)."""
        return None

    def _mark_answered(self, answered: bool) -> None:
        """Unanswered questions read bold, so what is left stands out; restyle the row and its label."""
        if self.property("answered") != answered:
            self.setProperty("answered", answered)
            for widget in (self, self.findChild(QLabel)):
                if widget is not None:
                    widget.style().unpolish(widget)
                    widget.style().polish(widget)

    def retranslate(self) -> None:
        """The question wording is clinical text from the pack and is never translated here."""


class ChoiceQuestionRow(QuestionRow):
    """A yes/no or single-choice item: the wording, then one checkable button per option.

    The wording and buttons are built when the row is first shown: a follow-up stays hidden until its
    gate is answered Yes, and most never are, so the form does not build (or style) them up front.
    """

    def __init__(self, item: Item, parent: QWidget | None = None) -> None:
        super().__init__(item, parent)
        self.setProperty("focusPolicy", "StrongFocus")  # by name: see the module docstring
        self._value: str | None = None
        self.label: QLabel | None = None
        self.buttons: dict[str, QPushButton] = {}

    def setVisible(self, visible: bool) -> None:  # noqa: N802 - Qt override
        if visible and self.label is None:
            self._build()
        super().setVisible(visible)

    def _build(self) -> None:
        item = self.item
        self.label = QLabel(item.text)
        self.label.setProperty("role", "question")
        self.label.setWordWrap(True)
        if item.examples:
            self.label.setToolTip(item.examples)
        # Yes/No sit beside the question; longer lists of options stack under it, one per line.
        buttons = QHBoxLayout() if item.type == YES_NO else QVBoxLayout()
        buttons.setSpacing(8)
        for option in item.options:
            button = QPushButton()
            button.setCheckable(True)
            button.setProperty("focusPolicy", "NoFocus")
            button.setObjectName(f"answer:{item.id}:{option.value}")
            if item.type != YES_NO:
                button.setProperty("role", "option")
            button.clicked.connect(lambda _checked=False, value=option.value: self._clicked(value))
            self.buttons[option.value] = button
            buttons.addWidget(button)
        layout = QHBoxLayout(self) if item.type == YES_NO else QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(16 if item.type == YES_NO else 8)
        layout.addWidget(self.label, 1)
        layout.addLayout(buttons)
        self._buttons_layout = buttons
        self.retranslate()

    # Yes/No sit beside the wording while it keeps this many characters' width per line; under it when
    # the window is narrower (a small screen, large text), so the form never scrolls sideways.
    WORDING_CHARACTERS = 16

    def _side_by_side_width(self) -> int:
        """The narrowest this row can be with Yes/No beside the wording."""
        assert self.label is not None
        layout = self.layout()
        margins = layout.contentsMargins()
        wording = max(self.label.minimumSizeHint().width(),
                      self.WORDING_CHARACTERS * self.label.fontMetrics().averageCharWidth())
        return (margins.left() + margins.right() + 2 * self.frameWidth() + wording + layout.spacing()
                + self._buttons_layout.minimumSize().width())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().minimumSizeHint()
        if self.label is None or self.item.type != YES_NO:
            return hint
        margins = self.layout().contentsMargins()
        stacked = (margins.left() + margins.right() + 2 * self.frameWidth()
                   + max(self.label.minimumSizeHint().width(), self._buttons_layout.minimumSize().width()))
        return QSize(min(hint.width(), stacked), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.label is not None and self.item.type == YES_NO:
            self._reflow(event.size().width())

    def _reflow(self, width: int) -> None:
        layout = self.layout()
        assert isinstance(layout, QBoxLayout)
        wanted = QBoxLayout.Direction.LeftToRight
        if width < self._side_by_side_width():
            wanted = QBoxLayout.Direction.TopToBottom
        if layout.direction() != wanted:
            layout.setDirection(wanted)

    def retranslate(self) -> None:
        if self.label is None:
            return  # not built yet: built in the current language when first shown
        for n, option in enumerate(self.item.options, start=1):
            button = self.buttons[option.value]
            if self.item.type == YES_NO:
                # Yes/No are staff UI words; choice options are instrument wording and stay as published.
                button.setText(_("Yes") if option.value == "yes" else _("No"))
                button.setToolTip(_("Press {key}").format(key=_answer_letter(option.value)))
            else:
                button.setText(option.text)
                button.setToolTip(_("Press {key}").format(key=n) if n <= 9 else "")
        self.set_value(self._value)
        if self.item.type == YES_NO and self.isVisible():  # the words for Yes and No take new widths
            self._reflow(self.width())

    def value(self) -> str | None:
        return self._value

    def set_value(self, value: str | None) -> None:
        if value is not None and self.label is None:
            self._build()
        self._value = value
        for option_value, button in self.buttons.items():
            button.setChecked(option_value == value)
        self._mark_answered(value is not None)
        if value is not None:
            answer = self.buttons[value].text()
        elif self.item.type == YES_NO:  # a screen reader says how to answer: the buttons are not tabbed to
            answer = _("not answered: press {yes} for yes or {no} for no").format(
                yes=_answer_letter("yes"), no=_answer_letter("no"))
        else:
            answer = _("not answered: press the number of an answer, 1 to {count}").format(
                count=min(len(self.item.options), 9))
        self.setAccessibleDescription(answer)

    def _clicked(self, value: str) -> None:
        from PySide6.QtCore import Qt

        self.setFocus(Qt.FocusReason.MouseFocusReason)
        # A click on the chosen answer keeps it (checkable buttons would otherwise uncheck).
        self.buttons[value].setChecked(self._value == value)
        if self._value != value:
            self.answered.emit(self.item.id, value)

    def _value_for_key(self, event: QKeyEvent) -> str | None:
        if self.item.type == YES_NO:
            from PySide6.QtCore import Qt

            # Y and N always work, as do the letters of the staff UI language's words for yes and no.
            for value, key in (("yes", Qt.Key.Key_Y), ("no", Qt.Key.Key_N)):
                letter = _answer_letter(value)
                if event.key() == key or (event.text() and event.text().lower() == letter.lower()):
                    return value
            return None
        text = event.text()
        if text.isdigit() and 1 <= int(text) <= len(self.item.options):
            return self.item.options[int(text) - 1].value
        return None

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        from PySide6.QtCore import Qt

        advance_keys, command_modifiers = _keys()
        value = None if event.modifiers() & command_modifiers else self._value_for_key(event)
        if value is not None:
            if self._value != value:
                self.answered.emit(self.item.id, value)
            self.advance_requested.emit(self.item.id)
        elif event.key() in advance_keys:
            self.advance_requested.emit(self.item.id)
        elif event.key() == Qt.Key.Key_Up:
            self.back_requested.emit(self.item.id)
        elif event.key() == Qt.Key.Key_Escape:
            if self._value is None:
                self.back_requested.emit(self.item.id)
            else:
                self.answered.emit(self.item.id, None)
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        from PySide6.QtCore import Qt

        self.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mousePressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        super().focusInEvent(event)
        self.update()


class TextQuestionRow(QuestionRow):
    """A free-text item (e.g. "What?" after the "other substances" gate): the wording and a field.

    Longer text than a record keeps is not cut off as it is typed: it stays, and a message under the field
    says how much to take out (``problem()``; the form will not save it).
    """

    def __init__(self, item: Item, parent: QWidget | None = None) -> None:
        super().__init__(item, parent)
        assert item.type == TEXT
        self.label = QLabel(item.text)
        self.label.setProperty("role", "question")
        self.label.setWordWrap(True)
        self.message = QLabel()
        self.message.setProperty("role", "field-error")
        self.message.setWordWrap(True)
        self.message.hide()
        self.edit = _TextAnswer(self)
        self.edit.setObjectName(f"answer:{item.id}")
        self.edit.setAccessibleName(item.text)
        self.label.setBuddy(self.edit)
        self.edit.textEdited.connect(self._edited)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(4)
        layout.addWidget(self.label)
        layout.addWidget(self.edit)
        layout.addWidget(self.message)

    def focus_target(self) -> QWidget:
        return self.edit

    def problem(self) -> str | None:
        """What is wrong with the text typed (too long to keep), or None."""
        count = len(self.edit.text().strip())
        if count <= TEXT_ANSWER_MAX_LENGTH:
            return None
        return _("The answer to “{question}” has {count} characters; a record keeps at most {limit}. Please shorten "
                 "it.").format(
            question=self.item.text, count=count, limit=TEXT_ANSWER_MAX_LENGTH
        )

    def _show_problem(self) -> None:
        problem = self.problem()
        self.message.setText(problem or "")
        self.message.setVisible(problem is not None)

    def _edited(self, text: str) -> None:
        # A slot, not a lambda: PySide6 mishandles slots that return a value (emit returns a bool).
        self._show_problem()
        self.answered.emit(self.item.id, text.strip() or None)

    def value(self) -> str | None:
        return self.edit.text().strip() or None

    def set_value(self, value: str | None) -> None:
        if (self.edit.text().strip() or None) != value:
            self.edit.setText(value or "")
        self._show_problem()
        self._mark_answered(value is not None)


class _TextAnswer(QLineEdit):
    """The text field of a text question, with the same Enter/Esc/Up/Down moves as the other rows."""

    def __init__(self, row: TextQuestionRow) -> None:
        super().__init__(row)
        self._row = row
        mark_sensitive(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        from PySide6.QtCore import Qt

        row = self._row
        if event.key() in _keys()[0]:
            row.advance_requested.emit(row.item.id)
        elif event.key() == Qt.Key.Key_Up:
            row.back_requested.emit(row.item.id)
        elif event.key() == Qt.Key.Key_Escape:
            if self.text():
                self.clear()
                row.answered.emit(row.item.id, None)
            else:
                row.back_requested.emit(row.item.id)
        else:
            super().keyPressEvent(event)


def question_row(item: Item, parent: QWidget | None = None) -> QuestionRow:
    """The row widget for an item of any type."""
    return TextQuestionRow(item, parent) if item.type == TEXT else ChoiceQuestionRow(item, parent)
