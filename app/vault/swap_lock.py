"""The lock a restore or rekey holds while its swap record is its own, so that nobody "finishes" a live one.

``swap.lock`` in the data folder is locked on an open descriptor (``flock`` on Linux and macOS, ``msvcrt.locking``
on Windows, which holds across computers on a shared folder too): the operating system releases it when its process
ends, however it ends, so a killed restore's record is finished at the next opening while a running one's is
left alone. The file itself is never removed: two processes could then lock two different files of one name.
"""

from __future__ import annotations

import errno
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from app.i18n import _
from app.vault.errors import VaultBusyError, VaultError
from app.vault.layout import VaultLayout

LOCK_WAIT_S = 3.0
OPENING_WAIT_S = 30.0  # behind another copy opening the vault (a first sign-in after an update migrates it)
LOCK_PAUSE_S = 0.1
# What the holder is doing, written after the locked byte (which Windows would not let a waiter read): a waiter
# that has waited long says which, and waits longer behind an opening.
CHANGING = "changing"
OPENING = "opening"
_PURPOSE_AT = 16
# A file system that cannot lock (some network mounts) protects nothing, as before the lock; refusing there would
# keep everyone out of a vault with a swap record for good.
_NO_LOCKING = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EINVAL}  # ENOTSUP differs on macOS

_held = threading.local()


class SwapUnderWayError(VaultBusyError):
    """A restore or rekey of this vault is running now (maybe on another computer); nothing was changed."""


@contextmanager
def swap_lock(layout: VaultLayout, *, wait_seconds: float = LOCK_WAIT_S, purpose: str = CHANGING) -> Iterator[None]:
    """Hold the data folder's swap lock (if this thread holds it already, this is a no-op). ``purpose``: ``CHANGING``
    (restore, rekey, set-up) or ``OPENING`` (a sign-in opening the vault, held briefly).

    ``SwapUnderWayError`` if another holder keeps it for longer than ``wait_seconds`` (``OPENING_WAIT_S`` when that
    holder is opening the vault). The data folder must exist and be writable (every holder changes it).
    """
    key = os.path.normcase(os.path.abspath(layout.data_dir))
    held: set[str] = _held.__dict__.setdefault("folders", set())
    if key in held:
        yield
        return
    layout.check_writable()  # the plain "read-only" message, before a lock file is made
    try:
        fd = os.open(layout.swap_lock, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise VaultError(
            _(
                "{file} cannot be opened ({problem}): Signpost needs it to replace the vault's files, or to finish "
                "replacing them. Check that {dir} can be written to. Nothing has been changed."
            ).format(file=layout.swap_lock, problem=exc.strerror or exc, dir=layout.data_dir)
        ) from exc
    try:
        locked = _lock(fd, layout, wait_seconds)
        if locked:
            with suppress(OSError):  # only for a waiter's message and patience
                os.lseek(fd, _PURPOSE_AT, os.SEEK_SET)
                os.write(fd, purpose.encode("ascii").ljust(16))
        held.add(key)
        try:
            yield
        finally:
            held.discard(key)
            if locked:
                with suppress(OSError):  # closing the descriptor next releases it too
                    _unlock(fd)
    finally:
        os.close(fd)


def _lock(fd: int, layout: VaultLayout, wait_seconds: float) -> bool:
    """Lock ``fd``, trying again until ``wait_seconds`` have passed; False where the file system cannot lock."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            _try_lock(fd)
            return True
        except OSError as exc:
            if exc.errno in _NO_LOCKING:
                return False
            if exc.errno not in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES, errno.EDEADLK):
                raise VaultError(
                    _("{file} cannot be locked ({problem}). Nothing has been changed.").format(
                        file=layout.swap_lock, problem=exc.strerror or exc
                    )
                ) from exc
        if time.monotonic() >= deadline:
            holder = _purpose(fd)
            if holder == OPENING and wait_seconds > 0 and time.monotonic() < deadline - wait_seconds + OPENING_WAIT_S:
                time.sleep(LOCK_PAUSE_S)
                continue
            if holder == OPENING:
                raise SwapUnderWayError(
                    _(
                        "another copy of Signpost is still opening the vault in {dir} (the first sign-in after an "
                        "update can take a while). Nothing has been changed. Try again in a minute."
                    ).format(dir=layout.data_dir)
                )
            raise SwapUnderWayError(
                _(
                    "a restore or rekey of the vault in {dir} is in progress, on this computer or another that "
                    "uses it. Nothing has been changed. Try again in a minute."
                ).format(dir=layout.data_dir)
            )
        time.sleep(LOCK_PAUSE_S)


def _purpose(fd: int) -> str:
    try:
        os.lseek(fd, _PURPOSE_AT, os.SEEK_SET)
        return os.read(fd, 16).decode("ascii", "replace").strip()
    except OSError:
        return ""


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
