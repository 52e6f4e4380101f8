"""A full disk is said as a full disk: SQLite reports some writes refused for want of space (in the write-ahead log
or its index) as a "disk I/O error", which used to be blamed on a removed file or a disconnected drive."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from vault_support import ADMIN, ADMIN_PASSWORD, cost, draft, new_vault

from app.records.screenings import save_screening
from app.vault import disk_space
from app.vault.database import damage_guard
from app.vault.errors import VaultFullError, VaultIOError
from app.vault.session import sign_in
from app.vault.users import change_own_password
from app.vault.verify import vault_problems


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 700 KiB file system (tmpfs), where mounting one is allowed."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=700k", "tmpfs", str(mount_point)],
                                           capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=True)


def fill(disk: Path, leave: int) -> Path:
    """Fill ``disk`` up, then give back ``leave`` bytes."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


@pytest.mark.parametrize("leave", [0, 8192])
def test_signing_in_saving_and_a_password_change_on_a_full_disk_say_so(small_disk: Path, leave: int) -> None:
    data_dir = small_disk / "vault"
    session, _ = new_vault(data_dir)
    session.close()
    filler = fill(small_disk, leave)
    with pytest.raises(VaultFullError) as caught:  # SQLite meets this one as a "disk I/O error"
        sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    message = str(caught.value)
    assert message.startswith(f"the disk holding {data_dir} is full: ") and " KB free (disk I/O error)" in message
    assert "Nothing more has been written and the vault is not damaged. Free some space on that disk" in message
    assert "disconnected" not in message

    filler.unlink()
    session = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    filler = fill(small_disk, leave)
    with pytest.raises(VaultFullError) as caught:
        for _ in range(200):
            save_screening(session, draft())
    assert str(caught.value).startswith(f"the disk holding {data_dir} is full: ")
    with pytest.raises(VaultFullError):
        change_own_password(session, ADMIN_PASSWORD, "a-newer-password-5")
    session.discard()
    filler.unlink()
    after = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False, check_pages=True)
    assert vault_problems(after) == []  # nothing lost, and the old password still the one
    after.close()


def test_an_io_error_is_called_a_full_disk_only_when_little_space_is_left(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where no small disk can be mounted: the same choice, with the threshold moved around this disk's free space."""
    import sqlcipher3

    session, _ = new_vault(data_dir)  # remembers the vault's folder
    session.close()

    def met(error: Exception) -> Exception:
        with pytest.raises((VaultFullError, VaultIOError)) as caught, damage_guard():
            raise error
        return caught.value

    monkeypatch.setattr(disk_space, "LOW_SPACE_BYTES", 0)  # plenty of space: a removed file or lost drive
    error = met(sqlcipher3.OperationalError("disk I/O error"))
    assert isinstance(error, VaultIOError) and "disconnected" in str(error)
    assert isinstance(met(sqlcipher3.OperationalError("database or disk is full")), VaultFullError)
    monkeypatch.setattr(disk_space, "LOW_SPACE_BYTES", 1 << 62)  # nearly every disk is below this
    error = met(sqlcipher3.OperationalError("disk I/O error"))
    assert isinstance(error, VaultFullError) and " KB free (disk I/O error)" in str(error)
