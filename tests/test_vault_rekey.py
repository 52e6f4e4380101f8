"""``signpost rekey``: a new master key, so copies of the old key slots (backups, a file taken by hand) open
nothing; the administrator keeps their password, everyone else gets a temporary one, records are kept."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path

import pytest
from vault_support import ADMIN, ADMIN_PASSWORD, cost, draft, file_digests, new_vault

from app.cli import run
from app.records import audit
from app.records.screenings import list_screenings, save_screening
from app.vault import keyslots as ks
from app.vault import users
from app.vault.database import connect
from app.vault.errors import VaultOpenError, WrongPasswordError
from app.vault.session import recover, sign_in


def _cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], data_dir: Path, user: str,
         password: str) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    code = run(["--data-dir", str(data_dir), "rekey", "--user", user, "--password-stdin"])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def vault(data_dir: Path) -> tuple[Path, str]:
    """A vault with two screenings, a practitioner with their own password and a disabled account."""
    session, recovery_key = new_vault(data_dir)
    for _ in range(2):
        save_screening(session, draft())
    users.add_user(session, "nurse.jo", "practitioner", "temporary-pw-7")
    users.add_user(session, "gone.user", "practitioner", "temporary-pw-8")
    session.close()
    jo = sign_in(data_dir, "nurse.jo", "temporary-pw-7", cost())
    users.change_own_password(jo, "temporary-pw-7", "jo-own-password-7")
    jo.close()
    return data_dir, recovery_key


def test_rekey_keeps_the_records_and_old_key_slot_copies_open_nothing(
    vault: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir, old_recovery = vault
    copied_slots = (data_dir / "keyslots.json").read_bytes()  # what someone could have taken earlier
    session = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost())
    users.disable_user(session, "gone.user")
    session.close()

    code, out, err = _cli(monkeypatch, capsys, data_dir, ADMIN, ADMIN_PASSWORD)
    assert code == 0, err
    new_recovery = re.search(r"\b([A-Z2-9]{5}(?:-[A-Z2-9]{5}){7})\b", out).group(1)
    temporary = re.search(r"Temporary password for nurse\.jo \(to be changed at next sign-in\): (\S+)", out).group(1)
    assert "gone.user" not in out
    aside = Path(re.search(r"The previous vault and its backups are in (\S+)\. ", out).group(1))
    assert (aside / "signpost.db").exists() and (aside / "keyslots.json").exists() and (aside / "backups").is_dir()
    assert not (data_dir / "backups").exists()  # the old backups went aside: they open with the old slots

    # The administrator's password still works, the records are all there, and the log says what happened.
    admin = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost())
    assert len(list_screenings(admin)) == 2
    actions = [row[0] for row in admin.conn.execute("SELECT action FROM audit ORDER BY id")]
    assert "rekey" in actions
    admin.close()
    monkeypatch.setattr("sys.stdin", io.StringIO(ADMIN_PASSWORD + "\n"))
    assert run(["--data-dir", str(data_dir), "verify", "--user", ADMIN, "--password-stdin"]) == 0  # chain intact
    # Everyone else signs in with the temporary password and must choose a new one.
    with pytest.raises(WrongPasswordError):
        sign_in(data_dir, "nurse.jo", "jo-own-password-7", cost())
    jo = sign_in(data_dir, "nurse.jo", temporary, cost())
    assert jo.user.must_change_password
    jo.close()

    # The old key slots (a copy, a backup) unwrap the old master key, which no longer opens the database.
    old = ks.parse_keyslots(copied_slots, "copied keyslots.json")
    old_master = ks.unwrap(old.user_slot("gone.user"), ks.password_bytes("temporary-pw-8"), old.vault_id)
    with pytest.raises(VaultOpenError):
        connect(data_dir / "signpost.db", old_master, create=False)
    with pytest.raises(WrongPasswordError):
        recover(data_dir, old_recovery, ADMIN, "a-brand-new-pass-9", cost())
    recover(data_dir, new_recovery, ADMIN, "a-brand-new-pass-9", cost()).close()


def _trail(data_dir: Path) -> list[tuple[str, str, str]]:
    """The vault's audit rows, oldest first, as (actor, action, detail), read in a real session signed in as
    ``look`` (its own sign-in is checked and left out)."""
    session = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), how="look", daily_backup=False)
    try:
        found = reversed(audit.entries(session.conn, limit=1000))
        rows = [(entry.actor, entry.action, entry.detail) for entry in found]
    finally:
        session.close()
    assert rows[-1] == (ADMIN, audit.SIGN_IN, "look")
    return rows[:-1]


def test_rekey_signs_out_of_the_new_vault_as_of_the_old_one_and_nothing_follows_in_the_old(
    vault: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The new vault is a copy taken while the command was signed in: its trail held that sign-in and the rekey,
    # and never a sign-out.
    data_dir, _ = vault
    code, out, err = _cli(monkeypatch, capsys, data_dir, ADMIN, ADMIN_PASSWORD)
    assert code == 0, err
    aside = Path(re.search(r"The previous vault and its backups are in (\S+)\. ", out).group(1))

    new, old = _trail(data_dir), _trail(aside)
    signed_in, signed_out = (ADMIN, audit.SIGN_IN, "cli"), (ADMIN, audit.SIGN_OUT, "")
    # Both trails share the history up to the command's sign-in; the old one ends with its sign-out, written
    # before it was moved aside, the new one with the rekey and a sign-out of its own.
    assert old[-2:] == [signed_in, signed_out]
    assert new[:-2] == old[:-1]
    assert new[-2][:2] == (ADMIN, audit.REKEY) and new[-1] == signed_out
    for folder in (data_dir, aside):
        monkeypatch.setattr("sys.stdin", io.StringIO(ADMIN_PASSWORD + "\n"))
        assert run(["--data-dir", str(folder), "verify", "--user", ADMIN, "--password-stdin"]) == 0, folder


def test_only_an_administrator_with_the_right_password_can_rekey(
    vault: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir, _ = vault
    before = {name: (data_dir / name).read_bytes() for name in ("keyslots.json",)}
    code, _, err = _cli(monkeypatch, capsys, data_dir, "nurse.jo", "jo-own-password-7")
    assert code == 1 and "only an administrator can do this" in err
    assert {name: (data_dir / name).read_bytes() for name in before} == before
    assert not any(p.name.startswith("replaced-") for p in data_dir.iterdir())


def test_a_wrong_password_for_the_new_slot_changes_nothing(vault: tuple[Path, str]) -> None:
    from app.vault.rekey import rekey_vault

    data_dir, _ = vault
    session = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost())
    before = file_digests(data_dir)
    with pytest.raises(WrongPasswordError):
        rekey_vault(session, "not-the-password")
    session.close()
    after = file_digests(data_dir)
    # Only the wrong-password counter (and the audit entry for it, in the database) changed.
    kept = ("signpost.db", "signin-attempts.json")
    assert {k: v for k, v in after.items() if not k.startswith(kept)} == {
        k: v for k, v in before.items() if not k.startswith(kept)
    }
    assert not any(p.name.startswith(("replaced-", ".signpost-rekey-")) for p in data_dir.iterdir())


def test_a_backup_from_before_the_rekey_is_not_restored_over_the_new_vault(
    vault: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from app.vault.backup import restore_backup, write_backup

    data_dir, _ = vault
    session = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost())
    write_backup(session, tmp_path / "before.spbackup")
    session.close()
    assert _cli(monkeypatch, capsys, data_dir, ADMIN, ADMIN_PASSWORD)[0] == 0
    before = file_digests(data_dir)
    with pytest.raises(Exception, match="from before this vault was given a new key"):
        restore_backup(data_dir, tmp_path / "before.spbackup", ADMIN, ADMIN_PASSWORD, force=True)
    assert file_digests(data_dir) == before


def test_if_the_old_backups_cannot_be_moved_nothing_changes(
    vault: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from app.vault.errors import VaultError
    from app.vault.rekey import rekey_vault

    data_dir, _ = vault
    assert (data_dir / "backups").is_dir()
    before = file_digests(data_dir)
    real_replace = os.replace

    def held_open(source: object, target: object) -> None:  # as antivirus holding a backup open on Windows
        if Path(source).name == "backups":  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied")
        real_replace(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", held_open)
    session = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    with pytest.raises(VaultError, match="cannot be replaced by its new copy"):
        rekey_vault(session, ADMIN_PASSWORD)
    monkeypatch.undo()
    after = file_digests(data_dir)
    assert {k: v for k, v in after.items() if "signpost.db" not in k} == {
        k: v for k, v in before.items() if "signpost.db" not in k
    }
    assert not any(p.name.startswith(("replaced-", ".signpost-rekey-")) for p in data_dir.iterdir())
    sign_in(data_dir, "nurse.jo", "jo-own-password-7", cost()).close()  # the old key slots still work


def test_two_replacements_in_the_same_second_get_their_own_folders(data_dir: Path) -> None:
    from app.vault.backup import aside_folder
    from app.vault.layout import VaultLayout

    layout = VaultLayout(data_dir)
    data_dir.mkdir(exist_ok=True)
    first = aside_folder(layout)
    first.mkdir()
    second = aside_folder(layout)
    assert second != first and not second.exists() and second.name.startswith(first.name)


def test_when_putting_the_old_vault_back_fails_too_the_message_says_where_it_is(
    vault: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from app.vault.errors import VaultError
    from app.vault.rekey import rekey_vault

    data_dir, _ = vault
    real_replace = os.replace

    def busy(source: object, target: object) -> None:  # a scanner holding files open twice in a row
        source, target = Path(source), Path(target)  # type: ignore[arg-type]
        if target == data_dir / "keyslots.json" or (source.name == "signpost.db" and target.parent == data_dir):
            raise OSError(16, "Device or resource busy")
        real_replace(source, target)

    session = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    monkeypatch.setattr(os, "replace", busy)
    with pytest.raises(VaultError) as caught:
        rekey_vault(session, ADMIN_PASSWORD)
    monkeypatch.undo()
    message = str(caught.value)
    assert "putting the old one back failed too" in message and "Do not restore an older backup" in message
    aside = next(p for p in data_dir.iterdir() if p.name.startswith("replaced-"))
    assert str(aside) in message and (aside / "signpost.db").exists()


def test_a_full_disk_is_named_as_such_not_as_damage() -> None:
    import sqlcipher3

    from app.vault.database import damage_guard
    from app.vault.errors import VaultDamagedError, VaultError

    with pytest.raises(VaultError) as caught, damage_guard():
        raise sqlcipher3.OperationalError("database or disk is full")
    assert not isinstance(caught.value, VaultDamagedError)
    assert "the disk holding the vault is full or cannot be written" in str(caught.value)
    assert "the vault is not damaged" in str(caught.value)
    # An I/O error is neither damage nor, with no sign of it, a full disk (QA S9).
    with pytest.raises(VaultError) as caught, damage_guard():
        raise sqlcipher3.OperationalError("disk I/O error")
    assert not isinstance(caught.value, VaultDamagedError)
    assert "full" not in str(caught.value) and "could not be read or written" in str(caught.value)


def test_a_restore_that_cannot_unpack_changes_nothing_and_leaves_nothing(
    vault: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import shutil

    from app.vault.backup import restore_backup, write_backup
    from app.vault.errors import VaultError

    data_dir, _ = vault
    session = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost())
    write_backup(session, tmp_path / "b.spbackup")
    session.close()
    before = file_digests(data_dir)

    def full(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shutil, "copyfileobj", full)
    with pytest.raises(VaultError, match="the backup cannot be unpacked in .*No space left on device"):
        restore_backup(data_dir, tmp_path / "b.spbackup", ADMIN, ADMIN_PASSWORD, force=True)
    assert file_digests(data_dir) == before
    assert not any(p.name.startswith((".signpost-restore-", "replaced-")) for p in data_dir.iterdir())


def test_rekey_names_every_older_copy_in_the_data_folder_and_deletes_none(
    vault: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from app.vault.backup import restore_backup, write_backup

    data_dir, _ = vault
    session = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    write_backup(session, tmp_path / "b.spbackup")
    write_backup(session, data_dir / "before-upgrade.spbackup")  # a backup kept beside the vault by hand
    session.close()
    restored_over = restore_backup(data_dir, tmp_path / "b.spbackup", ADMIN, ADMIN_PASSWORD, force=True)
    assert restored_over is not None and (restored_over / "keyslots.json").exists()
    leftover = data_dir / ".signpost-restore-x1y2"  # an interrupted restore's unpacked copy
    leftover.mkdir()
    (leftover / "signpost.db").write_bytes((restored_over / "signpost.db").read_bytes())
    (data_dir / "notes.txt").write_text("rota")
    (data_dir / "empty-folder").mkdir()
    before = {path: path.read_bytes() for path in (restored_over / "keyslots.json", leftover / "signpost.db",
                                                   data_dir / "before-upgrade.spbackup")}

    code, out, err = _cli(monkeypatch, capsys, data_dir, ADMIN, ADMIN_PASSWORD)
    assert code == 0, err
    aside = Path(re.search(r"The previous vault and its backups are in (\S+)\. ", out).group(1))
    assert aside != restored_over and aside.name.startswith("replaced-")
    assert f"These older copies of the vault were already in {data_dir}." in out
    assert "still open with the passwords (and recovery keys) of their time" in out
    assert "delete each once it is no longer needed" in out
    listed = [Path(line.strip()) for line in out.split("no longer needed.", 1)[1].splitlines() if line.strip()]
    assert listed == [leftover, data_dir / "before-upgrade.spbackup", restored_over]
    assert all(path.read_bytes() == content for path, content in before.items())  # nothing deleted


def test_rekey_lists_no_older_copies_when_there_are_none(
    vault: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir, _ = vault
    code, out, err = _cli(monkeypatch, capsys, data_dir, ADMIN, ADMIN_PASSWORD)
    assert code == 0, err
    assert "older cop" not in out
    assert out.rstrip().endswith("then delete that folder.")


def test_rekey_help_says_older_copies_are_listed_and_nothing_is_deleted(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["rekey", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "older copies already in the data folder" in text and "Nothing is deleted for you." in text


def test_each_new_slot_records_when_its_password_was_set_so_a_fast_clock_earlier_locks_nobody_out(
    vault: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before, rekey wrote its slots unstamped and judged by their creation time: an administrator whose password
    change was recorded by a clock running fast was refused as "no longer the password" just after a rekey."""
    data_dir, _recovery = vault
    session = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost())
    fast = "2999-01-01T00:00:00.000+00:00"  # as a ward PC whose clock ran fast recorded the administrator's change
    with session.conn:
        session.conn.execute("UPDATE users SET password_changed_at = ? WHERE name = ?", (fast, ADMIN))
    session.close()
    slots = ks.load_keyslots(data_dir / "keyslots.json")
    stamped = replace(slots.user_slot(ADMIN), password_set_at=fast)
    ks.save_keyslots(data_dir / "keyslots.json", slots.with_slot(stamped))
    code, _out, err = _cli(monkeypatch, capsys, data_dir, ADMIN, ADMIN_PASSWORD)
    assert code == 0, err
    session = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost())
    try:
        changed = dict(session.conn.execute("SELECT name, password_changed_at FROM users WHERE active = 1"))
        slots = ks.load_keyslots(data_dir / "keyslots.json")
        assert {s.user: s.password_set_at for s in slots.slots if s.kind == ks.USER} == changed
    finally:
        session.close()
