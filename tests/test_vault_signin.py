"""Signing in against real vault files: every failure gives a clear message and overwrites nothing."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

import pytest
from vault_support import ADMIN, ADMIN_PASSWORD, cost, draft, file_digests, new_vault

from app.records import audit
from app.records.screenings import list_screenings, save_screening
from app.vault import users
from app.vault.database import connect
from app.vault.errors import (
    AccountDisabledError,
    AccountError,
    NoVaultError,
    SignInThrottledError,
    VaultBusyError,
    VaultDamagedError,
    VaultError,
    VaultOpenError,
    WrongPasswordError,
)
from app.vault.migrations import NewerSchemaError
from app.vault.session import VaultSession, open_demo_vault, recover, sign_in

PAGE = 4096


@pytest.fixture
def vault(data_dir: Path) -> Path:
    """A closed vault with one saved screening and today's backup already made."""
    session, _ = new_vault(data_dir)
    save_screening(session, draft())
    session.close()
    sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost()).close()
    return data_dir


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_sign_in_opens_the_vault_as_the_account(vault: Path) -> None:
    session = sign_in(vault, "  ALICE ", ADMIN_PASSWORD, cost())
    assert (session.user.name, session.user.role, session.user.must_change_password) == (ADMIN, "admin", False)
    assert len(list_screenings(session)) == 1
    session.close()
    assert session.conn is None and set(session.master_key) == {0}


def test_wrong_password_is_refused_and_the_vault_is_untouched(vault: Path) -> None:
    before = file_digests(vault)
    with pytest.raises(WrongPasswordError, match="user name or password is not right"):
        sign_in(vault, ADMIN, "not the password", cost())
    after = file_digests(vault)
    assert after.pop("signin-attempts.json") != before.pop("signin-attempts.json")
    assert after == before


def test_repeated_wrong_passwords_grow_the_delay_and_are_audited(vault: Path) -> None:
    clock = Clock()
    waits = []
    for _ in range(6):
        with pytest.raises(WrongPasswordError) as failure:
            sign_in(vault, ADMIN, "guess", cost(), delay_base_seconds=10, clock=clock)
        waits.append(failure.value.wait_seconds)
        clock.now += failure.value.wait_seconds
    assert waits == [0, 0, 10, 20, 40, 80]
    with pytest.raises(WrongPasswordError):
        sign_in(vault, ADMIN, "guess", cost(), delay_base_seconds=10, clock=clock)
    # While the wait runs even the right password is not tried.
    with pytest.raises(SignInThrottledError, match="wait 160 seconds") as throttled:
        sign_in(vault, ADMIN, ADMIN_PASSWORD, cost(), delay_base_seconds=10, clock=clock)
    assert throttled.value.wait_seconds == 160
    clock.now += 160
    session = sign_in(vault, ADMIN, ADMIN_PASSWORD, cost(), delay_base_seconds=10, clock=clock)
    failed = [e for e in audit.entries(session.conn) if e.action == audit.SIGN_IN_FAILED]
    assert [(e.actor, e.detail.split()[0]) for e in failed] == [(ADMIN, "7")]
    session.close()
    assert json.loads((vault / "signin-attempts.json").read_text()) == {}


def test_wrong_passwords_to_confirm_an_open_session_are_throttled_and_audited(vault: Path) -> None:
    # E.g. the password asked to show set-up's recovery key again, or the current one to change it.
    session = sign_in(vault, ADMIN, ADMIN_PASSWORD, cost())
    try:
        waits = []
        for _ in range(3):
            with pytest.raises(WrongPasswordError) as refused:
                session.confirm_password("a guess", "not the password")
            waits.append(refused.value.wait_seconds)
        assert waits[:2] == [0.0, 0.0] and waits[2] > 0
        with pytest.raises(SignInThrottledError):
            session.confirm_password(ADMIN_PASSWORD, "not the password")  # even the right one, until the wait ends
        failed = [e for e in audit.entries(session.conn) if e.action == audit.SIGN_IN_FAILED]
        assert len(failed) == 3 and all(e.actor == ADMIN for e in failed)
    finally:
        session.close()


def test_unknown_names_are_counted_without_writing_what_was_typed(vault: Path) -> None:
    with pytest.raises(WrongPasswordError):
        sign_in(vault, "Maria Quetzal-Ortega", "whatever", cost())
    text = (vault / "signin-attempts.json").read_text()
    assert "quetzal" not in text.lower()
    session = sign_in(vault, ADMIN, ADMIN_PASSWORD, cost())
    assert [e.actor for e in audit.entries(session.conn) if e.action == audit.SIGN_IN_FAILED] == ["*unknown*"]
    session.close()


