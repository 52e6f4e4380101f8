"""What Windows does differently with files, reproduced here: backups, restore and key slot writes still work.

- ``os.fsync`` is ``FlushFileBuffers`` there, which refuses a handle opened for reading only.
- A file another program has open (a virus scanner, a backup agent) cannot be replaced or deleted just then.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from vault_support import ADMIN, ADMIN_PASSWORD, cost, draft, new_vault

from app.records.screenings import list_screenings, save_screening
from app.vault.backup import daily_backups, make_daily_backup, restore_backup, write_backup
from app.vault.layout import VaultLayout
from app.vault.session import sign_in
from app.vault.users import change_own_password


@pytest.fixture
def fsync_needs_write_access(monkeypatch: pytest.MonkeyPatch) -> None:
    """``os.fsync`` as on Windows: a regular file's handle must be open for writing."""
    real_fsync = os.fsync

    def windows_fsync(fd: int) -> None:
        if stat.S_ISREG(os.fstat(fd).st_mode) and fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDONLY:
            raise OSError(errno.EBADF, "Bad file descriptor")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", windows_fsync)


@pytest.mark.usefixtures("fsync_needs_write_access")
def test_backup_daily_backup_and_restore_flush_through_a_writable_handle(data_dir: Path, tmp_path: Path) -> None:
    """Before, every backup and restore failed on Windows with 'Bad file descriptor'."""
    session, _ = new_vault(data_dir)
    save_screening(session, draft())
    write_backup(session, tmp_path / "ward.spbackup")
    session.close()
    signed_in = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost())  # the day's first sign-in backs up
    assert signed_in.notices == []
    assert len(daily_backups(VaultLayout(data_dir))) == 1
    signed_in.close()
    restore_backup(data_dir, tmp_path / "ward.spbackup", ADMIN, ADMIN_PASSWORD, force=True)
    restored = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    assert len(list_screenings(restored)) == 1
    restored.close()


def test_an_old_daily_backup_that_cannot_be_removed_does_not_stop_sign_in(data_dir: Path) -> None:
    """Before, the error escaped and sign-in ended in the 'something went wrong' report."""
    session, _ = new_vault(data_dir)
    layout = VaultLayout(data_dir)
    start = dt.date.today() - dt.timedelta(days=10)
    for day in range(7):
        make_daily_backup(session, start + dt.timedelta(days=day))
    oldest = daily_backups(layout)[0]
    written = oldest.stat().st_mtime
    oldest.unlink()
    oldest.mkdir()  # in its place something that cannot be deleted as a file
    (oldest / "held").write_text("")
    os.utime(oldest, (written, written))
    session.close()
    signed_in = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost())
    assert len(signed_in.notices) == 1
    assert oldest.name in signed_in.notices[0] and "could not be removed" in signed_in.notices[0]
    today = f"signpost-{dt.date.today().isoformat()}.spbackup"
    assert today in [path.name for path in daily_backups(layout)]
    signed_in.close()


def held_briefly(monkeypatch: pytest.MonkeyPatch, held: Callable[[Path, Path], bool]) -> list[Path]:
    """``os.replace`` as on Windows while another program has a file open: refused twice for the moves ``held``
    picks (source, target), then let through. Returns the refused sources."""
    real_replace = os.replace
    refusals: list[Path] = []

    def briefly_held(source: object, target: object) -> None:
        if held(Path(str(source)), Path(str(target))) and len(refusals) < 2:
            refusals.append(Path(str(source)))
            raise PermissionError(errno.EACCES, "The process cannot access the file")
        real_replace(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", briefly_held)
    return refusals


def test_key_slots_are_replaced_once_another_program_lets_go_of_them(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows refuses to replace a file another program has open; a moment later it is free again."""
    session, _ = new_vault(data_dir)
    refusals = held_briefly(monkeypatch, lambda _source, target: target.name == "keyslots.json")
    change_own_password(session, ADMIN_PASSWORD, "a new password 2026")
    session.close()
    assert len(refusals) == 2
    sign_in(data_dir, ADMIN, "a new password 2026", cost(), daily_backup=False).close()
    assert not [path for path in data_dir.iterdir() if path.name.endswith(".tmp")]


def test_a_restore_waits_for_another_program_to_let_go_of_the_vault_files(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Moving the vault aside and the backup in were single tries: a virus scanner holding signpost.db for a
    moment failed the restore on Windows."""
    session, _ = new_vault(data_dir)
    ref = save_screening(session, draft())
    write_backup(session, tmp_path / "b.spbackup")
    save_screening(session, draft())  # after the backup: gone once it is restored
    session.close()
    refusals = held_briefly(monkeypatch, lambda source, _target: source.name == "signpost.db")
    aside = restore_backup(data_dir, tmp_path / "b.spbackup", ADMIN, ADMIN_PASSWORD, force=True)
    assert len(refusals) == 2 and aside is not None and (aside / "signpost.db").is_file()
    restored = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    assert [summary.ref for summary in list_screenings(restored)] == [ref]
    restored.close()
