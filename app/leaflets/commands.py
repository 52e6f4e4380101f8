"""CLI: ``signpost leaflet``: a bilingual leaflet as a PDF file (or on standard output).

``--result FILE`` takes the JSON ``signpost score`` prints, or a ScreeningDraft-like JSON
(see ``app.leaflets.result_file``; ``-`` reads standard input). ``--demo`` prints a fixed demo screening;
``--services`` a general services leaflet for the listed categories. Services are the ``service_ids`` in
the file, else those the services panel offers ticked (``app.directory.rules.default_choice``), from the
vault's directory (local and national services) when signed in with ``--user``, else from the shipped
national services. Signed in, the leaflet is audited, as printing from the app is, and the file is written
only once that entry is.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app.console import read_stdin
from app.errors import UsageError
from app.vault.commands import check_signed_in_options, signed_in_options

if TYPE_CHECKING:
    from app.directory.model import Service
    from app.leaflets.result_file import ScreeningInput

STDOUT = "-"  # --out - writes the PDF to standard output, as --result - reads standard input


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "leaflet",
        help="write a bilingual patient leaflet as a PDF",
        description=(
            "Write a leaflet in the language CODE beside English. --result FILE reads the JSON printed by "
            "'signpost score' "
            '(or a screening draft: {"instrument_id", "instrument_version", "answers", "service_ids"}); '
            "'-' reads standard input. No patient identifier is ever printed."
        ),
    )
    parser.add_argument("--lang", required=True, metavar="CODE",
                        help="leaflet language, e.g. pl or ur (see 'signpost languages')")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--result", metavar="FILE.json", help="screening result or draft as JSON ('-' for stdin)")
    source.add_argument(
        "--demo", action="store_true", help="a fixed demo screening (alcohol high, tobacco and cannabis moderate)"
    )
    source.add_argument(
        "--services", metavar="CATEGORY,...", help="a general services leaflet for these directory categories"
    )
    parser.add_argument("--paper", type=str.upper, choices=("A4", "A5"), default=None,
                        help="paper size (default: machine config, A4)")
    parser.add_argument("--out", required=True, metavar="FILE.pdf",
                        help="where to write the PDF; - writes it to standard output")
    parser.add_argument("--force", action="store_true", help="replace FILE.pdf if it exists")
    signed_in_options(
        parser,
        required=False,
        user_help="sign in to use the vault's directory, local services included (without it: national services "
        "only); the password is read from standard input with --password-stdin",
    )
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
    from app.i18n import language

    args.lang = language(args.lang).code
    if args.out != STDOUT:
        _check_out(Path(args.out), force=args.force)
    elif sys.stdout.isatty():
        raise UsageError("--out -: standard output is a terminal: redirect it to a file (> leaflet.pdf)")
    categories = _categories(args.services) if args.services is not None else None
    if not check_signed_in_options(args):
        from app.directory.seed import load_seed_services

        pdf, paper = _make(args, categories, load_seed_services(), local=False)
        return _save(args, pdf, paper)
    if args.result == "-":
        raise UsageError("--result - and --password-stdin both read standard input: give the result as a file")
    from app.directory.commands import signed_in
    from app.directory.repository import list_services
    from app.leaflets.output_audit import SAVED, audit_leaflet

    with signed_in(args, admin=False) as session:
        pdf, paper = _make(args, categories, list_services(session.conn, active_only=True), local=True)
        kind = "services" if categories is not None else "screening"
        return _save(args, pdf, paper, record=lambda: audit_leaflet(
            session.conn, session.user.name, kind=kind, how=SAVED, languages=[args.lang]))


def _check_out(out: Path, *, force: bool) -> None:
    """Refuse, before anything is made or audited, a target that cannot or should not be written."""
    from app.output_file import missing_folder

    if out.is_dir():
        raise UsageError(f"{out} is a folder: give the leaflet's file name, e.g. {out / 'leaflet.pdf'}")
    if out.exists() and not force:
        raise UsageError(f"{out} exists: choose another name, or add --force to replace it")
    if problem := missing_folder(out):
        raise problem


def _make(
    args: argparse.Namespace, categories: list[str] | None, directory: list[Service], *, local: bool
) -> tuple[bytes, str]:
    """The leaflet's PDF and its paper size."""
    from app.config import load_config
    from app.leaflets.build import in_categories, risks_from_result, screening_leaflet_pdf, services_leaflet_pdf

    config = load_config()
    paper = args.paper or config.leaflet_paper
    if categories is not None:
        services = in_categories(directory, categories)
        if empty := [c for c in categories if not any(c in s.categories for s in services)]:
            from app.directory.model import CATEGORY_LABELS

            print(f"note: the directory has no active service for {', '.join(CATEGORY_LABELS[c] for c in empty)}: "
                  "the leaflet lists the others", file=sys.stderr)
        return services_leaflet_pdf(
            args.lang,
            services=services,
            site_name=config.site_name,
            paper=paper,
            directory=directory,
        ), paper
    from app.directory.rules import default_choice

    screening = _screening(args)
    by_id = {s.id: s for s in directory}
    unknown = [i for i in screening.service_ids if i not in by_id]
    if unknown:
        where = (
            "not active services in the vault's directory"
            if local
            else "not national services (add --user to use the vault's directory, local services included)"
        )
        raise UsageError(f"unknown service ids: {', '.join(unknown)}: {where}")
    if screening.service_ids:
        services = [by_id[i] for i in screening.service_ids]
    else:
        services = default_choice(
            screening.result,
            under_mental_health_services=screening.under_mental_health_services,
            risk_to_self=screening.risk_to_self,
            services=directory,
        )
    return screening_leaflet_pdf(
        args.lang,
        risks=risks_from_result(screening.result),
        services=services,
        site_name=config.site_name,
        paper=paper,
        directory=directory,
    ), paper


def _save(args: argparse.Namespace, pdf: bytes, paper: str, *, record: Callable[[], None] | None = None) -> int:
    """Write the leaflet where ``--out`` says; ``record`` (the audit entry, signed in) is written first, and for a
    file only once the file itself is written: a leaflet that could not be saved is never recorded as saved."""
    from app.output_file import OutputFileError, write_output

    if args.out == STDOUT:
        if record is not None:
            record()
        try:
            sys.stdout.buffer.write(pdf)
            sys.stdout.flush()
        except BrokenPipeError:
            raise  # the reader went away: a quiet end (app.cli)
        except OSError as exc:
            raise OutputFileError(f"standard output cannot be written ({exc.strerror or exc})") from exc
        print(f"standard output: {len(pdf)} bytes, language {args.lang}, {paper}", file=sys.stderr)
        return 0
    write_output(Path(args.out), pdf, before_it_takes_its_place=record)  # a file --force replaces is kept until then
    print(f"{args.out}: {len(pdf)} bytes, language {args.lang}, {paper}")
    return 0


def _screening(args: argparse.Namespace) -> ScreeningInput:
    from app.leaflets.result_file import demo_screening, parse_screening

    if args.demo:
        return demo_screening()
    if args.result == "-":
        return parse_screening(read_stdin(), "standard input")
    try:
        text = Path(args.result).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{args.result}: is not UTF-8 text (byte {exc.start} cannot be read): save it as UTF-8"
        ) from exc
    except OSError as exc:
        raise UsageError(f"{args.result}: cannot be read ({exc.strerror or exc})") from exc
    return parse_screening(text, args.result)