def test_mistyped_names_stop_slowing_sign_in_once_someone_signs_in(vault: Path) -> None:
    for _ in range(3):
        with pytest.raises(WrongPasswordError):
            sign_in(vault, "no.such.person", "whatever", cost())
    with pytest.raises(SignInThrottledError):
        sign_in(vault, "another.typo", "whatever", cost())
    time.sleep(1.1)
    sign_in(vault, ADMIN, ADMIN_PASSWORD, cost()).close()
    assert "*unknown*" not in json.loads((vault / "signin-attempts.json").read_text())
    with pytest.raises(WrongPasswordError) as caught:
        sign_in(vault, "no.such.person", "whatever", cost())
    assert caught.value.wait_seconds == 0


def test_disabled_account_cannot_sign_in_and_loses_its_key_slot(vault: Path) -> None:
    admin = sign_in(vault, ADMIN, ADMIN_PASSWORD, cost())
    users.add_user(admin, "bob", "practitioner", "temporary-1")
    users.disable_user(admin, "bob")
    assert admin.load_slots().user_slot("bob") is None
    with pytest.raises(AccountError, match="'bob' is already disabled"):
        users.disable_user(admin, "bob")
    admin.close()
    with pytest.raises(WrongPasswordError) as caught:
        sign_in(vault, "bob", "temporary-1", cost())
    # Without its slot a disabled account looks like any wrong password: the message covers it, for any name.
    assert "If your account has been disabled, an administrator must reset its password" in str(caught.value)


def test_account_disabled_in_the_database_is_refused_even_with_an_old_slot(vault: Path) -> None:
    admin = sign_in(vault, ADMIN, ADMIN_PASSWORD, cost())
    users.add_user(admin, "bob", "practitioner", "temporary-1")
    old_slots = (vault / "keyslots.json").read_bytes()
    users.disable_user(admin, "bob")
    admin.close()
    (vault / "keyslots.json").write_bytes(old_slots)  # e.g. an old copy put back by hand
    with pytest.raises(AccountDisabledError, match="disabled"):
        sign_in(vault, "bob", "temporary-1", cost())


def test_new_account_must_change_its_password_first(vault: Path) -> None:
    admin = sign_in(vault, ADMIN, ADMIN_PASSWORD, cost())
    users.add_user(admin, "bob", "practitioner", "temporary-1")
    admin.close()
    bob = sign_in(vault, "bob", "temporary-1", cost())
    assert bob.user.must_change_password
    with pytest.raises(WrongPasswordError):
        users.change_own_password(bob, "wrong-old-pw", "bobs-own-password")
    users.change_own_password(bob, "temporary-1", "bobs-own-password")
    assert not bob.user.must_change_password
    bob.close()
    with pytest.raises(WrongPasswordError):
        sign_in(vault, "bob", "temporary-1", cost())
    again = sign_in(vault, "bob", "bobs-own-password", cost())
    assert not again.user.must_change_password
    again.close()


def test_corrupted_keyslots_file_is_reported_and_kept(vault: Path) -> None:
    path = vault / "keyslots.json"
    path.write_bytes(path.read_bytes()[:200])
    before = file_digests(vault)
    with pytest.raises(VaultDamagedError, match="keyslots.json is damaged"):
        sign_in(vault, ADMIN, ADMIN_PASSWORD, cost())
    assert file_digests(vault) == before


def test_missing_database_is_reported_and_not_recreated(vault: Path) -> None:
    (vault / "signpost.db").unlink()
    before = file_digests(vault)
    with pytest.raises(VaultDamagedError, match="signpost.db is missing"):
        sign_in(vault, ADMIN, ADMIN_PASSWORD, cost())
    assert not (vault / "signpost.db").exists()
    assert file_digests(vault) == before


def test_no_vault_yet_says_how_to_set_one_up(data_dir: Path) -> None:
    with pytest.raises(NoVaultError, match="signpost init"):
        sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost())
    assert list(data_dir.iterdir()) == []


def test_database_from_a_newer_schema_is_refused_unchanged(vault: Path) -> None:
    session = sign_in(vault, ADMIN, ADMIN_PASSWORD, cost())
    key = bytes(session.master_key)
    session.close()
    conn = connect(vault / "signpost.db", key)
    conn.execute("INSERT INTO schema_version (version, name) VALUES (999, '0999_future')")
    conn.close()
    before = file_digests(vault)
    with pytest.raises(NewerSchemaError, match="schema version 999"):
        sign_in(vault, ADMIN, ADMIN_PASSWORD, cost())
    assert file_digests(vault) == before


def test_keyslots_of_another_vault_are_refused(vault: Path, tmp_path: Path) -> None:
    other_dir = tmp_path / "other"
    other, _ = new_vault(other_dir)
    other.close()
    (vault / "keyslots.json").write_bytes((other_dir / "keyslots.json").read_bytes())
    before = file_digests(vault)
    with pytest.raises(VaultOpenError, match="another vault|different vault"):
        sign_in(vault, ADMIN, ADMIN_PASSWORD, cost())
    assert file_digests(vault) == before


