"""Restore and rekey killed (SIGKILL) in the middle of moving the vault's files: the next opening finishes the move.

A child process runs the real ``signpost`` command and kills itself right after a chosen file rename (as the
crash review's injector did); then the data folder is opened as staff would open it. Before the swap record,
restore and rekey left signpost.db or keyslots.json missing (or no vault at all, which ``init`` then replaced
with an empty one), and a killed rekey's new recovery key and temporary passwords were never printed.

A restore or rekey that is only slow (stopped by the test with its record written) is not finished by anyone
else: the opening refuses plainly and moves nothing, and the command finishes by itself.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT
from vault_support import ADMIN, ADMIN_PASSWORD, cost, draft, new_vault

from app.records import audit
from app.records.screenings import list_screenings, save_screening
from app.vault import users
from app.vault.backup import write_backup
from app.vault.errors import VaultDamagedError, VaultError, VaultExistsError, WrongPasswordError
from app.vault.layout import VaultLayout
from app.vault.session import create_vault, finished_notice, sign_in
from app.vault.swap import finish_interrupted_swap, forget_swap, read_record
from app.vault.swap_lock import SwapUnderWayError
from app.vault.verify import vault_problems

NURSE, NURSE_PASSWORD = "nurse.jo", "jo-own-password-7"

# Kills itself right after the Nth rename once the swap record is on disk (N=0: just after writing the record;
# N=-1: just before writing it).
CHILD = """
import os, signal, sys
after = int(sys.argv[1])
real, moves = os.replace, [None]
def replace(source, target, *args, **kwargs):
    if str(target).endswith("swap-record.json") and after < 0:
        os.kill(os.getpid(), signal.SIGKILL)
    real(source, target, *args, **kwargs)
    if str(target).endswith("swap-record.json") and moves[0] is None:
        moves[0] = 0
    elif moves[0] is not None:
        moves[0] += 1
    if moves[0] == after:
        os.kill(os.getpid(), signal.SIGKILL)
