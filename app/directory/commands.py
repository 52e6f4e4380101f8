"""CLI: ``signpost directory list | import | export | verify-entry``.

Each command signs in to the vault (``--user``, the password read from standard input with
``--password-stdin``, as for every signed-in command), prepares the directory (first-run seed,
IT-managed file) and signs out. Changes need an administrator account.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app.errors import SignpostError, UsageError
from app.vault.commands import open_for_command, read_stdin_secrets, signed_in_options


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    directory = subparsers.add_parser(
        "directory",
        help="services directory: list, import, export, verify-entry",
        description="The services directory in the vault (see docs/directory-format.md for the file format).",
    )
    actions = directory.add_subparsers(dest="directory_command", metavar="ACTION", required=True)

    listing = actions.add_parser(
        "list",
        help="print services (active ones unless --inactive)",
        description="Print the directory's services, one per line: id, name, categories, contact, last verified, "
        "flags (national, INACTIVE, STALE). Standard input: your password.",
    )
    listing.add_argument("--category", action="append", metavar="CATEGORY", help="only this category (repeatable)")
    listing.add_argument("--inactive", action="store_true", help="include deactivated services")
    listing.add_argument("--stale", action="store_true", help="only services overdue for verification")
    listing.add_argument("--json", action="store_true", help="print the services as a directory JSON file")
    listing.set_defaults(handler=_list)

    importing = actions.add_parser(
        "import",
        help="import a JSON or CSV directory file (all rows or none)",
        description="Add and change services from a JSON or CSV file (docs/directory-format.md): every row is checked "
        "first, and one rejected row imports nothing. Administrators only. Standard input: your password.",
    )
    importing.add_argument(
        "file", type=Path, metavar="FILE", help="the directory file (.json or .csv; see docs/directory-format.md)"
    )
    importing.add_argument("--format", choices=("json", "csv"), help="file format (default: from the extension)")
    importing.add_argument("--dry-run", action="store_true", help="show per row what would happen; change nothing")
    importing.set_defaults(handler=_import)

    export = actions.add_parser(
        "export",
        help="write every service to a JSON or CSV file",
        description="Write every service, inactive ones too, to a JSON or CSV file that 'directory import' reads "
        "back. Standard input: your password.",
    )
    export.add_argument("file", type=Path, metavar="FILE", help="the file to write (.json or .csv)")
    export.add_argument("--format", choices=("json", "csv"), help="file format (default: from the extension)")
    export.add_argument("--force", action="store_true", help="replace the file if it exists")
    export.add_argument("--dry-run", action="store_true", help="say what would be written; write nothing")
    export.set_defaults(handler=_export)

    verify = actions.add_parser(
        "verify-entry",
        help="record that a service was checked against its official source",
        description="Record that a service's details were checked against its official source (who and when), "
        "which clears it from the overdue list. Administrators only. Standard input: your password.",
    )
    verify.add_argument("service_id", metavar="ID", help="the service's id, as 'signpost directory list' prints it")
    verify.add_argument("--by", metavar="NAME", help="who checked it (default: the signed-in user)")
    verify.add_argument("--on", metavar="DATE", type=_date, help="when (YYYY-MM-DD, default today)")
    verify.add_argument("--dry-run", action="store_true", help="check and show the change; record nothing")
    verify.set_defaults(handler=_verify_entry)

    for parser in (listing, importing, export, verify):
        signed_in_options(parser)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date such as 2026-11-01") from None


@contextmanager
def signed_in(args: argparse.Namespace, *, admin: bool) -> Iterator[Any]:
    """A vault session for one command, with the directory prepared; always signed out afterwards."""
    from app.config import load_config
    from app.directory.startup import prepare_directory

    (password,) = read_stdin_secrets(1)
    config = load_config()
    session = open_for_command(config.resolve_data_dir(args.data_dir), args.user, password, config.argon2)
    try:
        if admin:
            session.require_admin()
        outcome = prepare_directory(session.conn, config)
        if outcome is not None and outcome.problem and session.user.is_admin:  # as in the app: for admins
            print(f"warning: the IT-managed directory file was not imported:\n{outcome.problem}", file=sys.stderr)
        yield session
    finally:
        session.close()


def _list(args: argparse.Namespace) -> int:
    from app.config import load_config
    from app.directory.formats import to_json
    from app.directory.model import CATEGORIES
    from app.directory.repository import list_services
    from app.directory.staleness import is_stale

    unknown = [c for c in args.category or () if c not in CATEGORIES]
    if unknown:
        raise UsageError(f"unknown category {', '.join(unknown)}: use {', '.join(CATEGORIES)}")
    months = load_config().directory_stale_after_months
    with signed_in(args, admin=False) as session:
        services = list_services(session.conn, categories=args.category, active_only=not args.inactive)
    if args.stale:
        services = [s for s in services if is_stale(s, months=months)]
    if args.json:
        sys.stdout.write(to_json(services))
        return 0
    for s in services:
        marks = (("national", s.national), ("INACTIVE", not s.active),
                 ("STALE", s.active and is_stale(s, months=months)))  # as the editor: only entries still offered
        flags = [flag for flag, on in marks if on]
        verified = f"{s.last_verified.isoformat()} by {s.verified_by}" if s.last_verified else "never verified"
        contact = s.phone or s.text_number or s.website or s.email
        print("\t".join([s.id, s.name, ",".join(s.categories), contact, verified, " ".join(flags)]))
    print(_services(len(services)), file=sys.stderr)
    return 0


def _import(args: argparse.Namespace) -> int:
    from app.directory.importing import ImportRejectedError, import_file

    with signed_in(args, admin=True) as session:
        try:
            plan = import_file(session.conn, args.file, actor=session.user.name, dry_run=args.dry_run, fmt=args.format)
        except ImportRejectedError as exc:
            print(exc.plan.report())
            # Exit 1 like the dry run that finds the same rows: the file has problems, the command line is fine.
            raise SignpostError(f"{args.file}: nothing imported: fix the rejected rows and try again") from exc
    print(plan.report())
    if args.dry_run:
        print("dry run: nothing has been changed")
        if plan.rejected:
            rejected = len(plan.rejected)
            what = ("1 row would be rejected: fix it" if rejected == 1
                    else f"{rejected} rows would be rejected: fix them")
            print(f"{args.file}: {what} before importing", file=sys.stderr)
            return 1
    return 0


def _services(count: int) -> str:
    return "1 service" if count == 1 else f"{count} services"


def _export(args: argparse.Namespace) -> int:
    from app.directory.export import export_directory
    from app.directory.formats import detect_format
    from app.directory.repository import list_services
    from app.output_file import missing_folder

    if not args.format and args.file.suffix.lower() not in (".json", ".csv"):
        raise UsageError(f"{args.file}: name the file .json or .csv, or give --format")
    fmt = args.format or detect_format(args.file.name, "")
    if args.file.exists() and not args.force and not args.dry_run:
        raise UsageError(f"{args.file} exists: choose another name or add --force to replace it")
    if problem := missing_folder(args.file):
        raise problem
    with signed_in(args, admin=False) as session:
        if args.dry_run:
            count = len(list_services(session.conn, active_only=False))
            print(f"dry run: would write {_services(count)} as {fmt.upper()} to {args.file}")
            return 0
        count = export_directory(session.conn, args.file, fmt, actor=session.user.name)
    print(f"wrote {_services(count)} to {args.file}")
    return 0


def _verify_entry(args: argparse.Namespace) -> int:
    import dataclasses

    from app.directory.repository import check_service, get_service, mark_verified

    with signed_in(args, admin=True) as session:
        by = (session.user.name if args.by is None else args.by).strip()  # "--by ''" is refused, not replaced
        on = args.on or dt.date.today()
        if args.dry_run:
            service = dataclasses.replace(get_service(session.conn, args.service_id), last_verified=on, verified_by=by)
            check_service(service)
            print(f"dry run: would record {service.id} as verified on {on.isoformat()} by {by}; nothing changed")
            return 0
        service = mark_verified(session.conn, args.service_id, verified_by=by, actor=session.user.name, on=on)
    print(json.dumps({"id": service.id, "last_verified": on.isoformat(), "verified_by": by}))
    return 0