def _flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x55
    path.write_bytes(bytes(data))


def test_flipped_byte_in_the_first_page_is_a_clear_error(vault: Path) -> None:
    _flip_byte(vault / "signpost.db", 100)
    before = file_digests(vault)
    with pytest.raises(VaultOpenError, match="damaged"):
        sign_in(vault, ADMIN, ADMIN_PASSWORD, cost())
    assert file_digests(vault) == before


def test_flipped_byte_in_a_later_page_is_caught_before_the_daily_backup_is_replaced(vault: Path) -> None:
    session = sign_in(vault, ADMIN, ADMIN_PASSWORD, cost())
    page = session.conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'screening_versions'").fetchone()[0]
    session.close()
    assert page > 1
    _flip_byte(vault / "signpost.db", (page - 1) * PAGE + 1000)
    for backup in (vault / "backups").iterdir():
        backup.unlink()  # so that this sign-in is the first of the day and reads every page
    before = file_digests(vault)
    with pytest.raises(VaultDamagedError, match="damaged"):
        sign_in(vault, ADMIN, ADMIN_PASSWORD, cost())
    assert file_digests(vault) == before


@pytest.mark.parametrize("emptied", [False, True], ids=["read", "written"])
def test_a_damaged_page_met_after_sign_in_is_a_clear_error_and_sign_out_still_works(vault: Path, emptied: bool) -> None:
    """The daily page check has already run today: the damage is met by an action reading the directory (or, when
    it is empty, seeding it), and SQLCipher then writes nothing more. SQLite reports the next write (a save, then
    sign-out's audit entry) as out of memory."""
    from app.directory.repository import list_services
    from app.directory.seed import seed_if_empty

    session = sign_in(vault, ADMIN, ADMIN_PASSWORD, cost())
    seed_if_empty(session.conn)
    page = session.conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'directory_service'").fetchone()[0]
    if emptied:
        session.conn.execute("DELETE FROM directory_service")  # the next sign-in's seeding writes there
    session.close()
    _flip_byte(vault / "signpost.db", (page - 1) * PAGE + 1000)
    session = sign_in(vault, ADMIN, ADMIN_PASSWORD, cost())  # not the first of the day: no page check
    with pytest.raises(VaultDamagedError, match="damaged"):
        if emptied:
            seed_if_empty(session.conn)
        else:
            list_services(session.conn)
    key = bytes(session.master_key)
    with pytest.raises(VaultDamagedError, match="damaged"):
        save_screening(session, draft())
    assert session.close() is None  # the entry is not written, and not left to be written late
    assert session.conn is None and not any(session.master_key)
    # Nothing written once the damage was met: the last audit entry is still this sign-in, and no screening.
    conn = connect(vault / "signpost.db", key, create=False)
    assert conn.execute("SELECT actor, action FROM audit ORDER BY id DESC LIMIT 1").fetchone() == (ADMIN, "sign_in")
    assert conn.execute("SELECT count(*) FROM screenings").fetchone()[0] == 1  # the fixture's one
    conn.close()


