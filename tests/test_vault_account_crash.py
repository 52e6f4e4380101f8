"""Account changes killed around the renaming of ``keyslots.json``, and an older ``keyslots.json`` put back.

A real ``signpost`` command runs in a child that SIGKILLs itself right before, or right after, ``keyslots.json`` is
renamed into place (its transaction's last step before the commit), or after the commit, right before the slots'
second name (``.keyslots.json.previous.tmp``) is removed. Killed before, nothing has changed. Killed after the rename,
the slots hold a change the database never recorded, and the second name the slots it knows: the next opening of the
vault puts those back, audits it and says so. Killed after the commit, the change holds and the second name goes.
Slots it cannot tell right from wrong are left for IT, and the messages name them.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from vault_support import cost

from app.cli import run
from app.records import audit
from app.vault import keyslots as ks
from app.vault.errors import AccountSlotMismatchError, VaultError, WrongPasswordError
from app.vault.session import recover, sign_in
from app.vault.users import add_user

ADMIN, ADMIN_PW = "it.admin", "it-admin-password"
PRAC, PRAC_PW = "j.smith", "smith-own-pass-77"
NEW_PW, TEMP_PW = "brand-new-pass-42", "reset-temp-pass-9"
FAST_PW = "pass-from-fast-pc-1"

KILL_CHILD = """
import os, signal, sys
moment, argv = sys.argv[1], sys.argv[2:]
real, real_unlink = os.replace, os.unlink
renamed = []

def replace(src, dst, *args, **kwargs):
    last = os.path.basename(dst) == "keyslots.json"
    if last and moment == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    real(src, dst, *args, **kwargs)
    if last and moment == "after":
        os.kill(os.getpid(), signal.SIGKILL)
    renamed.append(last)

def unlink(path, *args, **kwargs):  # committed: the second name is removed last
    if moment == "committed" and any(renamed) and os.path.basename(path) == ".keyslots.json.previous.tmp":
        os.kill(os.getpid(), signal.SIGKILL)
    real_unlink(path, *args, **kwargs)

os.replace, os.unlink = replace, unlink
from app.cli import run
sys.exit(run(argv))
"""


def cli(*args: str, stdin: str = "") -> tuple[int, str]:
    """Run a ``signpost`` command in this process; its exit code and everything it printed."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    try:
        code = run(list(args))
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
    return code, out.getvalue() + err.getvalue()


def as_user(data_dir: Path, name: str) -> tuple[str, ...]:
    return ("--data-dir", str(data_dir), "--user", name, "--password-stdin")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, machine_config_for_module: Path) -> tuple[Path, str]:
    """A vault with an administrator and a practitioner who has chosen a password; and its recovery key."""
    data = tmp_path_factory.mktemp("template") / "data"
    code, out = cli("init", "--data-dir", str(data), "--admin", ADMIN, "--password-stdin", stdin=ADMIN_PW + "\n")
    assert code == 0, out
    key = re.search(r"\b([A-Z2-9]{5}(?:-[A-Z2-9]{5}){7})\b", out)
    assert key, out
    assert cli("user", "add", PRAC, *as_user(data, ADMIN), stdin=f"{ADMIN_PW}\ntemp-pass-123\n")[0] == 0
    assert cli("user", "passwd", *as_user(data, PRAC), stdin=f"temp-pass-123\n{PRAC_PW}\n")[0] == 0
    return data, key.group(1)


@pytest.fixture(scope="module")
def machine_config_for_module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The template is made once for the module: under a config file of its own, as each test's is."""
    from conftest import TEST_CONFIG

    path = tmp_path_factory.mktemp("module-config") / "signpost.toml"
    path.write_text(TEST_CONFIG, encoding="utf-8")
    saved = os.environ.get("SIGNPOST_CONFIG")
    os.environ["SIGNPOST_CONFIG"] = str(path)
    yield path
    if saved is None:
        os.environ.pop("SIGNPOST_CONFIG", None)
    else:
        os.environ["SIGNPOST_CONFIG"] = saved


def killed(template: tuple[Path, str], tmp_path: Path, moment: str, *args: str, stdin: str) -> Path:
    """A copy of the template vault after ``signpost ARGS`` was killed ``moment`` its key slots were replaced."""
    data = tmp_path / moment
    shutil.copytree(template[0], data)
    kill(data, moment, *args, stdin=stdin)
    return data


