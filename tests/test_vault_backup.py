"""Backups are encrypted copies with their key slots; restore checks first and keeps the old vault aside."""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from pathlib import Path

import pytest
from vault_support import ADMIN, ADMIN_PASSWORD, cost, draft, file_digests, fill_the_vault_disk, new_vault

from app.records import audit
from app.records.screenings import list_screenings, save_screening
from app.vault import users
from app.vault.backup import DAILY_KEEP, daily_backups, make_daily_backup, restore_backup, write_backup
from app.vault.errors import VaultDamagedError, VaultError, VaultExistsError, WrongPasswordError
from app.vault.layout import VaultLayout
from app.vault.session import sign_in


def test_backup_restores_into_an_empty_directory(data_dir: Path, tmp_path: Path) -> None:
    session, _ = new_vault(data_dir)
    ref = save_screening(session, draft())
    (tmp_path / "out").mkdir()
    backup = tmp_path / "out" / "ward.spbackup"
    write_backup(session, backup)
    session.close()
    with zipfile.ZipFile(backup) as archive:
        assert sorted(archive.namelist()) == ["keyslots.json", "manifest.json", "signpost.db"]
        assert not archive.read("signpost.db").startswith(b"SQLite format 3")
    target = tmp_path / "restored"
    assert restore_backup(target, backup, ADMIN, ADMIN_PASSWORD) is None
    if os.name != "nt":
        assert {p.name: p.stat().st_mode & 0o777 for p in target.iterdir()} == {
            "signpost.db": 0o600,
            "keyslots.json": 0o600,
            "swap.lock": 0o600,  # empty; locked while a restore or rekey moves the files
        }
    restored = sign_in(target, ADMIN, ADMIN_PASSWORD, cost())
    assert [s.ref for s in list_screenings(restored)] == [ref]
    restored.close()


def test_a_backup_damaged_inside_its_database_is_refused_and_changes_nothing(data_dir: Path, tmp_path: Path) -> None:
    # The zip's checksum of the database fails only once it is read: that ended in a traceback.
    session, _ = new_vault(data_dir)
    save_screening(session, draft())
    backup = tmp_path / "ward.spbackup"
    write_backup(session, backup)
    session.close()
    with zipfile.ZipFile(backup) as archive:
        inside = archive.getinfo("signpost.db")
    data = bytearray(backup.read_bytes())
    middle = inside.header_offset + 30 + len(inside.filename) + len(inside.extra) + inside.compress_size // 2
    data[middle] ^= 0xFF
    backup.write_bytes(bytes(data))
    before = file_digests(data_dir)
    with pytest.raises(VaultDamagedError, match=r"ward\.spbackup is damaged \(Bad CRC-32.*Nothing has been changed"):
        restore_backup(data_dir, backup, ADMIN, ADMIN_PASSWORD, force=True)
    assert file_digests(data_dir) == before
    new_place = data_dir.parent / "new-place"  # refused, it leaves no new folder behind either
    with pytest.raises(VaultDamagedError):
        restore_backup(new_place, backup, ADMIN, ADMIN_PASSWORD)
    assert not new_place.exists()
    assert [p.name for p in data_dir.iterdir() if p.name.startswith((".signpost-restore-", "replaced-"))] == []


