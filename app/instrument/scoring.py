"""Pure functions from answers to scores and bands. Answers map item id to an option value (or text)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from app.errors import AnswerError
from app.instrument.model import TEXT, TEXT_ANSWER_MAX_LENGTH, Band, Block, InstrumentPack, Item

Answers = Mapping[str, str]


class BlockResult(NamedTuple):
    """``score``: the points of the answers so far. ``lowest`` and ``highest``: the scores the block can still
    reach, whatever the answers still to come (both ``score`` once ``complete``). ``band``: the band of ``score``,
    or, while the block is open, the one band every score still reachable falls in, if there is one (``settled``):
    e.g. alcohol at 3 with one question left can only be High."""

    block: Block
    score: int
    band: Band
    complete: bool
    lowest: int
    highest: int

    @property
    def block_id(self) -> str:
        return self.block.id

    @property
    def settled(self) -> bool:
        """Whether no answer still to come can change the band (bands are ranges in order, so the ends decide)."""
        return self.block.band_for(self.lowest) == self.block.band_for(self.highest)


class Result(NamedTuple):
    """Scores per block, in instrument order, with the pack they came from."""

    pack: InstrumentPack
    blocks: tuple[BlockResult, ...]

    @property
    def complete(self) -> bool:
        return all(b.complete for b in self.blocks)

    @property
    def answered_blocks(self) -> tuple[BlockResult, ...]:
        """The blocks whose band is settled. Only their bands are stated (advice, services, pathway): a band from
        some of a block's answers can be lower than the answers still to come make it, unless none can."""
        return tuple(b for b in self.blocks if b.settled)

    def block(self, block_id: str) -> BlockResult:
        return next(b for b in self.blocks if b.block.id == block_id)


def is_shown(item: Item, answers: Answers) -> bool:
    """Whether an item is asked, given the answers so far (gates always are)."""
    return item.shown_when is None or answers.get(item.shown_when.item) == item.shown_when.equals


def visible_items(pack: InstrumentPack, answers: Answers) -> list[Item]:
    """The items to show now, in order: every gate, and follow-ups whose gate has the right answer."""
    return [item for item in pack.items if is_shown(item, answers)]


def without_hidden(pack: InstrumentPack, answers: Answers) -> dict[str, str]:
    """Answers with every follow-up whose gate no longer shows it discarded (not kept hidden)."""
    return {item.id: answers[item.id] for item in pack.items if item.id in answers and is_shown(item, answers)}


def answer_problems(pack: InstrumentPack, answers: Answers, *, require_complete: bool) -> list[str]:
    """Everything wrong with a set of answers, as messages naming the item; empty when they fit.

    ``require_complete``: the answers are to be stored or reported, so every shown scored item must be answered
    and free text must fit a record. Without it (scoring a form as it is filled in) text of any length passes:
    the form keeps on screen what was typed and says what to shorten.
    """
    problems: list[str] = []
    known = {item.id for item in pack.items}
    for item_id in answers:
        if item_id not in known:
            problems.append(f"'{item_id}' is not an item of {pack.id} {pack.version}")
    for item in pack.items:
        value = answers.get(item.id)
        if value is None:
            gate_ok = item.shown_when is None or answers.get(item.shown_when.item) == item.shown_when.equals
            if require_complete and item.scored and gate_ok:
                if item.gate:
                    problems.append(f"{item.id}: not answered (every gate question must be answered)")
                else:
                    gate = item.shown_when
                    assert gate is not None
                    problems.append(f"{item.id}: not answered, but {gate.item} is '{gate.equals}'")
            continue
        if not isinstance(value, str):
            problems.append(f"{item.id}: answer must be text, not {type(value).__name__}")
            continue
        if item.type == TEXT:
            if require_complete and len(value.strip()) > TEXT_ANSWER_MAX_LENGTH:  # as the form counts it
                problems.append(f"{item.id}: answer is longer than {TEXT_ANSWER_MAX_LENGTH} characters")
        elif item.option(value) is None:
            allowed = ", ".join(o.value for o in item.options)
            problems.append(f"{item.id}: '{value}' is not an answer to this question (use {allowed})")
        if item.shown_when is not None:
            gate_value = answers.get(item.shown_when.item)
            if gate_value is None:
                problems.append(f"{item.id}: answered, but its gate {item.shown_when.item} is not answered")
            elif gate_value != item.shown_when.equals:
                problems.append(
                    f"{item.id}: answered, but {item.shown_when.item} is '{gate_value}', so it is not asked"
                )
    return problems


def validate_answers(pack: InstrumentPack, answers: Answers, *, require_complete: bool = True) -> None:
    """Raise ``AnswerError`` listing every problem, or return when the answers fit the pack."""
    problems = answer_problems(pack, answers, require_complete=require_complete)
    if problems:
        raise AnswerError(problems)


def score_block(block: Block, answers: Answers) -> BlockResult:
    points = _points(block, answers)
    if _first_open_item(block, answers) is None:
        return BlockResult(block, points, block.band_for(points), True, points, points)
    lowest, highest = _reachable(block, answers)
    settled = block.band_for(lowest) == block.band_for(highest)
    return BlockResult(block, points, block.band_for(lowest if settled else points), False, lowest, highest)


def _points(block: Block, answers: Answers) -> int:
    options = (item.option(answers.get(item.id, "")) for item in block.items if item.scored and is_shown(item, answers))
    return sum(option.points for option in options if option is not None)


def _first_open_item(block: Block, answers: Answers) -> Item | None:
    """The first scored item asked and not yet answered."""
    return next((item for item in block.items if item.scored and is_shown(item, answers)
                 and item.option(answers.get(item.id, "")) is None), None)


def _reachable(block: Block, answers: Answers) -> tuple[int, int]:
    """The lowest and highest score the block can still reach. Follow-ups hang on the gate alone (the loader
    checks it), so each answer the gate may still get is tried, and each open follow-up adds its own range."""
    gate = block.gate
    given = gate.option(answers.get(gate.id, ""))
    ends = []
    for option in (given,) if given is not None else gate.options:
        trial = {**answers, gate.id: option.value}
        low = high = option.points
        for item in block.items:
            if item is gate or not item.scored or not is_shown(item, trial):
                continue
            chosen = item.option(trial.get(item.id, ""))
            low += chosen.points if chosen is not None else min(o.points for o in item.options)
            high += chosen.points if chosen is not None else item.max_points
        ends.append((low, high))
    return min(low for low, _high in ends), max(high for _low, high in ends)


def score(pack: InstrumentPack, answers: Answers) -> Result:
    """Score every block. Partial answers are allowed (``complete`` says so); invalid ones raise."""
    validate_answers(pack, answers, require_complete=False)
    return Result(pack, tuple(score_block(block, answers) for block in pack.blocks))
