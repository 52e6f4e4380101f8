"""A session left open on a shared PC while the vault changes under it: restored, re-keyed, account disabled, busy.

Each copy is a real SQLCipher connection on the same files, as two app copies on one ward PC are.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from vault_support import (
    ADMIN,
    ADMIN_PASSWORD,
    another_copy_writing,
    cost,
    disable_elsewhere,
    draft,
    file_digests,
    new_vault,
)

from app.records import audit
from app.records.screenings import get_screening, list_screenings, save_screening
from app.vault import users
from app.vault.attempts import AttemptLog
from app.vault.backup import restore_backup, write_backup
from app.vault.errors import (
    AccountDisabledError,
    PasswordResetError,
    VaultBusyError,
    VaultError,
    VaultReplacedError,
)
from app.vault.layout import VaultLayout
from app.vault.rekey import rekey_vault
from app.vault.session import VaultSession, sign_in

NURSE, NURSE_PASSWORD = "nurse", "kettle-Orbit-7"
BOSS, BOSS_PASSWORD = "boss", "ward 5 night"


def signed_in(data_dir: Path, name: str, password: str) -> tuple[VaultSession, list[VaultError]]:
    """A session and the refusals it reported through ``on_refused`` (what the app acts on)."""
    session = sign_in(data_dir, name, password, cost(), daily_backup=False)
    told: list[VaultError] = []
    session.on_refused = told.append
    return session, told


def add_account(admin: VaultSession, name: str, role: str, password: str) -> None:
    """An account with its own password (the temporary one is changed at once, as at first sign-in)."""
    users.add_user(admin, name, role, "temporary-pass-1")
    session = sign_in(admin.layout.data_dir, name, "temporary-pass-1", cost(), daily_backup=False)  # type: ignore[union-attr]
    users.change_own_password(session, "temporary-pass-1", password)
    session.close()


@pytest.fixture
def ward(data_dir: Path) -> tuple[Path, str]:
    """A vault with an admin, a second admin (boss) and a practitioner (nurse), and one saved screening."""
    admin, _ = new_vault(data_dir)
    add_account(admin, BOSS, "admin", BOSS_PASSWORD)
    add_account(admin, NURSE, "practitioner", NURSE_PASSWORD)
    ref = save_screening(admin, draft())
    admin.close()
    return data_dir, ref


def live_refs(data_dir: Path) -> set[str]:
    session = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    try:
        return {summary.ref for summary in list_screenings(session)}
    finally:
        session.close()


def test_a_copy_open_during_a_restore_saves_nothing_anywhere_and_says_to_sign_in_again(
    ward: tuple[Path, str], tmp_path: Path
) -> None:
    data_dir, ref = ward
    nurse, told = signed_in(data_dir, NURSE, NURSE_PASSWORD)
    admin, _ = signed_in(data_dir, ADMIN, ADMIN_PASSWORD)
    write_backup(admin, tmp_path / "b1.spbackup")
    admin.close()
    restore_backup(data_dir, tmp_path / "b1.spbackup", ADMIN, ADMIN_PASSWORD, force=True)
    aside = next(path for path in data_dir.iterdir() if path.name.startswith("replaced-"))
    before = file_digests(aside)

    with pytest.raises(VaultReplacedError) as caught:
        save_screening(nurse, draft())
    assert "replaced while you were signed in" in str(caught.value) and "Sign in again" in str(caught.value)
    assert told == [caught.value]  # the app is told once, and locks
    # Reading is refused too: the moved-aside copy is not the vault any more.
    with pytest.raises(VaultReplacedError):
        get_screening(nurse, ref)
    with pytest.raises(VaultReplacedError):
        list_screenings(nurse)
    nurse.lock()
    assert nurse.conn is None and set(nurse.master_key) == {0}

    assert file_digests(aside) == before  # nothing went into the old copy, not even the lock's audit entry
    assert live_refs(data_dir) == {ref}


def test_a_copy_open_during_a_rekey_is_told_to_sign_in_again_not_that_the_vault_is_damaged(
    ward: tuple[Path, str],
) -> None:
    data_dir, ref = ward
    boss, told = signed_in(data_dir, BOSS, BOSS_PASSWORD)
    admin = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    rekey_vault(admin, ADMIN_PASSWORD)

    for action in (
        lambda: users.add_user(boss, "eve", "practitioner", "temporary-pass-1"),
        lambda: users.change_own_password(boss, BOSS_PASSWORD, "a new pass phrase"),
        lambda: save_screening(boss, draft()),
    ):
        with pytest.raises(VaultReplacedError) as caught:
            action()
        message = str(caught.value)
        assert "Sign in again" in message and "different vault" not in message and "damaged" not in message
    assert len(told) == 1 and isinstance(told[0], VaultReplacedError)
    boss.close()

    assert live_refs(data_dir) == {ref}
    admin = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    assert "eve" not in {user.name for user in users.list_users(admin)}
    admin.close()
    assert AttemptLog.load(VaultLayout(data_dir).attempts).by_name == {}  # the refused change was no wrong try


def test_a_disabled_practitioners_open_session_can_no_longer_save_or_read(ward: tuple[Path, str]) -> None:
    data_dir, ref = ward
    nurse, told = signed_in(data_dir, NURSE, NURSE_PASSWORD)
    disable_elsewhere(data_dir, NURSE)

    with pytest.raises(AccountDisabledError) as caught:
        save_screening(nurse, draft())
    assert "'nurse' has been disabled by an administrator" in str(caught.value)
    assert told == [caught.value]
    with pytest.raises(AccountDisabledError):
        get_screening(nurse, ref)
    with pytest.raises(AccountDisabledError):
        list_screenings(nurse)
    nurse.close()
    assert live_refs(data_dir) == {ref}
    admin = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    nurse_entries = [entry.action for entry in audit.entries(admin.conn) if entry.actor == NURSE]
    admin.close()
    # Newest first: the refused save and reads left nothing; the sign-out is still recorded.
    assert nurse_entries[0] == audit.SIGN_OUT
    assert audit.SAVE not in nurse_entries and audit.VIEW not in nurse_entries


def test_a_password_reset_elsewhere_ends_the_open_session_which_signs_in_with_the_temporary_one(
    ward: tuple[Path, str]
) -> None:
    """The reset said "their current password stops working at once", but a copy left signed in went on saving."""
    data_dir, ref = ward
    nurse, told = signed_in(data_dir, NURSE, NURSE_PASSWORD)
    boss = sign_in(data_dir, BOSS, BOSS_PASSWORD, cost(), daily_backup=False)
    users.reset_password(boss, NURSE, "temporary-pass-2")
    boss.close()
    with pytest.raises(PasswordResetError) as caught:
        save_screening(nurse, draft())
    assert "'nurse' has been changed or reset since it signed in here" in str(caught.value)
    assert "nothing more has been read or written" in str(caught.value)
    assert told == [caught.value]
    nurse.close()
    assert live_refs(data_dir) == {ref}
    again = sign_in(data_dir, NURSE, "temporary-pass-2", cost(), daily_backup=False)
    users.change_own_password(again, "temporary-pass-2", "kettle-Orbit-8")
    save_screening(again, draft())  # its own change of password does not end its own session
    again.close()


def test_a_reset_ends_the_session_even_once_the_temporary_password_has_been_changed_elsewhere(
    ward: tuple[Path, str]
) -> None:
    """Checked by the must-change flag, a session left open went on once the nurse, on another PC, had replaced
    the temporary password."""
    data_dir, _ref = ward
    left_open, told = signed_in(data_dir, NURSE, NURSE_PASSWORD)
    boss = sign_in(data_dir, BOSS, BOSS_PASSWORD, cost(), daily_backup=False)
    users.reset_password(boss, NURSE, "temporary-pass-2")
    boss.close()
    elsewhere = sign_in(data_dir, NURSE, "temporary-pass-2", cost(), daily_backup=False)
    users.change_own_password(elsewhere, "temporary-pass-2", "kettle-Orbit-8")
    elsewhere.close()
    with pytest.raises(PasswordResetError):
        left_open.check_usable()
    assert len(told) == 1
    left_open.close()


def test_a_disabled_admin_cannot_add_a_user_from_a_session_left_open(ward: tuple[Path, str]) -> None:
    data_dir, _ = ward
    boss, told = signed_in(data_dir, BOSS, BOSS_PASSWORD)
    disable_elsewhere(data_dir, BOSS)

    with pytest.raises(AccountDisabledError):
        users.add_user(boss, "eve", "admin", "temporary-pass-1")
    with pytest.raises(AccountDisabledError):
        users.reset_password(boss, NURSE, "temporary-pass-2")
    with pytest.raises(AccountDisabledError):
        users.list_users(boss)
    assert len(told) == 1
    boss.close()

    from app.vault.keyslots import load_keyslots

    slots = load_keyslots(VaultLayout(data_dir).keyslots)
    assert slots.user_slot("eve") is None and slots.user_slot(BOSS) is None  # no way back in
    nurse = sign_in(data_dir, NURSE, NURSE_PASSWORD, cost(), daily_backup=False)  # her password was not reset
    assert not nurse.user.must_change_password
    nurse.close()
    with pytest.raises(VaultError):
        sign_in(data_dir, "eve", "temporary-pass-1", cost(), daily_backup=False)


def test_a_disabled_account_changing_its_password_is_told_it_is_disabled_and_no_wrong_try_counts(
    ward: tuple[Path, str],
) -> None:
    data_dir, _ = ward
    nurse, _ = signed_in(data_dir, NURSE, NURSE_PASSWORD)
    disable_elsewhere(data_dir, NURSE)

    with pytest.raises(AccountDisabledError) as caught:
        users.change_own_password(nurse, NURSE_PASSWORD, "a new pass phrase")
    assert "not right" not in str(caught.value) and "disabled by an administrator" in str(caught.value)
    nurse.close()
    assert AttemptLog.load(VaultLayout(data_dir).attempts).by_name == {}


def test_a_vault_held_by_another_copy_past_the_wait_is_busy_and_nothing_is_lost(ward: tuple[Path, str]) -> None:
    data_dir, ref = ward
    admin, told = signed_in(data_dir, ADMIN, ADMIN_PASSWORD)
    with another_copy_writing(admin):  # another copy in the middle of a long write
        for action in (lambda: save_screening(admin, draft()),
                       lambda: users.add_user(admin, "eve", "practitioner", "temporary-pass-1")):
            with pytest.raises(VaultBusyError) as caught:
                action()
            assert "the vault is busy" in str(caught.value) and "Try again in a moment" in str(caught.value)
            assert "nothing was written" in str(caught.value)
    assert told == []  # busy is no reason to lock
    second = save_screening(admin, draft())  # once the other copy is done, the same session saves
    admin.close()
    assert live_refs(data_dir) == {ref, second}


def test_a_vault_folder_gone_from_under_a_session_is_called_unreachable_not_replaced(
    ward: tuple[Path, str], tmp_path: Path
) -> None:
    """An unmounted share or a moved folder: nothing was restored, so IT is not sent looking for a restore."""
    data_dir, _ref = ward
    nurse, told = signed_in(data_dir, NURSE, NURSE_PASSWORD)
    away = tmp_path / "unmounted"
    data_dir.rename(away)
    try:
        with pytest.raises(VaultError, match="cannot be found: the drive or network share") as refused:
            save_screening(nurse, draft())
        assert not isinstance(refused.value, VaultReplacedError) and told == [refused.value]
    finally:
        away.rename(data_dir)
        nurse.close()
