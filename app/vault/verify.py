"""The self-check behind ``signpost verify``: SQLCipher page HMACs, SQLite structure, the audit chain."""

from __future__ import annotations

from app.records import audit
from app.vault.database import damage_guard, transaction
from app.vault.errors import VaultError
from app.vault.session import VaultSession


def vault_problems(session: VaultSession) -> list[str]:
    """Every problem found, as plain sentences; empty when the vault is sound. The check is audited."""
    conn = session.conn
    problems: list[str] = []
    try:
        with damage_guard():
            problems += [f"SQLCipher: {row[0]}" for row in conn.execute("PRAGMA cipher_integrity_check")]
            problems += [f"SQLite: {row[0]}" for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
            problems += [str(problem) for problem in audit.verify_chain(conn)]
    except VaultError as exc:
        problems.append(str(exc))
    try:
        with transaction(conn):
            audit.append(conn, session.user.name, audit.VERIFY, detail=f"{len(problems)} problem(s)")
    except VaultError as exc:
        problems.append(str(exc))
    return problems
