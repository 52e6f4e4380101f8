"""The live result: per substance the score, the band as a word on a colour, and the action.

Colour only reinforces the word (never colour alone). The recommended action comes from the
action policy; while no clinical lead has approved that mapping, a notice says so above it.
Alignments are set by name, without ``Qt``: see ui/screening/question.py on start-up time.
"""

from __future__ import annotations

from math import ceil

from PySide6.QtCore import QSize
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from app.config import ActionApproval
from app.i18n import N_, _
from app.instrument.model import Band, InstrumentPack
from app.instrument.scoring import BlockResult, Result
from app.policy import ActionPolicy, approval_line, approval_notice
from ui.message_label import announce

BAND_WORDS = {
    "low": N_("Low"),
    "moderate": N_("Moderate"),
    "high": N_("High"),
    "use_reported": N_("Use reported: discuss"),
}


def band_word(band: Band) -> str:
    """The word shown for a band: ours for the known ids, else the pack's label, else its id."""
    if band.id in BAND_WORDS:
        return _(BAND_WORDS[band.id])
    return band.label or band.id.replace("_", " ").capitalize()


class _BandLabel(QLabel):
    """A band badge: as wide as its word on one line where there is room; where there is not (a narrow screen, a
    long translation) the word goes onto two lines inside the badge, never cut off. The word carries the meaning;
    the colour only reinforces it."""

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        # A wrapping label's own hint is narrower than its text: ask for the whole word on one line.
        margins = self.contentsMargins()
        text = ceil(QFontMetricsF(self.font()).horizontalAdvance(self.text()))
        width = text + margins.left() + margins.right() + 2 * self.margin()
        return QSize(max(width, self.minimumWidth()), self.heightForWidth(width))


class SubstanceRow:
    """The widgets of one substance in the panel's grid."""

    def __init__(self, grid: QGridLayout, row: int, block_id: str, label: str) -> None:
        self.name = QLabel(label)
        self.name.setProperty("role", "substance")
        self.name.setWordWrap(True)
        self.score = QLabel()
        self.score.setObjectName(f"score:{block_id}")
        self.score.setProperty("alignment", "AlignRight|AlignVCenter")
        self.band = _BandLabel()
        self.band.setObjectName(f"band:{block_id}")
        # Coloured by the theme from its ``band`` property. Set here, before the label is first
        # polished, it needs no restyle: ``style()`` would build the ``Qt`` namespace before the paint.
        self.band.setProperty("role", "band")
        self.band.setProperty("band", "unanswered")
        self.band.setProperty("alignment", "AlignCenter")
        self.band.setMinimumHeight(30)
        self.band.setMinimumWidth(120)
        self.action = QLabel()
        self.action.setObjectName(f"action:{block_id}")
        self.action.setWordWrap(True)
        self.action.setProperty("role", "help")
        self.spoken = ""  # what a screen reader is told when the band appears or changes
        grid.addWidget(self.name, row, 0)
        grid.addWidget(self.score, row, 1)
        grid.addWidget(self.band, row, 2)
        grid.addWidget(self.action, row + 1, 0, 1, 3)

    def show(self, result: BlockResult, policy: ActionPolicy) -> None:
        if not result.settled:
            self.score.setText("–")
            self.band.setText(_("not answered yet"))
            self._set_band("unanswered")
            self.action.setText("")
            self.action.hide()
            return
        most = result.block.range[1]
        self.band.setText(band_word(result.band))
        self._set_band(result.band.id)
        action = _(policy.label(policy.action_for(result.band.id)))
        self.action.setText(action)
        # "Use reported: discuss" is both the band and the action: say it once.
        self.action.setVisible(action != self.band.text())
        if result.complete:
            self.score.setText(_("{score} / {most}").format(score=result.score, most=most))
            self.spoken = _("{substance}: {band}, score {score} of {most}.").format(
                substance=self.name.text(), band=self.band.text(), score=result.score, most=most)
        else:  # the answers still to come cannot change the band, only where in it the score ends
            self.score.setText(_("{lowest}–{highest} / {most}").format(
                lowest=result.lowest, highest=result.highest, most=most))
            self.spoken = _("{substance}: {band}, score {lowest} to {highest} of {most}, not all answered yet.").format(
                substance=self.name.text(), band=self.band.text(), lowest=result.lowest, highest=result.highest,
                most=most)
        if action != self.band.text():
            self.spoken += " " + action + "."

    def _set_band(self, band_id: str) -> None:
        """Colour the band label (theme rules keyed on its ``band`` property); restyled only on a change."""
        if self.band.property("band") != band_id:
            self.band.setProperty("band", band_id)
            self.band.style().unpolish(self.band)
            self.band.style().polish(self.band)


