"""Instrument packs (clinical content as data) and pure scoring."""

from app.instrument.loader import find_pack, installed_packs, load_pack
from app.instrument.model import Band, Block, InstrumentPack, Item, Mhsds, Option
from app.instrument.scoring import BlockResult, Result, score, validate_answers, visible_items

__all__ = [
    "Band",
    "Block",
    "BlockResult",
    "InstrumentPack",
    "Item",
    "Mhsds",
    "Option",
    "Result",
    "find_pack",
    "installed_packs",
    "load_pack",
    "score",
    "validate_answers",
    "visible_items",
]
