"""Helpers shared by the vault, records and audit tests: a real vault on disk and screening drafts."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import ALL_NO

from app.config import Argon2Cost, load_config
from app.records.draft import ScreeningDraft
from app.vault.session import VaultSession, create_vault, sign_in

ADMIN = "alice"
ADMIN_PASSWORD = "correct horse battery"
INSTRUMENT = ("assist-lite-2013", "2013.1")


def cost() -> Argon2Cost:
    """The machine config's Argon2 cost (the test config lowers it)."""
    return load_config().argon2


def new_vault(data_dir: Path) -> tuple[VaultSession, str]:
    return create_vault(data_dir, ADMIN, ADMIN_PASSWORD, cost())


def answers(**overrides: str) -> dict[str, str]:
    """Complete answers: every substance 'no' unless overridden (follow-ups must be given with a 'yes')."""
    return {**ALL_NO, **overrides}


def draft(**fields: object) -> ScreeningDraft:
    values: dict[str, object] = {"answers": answers(), "setting": "ed"}
    values.update(fields)
    return ScreeningDraft(*INSTRUMENT, **values)  # type: ignore[arg-type]


def file_digests(directory: Path) -> dict[str, str]:
    """sha256 of every file under ``directory``: proves a failed action overwrote nothing. ``swap.lock`` is left
    out: it holds no data, only what its last holder was doing (each opening of the vault writes it)."""
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name != "swap.lock"
    }


def disable_elsewhere(data_dir: Path, name: str) -> None:
    """An administrator in another copy (or the command line) disables account ``name``."""
    from app.vault import users

    admin = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    try:
        users.disable_user(admin, name)
    finally:
        admin.close()


@contextmanager
def another_copy_writing(session: VaultSession) -> Iterator[None]:
    """Another copy holds the vault's write lock meanwhile; ``session`` waits 0.1 s for it (the app waits 5 s: the
    outcome is the same)."""
    from app.vault.database import connect

    assert session.layout is not None
    session.conn.execute("PRAGMA busy_timeout = 100")
    other = connect(session.layout.db, session.master_key, create=False)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def fill_the_vault_disk(session: VaultSession) -> None:
    """From now on ``session``'s database cannot grow, as on a full disk, and the audit table's last page is full:
    the next audit entry meets SQLite's "database or disk is full". (Only this connection is limited.)"""
    import sqlcipher3

    from app.records import audit

    conn = session.conn
    conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
    for size in (400, 100, 0):
        try:
            while True:
                audit.append(conn, session.user.name, audit.VERIFY, detail="x" * size)
        except sqlcipher3.OperationalError as exc:
            assert "database or disk is full" in str(exc)
