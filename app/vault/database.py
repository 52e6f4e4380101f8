"""Opening the SQLCipher database with a raw 256-bit key and hardened pragmas; one transaction per action."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from app.i18n import _
from app.vault.disk_space import full_disk_error, nearly_full_folder, remember_folder, says_full
from app.vault.errors import (
    VaultBusyError,
    VaultDamagedError,
    VaultError,
    VaultIOError,
    VaultOpenError,
)

KEY_BYTES = 32
MEMORY = ":memory:"
CACHE_KIB = 64 * 1024
# Prepared statements kept for reuse (Python's default is 128). Each one kept holds part of SQLite's small
# per-connection memory pool ("lookaside"); with the pool full, every allocation a statement makes while it
# runs goes to the allocator, which with cipher_memory_security locks and wipes it (two system calls each).
# The binding's cache ranks statements by how often they ran and, once full, replaces its newest entry, so
# after sign-in has filled it most statements of a save are prepared again each time (microseconds each).
# That still costs less than a cache holding them all: a save is about a quarter dearer with 128 (measured
# with bench/vault.py and by hand; with memory security off, 128 would be the cheaper).
STATEMENT_CACHE = 12
BUSY_TIMEOUT_MS = 5000  # how long an action waits for another copy's write before saying the vault is busy

__all__ = [
    "KEY_BYTES", "VaultOpenError", "connect", "damage_guard", "damaged_pages", "export_copy", "raw_key", "transaction",
    "wipe",
]

_HEX_DIGITS = b"0123456789abcdef"


def wipe(secret: bytearray) -> None:
    """Overwrite a key in place."""
    for i in range(len(secret)):
        secret[i] = 0


@contextmanager
def raw_key(key: bytes | bytearray) -> Iterator[bytearray]:
    """``key`` in SQLCipher's raw-key form, ``x'`` and its hex digits and ``'``, wiped when the block ends.

    Built digit by digit into a buffer: a string such as ``key.hex()`` cannot be overwritten, and Python
    leaves freed memory as it was, so the vault's key would stay readable there, and could be swapped to disk.
    Pass it to ``set_key`` or bind it as a parameter (``ATTACH … KEY ?``), never into the text of a statement.
    """
    literal = bytearray(2 * len(key) + 3)
    literal[0], literal[1], literal[-1] = ord("x"), ord("'"), ord("'")
    for i, byte in enumerate(key):
        literal[2 + 2 * i] = _HEX_DIGITS[byte >> 4]
        literal[3 + 2 * i] = _HEX_DIGITS[byte & 15]
    try:
        yield literal
    finally:
        wipe(literal)


def export_copy(conn: Any, path: Path, key: bytes | bytearray) -> None:
    """Write the whole of ``conn``'s database to the new file ``path``, encrypted with ``key`` (SQLCipher's
    export: for backups and rekeying). A damaged page met on the way is a ``VaultDamagedError``."""
    remember_folder(path.parent)
    with damage_guard():
        with raw_key(key) as literal:
            conn.execute("ATTACH DATABASE ? AS exported KEY ?", (str(path), literal))
        try:
            conn.execute("SELECT sqlcipher_export('exported')")
        finally:
            conn.execute("DETACH DATABASE exported")


def apply_pragmas(conn: Any, *, in_memory: bool) -> None:
    """The durability settings every connection uses (also used for the plain-SQLite benchmark baseline)."""
    conn.execute("PRAGMA temp_store = MEMORY")
    # Every page SQLCipher reads from disk is decrypted and HMAC-checked; a page cache big enough for
    # the indexes and recent records keeps that cost off the common paths (see bench/vault.py).
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    if not in_memory:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


@cache
def _connection_class() -> type:
    """SQLCipher's connection with room for a ``guard``: ``guard(conn)`` runs first in every ``transaction``.

    A signed-in session sets it, so every action through its connection (whichever area's code runs it)
    first checks that the vault file is still the one opened and that the account is still active.
    """
    import sqlcipher3

    class VaultConnection(sqlcipher3.Connection):
        guard: Callable[[Any], None] | None = None

    return VaultConnection


def connect(path: Path | str, key: bytes | bytearray, *, create: bool = True) -> Any:
    """Open a SQLCipher 4 database keyed with ``key`` and check the key is right.

    ``path`` may be ``":memory:"`` (the demo vault). With ``create=False`` a missing file is an error
    instead of a new empty database. The connection is in autocommit mode: callers group each user
    action in one explicit transaction (see ``transaction``).
    """
    import sqlcipher3

    if len(key) != KEY_BYTES:
        raise ValueError("the master key must be 32 bytes")
    in_memory = str(path) == MEMORY
    if in_memory:
        conn = sqlcipher3.connect(MEMORY, isolation_level=None, check_same_thread=False, factory=_connection_class(),
                                  cached_statements=STATEMENT_CACHE)
    else:
        mode = "rwc" if create else "rw"
        remember_folder(Path(path).parent)
        uri = Path(path).resolve().as_uri() + f"?mode={mode}"
        try:
            conn = sqlcipher3.connect(
                uri, uri=True, isolation_level=None, check_same_thread=False, factory=_connection_class(),
                cached_statements=STATEMENT_CACHE,
            )
        except sqlcipher3.OperationalError as exc:
            raise VaultDamagedError(_("{file} cannot be opened ({problem})").format(file=path, problem=exc)) from exc
    try:
        # Damage is reported through our own messages; SQLCipher's stderr log would only add noise.
        conn.execute("PRAGMA cipher_log_level = NONE")
        with raw_key(key) as literal:
            conn.set_key(literal)
        conn.execute("PRAGMA cipher_memory_security = ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        apply_pragmas(conn, in_memory=in_memory)
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        fault = _environment_fault(exc)
        if fault is not None:
            raise fault from exc
        raise VaultOpenError(
            _(
                "{file} cannot be opened with this vault's key: the file is damaged or belongs to another "
                "vault ({problem}). Nothing has been changed."
            ).format(file=path, problem=exc)
        ) from exc
    return conn


def _environment_fault(exc: BaseException) -> VaultError | None:
    """The plain error for a fault around a sound vault (busy, disk full, I/O), or ``None`` for anything else."""
    text = str(exc).lower()
    if "database is locked" in text or "database is busy" in text or "database table is locked" in text:
        return VaultBusyError(
            _(
                "the vault is busy: another copy of Signpost is writing to it, so nothing was written. Try again "
                "in a moment. If this keeps happening, ask IT to check for a copy of Signpost that has stopped "
                "responding."
            )
        )
    if says_full(exc):
        return full_disk_error(exc)
    if "disk i/o error" in text:
        if nearly_full_folder() is not None:
            return full_disk_error(exc)
        return VaultIOError(
            _(
                "the vault's files could not be read or written ({problem}): another program may have removed a "
                "vault file or made it read-only, or the drive or network share holding the vault may have been "
                "disconnected. Nothing more has been written. Close every copy of Signpost that uses this vault and "
                "try again; if it happens again, ask IT to check the vault folder and its permissions."
            ).format(problem=exc)
        )
    return None


def _is_damage(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(sign in text for sign in ("not a database", "malformed", "corrupt", "hmac"))


@contextmanager
def damage_guard() -> Iterator[None]:
    """Turn SQLCipher's page-check failures into a ``VaultDamagedError`` with advice instead of a crash."""
    import sqlcipher3

    try:
        yield
    except sqlcipher3.DatabaseError as exc:
        if isinstance(exc, sqlcipher3.IntegrityError):
            raise
        fault = _environment_fault(exc)
        if fault is not None:
            raise fault from exc
        if "readonly" in str(exc).lower():
            # SQLCipher also stops all writes after a page fails its HMAC check.
            raise _no_more_changes(exc) from exc
        if not _is_damage(exc):
            raise
        raise VaultDamagedError(
            _(
                "the vault database is damaged ({problem}). Nothing more has been written. Restore the latest "
                "backup with 'signpost restore', which keeps the damaged vault aside."
            ).format(problem=exc)
        ) from exc


def _no_more_changes(problem: object) -> VaultDamagedError:
    return VaultDamagedError(
        _(
            "the vault database accepts no more changes ({problem}): a damaged page was found, or the file "
            "was made read-only. Nothing more has been written. If it is damaged, restore the latest backup "
            "with 'signpost restore', which keeps the damaged vault aside."
        ).format(problem=problem)
    )


def damaged_pages(conn: Any) -> list[str]:
    """One line per page of ``conn``'s database that fails SQLCipher's check, or the error that stopped the check;
    empty when every page passes. Reads the whole database."""
    try:
        with damage_guard():
            return [f"SQLCipher: {row[0]}" for row in conn.execute("PRAGMA cipher_integrity_check")]
    except VaultError as exc:
        return [str(exc)]


@contextmanager
def transaction(conn: Any) -> Iterator[Any]:
    """``with transaction(conn):`` one user action, committed whole or rolled back whole.

    The connection's ``guard`` (see ``_connection_class``) runs inside the transaction, before the action.
    """
    with damage_guard():
        conn.execute("BEGIN IMMEDIATE")
        try:
            guard = getattr(conn, "guard", None)
            if guard is not None:
                guard(conn)
            yield conn
            _commit(conn)
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def _commit(conn: Any) -> None:
    try:
        conn.execute("COMMIT")
    except MemoryError as exc:
        # Once a page has failed its check, SQLCipher encrypts no more pages, and SQLite reports each page it
        # could not write as a lack of memory: look for the damaged page before calling it that.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if not damaged_pages(conn):
            raise
        raise _no_more_changes(_("a page could not be encrypted")) from exc
