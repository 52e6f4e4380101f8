"""Nothing identifiable touches disk in clear (every file in the data directory is searched for patient strings),
and the vault's folders are readable by the app's account only."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from vault_support import ADMIN, ADMIN_PASSWORD, answers, cost, draft, new_vault

from app.records.screenings import list_screenings, save_screening
from app.vault.backup import restore_backup, write_backup
from app.vault.rekey import rekey_vault
from app.vault.session import sign_in

LOCAL_NUMBERS = ["ZQX-PATIENT-7731", "MRN-QUOKKA-0042"]
NHS_NUMBER = "4010232137"
OTHER_SUBSTANCE = "Xanthoria kombucha vapour"


def _distinctive_strings() -> list[bytes]:
    texts = [*LOCAL_NUMBERS, NHS_NUMBER, OTHER_SUBSTANCE, "1931-07-14"]
    found: list[bytes] = []
    for text in texts:
        found += [text.encode("utf-8"), text.encode("utf-16-le"), text.lower().encode("utf-8")]
    return found


def test_no_patient_string_in_any_file_of_the_data_dir(data_dir: Path, tmp_path: Path) -> None:
    session, _ = new_vault(data_dir)
    save_screening(session, draft(identifier_kind="nhs_number", identifier=NHS_NUMBER,
                                  date_of_birth=dt.date(1931, 7, 14)))
    for number in LOCAL_NUMBERS:
        save_screening(session, draft(identifier_kind="local_number", identifier=number,
                                      answers=answers(**{"other.use": "yes", "other.what": OTHER_SUBSTANCE})))
    session.close()
    # A second sign-in makes the daily backup; keep this session open so the WAL still holds data.
    open_session = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost())
    save_screening(open_session, draft(identifier_kind="local_number", identifier="MRN-QUOKKA-0042"))
    write_backup(open_session, data_dir / "backups" / "manual.spbackup")
    assert len(list_screenings(open_session)) == 4
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"signpost.db", "signpost.db-wal", "keyslots.json", "manual.spbackup"} <= names
    assert any(p.parent.name == "backups" and p.name.startswith("signpost-") for p in files)
    for path in files:
        content = path.read_bytes()
        leaks = [s for s in _distinctive_strings() if s in content]
        assert leaks == [], f"{path.name} holds {leaks}"
    open_session.close()
    for path in (p for p in data_dir.rglob("*") if p.is_file()):
        content = path.read_bytes()
        assert [s for s in _distinctive_strings() if s in content] == [], path.name


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits; Windows folders inherit their parent's ACL")
def test_the_vault_s_folders_are_readable_by_its_account_only(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    session, _ = new_vault(data_dir)
    session.close()
    assert _mode(data_dir) == 0o700
    signed_in = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost())  # writes the day's backup into backups/
    write_backup(signed_in, tmp_path / "kept.spbackup")
    signed_in.close()
    assert _mode(data_dir / "backups") == 0o700
    restore_backup(data_dir, tmp_path / "kept.spbackup", ADMIN, ADMIN_PASSWORD, force=True)
    admin = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost())
    rekeyed = rekey_vault(admin, ADMIN_PASSWORD)
    asides = sorted(p for p in data_dir.iterdir() if p.name.startswith("replaced-"))
    assert len(asides) == 2 and rekeyed.aside in asides
    assert [_mode(p) for p in asides] == [0o700, 0o700]
    assert _mode(rekeyed.aside / "backups") == 0o700


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_open_folders_are_closed_at_sign_in_unless_the_vault_is_shared_on_purpose(data_dir: Path) -> None:
    session, _ = new_vault(data_dir)
    session.close()
    sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost()).close()
    old_copy = data_dir / "replaced-20250101-120000"
    old_copy.mkdir()
    for folder in (data_dir, data_dir / "backups", old_copy):
        folder.chmod(0o755)  # as earlier versions left them
    sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost()).close()
    assert [_mode(p) for p in (data_dir, data_dir / "backups", old_copy)] == [0o700, 0o700, 0o700]

    # IT shared the vault's files with a group: the folders are left as IT set them.
    data_dir.chmod(0o750)
    for name in ("signpost.db", "keyslots.json"):
        (data_dir / name).chmod(0o640)
    sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost()).close()
    assert _mode(data_dir) == 0o750


def test_where_files_have_no_inode_numbers_a_change_leaves_the_previous_slots_it_cannot_tell_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some Windows file systems and SMB shares give every file inode 0. Before, a change's late removal then took
    the previous slots another copy's change had made under the same name since, as if they were its own."""
    from app.vault.atomic_file import keep_previous

    slots = tmp_path / "keyslots.json"
    slots.write_bytes(b"before the change")
    real_stat = os.stat

    def no_inode_numbers(path: object, *args: object, **kwargs: object) -> os.stat_result:
        found = real_stat(path, *args, **kwargs)  # type: ignore[arg-type]
        return os.stat_result((found.st_mode, 0, *tuple(found)[2:]))

    monkeypatch.setattr(os, "stat", no_inode_numbers)
    kept = keep_previous(slots)
    kept.path.unlink()
    kept.path.write_bytes(b"another copy's previous slots")  # that copy settled this one and made its own
    kept.remove()
    assert kept.path.read_bytes() == b"another copy's previous slots"
