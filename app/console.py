"""The streams a command reads and writes: UTF-8 on every platform, and a word when there are none.

Windows gives piped and redirected streams the ANSI code page (cp1252 on an English system): a password
piped in as UTF-8 with "£" in it was read as "Â£", so the key slot it made did not open with the same
password typed in the app, and writing a language's own name ("Română") to a file failed. A file saved
by Notepad starts with a byte-order mark, which would have become part of the first password.

The windowed ``signpost.exe`` has no streams at all (PyInstaller leaves them ``None``): a command there
could neither read a password nor show a recovery key, so it is refused with a message box pointing to
the console build beside it, ``signpost-cli.exe`` (elsewhere, with a line on standard error when that is open).
"""

from __future__ import annotations

import os
import sys

from app.errors import UsageError
from app.i18n import _


def use_utf8_streams() -> None:
    """Standard input read as UTF-8 (a leading byte-order mark dropped); output and errors written as UTF-8."""
    for stream, encoding, errors in (
        (sys.stdin, "utf-8-sig", "strict"),
        (sys.stdout, "utf-8", "strict"),
        (sys.stderr, "utf-8", "backslashreplace"),
    ):
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding=encoding, errors=errors)


def discard_stdout() -> None:
    """Point standard output at the null device: what is still buffered for a reader that went away (``| head``)
    or an output that failed (a full disk) is not wanted, and flushing it at exit must not fail again."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # not a real file (a test's captured output): nothing is flushed at exit


def read_stdin() -> str:
    """All of standard input as text; a ``UsageError`` saying so when it is not UTF-8."""
    try:
        return sys.stdin.read()
    except UnicodeDecodeError:
        raise UsageError(
            _("standard input is not UTF-8 text: save the file (or set the terminal) as UTF-8 and try again")
        ) from None


def has_streams() -> bool:
    """Whether a command can print (False in the windowed build, which has no console)."""
    return sys.stdout is not None and sys.stdin is not None


def refuse_without_console() -> int:
    """Say, where possible, that commands need the console build; returns the exit code."""
    if sys.stderr is not None:
        print(_("signpost: commands need standard input and output, and one of them is closed"), file=sys.stderr)
    elif sys.platform == "win32":
        import ctypes

        message = _(
            "Signpost commands print their results (a recovery key, temporary passwords), and signpost.exe has "
            "no window to print them in. Run the command with signpost-cli.exe, in the same folder, from a "
            "Command Prompt or PowerShell."
        )
        ctypes.windll.user32.MessageBoxW(None, message, "Signpost", 0x10)  # MB_ICONERROR
    return 2
