"""Load and validate instrument pack files; every error names the file and the field.

A malformed pack file fails only what needs that pack: the other packs (the default one included)
still load, and ``scan_packs`` reports the bad files so ``signpost instruments`` can name them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import json_input
from app.errors import ConfigError, InstrumentPackError, SignpostError, UsageError
from app.i18n import _
from app.instrument.model import (
    ITEM_TYPES,
    TEXT,
    YES_NO,
    Band,
    Block,
    Condition,
    InstrumentPack,
    Item,
    Mhsds,
    Option,
)
from app.paths import resources_dir

if TYPE_CHECKING:
    from app.config import Config

PACK_FORMAT = 1
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_SNOMED = re.compile(r"^[0-9]{6,18}$")


class _Reader:
    """Field access that reports the full path of a bad field."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, field: str, problem: str) -> InstrumentPackError:
        return InstrumentPackError(self.source, field, problem)

    def get(self, obj: dict[str, Any], key: str, where: str, kind: type, *, required: bool = True) -> Any:
        field = f"{where}.{key}" if where else key
        if key not in obj:
            if required:
                raise self.fail(field, "is missing")
            return None
        value = obj[key]
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise self.fail(field, "must be a whole number")
        if kind is str and (not isinstance(value, str) or not value.strip()):
            raise self.fail(field, "must be non-empty text")
        if kind in (list, dict) and not isinstance(value, kind):
            raise self.fail(field, "must be a list" if kind is list else "must be an object")
        return value

    def text(self, obj: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
        value = self.get(obj, key, where, str, required=required)
        return value or ""

    def int_pair(self, obj: dict[str, Any], key: str, where: str) -> tuple[int, int]:
        value = self.get(obj, key, where, list)
        field = f"{where}.{key}"
        if len(value) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise self.fail(field, "must be two whole numbers [lowest, highest]")
        if value[0] > value[1]:
            raise self.fail(field, "lowest is greater than highest")
        return value[0], value[1]


def _points(r: _Reader, obj: dict[str, Any], key: str, where: str, item_id: str, value: str) -> int:
    """An option's points: a whole number, never negative (``_check_bands`` counts a follow-up's lowest answer
    as 0, so a negative one would let scores fall outside the block's range and bands)."""
    points: int = r.get(obj, key, where, int)
    if points < 0:
        raise r.fail(f"{where}.{key}", f"is {points} for item '{item_id}', option '{value}': points cannot be negative")
    return points


def _options(r: _Reader, raw: dict[str, Any], where: str, kind: str, item_id: str) -> tuple[Option, ...]:
    if kind == TEXT:
        return ()
    if kind == YES_NO:
        points = r.get(raw, "points", where, dict, required=False) or {"yes": 1, "no": 0}
        if set(points) != {"yes", "no"}:
            raise r.fail(f"{where}.points", "must give points for exactly \"yes\" and \"no\"")
        yes, no = (_points(r, points, key, f"{where}.points", item_id, key) for key in ("yes", "no"))
        return (Option("yes", "Yes", yes), Option("no", "No", no))
    options = r.get(raw, "options", where, list)
    if not options:
        raise r.fail(f"{where}.options", "must list at least one option")
    seen: set[str] = set()
    result = []
    for n, opt in enumerate(options):
        ow = f"{where}.options[{n}]"
        if not isinstance(opt, dict):
            raise r.fail(ow, "must be an object")
        value = r.text(opt, "value", ow)
        if value in seen:
            raise r.fail(f"{ow}.value", f"duplicate option value '{value}'")
        seen.add(value)
        result.append(Option(value, r.text(opt, "text", ow), _points(r, opt, "points", ow, item_id, value)))
    return tuple(result)


def _item(r: _Reader, raw: Any, where: str, block_id: str) -> Item:
    if not isinstance(raw, dict):
        raise r.fail(where, "must be an object")
    item_id = r.text(raw, "id", where)
    if not item_id.startswith(block_id + ".") or not _ID.match(item_id):
        raise r.fail(f"{where}.id", f"'{item_id}' must start with '{block_id}.' and use a-z, 0-9, '_', '.', '-'")
    kind = r.text(raw, "type", where)
    if kind not in ITEM_TYPES:
        raise r.fail(f"{where}.type", f"'{kind}' is not one of {', '.join(ITEM_TYPES)}")
    gate = raw.get("gate", False)
    if not isinstance(gate, bool):
        raise r.fail(f"{where}.gate", "must be true or false")
    condition = None
    shown_when = r.get(raw, "shown_when", where, dict, required=False)
    if shown_when is not None:
        cw = f"{where}.shown_when"
        condition = Condition(r.text(shown_when, "item", cw), r.text(shown_when, "equals", cw))
    return Item(
        id=item_id,
        block=block_id,
        text=r.text(raw, "text", where),
        type=kind,
        options=_options(r, raw, where, kind, item_id),
        gate=gate,
        shown_when=condition,
        examples=r.text(raw, "examples", where, required=False),
    )


def _check_skip_logic(r: _Reader, block: Block, where: str) -> None:
    gates = [n for n, item in enumerate(block.items) if item.gate]
    if len(gates) != 1:
        raise r.fail(f"{where}.items", f"must have exactly one gate item (found {len(gates)})")
    if gates[0] != 0:
        raise r.fail(f"{where}.items[{gates[0]}].gate", "the gate must be the block's first item")
    gate = block.items[0]
    if gate.type == TEXT:
        raise r.fail(f"{where}.items[0].type", "a gate must be answerable with an option, not free text")
    if gate.shown_when is not None:
        raise r.fail(f"{where}.items[0].shown_when", "a gate is always shown")
    for n, item in enumerate(block.items[1:], start=1):
        if item.shown_when is None:
            raise r.fail(f"{where}.items[{n}].shown_when", "a follow-up must name the gate it depends on")
        if item.shown_when.item != gate.id:
            raise r.fail(f"{where}.items[{n}].shown_when.item", f"must be this block's gate '{gate.id}'")
        if gate.option(item.shown_when.equals) is None:
            raise r.fail(
                f"{where}.items[{n}].shown_when.equals", f"'{item.shown_when.equals}' is not an answer to {gate.id}"
            )


def _check_bands(r: _Reader, block: Block, where: str) -> None:
    lowest = min(o.points for o in block.gate.options)
    highest = sum(item.max_points for item in block.items if item.scored and not item.gate)
    highest = max(o.points for o in block.gate.options) + highest
    if block.range != (lowest, highest):
        raise r.fail(f"{where}.range", f"is {list(block.range)} but the items can score {lowest} to {highest}")
    expected = block.range[0]
    ids: set[str] = set()
    for n, band in enumerate(block.bands):
        if band.id in ids:
            raise r.fail(f"{where}.bands[{n}].id", f"duplicate band '{band.id}'")
        ids.add(band.id)
        if band.min != expected:
            raise r.fail(
                f"{where}.bands[{n}].min",
                f"is {band.min}, expected {expected} (bands must be in order, no gaps or overlaps)",
            )
        if band.max < band.min:
            raise r.fail(f"{where}.bands[{n}].max", "is below min")
        expected = band.max + 1
    if expected - 1 != block.range[1]:
        raise r.fail(f"{where}.bands", f"end at {expected - 1} but the range ends at {block.range[1]}")


def _block(r: _Reader, raw: Any, where: str) -> Block:
    if not isinstance(raw, dict):
        raise r.fail(where, "must be an object")
    block_id = r.text(raw, "id", where)
    if not _ID.match(block_id) or "." in block_id:
        raise r.fail(f"{where}.id", f"'{block_id}' must use a-z, 0-9, '_', '-'")
    items_raw = r.get(raw, "items", where, list)
    if not items_raw:
        raise r.fail(f"{where}.items", "must list at least one item")
    items = tuple(_item(r, it, f"{where}.items[{n}]", block_id) for n, it in enumerate(items_raw))
    bands_raw = r.get(raw, "bands", where, list)
    bands = []
    for n, b in enumerate(bands_raw):
        bw = f"{where}.bands[{n}]"
        if not isinstance(b, dict):
            raise r.fail(bw, "must be an object")
        bands.append(
            Band(
                r.text(b, "id", bw),
                r.get(b, "min", bw, int),
                r.get(b, "max", bw, int),
                r.text(b, "label", bw, required=False),
            )
        )
    if not bands:
        raise r.fail(f"{where}.bands", "must list at least one band")
    mhsds = None
    mhsds_raw = r.get(raw, "mhsds", where, dict, required=False)
    if mhsds_raw is not None:
        mw = f"{where}.mhsds"
        snomed = r.text(mhsds_raw, "snomed", mw)
        if not _SNOMED.match(snomed):
            raise r.fail(f"{mw}.snomed", f"'{snomed}' is not a SNOMED CT identifier")
        mhsds = Mhsds(snomed, r.int_pair(mhsds_raw, "valid_range", mw))
    block = Block(block_id, r.text(raw, "label", where), r.int_pair(raw, "range", where), items, tuple(bands), mhsds)
    _check_skip_logic(r, block, where)
    _check_bands(r, block, where)
    return block


def parse_pack(doc: Any, source: str, path: Path | None = None) -> InstrumentPack:
    """Validate a decoded pack document; raises ``InstrumentPackError`` naming the bad field."""
    r = _Reader(source)
    if not isinstance(doc, dict):
        raise r.fail("(top level)", "must be a JSON object")
    fmt = r.get(doc, "format", "", int)
    if fmt != PACK_FORMAT:
        raise r.fail("format", f"is {fmt}; this version of Signpost reads format {PACK_FORMAT}")
    pack_id = r.text(doc, "id", "")
    if not _ID.match(pack_id):
        raise r.fail("id", f"'{pack_id}' must use a-z, 0-9, '_', '.', '-'")
    licence = r.get(doc, "licence", "", dict)
    blocks_raw = r.get(doc, "blocks", "", list)
    if not blocks_raw:
        raise r.fail("blocks", "must list at least one block")
    blocks = tuple(_block(r, b, f"blocks[{n}]") for n, b in enumerate(blocks_raw))
    seen_blocks: set[str] = set()
    seen_items: set[str] = set()
    for n, block in enumerate(blocks):
        if block.id in seen_blocks:
            raise r.fail(f"blocks[{n}].id", f"duplicate block '{block.id}'")
        seen_blocks.add(block.id)
        for m, item in enumerate(block.items):
            if item.id in seen_items:
                raise r.fail(f"blocks[{n}].items[{m}].id", f"duplicate item '{item.id}'")
            seen_items.add(item.id)
    return InstrumentPack(
        id=pack_id,
        version=r.text(doc, "version", ""),
        title=r.text(doc, "title", ""),
        language=r.text(doc, "language", ""),
        time_frame=r.text(doc, "time_frame", ""),
        source=r.text(doc, "source", ""),
        licence_name=r.text(licence, "name", "licence"),
        licence_note=r.text(licence, "note", "licence"),
        blocks=blocks,
        administration=r.text(doc, "administration", "", required=False),
        path=path,
    )


def load_pack(path: Path) -> InstrumentPack:
    """Read and validate one pack file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InstrumentPackError(str(path), "(file)", f"cannot be read: {exc.strerror or exc}") from exc
    try:
        doc = json_input.loads(raw.decode("utf-8"))
    except json_input.DuplicateKeyError as exc:
        raise InstrumentPackError(str(path), exc.key, "is given twice in one object") from exc
    except UnicodeDecodeError as exc:
        raise InstrumentPackError(str(path), "(file)", "is not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise InstrumentPackError(str(path), where, f"invalid JSON: {exc.msg}") from exc
    return parse_pack(doc, str(path), path)


def pack_dirs(config: Config | None = None) -> list[Path]:
    """Where packs are installed: the shipped ones, then the folder IT names for licensed packs (such as the
    Adapted ASSIST-Lite (UK)) in the machine config (``config``, else the one on this machine), ``[instrument]
    packs_dir``."""
    if config is None:
        from app.config import load_config

        config = load_config()
    extra = config.instrument_dir
    return [resources_dir() / "instruments", *([extra] if extra is not None else [])]


class PackUnavailableError(SignpostError):
    """No valid pack has the id asked for, and some pack files could not be read: it may be one of them."""


@dataclass(frozen=True)
class PackScan:
    """What the pack directories hold: the valid packs, and one error (file and field) per malformed file."""

    packs: tuple[InstrumentPack, ...]
    problems: tuple[InstrumentPackError, ...]


def scan_packs(dirs: Iterable[Path] | None = None) -> PackScan:
    """Load every pack file in the pack directories, in file-name order, keeping the malformed ones apart."""
    packs: list[InstrumentPack] = []
    problems: list[InstrumentPackError] = []
    for directory in dirs if dirs is not None else pack_dirs():
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.json")):
            try:
                pack = load_pack(path)
            except InstrumentPackError as exc:
                problems.append(exc)
                continue
            first = next((p for p in packs if p.id == pack.id), None)
            if first is not None:  # never a second wording under an id that saved records name
                problems.append(InstrumentPackError(str(path), "id", f"'{pack.id}' is already the id of {first.path}"))
            else:
                packs.append(pack)
    return PackScan(tuple(packs), tuple(problems))


def installed_packs(dirs: Iterable[Path] | None = None) -> list[InstrumentPack]:
    """Every valid pack in the pack directories, in file-name order (malformed files are left out)."""
    return list(scan_packs(dirs).packs)


DEFAULT_PACK_ID = "assist-lite-2013"


def configured_pack(config: Config) -> InstrumentPack:
    """The pack new screenings use: ``[instrument] pack`` in the machine config, else the shipped default.

    A configured pack that is not installed, or has bands the local policies say nothing for, raises
    ``ConfigError`` naming the config file (and the packs folder, or the pack file and each gap). The shipped
    default needs no check: the policies are written for it (tests/test_policy.py).
    """
    if not config.instrument_pack:
        return find_pack(DEFAULT_PACK_ID, pack_dirs(config))
    try:
        pack = find_pack(config.instrument_pack, pack_dirs(config))
    except UsageError as exc:
        raise ConfigError(_pack_not_installed(config, scan_packs(pack_dirs(config)))) from exc
    from app.policy_coverage import policy_problems, unusable_pack_message

    if problems := policy_problems(pack):
        raise ConfigError(
            _("{config} [instrument]: {reason}; remove 'pack' to use the shipped instrument until the policies "
              "cover it").format(config=config.source, reason=unusable_pack_message(pack, problems))
        )
    return pack


def configuration_problems(config: Config, scan: PackScan) -> list[str]:
    """What is wrong with ``[instrument]`` in the machine config, given what its pack directories hold
    (``scan``): the packs folder missing, or the configured pack not installed; empty when both are fine."""
    problems = []
    if not _packs_folder_readable(config):
        problems.append(_packs_folder_missing(config))
    if config.instrument_pack and config.instrument_pack not in {p.id for p in scan.packs}:
        problems.append(_pack_not_installed(config, scan))
    return problems


def _packs_folder_readable(config: Config) -> bool:
    return config.instrument_dir is None or config.instrument_dir.is_dir()


def _packs_folder_missing(config: Config) -> str:
    return _("{config} [instrument]: the packs folder {folder} does not exist or cannot be read").format(
        config=config.source, folder=config.instrument_dir
    )


def _pack_not_installed(config: Config, scan: PackScan) -> str:
    installed = ", ".join(p.id for p in scan.packs) or "none"
    message = _("{config} [instrument]: the pack '{pack}' is not installed (installed: {installed})").format(
        config=config.source, pack=config.instrument_pack, installed=installed
    )
    if config.instrument_dir is None:
        return message + _("; no packs folder is set: add packs_dir")
    if not _packs_folder_readable(config):
        return message + "; " + _packs_folder_missing(config)
    return message + _("; it is not among the pack files in {folder}").format(folder=config.instrument_dir)


def find_pack(pack_id: str = DEFAULT_PACK_ID, dirs: Iterable[Path] | None = None) -> InstrumentPack:
    """The installed pack with this id, whatever state the other pack files are in.

    Raises:
        InstrumentPackError: the file named after the id (``<id>.json``) is malformed.
        PackUnavailableError: no valid pack has the id and some files are malformed (each is named).
        UsageError: no pack has the id; the message lists what is installed.
    """
    scan = scan_packs(dirs)
    for pack in scan.packs:
        if pack.id == pack_id:
            return pack
    for problem in scan.problems:
        if Path(problem.source).stem == pack_id:
            raise problem
    known = ", ".join(p.id for p in scan.packs) or "none"
    if scan.problems:
        broken = "\n".join(f"  - {problem}" for problem in scan.problems)
        raise PackUnavailableError(
            f"no valid instrument pack '{pack_id}' is installed (installed: {known}); these pack files cannot "
            f"be read, and it may be one of them:\n{broken}"
        )
    raise UsageError(f"no instrument pack '{pack_id}' is installed (installed: {known})")
