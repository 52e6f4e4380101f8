"""No memory dumps of Signpost: a dump written after a crash would hold decrypted records, the master key
and passwords, in clear, wherever the system keeps its crash dumps."""

from __future__ import annotations

import ctypes
import sys

PR_SET_DUMPABLE = 4  # <linux/prctl.h>
SEM_FAILCRITICALERRORS = 0x0001  # <errhandlingapi.h>
SEM_NOGPFAULTERRORBOX = 0x0002


def disable_crash_dumps() -> None:
    """Ask the operating system never to write this process's memory to disk after a crash.

    On Linux and macOS the core-file size limit becomes zero; on Linux the process is also marked not
    dumpable, which stops a core handler such as systemd-coredump or apport (they ignore the size limit)
    and another process of the same user from attaching to read its memory. On Windows, Windows Error
    Reporting shows no crash dialogue for it, so no report is sent, and the installed program is excluded
    from Windows Error Reporting altogether (hang reports too); IT must not configure local crash dumps
    (WER LocalDumps) for it (docs/decisions.md).
    """
    if sys.platform == "win32":
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        kernel32.SetErrorMode(kernel32.GetErrorMode() | SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX)
        _exclude_from_error_reporting()
        return
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # lowering a limit is always allowed
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


def _exclude_from_error_reporting() -> None:
    """Exclude the installed program from Windows Error Reporting for this account (no administrator rights
    needed; policy may forbid it, which leaves the dialogue switched off above). Not for ``python.exe``: that
    would exclude every Python program."""
    if not getattr(sys, "frozen", False):
        return
    from pathlib import Path

    try:
        ctypes.windll.wer.WerAddExcludedApplication(Path(sys.executable).name, False)  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        pass
