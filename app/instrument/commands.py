"""CLI: ``signpost score`` and ``signpost instruments``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from app import json_input
from app.console import read_stdin
from app.errors import SignpostError, UsageError


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    score = subparsers.add_parser(
        "score",
        help="score answers read as JSON on standard input",
        description='Reads {"answers": {"tobacco.use": "yes", ...}} on standard input and prints the result as JSON.',
    )
    score.add_argument(
        "--instrument",
        metavar="ID",
        default=None,
        help="instrument pack id (default: the machine config's [instrument] pack, else assist-lite-2013)",
    )
    score.add_argument(
        "--mental-health",
        action="store_true",
        help="the patient is currently under mental-health services (adds the co-occurring pathway flag)",
    )
    score.set_defaults(handler=_score)
    instruments = subparsers.add_parser(
        "instruments",
        help="list installed instrument packs",
        description="One pack per line, tab-separated: id, version, title, licence. A pack file that cannot be "
        "read is named on standard error with the bad field, as is a pack with bands the local action or "
        "signposting policy says nothing for, and the command then exits 1; the other packs still work.",
    )
    instruments.set_defaults(handler=_instruments)


def read_answers(text: str) -> dict[str, str]:
    """Decode ``{"answers": {...}}``; bad shapes raise ``UsageError`` with a plain message."""
    text = text.removeprefix("\ufeff")  # the byte-order mark Windows editors and PowerShell often write
    if not text.strip():
        raise UsageError('standard input is empty: expected {"answers": {"tobacco.use": "yes", ...}}')
    try:
        doc: Any = json_input.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"standard input is not valid JSON (line {exc.lineno} column {exc.colno}: {exc.msg})") from exc
    except json_input.DuplicateKeyError as exc:
        raise UsageError(f"standard input: {exc}: give each answer once") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("answers"), dict):
        raise UsageError('expected a JSON object of the form {"answers": {"tobacco.use": "yes", ...}}')
    return doc["answers"]


def result_document(result: Any, policy: Any, *, under_mental_health_services: bool) -> dict[str, Any]:
    """The JSON shape printed by ``signpost score``."""
    return {
        "instrument": {"id": result.pack.id, "version": result.pack.version},
        "blocks": {
            b.block.id: {"score": b.score, "band": b.band.id, "action": policy.action_for(b.band.id)}
            for b in result.blocks
        },
        "under_mental_health_services": under_mental_health_services,
        "co_occurring_pathway": policy.co_occurring(result, under_mental_health_services=under_mental_health_services),
    }


def _score(args: argparse.Namespace) -> int:
    from app.config import load_config
    from app.instrument import find_pack, score, validate_answers
    from app.instrument.loader import configuration_problems, configured_pack, pack_dirs, scan_packs
    from app.policy import load_action_policy
    from app.policy_coverage import policy_problems, unusable_pack_message

    config = load_config()
    pack = find_pack(args.instrument) if args.instrument else configured_pack(config)
    if args.instrument and (problems := policy_problems(pack)):
        raise SignpostError(unusable_pack_message(pack, problems))
    if not args.instrument:
        # The shipped pack is used while none is chosen; a packs folder IT set up wrong is still worth a word.
        scan = scan_packs(pack_dirs(config))
        for problem in (*configuration_problems(config, scan), *(f"not loaded: {p}" for p in scan.problems)):
            print(f"signpost score: warning: {problem}", file=sys.stderr)
    answers = read_answers(read_stdin())
    validate_answers(pack, answers, require_complete=True)
    policy = load_action_policy()
    doc = result_document(score(pack, answers), policy, under_mental_health_services=args.mental_health)
    print(json.dumps(doc, indent=2))
    return 0


def _instruments(args: argparse.Namespace) -> int:
    from app.config import load_config
    from app.instrument.loader import configuration_problems, pack_dirs, scan_packs
    from app.policy_coverage import policy_problems, unusable_pack_message

    config = load_config()
    scan = scan_packs(pack_dirs(config))
    for pack in scan.packs:
        print(f"{pack.id}\t{pack.version}\t{pack.title}\t{pack.licence_name}")
    for problem in scan.problems:
        print(f"signpost instruments: not loaded: {problem}", file=sys.stderr)
    unusable = [unusable_pack_message(pack, problems) for pack in scan.packs if (problems := policy_problems(pack))]
    setting = configuration_problems(config, scan)
    for problem in (*unusable, *setting):
        print(f"signpost instruments: {problem}", file=sys.stderr)
    return 1 if scan.problems or unusable or setting else 0