def test_a_damaged_users_page_is_a_clear_error_at_sign_in_and_for_verify(vault: Path, monkeypatch: pytest.MonkeyPatch,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    import io

    from app.cli import run

    session = sign_in(vault, ADMIN, ADMIN_PASSWORD, cost())
    page = session.conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'users'").fetchone()[0]
    session.close()
    _flip_byte(vault / "signpost.db", (page - 1) * PAGE + 1000)
    before = file_digests(vault)
    with pytest.raises(VaultDamagedError, match="damaged"):
        sign_in(vault, ADMIN, ADMIN_PASSWORD, cost())  # not the first of the day: met reading the account
    monkeypatch.setattr("sys.stdin", io.StringIO(ADMIN_PASSWORD + "\n"))
    assert run(["--data-dir", str(vault), "verify", "--user", ADMIN, "--password-stdin"]) == 1
    out = capsys.readouterr()
    assert f"SQLCipher: HMAC verification failed for page {page}" in out.out
    assert "restore the latest backup" in out.out and "Traceback" not in out.err
    assert file_digests(vault) == before


def test_a_signed_in_connection_has_the_security_and_durability_settings(vault: Path) -> None:
    session = sign_in(vault, ADMIN, ADMIN_PASSWORD, cost())
    try:
        def setting(name: str) -> object:
            return session.conn.execute(f"PRAGMA {name}").fetchone()[0]

        assert setting("cipher_memory_security") == "1"  # SQLCipher locks and wipes what it allocates
        assert setting("temp_store") == 2  # temporary tables and indexes in memory, never in a file
        assert setting("journal_mode") == "wal"
        assert setting("synchronous") == 2  # FULL: a save that returned survives a power cut
        assert setting("foreign_keys") == 1
        assert setting("cipher_hmac_algorithm") == "HMAC_SHA512"  # every page checked (SQLCipher 4's default)
    finally:
        session.close()


def test_demo_vault_writes_nothing_to_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    session = open_demo_vault()
    ref = save_screening(session, draft())
    assert [s.ref for s in list_screenings(session)] == [ref]
    assert session.demo and session.layout is None
    session.close()
    assert list(tmp_path.iterdir()) == []


def test_plain_sqlite_cannot_read_the_vault_but_the_key_can(vault: Path) -> None:
    with pytest.raises(sqlite3.DatabaseError):
        plain = sqlite3.connect(vault / "signpost.db")
        try:
            plain.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            plain.close()
    session = sign_in(vault, ADMIN, ADMIN_PASSWORD, cost())
    key = bytes(session.master_key)
    session.close()
    conn = connect(vault / "signpost.db", key, create=False)
    assert conn.execute("SELECT count(*) FROM screenings").fetchone()[0] == 1
    conn.close()
    assert os.stat(vault / "signpost.db").st_mode & 0o077 == 0


def test_recovery_key_tries_are_throttled_and_the_right_key_still_works_after_the_wait(data_dir: Path) -> None:
    session, recovery_key = new_vault(data_dir)
    session.close()
    wrong = "A" * 40
    for _ in range(3):
        with pytest.raises(WrongPasswordError, match="not the recovery key"):
            recover(data_dir, wrong, ADMIN, "a-new-password-1", cost())
    with pytest.raises(SignInThrottledError, match="wait 1 second before trying again"):
        recover(data_dir, recovery_key, ADMIN, "a-new-password-1", cost())
    time.sleep(1.1)
    recovered = recover(data_dir, recovery_key, ADMIN, "a-new-password-1", cost())
    assert recovered.user.must_change_password
    recovered.close()


def test_recover_keeps_a_key_slot_added_while_it_waited_for_the_vault(data_dir: Path) -> None:
    """Another copy adds an account (its slot written under the write lock) while recover waits for that lock."""
    import threading

    from app.vault import keyslots as ks

    session, recovery_key = new_vault(data_dir)
    keyslots = data_dir / "keyslots.json"
    session.conn.execute("BEGIN IMMEDIATE")  # the other copy's add_user transaction, still open
    outcome: list[object] = []
    worker = threading.Thread(
        target=lambda: outcome.append(recover(data_dir, recovery_key, ADMIN, "a-new-password-1", cost()))
    )
    worker.start()
    time.sleep(0.5)  # recover has read the slots and waits for the lock
    slots = ks.load_keyslots(keyslots)
    carol = ks.wrap(session.master_key, ks.password_bytes("carol-pass-1"), cost(), slots.vault_id, ks.USER, "carol")
    ks.save_keyslots(keyslots, slots.with_slot(carol))
    session.conn.execute("COMMIT")
    worker.join(10)
    session.close()
    recovered = outcome[0]
    assert isinstance(recovered, VaultSession)
    recovered.close()
    after = ks.load_keyslots(keyslots)
    assert after.user_slot("carol") is not None and after.recovery_slot() is not None
    assert set(ks.unwrap(after.user_slot(ADMIN), ks.password_bytes("a-new-password-1"), after.vault_id)) != {0}


def test_a_vault_file_removed_under_an_open_copy_is_not_called_a_full_disk(vault: Path) -> None:
    holder = sign_in(vault, ADMIN, ADMIN_PASSWORD, cost())
    save_screening(holder, draft())
    (vault / "signpost.db-wal").unlink()  # e.g. a clean-up tool, while this copy holds the vault
    try:
        with pytest.raises(VaultError) as caught:
            sign_in(vault, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    finally:
        holder.discard()
    message = str(caught.value)
    assert "could not be read or written" in message and "Close every copy of Signpost" in message
    assert "full" not in message and "free some space" not in message


def test_signing_in_while_another_copy_holds_the_vault_past_the_wait_says_busy(vault: Path) -> None:
    holder = sign_in(vault, ADMIN, ADMIN_PASSWORD, cost())
    holder.conn.execute("BEGIN IMMEDIATE")  # a long write in another copy (the sign-in's audit entry must wait)
    try:
        with pytest.raises(VaultBusyError) as caught:
            sign_in(vault, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    finally:
        holder.conn.execute("ROLLBACK")
        holder.close()
    assert "the vault is busy" in str(caught.value) and "nothing was written" in str(caught.value)
    sign_in(vault, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False).close()
