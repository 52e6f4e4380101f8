"""Opening the SQLCipher database with a raw 256-bit key, hardened pragmas and current schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.errors import SignpostError

KEY_BYTES = 32


class VaultOpenError(SignpostError):
    """The database could not be opened: wrong key, damaged file, or a newer schema."""


def connect(path: Path | str, key: bytes) -> Any:
    """Open (or create) a SQLCipher 4 database keyed with ``key`` and check the key is right.

    ``path`` may be ``":memory:"`` (the demo vault). The connection is in autocommit mode: callers
    group each user action in one explicit transaction (see ``transaction``).
    """
    import sqlcipher3

    if len(key) != KEY_BYTES:
        raise ValueError("the master key must be 32 bytes")
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("PRAGMA cipher_memory_security = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if str(path) != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        raise VaultOpenError(f"{path}: wrong key or damaged database file ({exc})") from exc
    return conn


class transaction:  # noqa: N801 - used as a context manager, reads as a statement
    """``with transaction(conn):`` one user action, committed whole or rolled back whole."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def __enter__(self) -> Any:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")