class ResultPanel(QFrame):
    """Shows a ``Result``; ``sections`` holds what features add under it (services, print…)."""

    def __init__(
        self,
        pack: InstrumentPack,
        policy: ActionPolicy,
        approval: ActionApproval,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setProperty("role", "panel")
        self.setObjectName("result-panel")
        self.pack = pack
        self.policy = policy
        self.approval = approval
        self._last: tuple[Result, bool] | None = None
        # The band each substance was last shown with, and whether it was complete, to speak changes.
        self._bands: dict[str, tuple[str | None, bool]] = {}
        self._co_occurring = False

        self.title = QLabel()
        self.title.setProperty("role", "section-title")
        self.title.setWordWrap(True)  # longer in other languages (see the pseudo-locale screenshot)
        self.notice = QLabel()
        self.notice.setObjectName("approval-notice")
        # The warning while the mapping is unapproved; once approved, who approved it, as plain help text.
        self.notice.setProperty("role", "notice" if approval_notice(approval, policy) else "help")
        self.notice.setWordWrap(True)
        self.pathway = QLabel()
        self.pathway.setObjectName("co-occurring")
        self.pathway.setProperty("role", "pathway")
        self.pathway.setWordWrap(True)
        self.pathway.hide()

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(0, 1)
        # Three grid rows per substance: name/score/band, the action under it, then a gap before the next.
        self.substances = {
            block.id: SubstanceRow(grid, 3 * n, block.id, block.label) for n, block in enumerate(pack.blocks)
        }
        for n in range(len(pack.blocks)):
            grid.setRowMinimumHeight(3 * n + 2, 8)

        self.sections = QVBoxLayout()
        self.sections.setSpacing(8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 16)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        # The pathway is the one alert that changes what to do next: first, where it cannot be missed.
        layout.addWidget(self.pathway)
        # Above the actions it qualifies: under them, on a small screen it was scrolled out of sight.
        layout.addWidget(self.notice)
        layout.addLayout(grid)
        layout.addLayout(self.sections)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.setAccessibleName(_("Result"))  # the region a screen reader names, beside or under the questions
        notice = approval_notice(self.approval, self.policy) or approval_line(self.approval, self.policy)
        self.notice.setText(notice or "")
        self.notice.setVisible(notice is not None)
        if self._last is not None:
            self.show_result(*self._last)
        else:
            self.title.setText(_("Result"))

    def forget_spoken(self) -> None:
        """Forget what was last spoken (New screening): the next result is news from nothing, not withdrawals."""
        self._bands.clear()
        self._co_occurring = False

    def show_result(self, result: Result, under_mental_health_services: bool) -> None:
        self._last = (result, under_mental_health_services)
        answered = sum(b.complete for b in result.blocks)
        self.title.setText(
            _("Result ({answered} of {total} substances answered)").format(answered=answered, total=len(result.blocks))
        )
        # The panel is read, not tabbed to: what a sighted user sees change is spoken. A band that appears, changes
        # or is finished (its score final), or is withdrawn by a changed or cleared answer.
        news = []
        for block_result in result.blocks:
            row = self.substances[block_result.block.id]
            row.show(block_result, self.policy)
            now = (block_result.band.id if block_result.settled else None, block_result.complete)
            before = self._bands.get(block_result.block.id, (None, False))
            if now[0] is not None and now != before:
                news.append(row.spoken)
            elif now[0] is None and before[0] is not None:
                news.append(_("{substance}: not answered yet.").format(substance=row.name.text()))
            self._bands[block_result.block.id] = now
        co_occurring = self.policy.co_occurring(result, under_mental_health_services=under_mental_health_services)
        self.pathway.setText(_(self.policy.co_occurring_label) if co_occurring else "")
        self.pathway.setVisible(co_occurring)
        if co_occurring and not self._co_occurring:
            news.append(self.pathway.text())
        elif self._co_occurring and not co_occurring:
            news.append(_("The co-occurring pathway no longer applies."))
        self._co_occurring = co_occurring
        if news:
            announce(self, " ".join(news))

    def add_section(self, widget: QWidget) -> None:
        self.sections.addWidget(widget)
