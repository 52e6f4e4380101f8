"""Typed, immutable model of an instrument pack.

The small value types are ``NamedTuple``s, not frozen dataclasses: they are built on every start,
before the form is painted, and a frozen dataclass costs ~0.6 ms to create (it compiles six
generated methods) where a ``NamedTuple`` costs ~0.15 ms. Both are immutable, compare and hash by
value and print their fields; ``InstrumentPack`` stays a dataclass (its ``path`` is not compared).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

YES_NO = "yes_no"
CHOICE = "choice"
TEXT = "text"
TEXT_ANSWER_MAX_LENGTH = 200  # characters kept for a free-text answer (e.g. the "other substances" one)
ITEM_TYPES = (YES_NO, CHOICE, TEXT)


class Option(NamedTuple):
    """One answer an item accepts, with the points it adds to the block score."""

    value: str
    text: str
    points: int


class Condition(NamedTuple):
    """An item is shown only while another item (its gate) has this answer."""

    item: str
    equals: str


class Item(NamedTuple):
    id: str
    block: str
    text: str
    type: str
    options: tuple[Option, ...]
    gate: bool = False
    shown_when: Condition | None = None
    examples: str = ""

    @property
    def scored(self) -> bool:
        return self.type != TEXT

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    @property
    def max_points(self) -> int:
        return max((o.points for o in self.options), default=0)


class Band(NamedTuple):
    """A named score range within a block (inclusive bounds)."""

    id: str
    min: int
    max: int
    label: str = ""

    def contains(self, value: int) -> bool:
        return self.min <= value <= self.max


class Mhsds(NamedTuple):
    """How a block's score is coded for the Mental Health Services Data Set."""

    snomed: str
    valid_range: tuple[int, int]


class Block(NamedTuple):
    """One substance: a gate item, its follow-ups, a score range and its bands."""

    id: str
    label: str
    range: tuple[int, int]
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    mhsds: Mhsds | None = None

    @property
    def gate(self) -> Item:
        return next(item for item in self.items if item.gate)

    def band_for(self, value: int) -> Band:
        return next(band for band in self.bands if band.contains(value))


@dataclass(frozen=True)
class InstrumentPack:
    """A whole instrument as loaded from ``resources/instruments/*.json`` (or an imported pack)."""

    id: str
    version: str
    title: str
    language: str
    time_frame: str
    source: str
    licence_name: str
    licence_note: str
    blocks: tuple[Block, ...]
    administration: str = ""
    path: Path | None = field(default=None, compare=False)

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for block in self.blocks for item in block.items)

    def item(self, item_id: str) -> Item | None:
        return next((item for item in self.items if item.id == item_id), None)

    def block(self, block_id: str) -> Block:
        return next(block for block in self.blocks if block.id == block_id)

    @property
    def mhsds_exportable(self) -> bool:
        """True only when every block is coded and its score range is the coded valid range."""
        return all(b.mhsds is not None and b.mhsds.valid_range == b.range for b in self.blocks)
