"""Command-line interface: the same ``app`` functions the GUI calls, for IT and scripting.

Each area registers its own subcommands (``register(subparsers)`` in its ``commands`` module);
handlers import heavy libraries only when they run, so ``signpost --help`` stays quick.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from app import __version__
from app.console import discard_stdout
from app.errors import SignpostError

COMMAND_MODULES = (
    "app.instrument.commands",
    "app.i18n.commands",
    "app.leaflets.commands",
    "app.vault.commands",
    "app.directory.commands",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="signpost",
        description="Signpost: ASSIST-Lite screening and signposting. With no command, the app opens (with --demo, the "
        "built-in demo: practice data in memory, nothing written to disk).",
    )
    parser.add_argument("--version", action="version", version=f"signpost {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="vault directory (default: SIGNPOST_DATA_DIR, then the machine config, then the platform default)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def run(argv: Sequence[str]) -> int:
    """Parse and run one command; returns the process exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error already printed by argparse
        return exc.code if isinstance(exc.code, int) else 2
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except SignpostError as exc:
        action = getattr(args, f"{args.command}_command", None)  # "user add", not only "user"
        print(f"signpost {args.command}{' ' + action if action else ''}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        discard_stdout()
        return 1
