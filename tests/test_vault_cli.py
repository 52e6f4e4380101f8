"""The IT command line: init, user, recover, verify, backup, restore; passwords only on standard input."""

from __future__ import annotations

import argparse
import io
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import ROOT
from vault_support import cost, file_digests

from app.cli import run
from app.vault.errors import WrongPasswordError
from app.vault.session import sign_in

ADMIN_PW = "it-admin-password"


class Cli:
    def __init__(self, data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        self.data_dir, self.monkeypatch, self.capsys = data_dir, monkeypatch, capsys

    def __call__(self, *args: str, stdin: str = "") -> tuple[int, str, str]:
        self.monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = run(list(args))
        out = self.capsys.readouterr()
        return code, out.out, out.err

    def as_user(self, name: str) -> tuple[str, ...]:
        """The options that sign in as ``name`` (password on standard input)."""
        return ("--data-dir", str(self.data_dir), "--user", name, "--password-stdin")

    def add_user(self, name: str, own_password: str, *, role: str = "practitioner") -> tuple[str, ...]:
        """Add an account as the administrator, let it choose ``own_password``; returns its sign-in options."""
        code, _, err = self("user", "add", name, "--role", role, *self.as_user("it.admin"),
                            stdin=f"{ADMIN_PW}\ntemporary-pw-7\n")
        assert code == 0, err
        code, _, err = self("user", "passwd", *self.as_user(name), stdin=f"temporary-pw-7\n{own_password}\n")
        assert code == 0, err
        return self.as_user(name)

    def init(self) -> str:
        code, out, _ = self("init", "--data-dir", str(self.data_dir), "--admin", "it.admin", "--password-stdin",
                            stdin=ADMIN_PW + "\n")
        assert code == 0
        match = re.search(r"\b([A-Z2-9]{5}(?:-[A-Z2-9]{5}){7})\b", out)
        assert match, out
        return match.group(1)


@pytest.fixture
def cli(data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(data_dir, monkeypatch, capsys)


def test_init_warns_when_the_machine_config_lowers_the_argon2_cost(cli: Cli, data_dir: Path) -> None:
    """A test-level cost in a ward PC's config made passwords thousands of times quicker to guess, unsaid."""
    code, _, err = cli("init", "--data-dir", str(data_dir), "--admin", "it.admin", "--password-stdin",
                       stdin=ADMIN_PW + "\n")  # this suite's machine config keeps the cost low
    assert code == 0 and err.startswith("warning: the machine config lowers the Argon2id cost to 1 pass and 8 MiB")
    assert "(the default is 3 passes and 256 MiB)" in err


def test_init_prints_the_recovery_key_once_and_refuses_a_second_vault(cli: Cli, data_dir: Path) -> None:
    key = cli.init()
    assert key.replace("-", "") not in (data_dir / "keyslots.json").read_text()
    code, _, err = cli("init", "--data-dir", str(data_dir), "--admin", "other", "--password-stdin", stdin="pw-123456\n")
    assert code == 1 and "already holds a vault" in err


def test_passwords_are_never_taken_from_the_command_line(cli: Cli, data_dir: Path) -> None:
    code, _, err = cli("init", "--data-dir", str(data_dir), "--admin", "it.admin", stdin=ADMIN_PW + "\n")
    assert code == 2 and "--password-stdin" in err
    assert not (data_dir / "keyslots.json").exists()
    code, _, err = cli("init", "--data-dir", str(data_dir), "--admin", "x", "--password", ADMIN_PW)
    assert code == 2 and "unrecognized arguments" in err
    assert not (data_dir / "keyslots.json").exists()
    for blank in ("", "\n", "\r\n\n"):  # said as it is, not as "expected 1 line, found 0"
        code, _, err = cli("init", "--data-dir", str(data_dir), "--admin", "x", "--password-stdin", stdin=blank)
        assert code == 2 and "standard input is empty or holds only blank lines: put your password on" in err
    assert not (data_dir / "keyslots.json").exists()


def test_user_add_disable_reset_and_list(cli: Cli, data_dir: Path) -> None:
    cli.init()
    common = ("--data-dir", str(data_dir), "--user", "it.admin", "--password-stdin")
    code, out, _ = cli("user", "add", "nurse.jo", *common, stdin=f"{ADMIN_PW}\njo-temp-pass\n")
    assert code == 0 and "Added 'nurse.jo' (practitioner)" in out
    code, out, _ = cli("user", "add", "dr.sam", "--role", "admin", *common, stdin=f"{ADMIN_PW}\n")
    generated = re.search(r"Temporary password \(to be changed at first sign-in\): (\S+)", out).group(1)
    sam = sign_in(data_dir, "dr.sam", generated, cost())
    assert sam.user.is_admin and sam.user.must_change_password
    sam.close()
    code, out, _ = cli("user", "disable", "nurse.jo", *common, stdin=f"{ADMIN_PW}\n")
    assert code == 0
    code, out, _ = cli("user", "list", *common, stdin=f"{ADMIN_PW}\n")
    assert "nurse.jo\tpractitioner\tdisabled" in out and "dr.sam\tadmin\tactive, must change password" in out
    code, out, _ = cli("user", "reset-password", "nurse.jo", *common, stdin=f"{ADMIN_PW}\njo-second-pass\n")
    assert code == 0
    jo = sign_in(data_dir, "nurse.jo", "jo-second-pass", cost())
    assert jo.user.must_change_password
    jo.close()
    code, _, err = cli("user", "add", "x", *common, stdin="wrong-password\nabcdefghij\n")
    assert code == 1 and err.startswith("signpost user add: ") and "user name or password is not right" in err
    # Your own password typed twice (as a confirmation) would become the new account's password too.
    for command in (("user", "add", "frank"), ("user", "reset-password", "nurse.jo")):
        code, _, err = cli(*command, *common, stdin=f"{ADMIN_PW}\n{ADMIN_PW}\n")
        assert code == 2 and "line 2 of standard input is your own password" in err
    code, out, _ = cli("user", "list", *common, stdin=f"{ADMIN_PW}\n")
    assert "frank" not in out
    with pytest.raises(WrongPasswordError):
        sign_in(data_dir, "nurse.jo", ADMIN_PW, cost())


def test_a_temporary_password_must_be_replaced_before_any_other_command(cli: Cli, data_dir: Path) -> None:
    cli.init()
    admin = ("--data-dir", str(data_dir), "--user", "it.admin", "--password-stdin")
    assert cli("user", "add", "nurse.jo", *admin, stdin=f"{ADMIN_PW}\njo-temp-pass\n")[0] == 0
    jo = ("--data-dir", str(data_dir), "--user", "nurse.jo", "--password-stdin")
    code, _, err = cli("user", "list", *jo, stdin="jo-temp-pass\n")
    assert code == 1 and "nurse.jo has a temporary password: choose your own first" in err
    assert "signpost user passwd" in err
    code, _, err = cli("user", "passwd", *jo, stdin="jo-temp-pass\njo\n")
    assert code == 1 and "at least 8 characters" in err
    code, out, _ = cli("user", "passwd", *jo, stdin="jo-temp-pass\njo-own-password-7\n")
    assert code == 0 and "Password changed for nurse.jo." in out
    code, out, _ = cli("user", "list", *admin, stdin=f"{ADMIN_PW}\n")
    assert code == 0 and "nurse.jo\tpractitioner\tactive\n" in out


def test_recover_sets_a_new_admin_password_with_the_recovery_key(cli: Cli, data_dir: Path) -> None:
    key = cli.init()
    args = ("recover", "--data-dir", str(data_dir), "--admin", "it.admin", "--password-stdin")
    code, _, err = cli(*args, stdin="ABCDE-FGHJK-ABCDE-FGHJK-ABCDE-FGHJK-ABCDE-FGHJK\nbrand-new-password\n")
    assert code == 1 and "not the recovery key" in err
    code, out, _ = cli(*args, stdin=f"{key.lower()}\nbrand-new-password\n")
    assert code == 0
    session = sign_in(data_dir, "it.admin", "brand-new-password", cost())
    assert session.user.must_change_password
    session.close()


def _sign_ins(data_dir: Path) -> int:
    """How many sign-ins the vault's audit trail holds (counting this look's own)."""
    from app.records.audit import SIGN_IN, entries

    session = sign_in(data_dir, "it.admin", ADMIN_PW, cost(), daily_backup=False)
    try:
        return sum(entry.action == SIGN_IN for entry in entries(session.conn))
    finally:
        session.close()


def test_backup_and_restore_commands(cli: Cli, data_dir: Path, tmp_path: Path) -> None:
    cli.init()
    out_file = tmp_path / "copy.spbackup"
    auth = ("--user", "it.admin", "--password-stdin")
    code, out, _ = cli("--data-dir", str(data_dir), "backup", "--out", str(out_file), *auth, stdin=ADMIN_PW + "\n")
    assert code == 0 and out_file.exists()
    written = out_file.read_bytes()
    code, _, err = cli("--data-dir", str(data_dir), "backup", "--out", str(out_file), *auth, stdin=ADMIN_PW + "\n")
    assert code == 2 and "exists" in err and "--force" in err
    assert out_file.read_bytes() == written
    code, _, _ = cli("--data-dir", str(data_dir), "backup", "--out", str(out_file), "--force", *auth,
                     stdin=ADMIN_PW + "\n")
    assert code == 0
    code, _, err = cli("--data-dir", str(data_dir), "restore", str(out_file), *auth, stdin=ADMIN_PW + "\n")
    assert code == 2 and "--force" in err
    missing = tmp_path / "no-such.spbackup"
    code, _, err = cli("--data-dir", str(data_dir), "restore", str(missing), "--force", *auth, stdin=ADMIN_PW + "\n")
    assert code == 2 and "does not exist" in err  # a missing input file, as for leaflet --result
    code, out, _ = cli("--data-dir", str(data_dir), "restore", str(out_file), "--force", *auth, stdin=ADMIN_PW + "\n")
    assert code == 0 and "previous vault was moved to" in out
    # A folder that is not there is named, not made: on a drive that is not plugged in, the copy went to local disk.
    away = tmp_path / "usb-stick" / "copy.spbackup"
    code, _, err = cli("--data-dir", str(data_dir), "backup", "--out", str(away), *auth, stdin=ADMIN_PW + "\n")
    assert code == 1 and f"the folder {away.parent} does not exist, so nothing was written" in err
    assert not away.parent.exists()
    # Refused before the password is even read: no sign-in of its own in the trail.
    before = _sign_ins(data_dir)
    code, _, err = cli("--data-dir", str(data_dir), "backup", "--out", str(away), *auth, stdin=ADMIN_PW + "\n")
    assert code == 1 and _sign_ins(data_dir) == before + 1  # the one more is the counting's own


def test_backup_never_writes_over_the_vault_itself_or_into_a_folder(cli: Cli, data_dir: Path) -> None:
    cli.init()
    auth = ("--user", "it.admin", "--password-stdin")
    before = {name: (data_dir / name).read_bytes() for name in ("signpost.db", "keyslots.json")}
    for name in before:
        code, _, err = cli("--data-dir", str(data_dir), "backup", "--out", str(data_dir / name), "--force", *auth,
                           stdin=ADMIN_PW + "\n")
        assert code == 2 and "is one of the vault's own files" in err, err
    assert {name: (data_dir / name).read_bytes() for name in before} == before
    code, _, err = cli("--data-dir", str(data_dir), "backup", "--out", str(data_dir.parent), "--force", *auth,
                       stdin=ADMIN_PW + "\n")
    assert code == 2 and "is a folder: give the backup a file name" in err, err
    code, _, err = cli("--data-dir", str(data_dir), "verify", *auth, stdin=ADMIN_PW + "\n")
    assert code == 0, err


def test_only_an_administrator_can_take_a_backup(cli: Cli, data_dir: Path, tmp_path: Path) -> None:
    cli.init()
    code, out, err = cli("--data-dir", str(data_dir), "user", "add", "a.jones", "--user", "it.admin",
                         "--password-stdin", stdin=ADMIN_PW + "\n")
    assert code == 0, err
    temporary = re.search(r"Temporary password \(to be changed at first sign-in\): (\S+)", out).group(1)
    from app.vault.users import change_own_password

    session = sign_in(data_dir, "a.jones", temporary, cost())
    change_own_password(session, temporary, "a-jones-own-password")
    session.close()
    copy = tmp_path / "copy.spbackup"
    code, _, err = cli("--data-dir", str(data_dir), "backup", "--out", str(copy), "--user", "a.jones",
                       "--password-stdin", stdin="a-jones-own-password\n")
    assert code == 1 and "only an administrator can do this" in err
    assert not copy.exists()


def test_only_a_current_administrator_can_restore(cli: Cli, data_dir: Path, tmp_path: Path) -> None:
    cli.init()
    admin = cli.as_user("it.admin")
    jo = cli.add_user("nurse.jo", "jo-own-password-7")
    sam = cli.add_user("dr.sam", "sam-own-password-7", role="admin")
    backup = tmp_path / "b.spbackup"
    assert cli("backup", "--out", str(backup), *admin, stdin=f"{ADMIN_PW}\n")[0] == 0
    code, _, err = cli("restore", str(backup), "--force", *jo, stdin="jo-own-password-7\n")
    assert code == 1 and "only an administrator can restore a backup" in err
    # An administrator disabled since the backup cannot use it to come back.
    assert cli("user", "disable", "dr.sam", *admin, stdin=f"{ADMIN_PW}\n")[0] == 0
    before = file_digests(data_dir)
    code, _, err = cli("restore", str(backup), "--force", *sam, stdin="sam-own-password-7\n")
    assert code == 1 and "dr.sam has no key slot in the current vault" in err
    assert file_digests(data_dir) == before
    code, out, _ = cli("restore", str(backup), "--force", *admin, stdin=f"{ADMIN_PW}\n")
    assert code == 0 and "previous vault was moved to" in out


def _trail(data_dir: Path) -> list[tuple[str, str, str]]:
    """The vault's audit rows, oldest first, as (actor, action, detail), read in a real session signed in as
    ``look`` (its own sign-in is checked and left out; its sign-out follows it in the vault)."""
    from app.records.audit import SIGN_IN, entries

    session = sign_in(data_dir, "it.admin", ADMIN_PW, cost(), how="look", daily_backup=False)
    try:
        rows = [(entry.actor, entry.action, entry.detail) for entry in reversed(entries(session.conn, limit=1000))]
    finally:
        session.close()
    assert rows[-1] == ("it.admin", SIGN_IN, "look")
    return rows[:-1]


LOOKED = [("it.admin", "sign_in", "look"), ("it.admin", "sign_out", "")]


def test_restore_signs_in_and_out_of_the_vault_it_restores_and_writes_nothing_into_the_one_moved_aside(
    cli: Cli, data_dir: Path, tmp_path: Path
) -> None:
    # The restore opened the backup with the administrator's password and wrote its restore entry with no sign-in
    # or sign-out around it: the restored trail showed an administrator acting unsigned-in.
    cli.init()
    auth = cli.as_user("it.admin")
    backup = tmp_path / "ward.spbackup"
    assert cli("backup", "--out", str(backup), *auth, stdin=ADMIN_PW + "\n")[0] == 0
    before = _trail(data_dir)
    code, out, err = cli("restore", str(backup), "--force", *auth, stdin=ADMIN_PW + "\n")
    assert code == 0, err
    aside = Path(re.search(r"The previous vault was moved to (\S+)\.", out).group(1))

    *_, signed_in, restore, signed_out = _trail(data_dir)
    assert signed_in == ("it.admin", "sign_in", "cli") and signed_out == ("it.admin", "sign_out", "")
    assert restore[:2] == ("it.admin", "restore")
    assert "ward.spbackup (made " in restore[2] and aside.name in restore[2]
    # The vault moved aside holds what it held, and the looks at it since.
    assert _trail(aside) == before + LOOKED
    for folder in (data_dir, aside):
        code, _, err = cli("verify", "--data-dir", str(folder), "--user", "it.admin", "--password-stdin",
                           stdin=ADMIN_PW + "\n")
        assert code == 0, (folder, err)


def test_a_practitioner_cannot_list_the_accounts(cli: Cli, data_dir: Path) -> None:
    cli.init()
    jo = cli.add_user("nurse.jo", "jo-own-password-7")
    code, out, err = cli("user", "list", *jo, stdin="jo-own-password-7\n")
    assert code == 1 and "only an administrator can do this" in err and "it.admin" not in out


def test_restore_into_a_file_or_a_read_only_folder_says_so(cli: Cli, data_dir: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    cli.init()
    auth = ("--user", "it.admin", "--password-stdin")
    backup = tmp_path / "b.spbackup"
    assert cli("--data-dir", str(data_dir), "backup", "--out", str(backup), *auth, stdin=ADMIN_PW + "\n")[0] == 0
    not_a_folder = tmp_path / "vault.txt"
    not_a_folder.write_text("notes")
    code, _, err = cli("--data-dir", str(not_a_folder), "restore", str(backup), *auth, stdin=ADMIN_PW + "\n")
    assert code == 1 and "is a file, not a folder" in err and "Traceback" not in err
    assert not_a_folder.read_text() == "notes"
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    # As a read-only mount would answer (root passes permission checks, so chmod cannot show it).
    real_access = __import__("os").access
    monkeypatch.setattr("os.access", lambda path, mode: False if Path(path) == read_only else real_access(path, mode))
    code, _, err = cli("--data-dir", str(read_only), "restore", str(backup), *auth, stdin=ADMIN_PW + "\n")
    assert code == 1 and "is read-only" in err and "Traceback" not in err
    assert list(read_only.iterdir()) == []


def test_a_vault_folder_on_a_share_not_connected_is_said_and_not_made_locally(cli: Cli, tmp_path: Path) -> None:
    # "Set one up first (signpost init)" was the advice, and init then made every missing folder on the local disk.
    share = tmp_path / "mnt" / "trust-share"
    folder = share / "signpost"
    code, _, err = cli("--data-dir", str(folder), "verify", "--user", "it.admin", "--password-stdin", stdin="pw\n")
    assert code == 1 and f"the vault folder {folder} does not exist" in err and "check that it is connected" in err
    code, _, err = cli("init", "--data-dir", str(folder), "--admin", "it.admin", "--password-stdin",
                       stdin=ADMIN_PW + "\n")
    assert code == 1 and f"{share} does not exist, so the vault folder {folder} cannot be made in it" in err
    assert not (tmp_path / "mnt").exists()
    share.mkdir(parents=True)  # connected: the vault's own folder is made in it
    code, _, err = cli("init", "--data-dir", str(folder), "--admin", "it.admin", "--password-stdin",
                       stdin=ADMIN_PW + "\n")
    assert code == 0 and (folder / "keyslots.json").is_file()


def test_the_default_folder_is_made_with_its_parents_on_a_new_machine(cli: Cli, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from app.paths import default_data_dir

    monkeypatch.delenv("SIGNPOST_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / ".local" / "share"))
    code, _, err = cli("init", "--admin", "it.admin", "--password-stdin", stdin=ADMIN_PW + "\n")
    assert code == 0, err
    assert (default_data_dir() / "keyslots.json").is_file()


def test_a_read_only_vault_folder_is_not_called_damaged(cli: Cli, data_dir: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    cli.init()
    real_access = __import__("os").access
    monkeypatch.setattr("os.access", lambda path, mode: False if Path(path) == data_dir else real_access(path, mode))
    code, _, err = cli("--data-dir", str(data_dir), "verify", "--user", "it.admin", "--password-stdin",
                       stdin=ADMIN_PW + "\n")
    assert code == 1 and "is read-only" in err and "damaged" not in err


def test_signpost_verify_as_a_program_uses_signpost_data_dir(data_dir: Path, cli: Cli) -> None:
    cli.init()
    env_run = subprocess.run(
        [sys.executable, "-m", "app", "verify", "--user", "it.admin", "--password-stdin"],
        input=ADMIN_PW + "\n", capture_output=True, text=True, cwd=ROOT,
        env={**__import__("os").environ, "SIGNPOST_DATA_DIR": str(data_dir)}, timeout=60,
    )
    assert env_run.returncode == 0, env_run.stderr
    assert "OK" in env_run.stdout


def test_init_into_a_file_says_it_is_a_file(cli: Cli, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "vault.txt"
    not_a_folder.write_text("notes")
    code, _, err = cli("init", "--data-dir", str(not_a_folder), "--admin", "it.admin", "--password-stdin",
                       stdin=ADMIN_PW + "\n")
    assert code == 1 and "is a file, not a folder" in err
    assert not_a_folder.read_text() == "notes"


def test_generated_temporary_passwords_can_be_read_out() -> None:
    from app.vault.accounts import generate_temporary_password
    from app.vault.recovery_key import ALPHABET

    passwords = {generate_temporary_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        groups = password.split("-")
        assert [len(g) for g in groups] == [4, 4, 4]
        assert set("".join(groups)) <= set(ALPHABET)  # no I/l/1, O/0 to confuse when read aloud


# --- a new password read twice, help texts, exit codes ---------------------------------------------


def test_init_takes_the_password_once_or_twice_the_same_and_refuses_two_different(cli: Cli, data_dir: Path) -> None:
    args = ("init", "--data-dir", str(data_dir), "--admin", "it.admin", "--password-stdin")
    for stdin in (f"{ADMIN_PW}\nit-admin-passwrod\n", f"{ADMIN_PW}\n{ADMIN_PW}\n{ADMIN_PW}\n"):
        code, out, err = cli(*args, stdin=stdin)
        assert code == 2 and out == "", err
        assert list(data_dir.iterdir()) == []  # nothing created
    assert "lines 1 and 2 of standard input should be the same new password" in cli(
        *args, stdin=f"{ADMIN_PW}\nit-admin-passwrod\n")[2]
    code, _, err = cli(*args, stdin=f"{ADMIN_PW}\r\n{ADMIN_PW}\r\n")
    assert code == 0, err
    sign_in(data_dir, "it.admin", ADMIN_PW, cost()).close()


def test_a_new_password_with_a_different_confirmation_changes_nothing(cli: Cli, data_dir: Path) -> None:
    key = cli.init()
    admin = cli.as_user("it.admin")
    jo = cli.add_user("nurse.jo", "jo-own-password-7")

    before = file_digests(data_dir)
    code, _, err = cli("user", "passwd", *jo, stdin="jo-own-password-7\njo-new-password-8\njo-new-pasword-8\n")
    assert code == 2 and "lines 2 and 3 of standard input should be the same new password" in err
    code, _, err = cli("recover", "--data-dir", str(data_dir), "--admin", "it.admin", "--password-stdin",
                       stdin=f"{key}\nbrand-new-password\nbrand-new-pasword\n")
    assert code == 2 and "lines 2 and 3" in err
    code, _, err = cli("user", "add", "dr.sam", *admin, stdin=f"{ADMIN_PW}\nsam-temporary-1\nsam-temporary-2\n")
    assert code == 2 and "lines 2 and 3" in err
    code, _, err = cli("user", "reset-password", "nurse.jo", *admin, stdin=f"{ADMIN_PW}\nx-temporary-1\nx-temp\n")
    assert code == 2 and "lines 2 and 3" in err
    assert file_digests(data_dir) == before  # not even a sign-in was recorded

    # Typed twice the same, each is accepted.
    code, _, err = cli("user", "passwd", *jo, stdin="jo-own-password-7\njo-new-password-8\njo-new-password-8\n")
    assert code == 0, err
    sign_in(data_dir, "nurse.jo", "jo-new-password-8", cost()).close()
    code, _, err = cli("user", "add", "dr.sam", *admin, stdin=f"{ADMIN_PW}\nsam-temporary-1\nsam-temporary-1\n")
    assert code == 0, err
    assert sign_in(data_dir, "dr.sam", "sam-temporary-1", cost()).user.must_change_password
    code, _, err = cli("recover", "--data-dir", str(data_dir), "--admin", "it.admin", "--password-stdin",
                       stdin=f"{key}\nbrand-new-password\nbrand-new-password\n")
    assert code == 0, err
    sign_in(data_dir, "it.admin", "brand-new-password", cost()).close()


def _subcommands(parser: argparse.ArgumentParser, prefix: str = "") -> dict[str, argparse.ArgumentParser]:
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[prefix + name] = sub
                found.update(_subcommands(sub, f"{prefix}{name} "))
    return found


def test_every_vault_and_instrument_command_has_a_description_and_admin_only_ones_say_so() -> None:
    from app.cli import build_parser

    commands = _subcommands(build_parser())
    ours = {"init", "user", "user add", "user reset-password", "user disable", "user list", "user passwd", "rekey",
            "recover", "verify", "backup", "restore", "score", "instruments", "languages"}
    assert ours <= set(commands)
    assert [name for name in sorted(ours) if not commands[name].description] == []
    admin_only = {"user add", "user reset-password", "user disable", "user list", "rekey", "backup", "restore"}
    for name in admin_only:
        assert "administrators only" in commands[name].description.lower(), name
    helps = {choice.dest: choice.help for action in build_parser()._actions
             if isinstance(action, argparse._SubParsersAction) for choice in action._choices_actions}
    users = {choice.dest: choice.help for action in commands["user"]._actions
             if isinstance(action, argparse._SubParsersAction) for choice in action._choices_actions}
    for name in admin_only:
        summary = users[name.split()[1]] if name.startswith("user ") else helps[name]
        assert "administrators only" in summary, name
    for name in ({"init", "recover", "user passwd", "verify"}):
        assert "administrators only" not in commands[name].description.lower(), name


def test_readme_says_backup_restore_and_rekey_are_for_administrators() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("signpost backup", "signpost restore", "signpost rekey", "signpost user add"):
        line = next(line for line in readme.splitlines() if line.strip().startswith(command))
        assert "administrators only" in line, line


def test_already_there_add_force_is_a_usage_error_everywhere(cli: Cli, data_dir: Path, tmp_path: Path) -> None:
    cli.init()
    admin = cli.as_user("it.admin")
    backup = tmp_path / "b.spbackup"
    assert cli("backup", "--out", str(backup), *admin, stdin=f"{ADMIN_PW}\n")[0] == 0
    pdf = tmp_path / "leaflet.pdf"
    pdf.write_bytes(b"not replaced")
    before = file_digests(data_dir)
    refusals = {
        "backup": cli("backup", "--out", str(backup), *admin, stdin=f"{ADMIN_PW}\n"),
        "restore": cli("restore", str(backup), *admin, stdin=f"{ADMIN_PW}\n"),
        "leaflet": cli("leaflet", "--lang", "pl", "--demo", "--out", str(pdf)),
    }
    for command, (code, _, err) in refusals.items():
        assert code == 2 and "--force" in err, (command, err)
    assert file_digests(data_dir) == before and pdf.read_bytes() == b"not replaced"


_HOLD_OPEN = """
import sys
from pathlib import Path
from app.config import load_config
from app.vault.session import sign_in
session = sign_in(Path(sys.argv[1]), sys.argv[2], sys.stdin.readline().rstrip("\\n"), load_config().argon2)
print("open", flush=True)
sys.stdin.readline()
session.close()
"""


@contextmanager
def copy_signed_in(data_dir: Path, user: str, password: str) -> Iterator[None]:
    """Another Signpost process, signed in to the vault and left open (as on another computer), until the block ends."""
    process = subprocess.Popen([sys.executable, "-c", _HOLD_OPEN, str(data_dir), user], cwd=ROOT, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(password + "\n")
        process.stdin.flush()
        assert process.stdout.readline().strip() == "open"
        yield
    finally:
        process.stdin.close()
        assert process.wait(timeout=60) == 0


def test_restore_and_rekey_refuse_while_another_copy_has_the_vault_open(cli: Cli, data_dir: Path,
                                                                       tmp_path: Path) -> None:
    cli.init()
    backup = tmp_path / "b1.spbackup"
    auth = cli.as_user("it.admin")
    assert cli("backup", "--out", str(backup), *auth, stdin=ADMIN_PW + "\n")[0] == 0
    slots = (data_dir / "keyslots.json").read_bytes()
    with copy_signed_in(data_dir, "it.admin", ADMIN_PW):
        for command in (("restore", str(backup), "--force"), ("rekey",)):
            code, out, err = cli(*command, *auth, stdin=ADMIN_PW + "\n")
            assert code == 1 and out == "", (command, out, err)
            assert "Signpost is still open on this vault" in err and "Close Signpost wherever it is open" in err
            assert "Nothing has been changed" in err
            assert (data_dir / "keyslots.json").read_bytes() == slots
            assert not [p for p in data_dir.iterdir() if p.name.startswith(("replaced-", ".signpost-"))]
    # Closed everywhere: the restore goes ahead and says what a copy it could not see will do.
    code, out, err = cli("restore", str(backup), "--force", *auth, stdin=ADMIN_PW + "\n")
    assert code == 0, err
    assert "refuses to save until it is signed in again" in " ".join(out.split())


def test_restore_and_rekey_help_say_to_close_signpost_first(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("restore", "rekey"):
        assert run([command, "--help"]) == 0
        text = " ".join(capsys.readouterr().out.split())
        assert "Close Signpost on this computer and on every other one that uses this vault first" in text
        assert "refuses to save until signed in again" in text