os.replace = replace
from app.__main__ import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.fixture
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A vault (made once per run) with a screening, a practitioner with their own password, and a backup taken
    before a second screening and a marker account were added."""
    base = tmp_path_factory.getbasetemp() / "swap-template"
    if not base.exists():
        work = base.with_name("swap-template-work")
        data = work / "data"
        data.mkdir(parents=True)
        session, _key = new_vault(data)
        save_screening(session, draft())
        users.add_user(session, NURSE, "practitioner", "temporary-pw-7")
        session.close()
        nurse = sign_in(data, NURSE, "temporary-pw-7", cost())
        users.change_own_password(nurse, "temporary-pw-7", NURSE_PASSWORD)
        nurse.close()
        admin = sign_in(data, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
        write_backup(admin, work / "before.spbackup")
        save_screening(admin, draft())
        users.add_user(admin, "zz.marker", "practitioner", "temporary-pw-9")
        admin.close()
        work.rename(base)
    return base


def copy_of(template: Path, tmp_path: Path) -> Path:
    shutil.copytree(template, tmp_path / "v", copy_function=shutil.copy2)
    return tmp_path / "v" / "data"


def killed(after: int, data_dir: Path, *command: str) -> tuple[int, str]:
    """Run ``signpost COMMAND`` as alice in a child killed after the ``after``-th rename of the swap."""
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(after), "--data-dir", str(data_dir), *command, "--user", ADMIN,
         "--password-stdin"],
        cwd=ROOT, input=ADMIN_PASSWORD + "\n", capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return child.returncode, child.stdout


def opened_and_checked(data_dir: Path, name: str, password: str) -> tuple[list[str], list[audit.AuditEntry], int]:
    """Sign in as staff would; verify; the notices, the audit trail and the number of screenings."""
    session = sign_in(data_dir, name, password, cost(), daily_backup=False, check_pages=True)
    try:
        assert vault_problems(session) == []
        entries = audit.entries(session.conn, limit=1000)
        return session.notices, entries, len(list_screenings(session))
    finally:
        session.close()


@pytest.mark.parametrize("after", [0, 1, 2, 3])
def test_a_restore_killed_while_moving_files_is_finished_at_the_next_sign_in(
    template: Path, tmp_path: Path, after: int
) -> None:
    data_dir = copy_of(template, tmp_path)
    code, _out = killed(after, data_dir, "restore", str(data_dir.parent / "before.spbackup"), "--force")
    assert code == -signal.SIGKILL
    assert (data_dir / "swap-record.json").exists()

    notices, entries, screenings = opened_and_checked(data_dir, NURSE, NURSE_PASSWORD)
    assert screenings == 1  # the backup's: the restore went through
    assert any("restore" in notice and "finished it now" in notice for notice in notices)
    finished = [e for e in entries if e.action == audit.RESTORE and "was interrupted after" in e.detail]
    assert len(finished) == 1 and f"after {after} of " in finished[0].detail
    assert not (data_dir / "swap-record.json").exists()
    assert not [p for p in data_dir.iterdir() if p.name.startswith(".signpost-restore-")]
    aside = [p for p in data_dir.iterdir() if p.name.startswith("replaced-")]
    assert len(aside) == 1 and (aside[0] / "signpost.db").is_file() and (aside[0] / "keyslots.json").is_file()
    session = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    assert "zz.marker" not in [user.name for user in users.list_users(session)]  # added after the backup
    session.close()


def test_a_restore_killed_before_its_swap_record_changes_nothing(template: Path, tmp_path: Path) -> None:
    data_dir = copy_of(template, tmp_path)
    code, _out = killed(-1, data_dir, "restore", str(data_dir.parent / "before.spbackup"), "--force")
    assert code == -signal.SIGKILL
    notices, _entries, screenings = opened_and_checked(data_dir, ADMIN, ADMIN_PASSWORD)
    assert screenings == 2 and notices == []


@pytest.mark.parametrize("after", [1, 3, 5])
def test_a_rekey_killed_while_moving_files_has_printed_its_secrets_and_is_finished(
    template: Path, tmp_path: Path, after: int
) -> None:
    data_dir = copy_of(template, tmp_path)
    code, out = killed(after, data_dir, "rekey")
    assert code == -signal.SIGKILL
    recovery = re.search(r"\b([A-Z2-9]{5}(?:-[A-Z2-9]{5}){7})\b", out)
    temporary = re.search(r"Temporary password for nurse\.jo \(to be changed at next sign-in\): (\S+)", out)
    assert recovery and temporary, out

    # The old passwords no longer open it: the printed temporary one does, and must be changed.
    session = sign_in(data_dir, NURSE, temporary.group(1), cost(), daily_backup=False)
    assert session.user.must_change_password
    assert any("rekey" in notice and "finished it now" in notice for notice in session.notices)
    session.close()
    notices, entries, screenings = opened_and_checked(data_dir, ADMIN, ADMIN_PASSWORD)
    assert screenings == 2 and notices == []
    assert len([e for e in entries if e.action == audit.REKEY and "was interrupted after" in e.detail]) == 1
    assert not (data_dir / "swap-record.json").exists()
    assert not [p for p in data_dir.iterdir() if p.name.startswith(".signpost-rekey-")]
    aside = next(p for p in data_dir.iterdir() if p.name.startswith("replaced-"))
    assert (aside / "backups").is_dir() and (aside / "keyslots.json").is_file()


def test_a_rekey_killed_between_its_record_and_printing_leaves_the_admin_a_way_in(
    template: Path, tmp_path: Path
) -> None:
    data_dir = copy_of(template, tmp_path)
    code, out = killed(0, data_dir, "rekey")
    assert code == -signal.SIGKILL and "recovery key" not in out.lower()
    notices, _entries, screenings = opened_and_checked(data_dir, ADMIN, ADMIN_PASSWORD)  # the admin's stays
    assert screenings == 2
    assert any("'signpost rekey' again" in notice for notice in notices)


def test_a_rekey_killed_before_its_swap_record_keeps_the_old_passwords(template: Path, tmp_path: Path) -> None:
    data_dir = copy_of(template, tmp_path)
    code, out = killed(-1, data_dir, "rekey")
    assert code == -signal.SIGKILL and "recovery key" not in out.lower()
    notices, _entries, _screenings = opened_and_checked(data_dir, NURSE, NURSE_PASSWORD)
    assert notices == []


def test_init_finishes_a_killed_swap_and_never_sets_up_over_one(template: Path, tmp_path: Path) -> None:
    data_dir = copy_of(template, tmp_path)
    killed(2, data_dir, "restore", str(data_dir.parent / "before.spbackup"), "--force")
    assert not (data_dir / "keyslots.json").exists()  # both moved aside, the restored ones not yet in
    with pytest.raises(VaultExistsError, match="already holds a vault"):
        create_vault(data_dir, "new.admin", "a new admin password", cost())
    assert (data_dir / "keyslots.json").exists()

    # A vault left half-swapped by an older version (no record): init refuses, naming where the files are.
    older = tmp_path / "older"
    older.mkdir()
    aside = older / "replaced-20260101-120000"
    aside.mkdir()
    shutil.copy2(data_dir / "keyslots.json", aside / "keyslots.json")
    with pytest.raises(VaultExistsError, match="replaced-20260101-120000"):
        create_vault(older, "new.admin", "a new admin password", cost())
    assert not (older / "keyslots.json").exists()


def test_leftovers_of_killed_backups_rekeys_and_writes_are_removed_next_time(
    template: Path, tmp_path: Path
) -> None:
    from app.vault.rekey import rekey_vault

    data_dir = copy_of(template, tmp_path)
    out_dir = tmp_path / "usb"
    out_dir.mkdir()
    hour_ago = time.time() - 7200

    def left(folder: Path, name: str, files: dict[str, str], *, old: bool = True) -> Path:
        path = folder / name
        path.mkdir()
        for file, text in files.items():
            (path / file).write_text(text)
        if old:
            os.utime(path, (hour_ago, hour_ago))
        return path

    stale_backup = left(out_dir, ".signpost-backup-abc123", {"signpost.db": "x", "backup.zip": "y"})
    running = left(out_dir, ".signpost-backup-def456", {"signpost.db": "x"}, old=False)  # another copy, now
    not_ours = left(out_dir, ".signpost-backup-photos", {"holiday.jpg": "z"})  # the user's own
    stale_rekey = left(data_dir, ".signpost-rekey-xyz789", {"signpost.db": "x", ".keyslots.json.q1.tmp": "{"})
    stale_tmp = data_dir / ".signin-attempts.json.k2j4.tmp"
    stale_tmp.write_text("{")
    os.utime(stale_tmp, (hour_ago, hour_ago))

    with pytest.raises(WrongPasswordError):  # a wrong password rewrites the attempts file
        sign_in(data_dir, ADMIN, "wrong password", cost(), daily_backup=False, delay_base_seconds=0.0)
    assert not stale_tmp.exists()
    admin = sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    write_backup(admin, out_dir / "today.spbackup")
    assert not stale_backup.exists() and running.exists() and not_ours.exists()
    rekey_vault(admin, ADMIN_PASSWORD)
    assert not stale_rekey.exists()


def test_sign_in_names_the_folders_of_a_swap_interrupted_without_a_record(template: Path, tmp_path: Path) -> None:
    """As an older version left it: the vault moved into replaced-…, the new one never moved in."""
    data_dir = copy_of(template, tmp_path)
    aside = data_dir / "replaced-20260101-120000"
    aside.mkdir()
    for name in ("signpost.db", "keyslots.json"):
        (data_dir / name).rename(aside / name)
    with pytest.raises(VaultDamagedError) as caught:
        sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    assert str(aside) in str(caught.value) and "set one up" not in str(caught.value)


def test_a_rekey_whose_moves_are_refused_says_the_printed_secrets_are_not_in_use(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import run

    data_dir = copy_of(template, tmp_path)
    real_replace = os.replace

    def held_open(source: object, target: object) -> None:  # a virus scanner holding the database, on Windows
        if Path(str(source)).name == "signpost.db" and Path(str(target)).parent.name.startswith("replaced-"):
            raise PermissionError(13, "Permission denied")
        real_replace(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", held_open)
    monkeypatch.setattr("sys.stdin", io.StringIO(ADMIN_PASSWORD + "\n"))
    code = run(["--data-dir", str(data_dir), "rekey", "--user", ADMIN, "--password-stdin"])
    monkeypatch.undo()
    out = capsys.readouterr()
    assert code != 0 and "Temporary password for nurse.jo" in out.out
    assert "printed above were not put in use" in out.err
    assert not (data_dir / "swap-record.json").exists()
    sign_in(data_dir, NURSE, NURSE_PASSWORD, cost(), daily_backup=False).close()  # the old passwords hold


def test_a_swap_record_naming_files_outside_the_data_folder_is_refused_and_followed_nowhere(
    template: Path, tmp_path: Path
) -> None:
    data_dir = copy_of(template, tmp_path)
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("someone else's file")
    (data_dir / "swap-record.json").write_text(json.dumps({
        "format": 1, "operation": "restore", "moves": [["../../elsewhere.txt", "signpost.db"]],
        "staging": ".signpost-restore-x", "aside": "", "started_at": "2026-01-01T00:00:00Z",
    }))
    with pytest.raises(VaultDamagedError, match="swap-record.json cannot be read"):
        sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    assert outside.read_text() == "someone else's file"


# Stops once the swap record is on disk, before any file is moved, until the file "go" appears in argv[1]: at rekey's
# printing of the secrets (a console that blocks writes), else at restore's first move (a virus scanner holding
# signpost.db). Says so by creating "paused" there.
PAUSED = """
import os, sys, time
from pathlib import Path
signals = Path(sys.argv[1])
def pause():
    (signals / "paused").touch()
    deadline = time.monotonic() + 60
    while not (signals / "go").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
