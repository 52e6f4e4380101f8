"""Numbered SQL migrations (``app/vault/migrations/NNNN_name.sql``) applied in one transaction.

They run with foreign keys off, as SQLite's table-rebuild procedure needs, and every reference is checked
before the commit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import SignpostError
from app.i18n import _
from app.vault.database import transaction
from app.vault.errors import VaultError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class NewerSchemaError(VaultError):
    """The database was written by a newer Signpost; opening it could damage it."""


@dataclass(frozen=True)
class Migration:
    """One numbered schema step."""

    version: int
    name: str
    sql: str


def available_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    found = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise SignpostError(f"{path}: migration files are named NNNN_name.sql")
        found.append(Migration(int(match.group(1)), path.stem, path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise SignpostError(f"{directory}: migrations must be numbered 0001, 0002, ... without gaps")
    return found


def schema_version(conn: Any) -> int:
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'").fetchone()
    if not exists:
        return 0
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(conn: Any, directory: Path = MIGRATIONS_DIR) -> int:
    """Bring the schema up to date in a single transaction; returns the new version.

    Refuses (``NewerSchemaError``) a database whose schema is newer than this program knows.
    """
    migrations = available_migrations(directory)
    current = schema_version(conn)
    latest = migrations[-1].version if migrations else 0
    if current > latest:
        raise NewerSchemaError(
            _(
                "the database uses schema version {current}, but this version of Signpost knows only up to "
                "{latest}: install the newer Signpost that wrote it. Nothing has been changed."
            ).format(current=current, latest=latest)
        )
    pending = [m for m in migrations if m.version > current]
    if not pending:
        return current
    # SQLite's procedure for rebuilding a table: foreign keys off (it cannot change inside a transaction),
    # then every reference checked before the commit, so a migration cannot leave a dangling one.
    enforced = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        with transaction(conn):
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT (datetime('now')))"
            )
            for migration in pending:
                for statement in _statements(migration.sql):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_version (version, name) VALUES (?, ?)", (migration.version, migration.name)
                )
            dangling = conn.execute("PRAGMA foreign_key_check").fetchone()
            if dangling is not None:
                raise VaultError(
                    _("updating the database schema would leave a row of {table} pointing at a missing row of "
                      "{parent}. Nothing has been changed.").format(table=dangling[0], parent=dangling[2])
                )
    finally:
        conn.execute(f"PRAGMA foreign_keys = {'ON' if enforced else 'OFF'}")
    return latest


def _statements(sql: str) -> list[str]:
    """Split a migration into statements; ``complete_statement`` keeps a trigger body whole."""
    import sqlite3

    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
