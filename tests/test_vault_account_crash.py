"""Account changes killed between the database and ``keyslots.json``, and an older ``keyslots.json`` put back.

A real ``signpost`` command runs in a child that SIGKILLs itself right before, or right after, ``keyslots.json`` is
renamed into place. Whatever the moment, no password change is left unaudited, no slot works for an account the
database does not know, sign-in says what happened, and ``signpost verify`` reports what is left to put right.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from vault_support import cost

from app.cli import run
from app.vault import keyslots as ks
from app.vault.errors import AccountDisabledError, AccountSlotMismatchError, VaultError, WrongPasswordError
from app.vault.session import recover, sign_in
from app.vault.verify import vault_problems

ADMIN, ADMIN_PW = "it.admin", "it-admin-password"
PRAC, PRAC_PW = "j.smith", "smith-own-pass-77"
NEW_PW, TEMP_PW = "brand-new-pass-42", "reset-temp-pass-9"

KILL_CHILD = """
import os, signal, sys
moment, argv = sys.argv[1], sys.argv[2:]
real = os.replace

def replace(src, dst, *args, **kwargs):
    last = os.path.basename(dst) == "keyslots.json"
    if last and moment == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    real(src, dst, *args, **kwargs)
    if last:
        os.kill(os.getpid(), signal.SIGKILL)