real = os.replace
def replace(source, target, *args, **kwargs):
    if Path(source).name == "signpost.db" and Path(target).parent.name.startswith("replaced-") \\
            and not (signals / "paused").exists():
        pause()
    real(source, target, *args, **kwargs)
os.replace = replace
import app.vault.commands as commands
printed = commands._print_rekey_result
def slow_print(result):
    pause()
    printed(result)
commands._print_rekey_result = slow_print
from app.__main__ import main
sys.exit(main(sys.argv[2:]))
"""


def paused(tmp_path: Path, data_dir: Path, *command: str) -> tuple[subprocess.Popen[str], Path]:
    """``signpost COMMAND`` as alice in a child stopped with its swap record written; touch the path to go on."""
    signals = tmp_path / "signals"
    signals.mkdir()
    (signals / "password").write_text(ADMIN_PASSWORD + "\n")
    with open(signals / "password") as password:
        child = subprocess.Popen(
            [sys.executable, "-c", PAUSED, str(signals), "--data-dir", str(data_dir), *command, "--user", ADMIN,
             "--password-stdin"],
            cwd=ROOT, stdin=password, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    deadline = time.monotonic() + 60
    while not (signals / "paused").exists():
        assert child.poll() is None and time.monotonic() < deadline, child.communicate()
        time.sleep(0.05)
    assert (data_dir / "swap-record.json").exists()
    return child, signals / "go"


def files_in(data_dir: Path) -> dict[str, list[str]]:
    return {str(path.relative_to(data_dir)): sorted(p.name for p in path.iterdir())
            for path in (data_dir, *data_dir.glob("replaced-*"))}


def test_a_sign_in_during_a_running_restore_refuses_plainly_and_leaves_it_to_finish(
    template: Path, tmp_path: Path
) -> None:
    data_dir = copy_of(template, tmp_path)
    child, go = paused(tmp_path, data_dir, "restore", str(data_dir.parent / "before.spbackup"), "--force")
    before = files_in(data_dir)
    with pytest.raises(SwapUnderWayError, match="a restore or rekey of the vault in .* is in progress"):
        sign_in(data_dir, NURSE, NURSE_PASSWORD, cost(), daily_backup=False)
    with pytest.raises(SwapUnderWayError, match="Try again in a minute"):
        create_vault(data_dir, "new.admin", "a new admin password", cost())
    assert files_in(data_dir) == before  # nothing moved

    go.touch()
    _out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    notices, entries, screenings = opened_and_checked(data_dir, NURSE, NURSE_PASSWORD)
    assert screenings == 1 and notices == []  # the restore went through, by itself
    assert not [e for e in entries if "was interrupted" in e.detail]
    aside = next(p for p in data_dir.iterdir() if p.name.startswith("replaced-"))
    old = sign_in(aside, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)  # the replaced vault is whole
    assert len(list_screenings(old)) == 2
    old.close()


def test_a_verify_during_a_rekey_printing_its_secrets_refuses_and_the_printed_secrets_hold(
    template: Path, tmp_path: Path
) -> None:
    data_dir = copy_of(template, tmp_path)
    child, go = paused(tmp_path, data_dir, "rekey")
    before = files_in(data_dir)
    verify = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), "verify", "--user", ADMIN, "--password-stdin"],
        cwd=ROOT, input=ADMIN_PASSWORD + "\n", capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert verify.returncode == 1 and "is in progress" in verify.stderr and "Traceback" not in verify.stderr
    assert files_in(data_dir) == before

    go.touch()
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0 and "not put in use" not in err, err
    temporary = re.search(r"Temporary password for nurse\.jo \(to be changed at next sign-in\): (\S+)", out)
    assert temporary, out
    session = sign_in(data_dir, NURSE, temporary.group(1), cost(), daily_backup=False)
    assert session.user.must_change_password and session.notices == []
    session.close()


def test_a_restore_whose_moves_someone_else_made_never_says_nothing_has_changed(
    template: Path, tmp_path: Path
) -> None:
    """Another copy that takes no lock (an older version) finishes the record while the restore waits on a move."""
    data_dir = copy_of(template, tmp_path)
    child, go = paused(tmp_path, data_dir, "restore", str(data_dir.parent / "before.spbackup"), "--force")
    record = json.loads((data_dir / "swap-record.json").read_text())
    for source, target in record["moves"]:
        os.replace(data_dir / source, data_dir / target)

    go.touch()
    _out, err = child.communicate(timeout=60)
    assert child.returncode == 1 and "Nothing has been changed" not in err, err
    assert "putting the old one back failed too" in err
    assert (data_dir / "swap-record.json").exists()  # the next opening finishes the change


# Holds the swap lock of the data folder argv[1] with the record argv[2] in place, as a running restore does.
HOLDER = """
import sys, time
from pathlib import Path
from app.vault.layout import VaultLayout
from app.vault.swap_lock import swap_lock
layout = VaultLayout(Path(sys.argv[1]))
with swap_lock(layout):
    layout.swap_record.write_text(sys.argv[2])
    print("held", flush=True)
    time.sleep(30)
