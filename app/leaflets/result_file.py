"""Read the screening behind a CLI leaflet: the JSON ``signpost score`` prints, or a ScreeningDraft-like JSON.

Accepted shapes (anything identifying in them, e.g. ``identifier`` or ``date_of_birth``, is ignored):

- ``signpost score`` output: ``{"instrument": {"id": ..., "version": ...},
  "blocks": {"alcohol": {"score": 3, "band": "high", ...}, ...}}``;
- a draft: ``{"instrument_id": ..., "instrument_version": ..., "answers": {"alcohol.use": "yes", ...}}``.

Either may add ``"service_ids": [...]`` (services chosen for the patient), ``"under_mental_health_services"``
and ``"risk_to_self"`` (used to suggest services when none are chosen).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app import json_input
from app.errors import SignpostError, UsageError
from app.instrument.scoring import BlockResult, Result

# A fixed demo screening: alcohol high, tobacco and cannabis moderate (for ``--demo`` and the demo app).
DEMO_ANSWERS = {
    "tobacco.use": "yes",
    "tobacco.more_than_10": "no",
    "tobacco.within_30_min": "no",
    "alcohol.use": "yes",
    "alcohol.more_than_4": "yes",
    "alcohol.failed_to_control": "yes",
    "alcohol.concern": "no",
    "cannabis.use": "yes",
    "cannabis.urge": "no",
    "cannabis.concern": "no",
    "stimulants.use": "no",
    "sedatives.use": "no",
    "opioids.use": "no",
    "other.use": "no",
}


@dataclass(frozen=True)
class ScreeningInput:
    result: Result
    service_ids: tuple[str, ...] = ()
    under_mental_health_services: bool = False
    risk_to_self: bool = False


def demo_screening() -> ScreeningInput:
    from app.instrument import find_pack, score
    from app.instrument.loader import DEFAULT_PACK_ID

    return ScreeningInput(score(find_pack(DEFAULT_PACK_ID), DEMO_ANSWERS))


def parse_screening(text: str, source: str) -> ScreeningInput:
    """Decode either accepted shape; a bad one raises ``UsageError`` naming ``source`` and the problem."""
    text = text.removeprefix("\ufeff")  # the byte-order mark Windows editors and PowerShell often write
    if not text.strip():
        raise UsageError(f"{source}: is empty: expected the JSON printed by 'signpost score', or answers")
    try:
        doc: Any = json_input.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{source}: not valid JSON (line {exc.lineno} column {exc.colno}: {exc.msg})") from exc
    except json_input.DuplicateKeyError as exc:
        raise UsageError(f"{source}: {exc}: give each value once") from exc
    if not isinstance(doc, dict):
        raise UsageError(f"{source}: expected a JSON object")
    _check_keys(doc, source)
    ids = doc.get("service_ids", [])
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise UsageError(f"{source}: 'service_ids' must be a list of service ids")
    if isinstance(doc.get("blocks"), dict) and isinstance(doc.get("instrument"), dict):
        result = _from_score_output(doc, source)
    elif isinstance(doc.get("answers"), dict):
        result = _from_answers(doc, source)
    else:
        raise UsageError(
            f"{source}: expected the output of 'signpost score' (instrument, blocks) "
            "or a screening draft (instrument_id, instrument_version, answers)"
        )
    return ScreeningInput(
        result,
        tuple(ids),
        under_mental_health_services=_flag(doc, "under_mental_health_services", source),
        risk_to_self=_flag(doc, "risk_to_self", source),
    )


def _known_keys() -> set[str]:
    from dataclasses import fields

    from app.records.draft import ScreeningDraft

    return {"instrument", "blocks", "co_occurring_pathway", *(f.name for f in fields(ScreeningDraft))}


def _check_keys(doc: dict[str, Any], source: str) -> None:
    """A misspelt key is refused: ignored, a misspelt ``risk_to_self`` left the crisis services off the leaflet."""
    import difflib

    known = _known_keys()
    for key in doc:
        if key not in known:
            close = difflib.get_close_matches(key, sorted(known), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise UsageError(f"{source}: '{key}' is not a field of a screening{hint}")


def _flag(doc: dict[str, Any], key: str, source: str) -> bool:
    value = doc.get(key)
    if value is not None and not isinstance(value, bool):
        raise UsageError(f"{source}: '{key}' must be true or false, not {json.dumps(value)}")
    return value is True


def _pack(pack_id: Any, version: Any, source: str) -> Any:
    from app.instrument import find_pack

    if not isinstance(pack_id, str):
        raise UsageError(f"{source}: the instrument id is missing")
    from app.policy_coverage import policy_problems, unusable_pack_message

    pack = find_pack(pack_id)
    if version is not None and str(version) != pack.version:
        raise UsageError(f"{source}: instrument {pack_id} version {version} is not installed (have {pack.version})")
    if problems := policy_problems(pack):
        raise SignpostError(f"{source}: {unusable_pack_message(pack, problems)}")
    return pack


def _from_answers(doc: dict[str, Any], source: str) -> Result:
    from app.instrument import score, validate_answers

    pack = _pack(doc.get("instrument_id"), doc.get("instrument_version"), source)
    validate_answers(pack, doc["answers"], require_complete=True)
    return score(pack, doc["answers"])


def _from_score_output(doc: dict[str, Any], source: str) -> Result:
    pack = _pack(doc["instrument"].get("id"), doc["instrument"].get("version"), source)
    blocks = []
    for block in pack.blocks:
        entry = doc["blocks"].get(block.id)
        value = entry.get("score") if isinstance(entry, dict) else None
        if isinstance(value, bool) or not isinstance(value, int):
            raise UsageError(f"{source}: blocks.{block.id}.score is missing or not a whole number")
        if not block.range[0] <= value <= block.range[1]:
            raise UsageError(f"{source}: blocks.{block.id}.score {value} is outside {block.range[0]}-{block.range[1]}")
        band = block.band_for(value)
        if "band" in entry and entry["band"] != band.id:
            raise UsageError(f"{source}: blocks.{block.id}: score {value} is band '{band.id}', not '{entry['band']}'")
        blocks.append(BlockResult(block, value, band, True, value, value))
    return Result(pack, tuple(blocks))
