"""Entry point: no arguments (or only GUI options) open the app; a subcommand runs the CLI."""

from __future__ import annotations

import os
import sys


def _wants_gui(argv: list[str]) -> bool:
    """True when the arguments are only GUI options (``--demo``, ``--data-dir DIR``)."""
    args = iter(argv)
    for arg in args:
        if arg == "--data-dir":
            next(args, None)
        elif not (arg == "--demo" or arg.startswith("--data-dir=")):
            return False
    return True


def _no_display() -> bool:
    """True on Linux with no X or Wayland display and no Qt platform chosen: Qt would abort with a core dump."""
    return sys.platform.startswith("linux") and not any(
        os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if _wants_gui(argv):
        if _no_display():
            print("signpost: there is no display to open the window on (DISPLAY is not set). Start it from a desktop "
                  "session, or run a command: signpost --help", file=sys.stderr)
            return 1
        from ui.app import run_gui

        return run_gui(argv)
    from app.console import has_streams, refuse_without_console, use_utf8_streams

    if not has_streams():
        return refuse_without_console()
    use_utf8_streams()
    from app.cli import run
    from app.crash_dumps import disable_crash_dumps

    disable_crash_dumps()
    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