"""


def test_a_finished_record_is_forgotten_only_while_it_is_still_the_one_there(template: Path, tmp_path: Path) -> None:
    data_dir = copy_of(template, tmp_path)
    killed(1, data_dir, "restore", str(data_dir.parent / "before.spbackup"), "--force")
    layout = VaultLayout(data_dir)
    finished = finish_interrupted_swap(layout)
    assert finished is not None and finished.finished_at
    # A restore started since holds the lock and has put its own record in place of the finished one.
    theirs = json.dumps({**json.loads(finished.to_json()), "finished_at": "", "started_at": audit.now_utc()})
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data_dir), theirs], cwd=ROOT, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        forget_swap(layout, finished)
        assert json.loads(layout.swap_record.read_text())["finished_at"] == ""  # theirs, left alone
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("name", [
    "/Windows/x", "\\Windows\\x", "C:x", "C:\\x", "\\\\server\\share\\x", "replaced-1\\..\\..\\x", "../x",
])
def test_a_swap_record_naming_a_path_with_a_root_a_drive_or_dotdot_on_any_system_is_refused(
    tmp_path: Path, name: str
) -> None:
    record = {"format": 1, "operation": "restore", "moves": [["signpost.db", "replaced-1/signpost.db"]],
              "staging": ".signpost-restore-x", "aside": "replaced-1", "started_at": "2026-01-01T00:00:00Z"}
    layout = VaultLayout(tmp_path)
    layout.swap_record.write_text(json.dumps(record))
    assert read_record(layout) is not None
    for field, value in (("moves", [[name, "signpost.db"]]), ("moves", [["signpost.db", name]]), ("aside", name)):
        layout.swap_record.write_text(json.dumps({**record, field: value}))
        with pytest.raises(VaultDamagedError, match="swap-record.json cannot be read"):
            read_record(layout)


def test_the_notices_and_messages_of_a_finished_swap_are_whole_sentences_with_readable_times(tmp_path: Path) -> None:
    layout = VaultLayout(tmp_path)
    (tmp_path / "signpost.db").write_text("x")
    (tmp_path / "replaced-1" / "signpost.db").mkdir(parents=True)  # a folder in the way: the move fails
    (tmp_path / "replaced-1" / "signpost.db" / "in-the-way").write_text("x")
    layout.swap_record.write_text(json.dumps({
        "format": 1, "operation": "rekey", "moves": [["signpost.db", "replaced-1/signpost.db"]],
        "staging": ".signpost-rekey-x", "aside": "replaced-1", "started_at": "2026-03-01T14:05:09Z",
    }))
    with pytest.raises(VaultError, match=r"^giving the vault in .* a new key \('signpost rekey'\) was interrupted"):
        finish_interrupted_swap(layout)
    record = read_record(layout)
    assert record is not None
    assert "started at 2026-03-01 14:05 UTC was stopped" in finished_notice(record)
    restore = finished_notice(replace(record, operation="restore"))
    assert "A restore of the vault started at 2026-03-01 14:05 UTC" in restore


# Holds the swap lock of the data folder argv[1], with no record yet, as a rekey copying the vault does.
COPYING = """
import sys, time
from pathlib import Path
from app.vault.layout import VaultLayout
from app.vault.swap_lock import swap_lock
with swap_lock(VaultLayout(Path(sys.argv[1]))):
    print("held", flush=True)
    time.sleep(30)