def kill(data: Path, moment: str, *args: str, stdin: str) -> None:
    """Run ``signpost ARGS`` (``DATA`` standing for ``data``) in a child killed ``moment`` its slots are replaced."""
    child = subprocess.run(
        [sys.executable, "-c", KILL_CHILD, moment, *(str(data) if a == "DATA" else a for a in args)],
        input=stdin, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert child.returncode == -9, f"not killed: rc={child.returncode} {child.stdout} {child.stderr}"


def audit_actions(data: Path, name: str = ADMIN, password: str = ADMIN_PW) -> list[str]:
    session = sign_in(data, name, password, cost(), daily_backup=False)
    try:
        return [row[0] for row in session.conn.execute("SELECT action FROM audit ORDER BY id")]
    finally:
        session.close()


def audited_since(template: tuple[Path, str], data: Path) -> list[str]:
    """The audit entries the killed command (and this check's own sign-in) added to the template's."""
    before = shutil.copytree(template[0], data.parent / "template-copy")
    return audit_actions(data)[len(audit_actions(before)):]


def kept(data: Path) -> Path:
    """The second name an account change gives the slots it replaces."""
    return data / ".keyslots.json.previous.tmp"


def refused(data: Path, name: str, password: str) -> VaultError:
    with pytest.raises(VaultError) as caught:
        sign_in(data, name, password, cost(), daily_backup=False).close()
    return caught.value


def signs_in(data: Path, name: str, password: str) -> bool:
    session = sign_in(data, name, password, cost(), daily_backup=False)
    must_change = session.user.must_change_password
    session.close()
    return must_change


def verify_says(data: Path) -> tuple[int, str]:
    return cli("verify", *as_user(data, ADMIN), stdin=ADMIN_PW + "\n")


def put_right(data: Path, *command: str, stdin: str) -> None:
    """IT does what verify said; verify then passes."""
    code, out = cli(*command, stdin=stdin)
    assert code == 0, out
    code, out = verify_says(data)
    assert code == 0, out


# Each account change run by the command line: its arguments (``DATA`` standing for the data folder) and input.
CHANGES: dict[str, tuple[tuple[str, ...], str]] = {
    "password change": (("user", "passwd", *as_user(Path("DATA"), PRAC)), f"{PRAC_PW}\n{NEW_PW}\n"),
    "reset": (("user", "reset-password", PRAC, *as_user(Path("DATA"), ADMIN)), f"{ADMIN_PW}\n{TEMP_PW}\n"),
    "disable": (("user", "disable", PRAC, *as_user(Path("DATA"), ADMIN)), f"{ADMIN_PW}\n"),
    "add": (("user", "add", "n.new", *as_user(Path("DATA"), ADMIN)), f"{ADMIN_PW}\n{TEMP_PW}\n"),
}


def killed_change(template: tuple[Path, str], tmp_path: Path, moment: str, change: str) -> Path:
    """A copy of the template vault after the account change ``change`` was killed ``moment`` its slots were
    replaced."""
    args, stdin = CHANGES[change]
    return killed(template, tmp_path, moment, *args, stdin=stdin)


@pytest.mark.parametrize("change", CHANGES)
def test_an_account_change_killed_before_its_rename_changes_nothing(template, tmp_path: Path, change: str) -> None:
    data = killed_change(template, tmp_path, "before", change)
    # The transaction never committed and the slots are as they were.
    assert audited_since(template, data) == ["sign_in"]  # only this check's own sign-in
    assert signs_in(data, PRAC, PRAC_PW) is False
    assert verify_says(data)[0] == 0


def test_a_password_change_killed_midway_is_never_used_unrecorded(template, tmp_path: Path) -> None:
    data = killed_change(template, tmp_path, "after", "password change")
    assert kept(data).exists()
    error = refused(data, PRAC, NEW_PW)  # the first opening puts back the slots from before the change
    assert isinstance(error, AccountSlotMismatchError)
    assert "interrupted before Signpost had recorded it" in str(error)
    assert "put the account's password back as it was before that change" in str(error)
    assert not kept(data).exists()
    assert isinstance(refused(data, PRAC, NEW_PW), WrongPasswordError)
    assert signs_in(data, PRAC, PRAC_PW) is False
    actions = audited_since(template, data)
    assert "keyslots_put_back" in actions and "password_change" not in actions
    assert verify_says(data)[0] == 0


def test_a_reset_killed_midway_is_said_and_put_right_by_another(template, tmp_path: Path) -> None:
    data = killed_change(template, tmp_path, "after", "reset")
    code, out = verify_says(data)  # an administrator's verify is the first opening: it puts them back and says so
    assert code == 0 and f"A change to the account {PRAC} was stopped before it had finished" in out
    assert isinstance(refused(data, PRAC, TEMP_PW), WrongPasswordError)
    assert signs_in(data, PRAC, PRAC_PW) is False
    actions = audited_since(template, data)
    assert "keyslots_put_back" in actions and "user_reset_password" not in actions


def test_a_disable_killed_midway_leaves_the_account_unable_to_sign_in(template, tmp_path: Path) -> None:
    data = killed_change(template, tmp_path, "after", "disable")
    assert signs_in(data, PRAC, PRAC_PW) is False  # its slot is back: the disable was never recorded
    assert not kept(data).exists() and verify_says(data)[0] == 0
    put_right(data, "user", "disable", PRAC, *as_user(data, ADMIN), stdin=f"{ADMIN_PW}\n")
    code, out = cli("user", "list", *as_user(data, ADMIN), stdin=ADMIN_PW + "\n")
    assert f"{PRAC}\tpractitioner\tdisabled" in out


def test_an_account_added_midway_is_said_and_put_right_by_adding_it(template, tmp_path: Path) -> None:
    data = killed_change(template, tmp_path, "after", "add")
    error = refused(data, "n.new", TEMP_PW)
    assert isinstance(error, AccountSlotMismatchError) and "if there was none (a new account)" in str(error)
    assert isinstance(refused(data, "n.new", TEMP_PW), WrongPasswordError)  # its slot is gone with the change
    assert verify_says(data)[0] == 0
    put_right(data, "user", "add", "n.new", *as_user(data, ADMIN), stdin=f"{ADMIN_PW}\n{TEMP_PW}\n")
    assert signs_in(data, "n.new", TEMP_PW) is True


@pytest.mark.parametrize("moment", ["before", "after"])
@pytest.mark.parametrize("admin", [ADMIN, "n.boss"])
def test_a_recovery_killed_midway_can_be_run_again(template, tmp_path: Path, moment: str, admin: str) -> None:
    key = template[1]
    data = killed(template, tmp_path, moment, "recover", "--data-dir", "DATA", "--admin", admin, "--password-stdin",
                  stdin=f"{key}\n{NEW_PW}\n")
    if moment == "before":
        assert isinstance(refused(data, admin, NEW_PW), WrongPasswordError)
        assert signs_in(data, ADMIN, ADMIN_PW) is False  # nothing changed
    else:
        assert isinstance(refused(data, admin, NEW_PW), AccountSlotMismatchError)  # unrecorded, or no such account
    recover(data, key, admin, NEW_PW, cost()).close()  # the recovery key puts it right
    session = sign_in(data, admin, NEW_PW, cost(), daily_backup=False)
    try:
        assert session.user.must_change_password
        actions = [row[0] for row in session.conn.execute("SELECT action FROM audit")]
        assert actions.count("recover") == 1  # only the run that finished
    finally:
        session.close()


def test_the_slots_from_before_a_change_killed_after_its_rename_sign_in_with_the_old_password(
    template, tmp_path: Path
) -> None:
    """Before, the slot the database never recorded stayed in keyslots.json: the old password was refused and the
    new one too, and the slots that were right were left in a temporary file for the next change to delete."""
    data = killed_change(template, tmp_path, "after", "password change")
    right = kept(data).read_bytes()
    session = sign_in(data, PRAC, PRAC_PW, cost(), daily_backup=False)
    try:
        assert session.notices == [f"A change to the account {PRAC} was stopped before it had finished, so Signpost "
                                   "has put its password back as it was before that change."]
        entries = session.conn.execute("SELECT actor, detail FROM audit WHERE action = 'keyslots_put_back'").fetchall()
        assert len(entries) == 1 and entries[0][0] == PRAC and f"accounts: {PRAC})" in entries[0][1]
    finally:
        session.close()
    assert (data / "keyslots.json").read_bytes() == right and not kept(data).exists()
    assert isinstance(refused(data, PRAC, NEW_PW), WrongPasswordError)
    code, out = verify_says(data)
    assert code == 0 and out.startswith("OK:") and "stopped before" not in out  # put back once, said once


def test_a_change_killed_while_another_copy_is_signed_in_is_settled_by_its_next_change(
    template, tmp_path: Path
) -> None:
    """Before, the next account change, a minute later, removed the slots that were right as a stale temporary
    file (or replaced them by its own second name)."""
    data = tmp_path / "data"
    shutil.copytree(template[0], data)
    admin = sign_in(data, ADMIN, ADMIN_PW, cost(), daily_backup=False)  # signed in before the kill
    try:
        child = subprocess.run(
            [sys.executable, "-c", KILL_CHILD, "after", "user", "passwd", *as_user(data, PRAC)],
            input=f"{PRAC_PW}\n{NEW_PW}\n", capture_output=True, text=True, cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60,
        )
        assert child.returncode == -9, child.stderr
        os.utime(kept(data), (1, 1))  # long untouched
        add_user(admin, "n.other", "practitioner", TEMP_PW)
        actors = admin.conn.execute("SELECT actor FROM audit WHERE action = 'keyslots_put_back'").fetchall()
        assert actors == [(ADMIN,)]
    finally:
        admin.close()
    assert not kept(data).exists()
    assert signs_in(data, PRAC, PRAC_PW) is False
    assert signs_in(data, "n.other", TEMP_PW) is True
    assert verify_says(data)[0] == 0


def test_a_put_back_made_by_a_change_that_then_fails_stays_audited(
    template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next change settles a killed one, then its own key slots cannot be written (keyslots.json held by another
    program). Before, the put-back was made inside that change's transaction: the rollback took its audit entry and
    left the renamed file, a put-back with no trace in the audit trail."""
    data = tmp_path / "data"
    shutil.copytree(template[0], data)
    admin = sign_in(data, ADMIN, ADMIN_PW, cost(), daily_backup=False)  # signed in before the kill
    try:
        kill(data, "after", "user", "passwd", *as_user(data, PRAC), stdin=f"{PRAC_PW}\n{NEW_PW}\n")
        real_replace = os.replace

        def held(src: str | Path, dst: str | Path) -> None:  # the change's own slots; the put-back goes through
            if Path(dst).name == "keyslots.json" and Path(src).name != kept(data).name:
                raise PermissionError(13, "The process cannot access the file because it is being used")
            real_replace(src, dst)

        monkeypatch.setattr(os, "replace", held)
        with pytest.raises(VaultError, match="The account change has not been made"):
            add_user(admin, "n.other", "practitioner", TEMP_PW)
        monkeypatch.undo()
        actors = admin.conn.execute("SELECT actor FROM audit WHERE action = 'keyslots_put_back'").fetchall()
        assert actors == [(ADMIN,)]
    finally:
        admin.close()
    assert not kept(data).exists()
    assert signs_in(data, PRAC, PRAC_PW) is False
    assert ks.load_keyslots(data / "keyslots.json").user_slot("n.other") is None
    assert verify_says(data)[0] == 0


@pytest.mark.parametrize("first", ["new password", "old password"])
def test_a_change_killed_after_its_commit_holds_and_its_second_name_goes(template, tmp_path: Path, first: str) -> None:
    """Before, the stale second name stayed until an account change removed it; an old password in it must not open
    the vault meanwhile."""
    data = killed_change(template, tmp_path, "committed", "password change")
    assert kept(data).exists()
    if first == "old password":
        assert isinstance(refused(data, PRAC, PRAC_PW), WrongPasswordError)
        assert not kept(data).exists()
    assert signs_in(data, PRAC, NEW_PW) is False
    assert not kept(data).exists()
    assert isinstance(refused(data, PRAC, PRAC_PW), WrongPasswordError)
    actions = audited_since(template, data)
    assert "password_change" in actions and "keyslots_put_back" not in actions
    assert verify_says(data)[0] == 0


def spoil(path: Path, how: str) -> None:
    if how == "unreadable":
        path.write_bytes(b"{ not key slots")
        return
    doc = json.loads(path.read_bytes())
    if how == "another vault's":
        doc["vault_id"] = "another-vault"
    else:  # no better: the administrator's slot is missing from it
        doc["slots"] = [slot for slot in doc["slots"] if slot["user"] != ADMIN]
    path.write_text(json.dumps(doc), encoding="utf-8")


@pytest.mark.parametrize("how", ["unreadable", "another vault's", "no better"])
def test_previous_slots_it_cannot_judge_are_left_for_it_and_named(template, tmp_path: Path, how: str) -> None:
    """Before, neither message said where the slots from before the change were, and the next account change
    deleted them; then both advised a reset, which is refused while the file is there, without IT's step first."""
    data = killed_change(template, tmp_path, "after", "password change")
    spoil(kept(data), how)
    left, slots = kept(data).read_bytes(), (data / "keyslots.json").read_bytes()
    error = refused(data, PRAC, NEW_PW)
    assert isinstance(error, AccountSlotMismatchError) and "interrupted before Signpost had recorded it" in str(error)
    assert f"kept in {kept(data)}" in str(error)
    assert (f"Ask IT to look at both files with Signpost closed, keep a copy of {kept(data)} somewhere safe and "
            "remove it from the vault folder; then an administrator can reset your password") in str(error)
    code, out = verify_says(data)
    assert code == 1 and "FAILED: 2 problems found." in out
    assert ("from a change that was interrupted before it was recorded, so it cannot sign in: first IT looks at "
            f"{kept(data)} and keyslots.json with Signpost closed, keeps a copy of {kept(data)} somewhere safe, and "
            f"removes it from the vault folder (resets are refused while it is there); then reset its password with "
            f"'signpost user reset-password {PRAC}'") in out
    os.utime(kept(data), (1, 1))  # long untouched
    code, out = cli("user", "reset-password", PRAC, *as_user(data, ADMIN), stdin=f"{ADMIN_PW}\n{TEMP_PW}\n")
    assert code != 0 and "The account change has not been made" in out and str(kept(data)) in out
    assert kept(data).read_bytes() == left and (data / "keyslots.json").read_bytes() == slots


@pytest.mark.parametrize("previous", ["right", "left for IT"])
def test_a_change_killed_on_a_pc_whose_clock_is_behind_the_last_change_is_judged_without_clocks(
    template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, previous: str
) -> None:
    """j.smith changes password on a PC whose clock is 2 h ahead, then on one with the right clock, killed between
    rename and commit. Before, the killed change's slot, stamped earlier than the change recorded, read as
    superseded rather than unrecorded: settling deleted the previous file as stale, and the password the database
    knows was refused as a wrong one (and counted towards the wait)."""
    data = tmp_path / "data"
    shutil.copytree(template[0], data)
    ahead = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)).isoformat(timespec="milliseconds")
    monkeypatch.setattr(audit, "now_utc", lambda: ahead)
    assert cli("user", "passwd", *as_user(data, PRAC), stdin=f"{PRAC_PW}\n{FAST_PW}\n")[0] == 0
    monkeypatch.undo()
    kill(data, "after", "user", "passwd", *as_user(data, PRAC), stdin=f"{FAST_PW}\n{NEW_PW}\n")
    if previous == "left for IT":
        spoil(kept(data), "no better")
        left = kept(data).read_bytes()
        for password in (FAST_PW, NEW_PW):
            error = refused(data, PRAC, password)
            assert isinstance(error, AccountSlotMismatchError) and str(kept(data)) in str(error), error
        assert kept(data).read_bytes() == left
        assert not (data / "signin-attempts.json").exists() or PRAC not in (data / "signin-attempts.json").read_text()
        return
    assert signs_in(data, PRAC, FAST_PW) is False
    assert not kept(data).exists()
    assert isinstance(refused(data, PRAC, NEW_PW), WrongPasswordError)
    assert "keyslots_put_back" in audit_actions(data)
    assert verify_says(data)[0] == 0


