"""CLI: ``signpost leaflet``: a bilingual leaflet as a PDF file.

``--result FILE`` takes the JSON ``signpost score`` prints, or a ScreeningDraft-like JSON
(see ``app.leaflets.result_file``; ``-`` reads standard input). Services come from the shipped national
directory: the ``service_ids`` in the file, else those the signposting rules suggest. ``--demo`` prints
a fixed demo screening; ``--services`` a general services leaflet for the listed categories.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.errors import UsageError


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "leaflet",
        help="write a bilingual patient leaflet as a PDF",
        description=(
            "Write a leaflet in LANG beside English. --result FILE reads the JSON printed by 'signpost score' "
            '(or a screening draft: {"instrument_id", "instrument_version", "answers", "service_ids"}); '
            "'-' reads standard input. No patient identifier is ever printed."
        ),
    )
    parser.add_argument("--lang", required=True, metavar="CODE", help="leaflet language (see 'signpost languages')")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--result", metavar="FILE.json", help="screening result or draft as JSON ('-' for stdin)")
    source.add_argument(
        "--demo", action="store_true", help="a fixed demo screening (alcohol high, tobacco and cannabis moderate)"
    )
    source.add_argument(
        "--services", metavar="CATEGORY,...", help="a general services leaflet for these directory categories"
    )
    parser.add_argument("--paper", choices=("A4", "A5"), default=None, help="paper size (default: machine config, A4)")
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")
    parser.add_argument("--force", action="store_true", help="replace FILE.pdf if it exists")
    parser.set_defaults(handler=_leaflet)


def _categories(text: str) -> list[str]:
    from app.directory.model import CATEGORIES

    wanted = [c.strip() for c in text.split(",") if c.strip()]
    if not wanted:
        raise UsageError(f"--services: name at least one category ({', '.join(CATEGORIES)})")
    unknown = [c for c in wanted if c not in CATEGORIES]
    if unknown:
        raise UsageError(f"--services: unknown categories {', '.join(unknown)} (use {', '.join(CATEGORIES)})")
    return wanted


def _leaflet(args: argparse.Namespace) -> int:
    from app.config import load_config
    from app.directory.seed import load_seed_services
    from app.i18n import language
    from app.leaflets.build import in_categories, risks_from_result, screening_leaflet_pdf, services_leaflet_pdf

    language(args.lang)
    if Path(args.out).exists() and not args.force:
        raise UsageError(f"{args.out} exists: choose another name, or add --force to replace it")
    config = load_config()
    paper = args.paper or config.leaflet_paper
    directory = load_seed_services()
    if args.services is not None:
        pdf = services_leaflet_pdf(
            args.lang,
            services=in_categories(directory, _categories(args.services)),
            site_name=config.site_name,
            paper=paper,
            directory=directory,
        )
    else:
        from app.directory.rules import suggest
        from app.leaflets.result_file import demo_screening, parse_screening

        if args.demo:
            screening = demo_screening()
        elif args.result == "-":
            screening = parse_screening(sys.stdin.read(), "standard input")
        else:
            try:
                text = Path(args.result).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise UsageError(f"{args.result}: cannot be read ({exc})") from exc
            screening = parse_screening(text, args.result)
        by_id = {s.id: s for s in directory}
        unknown = [i for i in screening.service_ids if i not in by_id]
        if unknown:
            raise UsageError(f"unknown service ids: {', '.join(unknown)} (the CLI prints national services only)")
        if screening.service_ids:
            services = [by_id[i] for i in screening.service_ids]
        else:
            services = suggest(
                screening.result,
                under_mental_health_services=screening.under_mental_health_services,
                risk_to_self=screening.risk_to_self,
                services=directory,
            )
        pdf = screening_leaflet_pdf(
            args.lang,
            risks=risks_from_result(screening.result),
            services=services,
            site_name=config.site_name,
            paper=paper,
            directory=directory,
        )
    try:
        Path(args.out).write_bytes(pdf)
    except OSError as exc:
        raise UsageError(f"{args.out}: cannot be written ({exc})") from exc
    print(f"{args.out}: {len(pdf)} bytes, language {args.lang}, {paper}")
    return 0