def test_restore_refuses_to_overwrite_without_force_and_keeps_the_old_vault(data_dir: Path, tmp_path: Path) -> None:
    session, _ = new_vault(data_dir)
    first = save_screening(session, draft())
    backup = tmp_path / "before.spbackup"
    write_backup(session, backup)
    second = save_screening(session, draft())
    session.close()
    before = file_digests(data_dir)
    with pytest.raises(VaultExistsError, match="--force"):
        restore_backup(data_dir, backup, ADMIN, ADMIN_PASSWORD)
    assert file_digests(data_dir) == before
    aside = restore_backup(data_dir, backup, ADMIN, ADMIN_PASSWORD, force=True)
    assert aside is not None and aside.parent == data_dir and aside.name.startswith("replaced-")
    assert (aside / "signpost.db").exists() and (aside / "keyslots.json").exists()
    now = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost())
    assert [s.ref for s in list_screenings(now)] == [first]
    now.close()
    old = sign_in(aside, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    assert {s.ref for s in list_screenings(old)} == {first, second}
    old.close()


def test_bad_backup_or_password_leaves_the_vault_untouched(data_dir: Path, tmp_path: Path) -> None:
    session, _ = new_vault(data_dir)
    backup = tmp_path / "b.spbackup"
    write_backup(session, backup)
    session.close()
    before = file_digests(data_dir)
    with pytest.raises(WrongPasswordError):
        restore_backup(data_dir, backup, ADMIN, "wrong password", force=True)
    damaged = tmp_path / "damaged.spbackup"
    damaged.write_bytes(backup.read_bytes()[:-5000])  # a copy cut short: a backup, damaged
    with pytest.raises(VaultDamagedError, match=r"damaged\.spbackup is damaged \(.*\)\. Nothing has been changed"):
        restore_backup(data_dir, damaged, ADMIN, ADMIN_PASSWORD, force=True)
    manifest_flipped = bytearray(backup.read_bytes())
    manifest_flipped[30 + len("manifest.json") + 2] ^= 0x01  # inside the manifest: its checksum fails
    damaged.write_bytes(bytes(manifest_flipped))
    with pytest.raises(VaultDamagedError, match=r"damaged\.spbackup is damaged \(Bad CRC-32"):
        restore_backup(data_dir, damaged, ADMIN, ADMIN_PASSWORD, force=True)
    other = tmp_path / "notes.spbackup"
    other.write_text("not a backup at all")
    with pytest.raises(VaultDamagedError, match="not a Signpost backup"):
        restore_backup(data_dir, other, ADMIN, ADMIN_PASSWORD, force=True)
    assert file_digests(data_dir) == before
    assert [p.name for p in data_dir.iterdir() if p.name.startswith(".signpost-restore")] == []


def test_backup_holds_the_slots_as_they_were(data_dir: Path, tmp_path: Path) -> None:
    session, _ = new_vault(data_dir)
    users.add_user(session, "bob", "practitioner", "bob-temp-pass")
    backup = tmp_path / "b.spbackup"
    write_backup(session, backup)
    session.close()
    restore_backup(tmp_path / "r", backup, ADMIN, ADMIN_PASSWORD)
    bob = sign_in(tmp_path / "r", "bob", "bob-temp-pass", cost())
    assert bob.user.must_change_password
    bob.close()


def test_daily_backup_is_made_once_a_day_and_seven_are_kept(data_dir: Path) -> None:
    session, _ = new_vault(data_dir)
    layout = VaultLayout(data_dir)
    assert daily_backups(layout) == []
    start = dt.date(2026, 11, 1)
    for day in range(10):
        assert make_daily_backup(session, start + dt.timedelta(days=day)) is not None
    assert make_daily_backup(session, start + dt.timedelta(days=9)) is None
    kept = [p.name for p in daily_backups(layout)]
    assert len(kept) == DAILY_KEEP
    assert kept[0] == "signpost-2026-11-04.spbackup" and kept[-1] == "signpost-2026-11-10.spbackup"
    session.close()


def test_first_sign_in_of_the_day_backs_up(data_dir: Path) -> None:
    session, _ = new_vault(data_dir)
    session.close()
    sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost()).close()
    sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost()).close()
    today = dt.date.today().isoformat()
    assert [p.name for p in daily_backups(VaultLayout(data_dir))] == [f"signpost-{today}.spbackup"]


def test_restore_that_cannot_move_files_puts_the_old_vault_back(data_dir: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    session, _ = new_vault(data_dir)
    backup = tmp_path / "b.spbackup"
    write_backup(session, backup)
    save_screening(session, draft())
    session.close()
    before = file_digests(data_dir)
    real_replace = os.replace

    def failing_replace(source: object, target: object) -> None:
        if Path(str(target)).name == "keyslots.json":
            raise PermissionError("file in use")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(VaultError, match="Close Signpost"):
        restore_backup(data_dir, backup, ADMIN, ADMIN_PASSWORD, force=True)
    monkeypatch.setattr(os, "replace", real_replace)
    assert file_digests(data_dir) == before
    assert not [p for p in data_dir.iterdir() if p.name.startswith("replaced-")]
    reopened = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost())
    assert len(list_screenings(reopened)) == 1
    reopened.close()


def test_a_daily_backup_that_cannot_be_written_does_not_stop_sign_in(data_dir: Path) -> None:
    session, _ = new_vault(data_dir)
    session.close()
    (data_dir / "backups").write_text("not a folder")  # e.g. IT put something in the way
    signed_in = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost())
    assert len(signed_in.notices) == 1 and "cannot be written" in signed_in.notices[0]
    signed_in.close()