@pytest.mark.parametrize("command", ["restore", "rekey"])
def test_restore_and_rekey_move_the_previous_slots_aside_with_the_vault_they_open(
    template, tmp_path: Path, command: str
) -> None:
    """Before, restore --force and rekey moved only signpost.db, its -wal and -shm and keyslots.json into
    replaced-…: the previous file stayed in the data folder, the next sign-in deleted it as stale (the new slots
    agree with the new database), and the vault moved aside was left with slots that do not open it."""
    data = tmp_path / "data"
    shutil.copytree(template[0], data)
    backup = tmp_path / "before.spbackup"
    assert cli("backup", "--out", str(backup), *as_user(data, ADMIN), stdin=ADMIN_PW + "\n")[0] == 0
    kill(data, "after", "user", "passwd", *as_user(data, PRAC), stdin=f"{PRAC_PW}\n{NEW_PW}\n")
    if command == "rekey":
        spoil(kept(data), "no better")  # left for IT: the rekey's own sign-in cannot settle it
    left = kept(data).read_bytes()
    args = ("restore", str(backup), "--force") if command == "restore" else ("rekey",)
    code, out = cli(*args, *as_user(data, ADMIN), stdin=ADMIN_PW + "\n")
    assert code == 0, out
    [aside] = data.glob("replaced-*")
    assert not kept(data).exists() and kept(aside).read_bytes() == left
    assert signs_in(data, ADMIN, ADMIN_PW) is not None and not kept(data).exists()
    assert kept(aside).read_bytes() == left
    if command == "restore":  # the vault moved aside opens with the password its database knows
        moved = tmp_path / "moved"
        moved.mkdir()
        for path in aside.iterdir():
            if path.is_file():
                shutil.copy2(path, moved / path.name)
        assert signs_in(moved, PRAC, PRAC_PW) is False


