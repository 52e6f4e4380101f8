"""Lock and sign-out while another copy holds the vault: their audit entry is tried again while the key is held."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from vault_support import ADMIN, ADMIN_PASSWORD, another_copy_writing, cost, fill_the_vault_disk, new_vault

from app.records import audit
from app.vault.database import connect
from app.vault.session import VaultSession, late_detail, sign_in


@contextmanager
def another_copy_writing_for(session: VaultSession, seconds: float) -> Iterator[None]:
    """Another copy holds the vault's write lock for ``seconds``, then lets go; ``session`` waits 0.1 s per try."""
    assert session.layout is not None
    session.conn.execute("PRAGMA busy_timeout = 100")
    other = connect(session.layout.db, session.master_key, create=False)
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(seconds, lambda: other.execute("ROLLBACK"))
    release.start()
    try:
        yield
    finally:
        release.join()
        other.close()


def newest(data_dir: Path, count: int = 3) -> list[audit.AuditEntry]:
    reader = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    try:
        return audit.entries(reader.conn, limit=count + 1)[1:]  # without the reader's own sign-in
    finally:
        reader.close()


def test_a_lock_tries_again_while_the_key_is_held_and_says_when_it_happened(data_dir: Path) -> None:
    session, _key = new_vault(data_dir)
    with another_copy_writing_for(session, 1.5):  # longer than one try waits, and than an entry may be late
        missed = session.lock(patience=10)
    assert missed is None
    lock = newest(data_dir, 1)[0]
    assert (lock.actor, lock.action) == (ADMIN, audit.LOCK)
    # Written a while after the lock: its time, not the write's, is in the entry.
    at = lock.detail.removeprefix("recorded late: at ").split(" ")[0]
    assert lock.detail == late_detail(at) and at <= lock.at
    assert session.conn is None and not any(session.master_key)


def test_a_lock_written_at_once_says_nothing_more(data_dir: Path) -> None:
    session, _key = new_vault(data_dir)
    assert session.lock(patience=10) is None
    lock = newest(data_dir, 1)[0]
    assert (lock.actor, lock.action, lock.detail) == (ADMIN, audit.LOCK, "")


def test_a_lock_when_the_vault_is_out_of_reach_is_handed_back(data_dir: Path, tmp_path: Path) -> None:
    session, _key = new_vault(data_dir)
    assert session.layout is not None
    away = tmp_path / "share-gone"
    data_dir.rename(away)  # the share holding the vault disconnected
    try:
        assert session.lock(patience=1) == audit.LOCK  # kept for the next sign-in, not dropped
        assert session.conn is None and not any(session.master_key)
    finally:
        away.rename(data_dir)
    assert [e.action for e in newest(data_dir, 1)] == [audit.SIGN_IN]


def test_a_sign_out_still_busy_after_its_patience_is_handed_back_and_the_key_is_dropped(data_dir: Path) -> None:
    session, _key = new_vault(data_dir)
    with another_copy_writing(session):
        missed = session.close(patience=0.3)
    assert missed == audit.SIGN_OUT
    assert session.conn is None and not any(session.master_key)
    assert [e.action for e in newest(data_dir, 1)] == [audit.SIGN_IN]  # no sign-out written


def test_a_late_entry_tries_again_while_the_vault_is_busy(data_dir: Path) -> None:
    session, _key = new_vault(data_dir)
    with another_copy_writing_for(session, 0.4):
        session.record_late("nurse", audit.LOCK, "2026-11-26T10:02:00Z", patience=10)
    session.close()
    late = newest(data_dir, 2)[1]
    assert (late.actor, late.action) == ("nurse", audit.LOCK)
    assert late.detail == late_detail("2026-11-26T10:02:00Z")


def test_a_lock_that_waited_within_one_try_says_when_it_happened(data_dir: Path) -> None:
    """Another copy's write shorter than the busy timeout: the entry is written in the first try, after the wait."""
    session, _key = new_vault(data_dir)  # its busy timeout (5 s) outlasts the 1.5 s hold below
    assert session.layout is not None
    other = connect(session.layout.db, session.master_key, create=False)
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(1.5, lambda: other.execute("ROLLBACK"))
    release.start()
    try:
        assert session.lock() is None  # no patience: one try only
    finally:
        release.join()
        other.close()
    lock = newest(data_dir, 1)[0]
    assert lock.action == audit.LOCK and lock.detail.startswith("recorded late: at ")


def test_a_lock_when_the_vaults_disk_is_full_is_handed_back(data_dir: Path) -> None:
    # Its entry used to be dropped without a trace: a full disk was a plain VaultError, taken for damage.
    session, _key = new_vault(data_dir)
    fill_the_vault_disk(session)
    assert session.lock(patience=1) == audit.LOCK  # kept for the next sign-in, not dropped
    assert session.conn is None and not any(session.master_key)
    assert newest(data_dir, 1)[0].action == audit.VERIFY  # the last filler: no lock entry after it