def test_the_restored_trail_names_where_the_replaced_vault_went_and_its_last_entry(
    data_dir: Path, tmp_path: Path
) -> None:
    session, _ = new_vault(data_dir)
    backup = tmp_path / "before.spbackup"
    write_backup(session, backup)
    save_screening(session, draft())  # after the backup: stays only in the replaced vault
    session.close()
    later = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    (signed_in_after,) = later.conn.execute("SELECT max(id) FROM audit").fetchone()
    later.close()

    aside = restore_backup(data_dir, backup, ADMIN, ADMIN_PASSWORD, force=True)
    assert aside is not None
    restored = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    (entry,) = [e for e in audit.entries(restored.conn) if e.action == audit.RESTORE]
    restored.close()
    assert "before.spbackup" in entry.detail and aside.name in entry.detail
    named = re.search(r"last audit entry was #(\d+): (\w+) by (\S+) at \S+, hash ([0-9a-f]{64})", entry.detail)
    assert named, entry.detail
    # The named row is the replaced vault's own last one, written after the backup was taken.
    old = sign_in(aside, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    rows = old.conn.execute("SELECT id, action, actor, hash FROM audit WHERE id >= ? ORDER BY id",
                            (int(named[1]),)).fetchall()
    assert len(list_screenings(old)) == 1
    old.close()
    assert int(named[1]) > signed_in_after
    assert rows[0] == (int(named[1]), named[2], named[3], named[4])
    assert [row[1] for row in rows[1:]] == [audit.SIGN_IN]  # only this check's own sign-in came after


def test_a_restore_over_an_unreadable_vault_says_its_trail_could_not_be_read(data_dir: Path, tmp_path: Path) -> None:
    session, _ = new_vault(data_dir)
    backup = tmp_path / "before.spbackup"
    write_backup(session, backup)
    session.close()
    (data_dir / "signpost.db").write_bytes(b"\0" * 8192)  # the damage the restore is for
    aside = restore_backup(data_dir, backup, ADMIN, ADMIN_PASSWORD, force=True)
    assert aside is not None and (aside / "signpost.db").read_bytes() == b"\0" * 8192
    restored = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    (entry,) = [e for e in audit.entries(restored.conn) if e.action == audit.RESTORE]
    restored.close()
    assert aside.name in entry.detail and "its audit trail could not be read" in entry.detail


def test_a_backup_that_cannot_be_written_says_so_not_that_the_vault_failed(data_dir: Path, tmp_path: Path) -> None:
    # A file-size limit stands in for a full or failing backup disk: the message blamed the vault's files.
    import resource
    import signal

    session, _key = new_vault(data_dir)
    (tmp_path / "out").mkdir()
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    before = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, hard))
    try:
        with pytest.raises(VaultError) as caught:
            write_backup(session, tmp_path / "out" / "backup.spbackup")
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, before)
    message = str(caught.value)
    assert message.startswith(f"the backup {tmp_path / 'out' / 'backup.spbackup'} cannot be written"), message
    assert "vault's files" not in message and list((tmp_path / "out").iterdir()) == []  # nothing left behind
    assert list_screenings(session) == []  # the vault still works
    session.close()


def test_a_backup_that_cannot_be_audited_is_not_kept_and_the_full_disk_is_named_as_the_vaults(
    data_dir: Path, tmp_path: Path
) -> None:
    session, _key = new_vault(data_dir)
    fill_the_vault_disk(session)  # the vault's disk is full; the backup's is not
    (tmp_path / "out").mkdir()
    with pytest.raises(VaultError) as caught:
        write_backup(session, tmp_path / "out" / "backup.spbackup")
    assert "the disk holding the vault is full" in str(caught.value)
    assert list((tmp_path / "out").iterdir()) == []  # no unaudited copy of the records left behind
    session.close()


def test_a_backup_copied_while_another_computer_changes_a_password_holds_slots_that_match(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key slots are read, then the database is copied: a password changed on another computer in between left
    the backup's slot older than its account, and restored, the account opened with neither password."""
    from app.vault import backup as backup_module

    admin, _ = new_vault(data_dir)
    users.add_user(admin, "j.smith", "practitioner", "temporary-pw-7")
    nurse = sign_in(data_dir, "j.smith", "temporary-pw-7", cost(), daily_backup=False)
    users.change_own_password(nurse, "temporary-pw-7", "smith-own-pass-1")
    real_export = backup_module.export_copy
    changes: list[str] = []

    def copied_while_the_nurse_changes_her_password(conn: object, path: Path, key: bytes) -> None:
        if not changes:  # the nurse's own computer, just after the backup read the slots
            users.change_own_password(nurse, "smith-own-pass-1", "smith-new-pass-2")
            changes.append("changed")
        real_export(conn, path, key)

    monkeypatch.setattr(backup_module, "export_copy", copied_while_the_nurse_changes_her_password)
    backup = tmp_path / "during.spbackup"
    write_backup(admin, backup)
    monkeypatch.undo()
    nurse.close()
    admin.close()

    restore_backup(tmp_path / "restored", backup, ADMIN, ADMIN_PASSWORD)
    sign_in(tmp_path / "restored", "j.smith", "smith-new-pass-2", cost(), daily_backup=False).close()
    with pytest.raises(WrongPasswordError):
        sign_in(tmp_path / "restored", "j.smith", "smith-own-pass-1", cost(), daily_backup=False, delay_base_seconds=0)


def test_a_backup_whose_accounts_keep_changing_is_refused_and_writes_nothing(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.vault import backup as backup_module
    from app.vault.backup import BackupWriteError

    admin, _ = new_vault(data_dir)
    real_export = backup_module.export_copy
    added: list[str] = []

    def copied_while_accounts_change(conn: object, path: Path, key: bytes) -> None:
        other = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)  # another computer
        added.append(f"user.{len(added)}")
        users.add_user(other, added[-1], "practitioner", "temporary-pw-7")
        other.close()
        real_export(conn, path, key)

    monkeypatch.setattr(backup_module, "export_copy", copied_while_accounts_change)
    backup = tmp_path / "never.spbackup"
    with pytest.raises(BackupWriteError, match="Try again"):
        write_backup(admin, backup)
    admin.close()
    assert len(added) == backup_module.EXPORT_ATTEMPTS
    assert not backup.exists() and [p.name for p in tmp_path.iterdir() if p.name.startswith(".signpost-backup-")] == []