@pytest.mark.parametrize("what", ["put back", "removed"])
def test_previous_slots_the_file_system_refuses_to_put_back_or_remove_leave_the_vault_unchanged(
    template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    """keyslots.json or the previous file held by another program (as Windows refuses a rename or removal then).
    Before, the refused put-back raised a bare PermissionError out of sign_in, for every user and every command,
    and so did a refused removal of a stale previous file; then account changes and verify said Signpost could not
    tell which slots were right, rather than that another program held the file."""
    moment = "after" if what == "put back" else "committed"
    data = killed_change(template, tmp_path, moment, "password change")
    files = {path: path.read_bytes() for path in (data / "keyslots.json", kept(data))}
    real_replace, real_unlink = os.replace, os.unlink

    def held(real: Callable[..., None]) -> Callable[..., None]:
        def refuse(path: str | Path, *args: object, **kwargs: object) -> None:
            if Path(path).name == kept(data).name:
                raise PermissionError(13, "The process cannot access the file because it is being used")
            real(path, *args, **kwargs)
        return refuse

    monkeypatch.setattr(os, "replace", held(real_replace))
    monkeypatch.setattr(os, "unlink", held(real_unlink))
    if what == "put back":
        for name, password in ((PRAC, PRAC_PW), (ADMIN, ADMIN_PW)):
            error = refused(data, name, password)
            assert type(error) is VaultError and "could not be put back" in str(error)
            assert "Nothing has been changed" in str(error) and str(kept(data)) in str(error)
        assert {path: path.read_bytes() for path in files} == files
        monkeypatch.undo()
        assert audited_since(template, data).count("keyslots_put_back") == 1  # the refused ones rolled back
        assert signs_in(data, PRAC, PRAC_PW) is False
    else:
        assert signs_in(data, PRAC, NEW_PW) is False  # the stale file is simply tried again next time
        assert kept(data).read_bytes() == files[kept(data)]
        for said in (verify_says(data), cli("user", "passwd", *as_user(data, PRAC), stdin=f"{NEW_PW}\n{TEMP_PW}\n")):
            assert said[0] != 0 and "another program is holding it" in said[1] and "cannot tell" not in said[1], said
        monkeypatch.undo()
        assert signs_in(data, PRAC, NEW_PW) is False
    assert not kept(data).exists()


PAUSE_AFTER_COMMIT = """
import os, sys, time
go, argv = sys.argv[1], sys.argv[2:]
from app.vault import session
real_remove_own = session._remove_own

def remove_own(conn, kept):  # committed, the write lock let go, before taking it again: wait for the other copy
    open(go + ".waiting", "w").close()
    while not os.path.exists(go):
        time.sleep(0.05)
    real_remove_own(conn, kept)

session._remove_own = remove_own
from app.cli import run
sys.exit(run(argv))
"""


def test_a_committed_change_removes_only_its_own_previous_slots(template, tmp_path: Path) -> None:
    """Change A commits and lets go of the write lock; before A takes it again to remove its previous file, change B,
    from another copy, settles A's, makes its own, and is killed between rename and commit. Before, A's late removal
    by name then took B's file, and j.smith could sign in with neither password."""
    data = tmp_path / "data"
    shutil.copytree(template[0], data)
    go = tmp_path / "go"
    first = subprocess.Popen(
        [sys.executable, "-c", PAUSE_AFTER_COMMIT, str(go), "user", "passwd", *as_user(data, ADMIN)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert first.stdin is not None
        first.stdin.write(f"{ADMIN_PW}\nadmin-new-pass-31\n")
        first.stdin.close()
        deadline = time.monotonic() + 60
        while not go.with_suffix(".waiting").exists() and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert go.with_suffix(".waiting").exists(), finished(first)
        other = subprocess.run(
            [sys.executable, "-c", KILL_CHILD, "after", "user", "passwd", *as_user(data, PRAC)],
            input=f"{PRAC_PW}\n{NEW_PW}\n", capture_output=True, text=True, cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60,
        )
        assert other.returncode == -9, other  # between its rename and its commit
        left = kept(data).read_bytes()
    finally:
        go.touch()
    out = finished(first)
    assert first.returncode == 0, out
    assert kept(data).read_bytes() == left  # B's, which A did not take for its own
    assert signs_in(data, PRAC, PRAC_PW) is False  # B's previous slots put back
    assert signs_in(data, ADMIN, "admin-new-pass-31") is False
    assert not kept(data).exists()


@pytest.mark.parametrize("which", ["back up now", "daily"])
def test_a_backup_taken_while_a_killed_change_is_unsettled_holds_the_slots_from_before_it(
    template, tmp_path: Path, which: str
) -> None:
    """An administrator signed in (the app open) backs up after another copy's change was killed between its rename
    and its commit. Before, the backup held the unrecorded slot and not the previous file: restored, j.smith was
    refused with both passwords."""
    from app.vault.backup import make_daily_backup, restore_backup, write_backup

    data = tmp_path / "data"
    shutil.copytree(template[0], data)
    admin = sign_in(data, ADMIN, ADMIN_PW, cost(), daily_backup=False)
    try:
        kill(data, "after", "user", "passwd", *as_user(data, PRAC), stdin=f"{PRAC_PW}\n{NEW_PW}\n")
        if which == "daily":  # as the first sign-in of the next day makes it, by a copy that opened before the kill
            for old in (data / "backups").glob("*"):
                old.unlink()
            backup = make_daily_backup(admin)
            assert backup is not None
        else:
            backup = tmp_path / "now.spbackup"
            write_backup(admin, backup)
        notices = list(admin.notices)
    finally:
        admin.close()
    restored = tmp_path / "restored"
    restore_backup(restored, backup, ADMIN, ADMIN_PW)
    assert signs_in(restored, PRAC, PRAC_PW) is False
    assert isinstance(refused(restored, PRAC, NEW_PW), WrongPasswordError)
    assert notices == [f"A change to the account {PRAC} was stopped before it had finished, so Signpost has put its "
                       "password back as it was before that change."]
    assert not kept(data).exists()
    assert signs_in(data, PRAC, PRAC_PW) is False


def test_a_full_vault_disk_met_settling_before_a_backup_is_named_as_the_vaults(template, tmp_path: Path) -> None:
    """Settling a killed change writes to the vault (the put-back's audit entry). Before, a full disk met there was
    said to be the backup's disk, where there was room."""
    from vault_support import fill_the_vault_disk

    from app.vault.backup import write_backup

    data = tmp_path / "data"
    shutil.copytree(template[0], data)
    admin = sign_in(data, ADMIN, ADMIN_PW, cost(), daily_backup=False)
    try:
        kill(data, "after", "user", "passwd", *as_user(data, PRAC), stdin=f"{PRAC_PW}\n{NEW_PW}\n")
        fill_the_vault_disk(admin)  # the vault's disk is full; the backup's is not
        (tmp_path / "out").mkdir()
        with pytest.raises(VaultError) as caught:
            write_backup(admin, tmp_path / "out" / "now.spbackup")
    finally:
        admin.close()
    assert "the disk holding the vault is full" in str(caught.value), caught.value
    assert list((tmp_path / "out").iterdir()) == []


def test_signpost_backup_says_it_put_back_the_slots_of_a_change_killed_since_it_signed_in(
    template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before, the notice was added to the session and never printed: the command said nothing of the put-back."""
    from app.vault import session as session_module

    data = tmp_path / "data"
    shutil.copytree(template[0], data)
    real_sign_in = session_module.sign_in

    def then_another_copys_change_is_killed(*args: Any, **kwargs: Any) -> Any:
        signed_in = real_sign_in(*args, **kwargs)
        kill(data, "after", "user", "passwd", *as_user(data, PRAC), stdin=f"{PRAC_PW}\n{NEW_PW}\n")
        return signed_in

    monkeypatch.setattr(session_module, "sign_in", then_another_copys_change_is_killed)
    monkeypatch.setattr(sys, "stdin", io.StringIO(ADMIN_PW + "\n"))
    assert run(["backup", "--out", str(tmp_path / "now.spbackup"), *as_user(data, ADMIN)]) == 0
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert (f"A change to the account {PRAC} was stopped before it had finished, so Signpost has put its password "
            "back as it was before that change.") in err, err
    assert signs_in(data, PRAC, PRAC_PW) is False


def test_an_older_keyslots_json_put_back_does_not_revive_a_superseded_password(template, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(template[0], data)
    older = (data / "keyslots.json").read_bytes()
    assert cli("user", "passwd", *as_user(data, PRAC), stdin=f"{PRAC_PW}\n{NEW_PW}\n")[0] == 0
    assert cli("user", "add", "m.late", *as_user(data, ADMIN), stdin=f"{ADMIN_PW}\n{TEMP_PW}\n")[0] == 0
    (data / "keyslots.json").write_bytes(older)

    error = refused(data, PRAC, PRAC_PW)
    assert isinstance(error, AccountSlotMismatchError)
    assert f"this is no longer the password of '{PRAC}'" in str(error) and "older copy" in str(error)
    assert isinstance(refused(data, "m.late", TEMP_PW), WrongPasswordError)
    code, out = verify_says(data)
    assert code == 1 and "FAILED: 2 problems found." in out
    assert f"the key slot of '{PRAC}' holds a password from before its change on" in out
    assert "'m.late' is an active account with no key slot" in out


def test_slots_from_before_the_stamp_are_judged_with_a_minute_of_grace() -> None:
    """The old set-up wrapped the first administrator's slot seconds before recording the password as set."""
    slot = ks.KeySlot(ks.USER, "a", ks.KdfParams(1, 8, 1, b"s" * 16), b"n" * 12, b"w" * 48, "2026-01-01T10:00:00+00:00")
    assert not ks.superseded(slot, "2026-01-01T10:00:04.250+00:00")
    assert ks.superseded(slot, "2026-01-01T10:05:00.000+00:00")
    assert not ks.superseded(slot, None)
    stamped = ks.KeySlot(*list(slot.__dict__.values())[:6], password_set_at="2026-01-01T10:00:04.250+00:00")
    assert not ks.superseded(stamped, "2026-01-01T10:00:04.250+00:00")
    assert ks.superseded(stamped, "2026-01-01T10:00:04.251+00:00")
    assert ks.parse_keyslots(ks.to_json(ks.KeySlots("v", (stamped,))), "k").slots[0] == stamped


def test_new_slots_a_killed_change_left_in_a_temp_file_are_removed_by_the_next_change(template, tmp_path: Path) -> None:
    """Killed before its rename, a change leaves its staged slots (passwords the database never recorded) and its
    second name for the slots it replaces."""
    data = killed_change(template, tmp_path, "before", "add")
    left = sorted(data.glob(".keyslots.json.*.tmp"))
    assert len(left) == 2 and data / ".keyslots.json.previous.tmp" in left
    for path in left:
        os.utime(path, (1, 1))
    recent = data / ".keyslots.json.another.tmp"
    recent.write_bytes(b"another program's, about to be renamed")
    assert cli("user", "reset-password", PRAC, *as_user(data, ADMIN), stdin=f"{ADMIN_PW}\n{TEMP_PW}\n")[0] == 0
    assert not any(path.exists() for path in left) and recent.exists()


HOLD_SLOTS = """
import os, sys, time
hold, argv = float(sys.argv[1]), sys.argv[2:]
real = os.replace

def replace(src, dst, *args, **kwargs):
    if os.path.basename(dst) == "keyslots.json":
        if hold < 0:  # held by another program (a virus scanner) for longer than Signpost retries
            raise PermissionError(13, "The process cannot access the file because it is being used by another process")
        time.sleep(hold)  # held a while: the retries in replace_file take this long
    real(src, dst, *args, **kwargs)

os.replace = replace
from app.cli import run
sys.exit(run(argv))
"""


def child(data: Path, hold: float, *args: str, stdin: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_SLOTS, str(hold), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdin is not None
    process.stdin.write(stdin)
    process.stdin.close()
    return process


def finished(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    out = process.stdout.read()
    process.wait(timeout=60)
    return out


def test_keyslots_json_held_by_another_program_leaves_the_change_unmade(template, tmp_path: Path) -> None:
    """Before, the change was committed first: with keyslots.json held, the old password was refused as superseded
    and the new one was not in the slots, so the user could sign in with neither."""
    data = tmp_path / "data"
    shutil.copytree(template[0], data)
    before = len(audit_actions(data))
    process = child(data, -1, "user", "passwd", *as_user(data, PRAC), stdin=f"{PRAC_PW}\n{NEW_PW}\n")
    out = finished(process)
    assert process.returncode != 0 and "The account change has not been made; try again." in out
    assert signs_in(data, PRAC, PRAC_PW) is False  # the old password still works
    assert isinstance(refused(data, PRAC, NEW_PW), WrongPasswordError)
    assert "password_change" not in audit_actions(data)[before:]
    assert verify_says(data)[0] == 0


def test_two_password_changes_at_once_both_hold(template, tmp_path: Path) -> None:
    """Before, the slots were renamed after the commit, outside the write lock: a second change made while the
    first's rename waited was overwritten, though both said "Password changed"."""
    data = tmp_path / "data"
    shutil.copytree(template[0], data)
    slow = child(data, 0.8, "user", "passwd", *as_user(data, PRAC), stdin=f"{PRAC_PW}\n{NEW_PW}\n")
    time.sleep(0.3)
    quick = child(data, 0, "user", "passwd", *as_user(data, ADMIN), stdin=f"{ADMIN_PW}\nadmin-new-pass-31\n")
    outs = [finished(process) for process in (slow, quick)]
    assert (slow.returncode, quick.returncode) == (0, 0), outs
    assert signs_in(data, PRAC, NEW_PW) is False
    assert signs_in(data, ADMIN, "admin-new-pass-31") is False


def test_a_commit_that_fails_after_the_rename_puts_the_previous_slots_back(template, tmp_path: Path) -> None:
    """A full disk fails the commit, after the rename (SQLite writes the change out then): before, the new slots
    stayed, stamped with a change the database rolled back, and the account could sign in with neither password.
    A deferred foreign-key check fails the commit here the same way, without filling a disk."""
    from app.vault.session import account_change

    data = tmp_path / "data"
    shutil.copytree(template[0], data)
    before = (data / "keyslots.json").read_bytes()
    session = sign_in(data, PRAC, PRAC_PW, cost(), daily_backup=False)
    try:
        conn = session.conn
        conn.execute("CREATE TEMP TABLE parent (id INTEGER PRIMARY KEY)")
        conn.execute("CREATE TEMP TABLE child (parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)")
        now = "2026-11-26T12:00:00.000+00:00"
        slot = ks.wrap(session.master_key, ks.password_bytes(NEW_PW), cost(), ks.load_keyslots(data / "keyslots.json")
                       .vault_id, ks.USER, PRAC, password_set_at=now)
        with pytest.raises(Exception, match="FOREIGN KEY"):
            with account_change(conn, session.layout, lambda slots: slots.with_slot(slot), actor=PRAC):
                conn.execute("UPDATE users SET password_changed_at = ? WHERE name = ?", (now, PRAC))
                conn.execute("INSERT INTO child VALUES (42)")  # checked at the commit, which then fails
    finally:
        session.close()
    assert (data / "keyslots.json").read_bytes() == before
    assert signs_in(data, PRAC, PRAC_PW) is False
    assert not list(data.glob(".keyslots.json.*"))


FAILING_DISK = """
import errno, os, shutil, stat, sys
what, argv = sys.argv[1], sys.argv[2:]
real_fsync = os.fsync

def no_link(*args, **kwargs):  # a file system without hard links (FAT, some shares)
    raise PermissionError(errno.EPERM, "Operation not permitted")

def full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")

def fsync(fd):  # the folder's sync fails (a flaky share, a USB stick): after the rename has been made
    if stat.S_ISDIR(os.fstat(fd).st_mode) and any(name.endswith(".previous.tmp") for name in os.listdir(fd)):
        raise OSError(errno.EIO, "Input/output error")
    real_fsync(fd)

if what == "no-second-name":
    os.link, shutil.copy2 = no_link, full
else:
    os.fsync = fsync
from app.cli import run
sys.exit(run(argv))
"""


@pytest.mark.parametrize("what", ["no-second-name", "folder-sync-fails"])
def test_a_change_that_cannot_keep_or_sync_its_slots_is_refused_and_the_old_password_holds(
    template, tmp_path: Path, what: str
) -> None:
    """Before, with no hard links and a full disk the change went on with nothing to put back, and a failed sync
    after the rename left the new slots in place while saying the change had not been made: either way the
    account could sign in with neither password."""
    data = tmp_path / "data"
    shutil.copytree(template[0], data)
    child = subprocess.run(
        [sys.executable, "-c", FAILING_DISK, what, "user", "passwd", *as_user(data, PRAC)],
        input=f"{PRAC_PW}\n{NEW_PW}\n", capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60,
    )
    assert child.returncode != 0 and "The account change has not been made" in child.stdout + child.stderr
    assert signs_in(data, PRAC, PRAC_PW) is False
    assert isinstance(refused(data, PRAC, NEW_PW), WrongPasswordError)
    assert verify_says(data)[0] == 0