"""


def test_no_one_signs_in_while_a_rekey_copies_the_vault(template: Path, tmp_path: Path) -> None:
    """Before, only a swap record made sign-in wait: someone signing in while a rekey copied the vault could save,
    and what they saved was left only in the vault moved aside, which IT is told to delete."""
    data_dir = copy_of(template, tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", COPYING, str(data_dir)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(SwapUnderWayError, match="Try again in a minute"):
            sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False)
    finally:
        holder.kill()
        holder.wait()
    sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False).close()  # once it has finished


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full, an output that is always full")
def test_a_rekey_whose_secrets_cannot_be_written_out_gives_no_new_key(template: Path, tmp_path: Path) -> None:
    """Before, output that failed (a full disk, a closed pipe) ended in a traceback with the swap recorded: the next
    opening finished the rekey, and nobody had the new recovery key or the temporary passwords."""
    data_dir = copy_of(template, tmp_path)
    with open("/dev/full", "w") as full:
        child = subprocess.run(
            [sys.executable, "-m", "app", "--data-dir", str(data_dir), "rekey", "--user", ADMIN, "--password-stdin"],
            cwd=ROOT, input=ADMIN_PASSWORD + "\n", stdout=full, stderr=subprocess.PIPE, text=True, timeout=60,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    assert child.returncode == 1 and "Traceback" not in child.stderr and "Exception ignored" not in child.stderr
    assert "could not be written out" in child.stderr and "Nothing has been changed" in child.stderr
    assert not (data_dir / "swap-record.json").exists()
    notices, _entries, _screenings = opened_and_checked(data_dir, NURSE, NURSE_PASSWORD)  # the old passwords hold
    assert notices == []


# Runs `signpost ARGS` and is interrupted (Ctrl+C) once the new recovery key is on screen.
INTERRUPTED = """
import sys
argv = sys.argv[1:]