os.replace = replace
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
    child = subprocess.run(
        [sys.executable, "-c", KILL_CHILD, moment, *(str(data) if a == "DATA" else a for a in args)],
        input=stdin, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert child.returncode == -9, f"not killed: rc={child.returncode} {child.stdout} {child.stderr}"
    return data


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


MOMENTS = ("before", "after")


@pytest.mark.parametrize("moment", MOMENTS)
def test_a_password_change_killed_midway_is_audited_and_said(template, tmp_path: Path, moment: str) -> None:
    data = killed(template, tmp_path, moment, "user", "passwd", *as_user(Path("DATA"), PRAC),
                  stdin=f"{PRAC_PW}\n{NEW_PW}\n")
    assert "password_change" in audited_since(template, data)  # whichever password works, the change is on record
    if moment == "after":
        assert signs_in(data, PRAC, NEW_PW) is False  # must-change cleared with it
        assert isinstance(refused(data, PRAC, PRAC_PW), WrongPasswordError)
        assert verify_says(data) == (0, "OK: SQLCipher page check, database integrity check, audit chain, the audit "
                                     "entry of every saved screening and the key slot of every account all pass.\n")
        return
    assert isinstance(refused(data, PRAC, NEW_PW), WrongPasswordError)
    error = refused(data, PRAC, PRAC_PW)
    assert isinstance(error, AccountSlotMismatchError)
    assert "the change was interrupted before it was finished" in str(error)
    assert "Ask an administrator to reset your password" in str(error)
    code, out = verify_says(data)
    assert code == 1 and f"the key slot of '{PRAC}' holds a password from before its change on" in out
    assert "FAILED: 1 problem found." in out
    put_right(data, "user", "reset-password", PRAC, *as_user(data, ADMIN), stdin=f"{ADMIN_PW}\n{TEMP_PW}\n")
    assert signs_in(data, PRAC, TEMP_PW) is True


@pytest.mark.parametrize("moment", MOMENTS)
def test_a_reset_killed_midway_is_audited_and_said(template, tmp_path: Path, moment: str) -> None:
    data = killed(template, tmp_path, moment, "user", "reset-password", PRAC, *as_user(Path("DATA"), ADMIN),
                  stdin=f"{ADMIN_PW}\n{TEMP_PW}\n")
    assert "user_reset_password" in audited_since(template, data)
    if moment == "after":
        assert signs_in(data, PRAC, TEMP_PW) is True
        assert verify_says(data)[0] == 0
        return
    assert isinstance(refused(data, PRAC, TEMP_PW), WrongPasswordError)
    assert isinstance(refused(data, PRAC, PRAC_PW), AccountSlotMismatchError)
    code, out = verify_says(data)
    assert code == 1 and f"reset its password with 'signpost user reset-password {PRAC}'" in out


@pytest.mark.parametrize("moment", MOMENTS)
def test_a_disable_killed_midway_leaves_the_account_disabled(template, tmp_path: Path, moment: str) -> None:
    data = killed(template, tmp_path, moment, "user", "disable", PRAC, *as_user(Path("DATA"), ADMIN),
                  stdin=f"{ADMIN_PW}\n")
    assert "user_disable" in audited_since(template, data)
    code, out = cli("user", "list", *as_user(data, ADMIN), stdin=ADMIN_PW + "\n")
    assert f"{PRAC}\tpractitioner\tdisabled" in out
    if moment == "after":
        assert isinstance(refused(data, PRAC, PRAC_PW), WrongPasswordError)
        assert verify_says(data)[0] == 0
        return
    error = refused(data, PRAC, PRAC_PW)
    assert isinstance(error, AccountDisabledError) and f"the account '{PRAC}' is disabled" in str(error)
    code, out = verify_says(data)
    assert code == 1 and f"'{PRAC}' is disabled but still has a key slot" in out
    put_right(data, "user", "disable", PRAC, *as_user(data, ADMIN), stdin=f"{ADMIN_PW}\n")
    assert ks.load_keyslots(data / "keyslots.json").user_slot(PRAC) is None


@pytest.mark.parametrize("moment", MOMENTS)
def test_an_account_added_midway_never_has_a_slot_without_its_account(template, tmp_path: Path, moment: str) -> None:
    data = killed(template, tmp_path, moment, "user", "add", "n.new", *as_user(Path("DATA"), ADMIN),
                  stdin=f"{ADMIN_PW}\n{TEMP_PW}\n")
    assert "user_add" in audited_since(template, data)
    if moment == "after":
        assert signs_in(data, "n.new", TEMP_PW) is True
        assert verify_says(data)[0] == 0
        return
    assert isinstance(refused(data, "n.new", TEMP_PW), WrongPasswordError)
    code, out = verify_says(data)
    assert code == 1 and "'n.new' is an active account with no key slot, so it cannot sign in" in out
    put_right(data, "user", "reset-password", "n.new", *as_user(data, ADMIN), stdin=f"{ADMIN_PW}\n{TEMP_PW}\n")


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("admin", [ADMIN, "n.boss"])
def test_a_recovery_killed_midway_is_audited_and_can_be_run_again(
    template, tmp_path: Path, moment: str, admin: str
) -> None:
    key = template[1]
    data = killed(template, tmp_path, moment, "recover", "--data-dir", "DATA", "--admin", admin, "--password-stdin",
                  stdin=f"{key}\n{NEW_PW}\n")
    runs = 1
    if moment == "before":
        assert isinstance(refused(data, admin, NEW_PW), WrongPasswordError)
        if admin == ADMIN:
            error = refused(data, ADMIN, ADMIN_PW)
            assert isinstance(error, AccountSlotMismatchError) and "'signpost recover'" in str(error)
        else:
            session = sign_in(data, ADMIN, ADMIN_PW, cost(), daily_backup=False, check_pages=True)
            try:
                assert any("'n.boss' is an active account with no key slot" in p for p in vault_problems(session))
            finally:
                session.close()
        recover(data, key, admin, NEW_PW, cost()).close()  # the recovery key still puts it right
        runs = 2
    session = sign_in(data, admin, NEW_PW, cost(), daily_backup=False)
    try:
        assert session.user.must_change_password
        actions = [row[0] for row in session.conn.execute("SELECT action FROM audit")]
        assert actions.count("recover") == runs  # the killed run is on record too
    finally:
        session.close()


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
    """Killed before its commit, a change leaves its staged slots (passwords the database never recorded)."""
    data = killed(template, tmp_path, "before", "user", "add", "n.new", *as_user(Path("DATA"), ADMIN),
                  stdin=f"{ADMIN_PW}\n{TEMP_PW}\n")
    (left,) = data.glob(".keyslots.json.*.tmp")  # (here killed after the commit: the same file is left)
    os.utime(left, (1, 1))
    recent = data / ".keyslots.json.another.tmp"
    recent.write_bytes(b"another program's, about to be renamed")
    assert cli("user", "reset-password", "n.new", *as_user(data, ADMIN), stdin=f"{ADMIN_PW}\n{TEMP_PW}\n")[0] == 0
    assert not left.exists() and recent.exists()
