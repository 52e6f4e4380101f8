"""The screening form: the instrument's blocks in order, read aloud by the practitioner.

The form owns the answers (a dict of item id to value) and the rows only show them: every change
goes through ``_set_answer``, which drops answers to follow-ups whose gate no longer shows them
(``without_hidden``), updates every row and emits ``draft_changed``. Questions, wording and order
all come from the instrument pack; nothing about the instrument is written here.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from app.i18n import _
from app.instrument.model import CHOICE, Block, InstrumentPack
from app.instrument.scoring import Result, is_shown, score, without_hidden
from app.records.draft import ScreeningDraft
from ui.screening.patient_fields import PatientFields
from ui.screening.question import QuestionRow, question_row


class BlockFrame(QFrame):
    """One substance: its name and its question rows."""

    def __init__(self, block: Block, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.block = block
        self.setProperty("role", "block")
        self.setObjectName(f"block:{block.id}")
        self.title = QLabel(block.label)
        self.title.setProperty("role", "block-title")
        self.title.setWordWrap(True)  # a long substance name wraps in a narrow window rather than widen the form
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(2)
        title_margin = QVBoxLayout()
        title_margin.setContentsMargins(12, 0, 0, 0)
        title_margin.addWidget(self.title)
        layout.addLayout(title_margin)
        self.rows = [question_row(item, self) for item in block.items]
        for row in self.rows:
            layout.addWidget(row)


class ScreeningForm(QWidget):
    """Questions and optional patient fields; ``draft()`` is what a save or a leaflet would use."""

    draft_changed = Signal(object)  # ScreeningDraft
    questions_finished = Signal()  # the last visible question was answered or passed

    def __init__(self, pack: InstrumentPack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pack = pack
        self._answers: dict[str, str] = {}
        self.setObjectName("screening-form")

        self.patient = PatientFields()
        self.time_frame = QLabel(pack.time_frame)
        self.time_frame.setProperty("role", "time-frame")
        self.time_frame.setWordWrap(True)
        if pack.administration:
            self.time_frame.setToolTip(pack.administration)
        self.keys_help = QLabel()
        self.keys_help.setProperty("role", "help")
        self.keys_help.setWordWrap(True)
        self.blocks = [BlockFrame(block) for block in pack.blocks]
        self.rows: dict[str, QuestionRow] = {row.item.id: row for frame in self.blocks for row in frame.rows}
        self._order = [item.id for item in pack.items]

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 16)
        layout.setSpacing(10)
        layout.addWidget(self.patient)
        layout.addSpacing(4)
        layout.addWidget(self.time_frame)
        layout.addWidget(self.keys_help)
        for frame in self.blocks:
            layout.addWidget(frame)
        layout.addStretch(1)

        for row in self.rows.values():
            row.answered.connect(self._set_answer)
            row.advance_requested.connect(self._focus_after)
            row.back_requested.connect(self._focus_before)
        self.patient.changed.connect(self._emit)
        self.retranslate()
        self._sync_rows()

    def retranslate(self) -> None:
        answer_keys = _("Y = Yes, N = No")
        if any(item.type == CHOICE for item in self.pack.items):
            answer_keys += ", " + _("1–9 = option")
        self.keys_help.setText(
            _(
                "Keys: {answer_keys} (then on to the next question) · Enter or ↓ = next · ↑ = back · "
                "Esc = clear this answer (press again to go back) · Tab = next field"
            ).format(answer_keys=answer_keys)
        )

    # --- the contract -------------------------------------------------------------------------

    def draft(self) -> ScreeningDraft:
        return ScreeningDraft(
            instrument_id=self.pack.id,
            instrument_version=self.pack.version,
            answers=dict(self._answers),
            **self.patient.values(),  # type: ignore[arg-type]
        )

    def result(self) -> Result:
        return score(self.pack, self._answers)

    def set_draft(self, draft: ScreeningDraft) -> None:
        """Show a draft (e.g. restored after unlock): answers, patient fields; emits one change."""
        if (draft.instrument_id, draft.instrument_version) != (self.pack.id, self.pack.version):
            shown = f"{self.pack.id} {self.pack.version}"
            raise ValueError(f"draft is for {draft.instrument_id} {draft.instrument_version}, form shows {shown}")
        self._answers = without_hidden(self.pack, draft.answers)
        self.patient.blockSignals(True)
        try:
            self.patient.set_values(
                identifier_kind=draft.identifier_kind,
                identifier=draft.identifier,
                date_of_birth=draft.date_of_birth,
                setting=draft.setting,
                under_mental_health_services=draft.under_mental_health_services,
                risk_to_self=draft.risk_to_self,
            )
        finally:
            self.patient.blockSignals(False)
        self._sync_rows()
        self._emit()

    def clear(self) -> None:
        """An empty screening, focus back on the first question."""
        self.set_draft(ScreeningDraft(self.pack.id, self.pack.version))
        self.focus_first_question()

    def is_blank(self) -> bool:
        return not self._answers and self.patient.is_blank()

    def problems(self) -> list[str]:
        """Why the draft cannot be saved as it stands: fields not valid, questions not answered."""
        found = self.patient.problems()
        found += [problem for item_id in self._visible_ids() if (problem := self.rows[item_id].problem()) is not None]
        unfinished = [b.block.label for b in self.result().blocks if not b.complete]
        if unfinished:
            found.append(_("Not every question is answered yet: {blocks}.").format(blocks=", ".join(unfinished)))
        return found

    # --- focus --------------------------------------------------------------------------------

    def focus_first_question(self) -> None:
        # Plain setFocus(): the focus reason would need ``Qt``, whose enums cost start-up time (see
        # ui/screening/question.py); for a question row the reason makes no difference.
        for item_id in self._order:
            if not self.rows[item_id].isHidden():
                self.rows[item_id].focus_target().setFocus()
                return

    def focus_first_unanswered(self) -> None:
        """Focus the first shown question still without an answer (the first question when all are answered)."""
        for item_id in self._visible_ids():
            if self.rows[item_id].value() is None:
                self.rows[item_id].focus_target().setFocus()
                return
        self.focus_first_question()

    def _visible_ids(self) -> list[str]:
        return [item_id for item_id in self._order if not self.rows[item_id].isHidden()]

    def _focus_visible(self, ids: list[str], start: int) -> bool:
        from PySide6.QtCore import Qt

        for item_id in ids[start:]:
            row = self.rows[item_id]
            if not row.isHidden():
                row.focus_target().setFocus(Qt.FocusReason.TabFocusReason)
                return True
        return False

    def _focus_after(self, item_id: str) -> None:
        visible = self._visible_ids()
        if not self._focus_visible(visible, visible.index(item_id) + 1):
            self.questions_finished.emit()

    def _focus_before(self, item_id: str) -> None:
        from PySide6.QtCore import Qt

        visible = self._visible_ids()
        index = visible.index(item_id)
        if index > 0:
            self.rows[visible[index - 1]].focus_target().setFocus(Qt.FocusReason.BacktabFocusReason)

    # --- answers ------------------------------------------------------------------------------

    def _set_answer(self, item_id: str, value: object) -> None:
        answers = dict(self._answers)
        if value is None:
            answers.pop(item_id, None)
        else:
            answers[item_id] = str(value)
        # A gate turned away from Yes discards its follow-ups' answers; they are not kept hidden.
        self._answers = without_hidden(self.pack, answers)
        self._sync_rows()
        self._emit()

    def _sync_rows(self) -> None:
        for item_id, row in self.rows.items():
            row.setHidden(not is_shown(row.item, self._answers))
            row.set_value(self._answers.get(item_id))

    def _emit(self) -> None:
        self.draft_changed.emit(self.draft())