class Screen:
    def __init__(self, out):
        self.out = out
    def write(self, text):
        self.out.write(text)
        if "New recovery key" in text:
            self.out.flush()
            raise KeyboardInterrupt
    def flush(self):
        self.out.flush()

sys.stdout = Screen(sys.stdout)
from app.cli import run
sys.exit(run(argv))
"""


def test_a_rekey_interrupted_once_its_secrets_are_on_screen_is_finished_not_dropped(
    template: Path, tmp_path: Path
) -> None:
    """Before, Ctrl+C once the new recovery key was on screen dropped the rekey without a word: the key shown was
    then not the vault's, and an administrator who filed it and destroyed the old one had none."""
    data_dir = copy_of(template, tmp_path)
    child = subprocess.run(
        [sys.executable, "-c", INTERRUPTED, "--data-dir", str(data_dir), "rekey", "--user", ADMIN, "--password-stdin"],
        cwd=ROOT, input=ADMIN_PASSWORD + "\n", capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.returncode != 0 and "New recovery key" in child.stdout
    assert (data_dir / "swap-record.json").exists()  # the change stands: the next opening finishes it
    notices = opened_and_checked(data_dir, ADMIN, ADMIN_PASSWORD)[0]
    assert any("'signpost rekey'" in notice and "finished it now" in notice for notice in notices)
    with pytest.raises(VaultError):
        sign_in(data_dir, NURSE, NURSE_PASSWORD, cost(), daily_backup=False)  # the nurse has a temporary one now


# Holds the swap lock of the data folder argv[1] as a sign-in opening the vault does, for argv[2] seconds.
OPENING_SLOWLY = """
import sys, time
from pathlib import Path
from app.vault.layout import VaultLayout
from app.vault.swap_lock import OPENING, swap_lock
with swap_lock(VaultLayout(Path(sys.argv[1])), purpose=OPENING):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_a_sign_in_waits_behind_another_copy_opening_the_vault_slowly(template: Path, tmp_path: Path) -> None:
    """Before, a sign-in held up for 3 s by another copy's slow opening (a first sign-in after an update migrates
    the vault) was refused with "a restore or rekey … is in progress", though none was running."""
    data_dir = copy_of(template, tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", OPENING_SLOWLY, str(data_dir), "4.5"], cwd=ROOT, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        sign_in(data_dir, ADMIN, ADMIN_PASSWORD, cost(), daily_backup=False).close()  # waited, then signed in
    finally:
        holder.kill()
        holder.wait()



def test_verify_tells_of_a_swap_it_finished_before_its_verdict(template: Path, tmp_path: Path) -> None:
    """Before, the notice that a killed restore had been finished went to standard error: read after standard
    output (as a script reading both does), it came after the "OK" line."""
    data_dir = copy_of(template, tmp_path)
    code, _out = killed(1, data_dir, "restore", str(data_dir.parent / "before.spbackup"), "--force")
    assert code == -signal.SIGKILL
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}  # buffered, as usual
    verify = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), "verify", "--user", ADMIN, "--password-stdin"],
        cwd=ROOT, input=ADMIN_PASSWORD + "\n", capture_output=True, text=True, timeout=60, env=env,
    )
    assert verify.returncode == 0, verify.stderr
    *before, verdict = (verify.stdout + verify.stderr).splitlines()
    assert verdict.startswith("OK: ")
    assert [line for line in before if "restore" in line and "finished it now" in line]


def test_finishing_a_swap_whose_wal_a_closing_connection_removed_still_moves_the_old_vault_aside(
    tmp_path: Path,
) -> None:
    """A restore killed before its first move, on a shared folder without working locks: another PC's connection,
    closing, folds the old vault's -wal in and deletes it and the -shm. Their absence must not be taken for moves
    made, or the new database would be moved over the old one instead of the old one aside."""
    from app.vault.swap import RESTORE, SwapRecord

    data_dir = tmp_path / "data"
    staging = data_dir / ".signpost-restore-k3j2"
    staging.mkdir(parents=True)
    for name, text in (("signpost.db", "old vault"), ("signpost.db-wal", "old wal"), ("signpost.db-shm", "old shm"),
                       ("keyslots.json", "old slots")):
        (data_dir / name).write_text(text)
    (staging / "signpost.db").write_text("restored vault")
    (staging / "keyslots.json").write_text("restored slots")
    aside = "replaced-20261126-230000"
    (data_dir / aside).mkdir()
    names = ("signpost.db", "signpost.db-wal", "signpost.db-shm", "keyslots.json")
    record = SwapRecord(
        RESTORE, tuple((name, f"{aside}/{name}") for name in names)
        + ((f"{staging.name}/signpost.db", "signpost.db"), (f"{staging.name}/keyslots.json", "keyslots.json")),
        staging.name, aside, "2026-11-26T23:00:00Z",
    )
    layout = VaultLayout(data_dir)
    layout.swap_record.write_bytes(record.to_json())
    (data_dir / "signpost.db-wal").unlink()
    (data_dir / "signpost.db-shm").unlink()

    finished = finish_interrupted_swap(layout)

    assert finished is not None and finished.moves_made_before == 0
    assert (data_dir / aside / "signpost.db").read_text() == "old vault"
    assert (data_dir / aside / "keyslots.json").read_text() == "old slots"
    assert (data_dir / "signpost.db").read_text() == "restored vault"
    assert (data_dir / "keyslots.json").read_text() == "restored slots"


def test_finishing_a_swap_whose_previous_key_slots_it_removed_still_moves_the_old_vault_aside(tmp_path: Path) -> None:
    """The previous key slots move aside with the vault they belong to, last of its files. IT may have removed them
    (verify says to, once looked at) after a restore was killed before its first move: their absence must not be
    taken for moves made, or the restored keyslots.json would be put over the old one instead of the old one aside."""
    from app.vault.swap import RESTORE, SwapRecord

    data_dir = tmp_path / "data"
    staging = data_dir / ".signpost-restore-k3j2"
    staging.mkdir(parents=True)
    names = ("signpost.db", "keyslots.json", ".keyslots.json.previous.tmp")
    for name in names:
        (data_dir / name).write_text(f"old {name}")
    for name in names[:2]:
        (staging / name).write_text(f"restored {name}")
    aside = "replaced-20261126-230000"
    (data_dir / aside).mkdir()
    assert [path.name for path in VaultLayout(data_dir).vault_files()] == list(names)
    record = SwapRecord(
        RESTORE, tuple((name, f"{aside}/{name}") for name in names)
        + tuple((f"{staging.name}/{name}", name) for name in names[:2]),
        staging.name, aside, "2026-11-26T23:00:00Z",
    )
    layout = VaultLayout(data_dir)
    layout.swap_record.write_bytes(record.to_json())
    (data_dir / ".keyslots.json.previous.tmp").unlink()

    finished = finish_interrupted_swap(layout)

    assert finished is not None and finished.moves_made_before == 0
    for name in names[:2]:
        assert (data_dir / aside / name).read_text() == f"old {name}"
        assert (data_dir / name).read_text() == f"restored {name}"
