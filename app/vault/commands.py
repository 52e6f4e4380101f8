"""CLI for IT: ``init``, ``user add|disable|reset-password|list|passwd``, ``recover``, ``verify``, ``backup``,
``restore``, ``rekey``.

Passwords are read only from standard input (``--password-stdin``), one per line, never from the
command line where other users and shell history could see them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from app.config import Argon2Cost
from app.console import discard_stdout, read_stdin
from app.errors import UsageError
from app.i18n import _, ngettext
from app.vault.accounts import generate_temporary_password
from app.vault.errors import VaultError

if TYPE_CHECKING:
    from app.vault.rekey import RekeyResult
    from app.vault.session import VaultSession

STDIN_HELP = "required: read the password(s) from standard input, one per line (never from the command line)"
ADMIN_ONLY = "administrators only"


def _data_dir_option(parser: argparse.ArgumentParser) -> None:
    # Also accepted after the command name (signpost init --data-dir DIR); the global option still works.
    parser.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS, help="vault directory")


def _password_stdin_option(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    help_text = STDIN_HELP if required else "with --user: read the password from standard input"
    parser.add_argument("--password-stdin", action="store_true", required=required, help=help_text)


def signed_in_options(
    parser: argparse.ArgumentParser, *, required: bool = True, user_help: str = "your user name"
) -> None:
    """``--data-dir``, ``--user`` and ``--password-stdin``: what every command that opens the vault takes.

    ``required=False`` for a command that also works without the vault; ``check_signed_in_options`` then
    checks that ``--user`` and ``--password-stdin`` come together.
    """
    _data_dir_option(parser)
    parser.add_argument("--user", metavar="NAME", required=required, help=user_help)
    _password_stdin_option(parser, required=required)


def check_signed_in_options(args: argparse.Namespace) -> bool:
    """Whether optional ``--user``/``--password-stdin`` ask for the vault; refuses one without the other."""
    if args.user is not None and not args.password_stdin:
        raise UsageError(_("--user needs --password-stdin: the password is read from standard input"))
    if args.password_stdin and args.user is None:
        raise UsageError(_("--password-stdin needs --user NAME: whose password it is"))
    return args.user is not None


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    init = subparsers.add_parser(
        "init",
        help="set up a new vault with its first administrator and print the recovery key",
        description="Creates the encrypted vault. Standard input: the administrator's password, optionally "
        "twice (two lines) to confirm it; two different lines are refused and nothing is created.",
    )
    _data_dir_option(init)
    init.add_argument("--admin", metavar="NAME", required=True, help="first administrator's user name")
    _password_stdin_option(init)
    init.set_defaults(handler=_init)

    user = subparsers.add_parser(
        "user",
        help="manage staff accounts",
        description="Add, disable, reset or list staff accounts (administrators only), or change your own "
        "password (passwd).",
    )
    actions = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    for name, summary, stdin in (
        ("add", "add an account", "your password, then optionally the account's temporary password (given "
                                  "twice, on two lines, to confirm it if you like)"),
        ("reset-password", "give an account a temporary password and re-enable it", "as for add"),
        ("disable", "disable an account and delete its key slot", "your password"),
    ):
        parser = actions.add_parser(
            name,
            help=f"{summary} ({ADMIN_ONLY})",
            description=f"{summary[:1].upper()}{summary[1:]} ({ADMIN_ONLY}). Standard input: {stdin}.",
        )
        parser.add_argument("name", metavar="ACCOUNT", help="the account's user name")
        if name == "add":
            parser.add_argument(
                "--role", choices=("practitioner", "admin"), default="practitioner",
                help="what the account may do: practitioner (screen and print; the default) or admin (also users and "
                "directory)",
            )
        signed_in_options(parser)
        parser.set_defaults(handler=_user)
    listing = actions.add_parser(
        "list",
        help=f"list accounts ({ADMIN_ONLY})",
        description=f"Lists every account, tab-separated: name, role, state ({ADMIN_ONLY}). Standard input: "
        "your password.",
    )
    signed_in_options(listing)
    listing.set_defaults(handler=_user)
    passwd = actions.add_parser(
        "passwd",
        help="change your own password (standard input: your current password, then the new one)",
        description="Change your own password. Standard input: your current (or temporary) password, then the new "
        "one, one per line; the new one may be given twice to confirm it (two different lines are refused).",
    )
    signed_in_options(passwd)
    passwd.set_defaults(handler=_passwd)

    rekey = subparsers.add_parser(
        "rekey",
        help=f"give the vault a new master key (after a key slot may have been copied; {ADMIN_ONLY})",
        description="Copies the vault under a new master key. Close Signpost on this computer and on every other "
        "one that uses this vault first: rekey refuses while it can see a copy with the vault open, and a copy it "
        "cannot see (a folder shared without file locks) refuses to save until signed in again. Your password "
        "stays; every other "
        "account gets a temporary password and a new recovery key is printed. The old vault and its backups "
        "are moved aside for you to delete once the new one is checked; older copies already in the data "
        "folder (replaced-… folders from earlier restores or rekeys, backup files) are listed too, as they "
        "also open with the old passwords. Nothing is deleted for you. Administrators only. Standard input: "
        "your password.",
    )
    signed_in_options(rekey)
    rekey.set_defaults(handler=_rekey)

    recover = subparsers.add_parser(
        "recover",
        help="use the recovery key to set a new password for an administrator",
        description="Standard input: the recovery key, then the new password, one per line; the new password may "
        "be given twice to confirm it (two different lines are refused).",
    )
    _data_dir_option(recover)
    recover.add_argument("--admin", metavar="NAME", required=True, help="administrator account to recover or create")
    _password_stdin_option(recover)
    recover.set_defaults(handler=_recover)

    verify = subparsers.add_parser(
        "verify",
        help="check the vault: SQLCipher page integrity, database structure and the audit chain",
        description="Checks every encrypted page (cipher_integrity_check), the database structure (integrity_check) "
        "and the audit hash chain, and names the first broken row. A sound vault prints OK; otherwise each problem, "
        "and what to do, is printed on standard output and FAILED with their count on standard error, and the "
        "exit code is non-zero. Standard input: your password.",
    )
    signed_in_options(verify)
    verify.set_defaults(handler=_verify)

    backup = subparsers.add_parser(
        "backup",
        help=f"write an encrypted backup of the vault to a file ({ADMIN_ONLY})",
        description="Writes one .spbackup file: the encrypted database and its key slots, opened later with the "
        f"passwords as they were at backup time. {ADMIN_ONLY.capitalize()}: a backup is a copy of every record. "
        "Standard input: your password.",
    )
    backup.add_argument("--out", metavar="FILE", required=True, type=Path, help="backup file to write (.spbackup)")
    backup.add_argument("--force", action="store_true", help="replace FILE if it exists")
    signed_in_options(backup)
    backup.set_defaults(handler=_backup)

    restore = subparsers.add_parser(
        "restore",
        help=f"replace the vault with a backup (the current vault is kept aside; {ADMIN_ONLY})",
        description="Close Signpost on this computer and on every other one that uses this vault first: restore "
        "refuses while it can see a copy with the vault open, and a copy it cannot see (a folder shared without "
        "file locks) refuses to save until signed in again. The backup is checked with your password (as it "
        "was when the backup was made) before anything is replaced. Administrators only: you must be an "
        "administrator in the backup and have a key slot in the current vault. Standard input: your password.",
    )
    restore.add_argument("file", metavar="FILE", type=Path, help="backup file (.spbackup)")
    restore.add_argument("--force", action="store_true", help="replace an existing vault (it is moved aside)")
    signed_in_options(restore)
    restore.set_defaults(handler=_restore)


def _stdin_lines(count: int) -> list[str]:
    """The non-empty lines of standard input, line endings removed; at least ``count`` of them."""
    lines = [line for line in read_stdin().splitlines() if line]
    if not lines:
        raise UsageError(_("standard input is empty or holds only blank lines: put your password on its first line"))
    if len(lines) < count:
        raise UsageError(
            ngettext("expected {count} line on standard input, found {found}",
                     "expected {count} lines on standard input, found {found}", count).format(
                count=count, found=len(lines)
            )
        )
    return lines


def read_stdin_secrets(count: int) -> list[str]:
    """``count`` lines from standard input (passwords of existing accounts), line endings removed."""
    return _stdin_lines(count)[:count]


def read_stdin_new_password(before: int, *, optional: bool = False) -> list[str]:
    """``before`` lines (a current password, the recovery key), then a new password, given once or twice.

    A second line after the new password confirms it and must be the same: two different lines, or more
    lines than that, are refused (``UsageError``) before anything is done. Returns the ``before`` lines
    followed by the new password (absent when ``optional`` and not given).
    """
    lines = _stdin_lines(before if optional else before + 1)
    if len(lines) > before + 2:
        raise UsageError(
            ngettext("expected at most {count} line on standard input, found {found}",
                     "expected at most {count} lines on standard input, found {found}", before + 2).format(
                count=before + 2, found=len(lines)
            )
        )
    new = lines[before:]
    if len(new) == 2 and new[0] != new[1]:
        raise UsageError(
            _(
                "lines {first} and {second} of standard input should be the same new password, typed twice, "
                "but they differ: give it once, or twice the same. Nothing has been changed."
            ).format(first=before + 1, second=before + 2)
        )
    return lines[: before + 1]


def _data_dir(args: argparse.Namespace) -> Path:
    from app.config import load_config

    return load_config().resolve_data_dir(args.data_dir)


def _cost() -> Argon2Cost:
    from app.config import load_config

    return load_config().argon2


def _open(
    args: argparse.Namespace, password: str, *, daily_backup: bool = True, check_pages: bool = False,
    notices_to: TextIO | None = None,
) -> VaultSession:
    return open_for_command(
        _data_dir(args), args.user, password, _cost(), daily_backup=daily_backup, check_pages=check_pages,
        notices_to=notices_to,
    )


def open_for_command(
    data_dir: Path, user: str, password: str, cost: Argon2Cost, *, daily_backup: bool = True,
    check_pages: bool = False, notices_to: TextIO | None = None,
) -> VaultSession:
    """Sign in for one command; a temporary password must first be replaced, as at the app's first sign-in.

    What sign-in has to tell goes to ``notices_to``, standard error unless given."""
    from app.vault.errors import AccountError
    from app.vault.session import sign_in

    session = sign_in(data_dir, user, password, cost, how="cli", daily_backup=daily_backup, check_pages=check_pages)
    print_notices(session, notices_to)
    if session.user.must_change_password:
        name = session.user.name
        session.close()
        raise AccountError(
            _(
                "{name} has a temporary password: choose your own first, with 'signpost user passwd --user {name} "
                "--password-stdin' (standard input: the temporary password, then the new one), or by signing in "
                "to the app"
            ).format(name=name)
        )
    return session


def print_notices(session: VaultSession, stream: TextIO | None = None) -> None:
    """What sign-in, or a backup, has to tell (the day's backup could not be written, the clock looks wrong, a killed
    restore or rekey was finished, a killed account change's key slots were put back), on ``stream``, standard error
    unless given."""
    for notice in session.notices:
        print(notice, file=stream or sys.stderr)
    session.notices.clear()


def _rekey(args: argparse.Namespace) -> int:
    from app.vault.rekey import rekey_vault

    (password,) = read_stdin_secrets(1)
    session = _open(args, password, daily_backup=False)
    try:
        # Printed as soon as the change is certain, before the files are moved: a process killed then leaves a
        # vault that is finished at its next opening, and these are its only secrets.
        rekey_vault(session, password, refuse_if_open=True, certain=_print_rekey_result_or_refuse)
    finally:
        session.close()
    return 0


def _print_rekey_result_or_refuse(result: RekeyResult) -> None:
    """Print the new secrets; if they cannot be written out (a full disk, a closed pipe), the rekey must not go on:
    nobody would have the new recovery key or the temporary passwords."""
    try:
        _print_rekey_result(result)
    except OSError as exc:
        discard_stdout()  # the secrets still buffered are void: written nowhere, later or at exit
        raise VaultError(_(
            "the new recovery key and temporary passwords could not be written out ({problem}), so the vault has not "
            "been given a new key. Nothing has been changed."
        ).format(problem=exc.strerror or exc)) from exc


def _print_rekey_result(result: RekeyResult) -> None:
    print(_("The vault has a new master key. New recovery key (store it now; it is shown only once):"))
    print(f"  {result.recovery_key}")
    for name, temporary in result.temporary_passwords.items():
        print(_("Temporary password for {name} (to be changed at next sign-in): {password}").format(
            name=name, password=temporary
        ))
    print(_still_open_note())
    print(_("The previous vault and its backups are in {dir}. They still open with the old key slots: check "
            "the new vault with 'signpost verify', then delete that folder.").format(dir=result.aside))
    if result.older_copies:
        print(ngettext(
            "This older copy of the vault was already in {dir}. It is under an earlier key and still opens with "
            "the passwords (and recovery key) of its time: delete it once it is no longer needed.",
            "These older copies of the vault were already in {dir}. They are under earlier keys and still open "
            "with the passwords (and recovery keys) of their time: delete each once it is no longer needed.",
            len(result.older_copies),
        ).format(dir=result.aside.parent))
        for path in result.older_copies:
            print(f"  {path}")
    sys.stdout.flush()  # a pipe is block-buffered: without this a kill now would lose them


def _still_open_note() -> str:
    return _(
        "If a copy of Signpost was left open on a computer this command could not see, it now refuses to save "
        "until it is signed in again: the person using it signs in again and their unsaved answers stay on screen."
    )


def _passwd(args: argparse.Namespace) -> int:
    from app.vault.session import sign_in
    from app.vault.users import change_own_password

    current, new = read_stdin_new_password(1)
    session = sign_in(_data_dir(args), args.user, current, _cost(), how="cli")
    print_notices(session)
    try:
        change_own_password(session, current, new)
    finally:
        session.close()
    print(_("Password changed for {name}.").format(name=session.user.name))
    return 0


def _init(args: argparse.Namespace) -> int:
    from app.vault.session import create_vault

    (password,) = read_stdin_new_password(0)
    data_dir = _data_dir(args)
    cost = _cost()
    session, recovery_key = create_vault(data_dir, args.admin, password, cost)
    session.close()
    print(_("Vault created in {dir} with administrator '{name}'.").format(dir=data_dir, name=session.user.name))
    print()
    print(_("RECOVERY KEY (shown only now; write it down and keep it locked away):"))
    print()
    print("    " + recovery_key)
    print()
    print(_("Anyone with this key can open the vault. Use it with 'signpost recover' if every administrator "
            "password is lost."))
    _warn_if_cost_lowered(cost)
    return 0


def _warn_if_cost_lowered(cost: Argon2Cost) -> None:
    """Say so when the machine config makes passwords cheaper to guess than the default (as tests may)."""
    default = Argon2Cost()
    if cost.time_cost < default.time_cost or cost.memory_kib < default.memory_kib:
        print(ngettext(
            "warning: the machine config lowers the Argon2id cost to {time} pass and {memory} MiB (the default is "
            "{default_time} passes and {default_memory} MiB): passwords for this vault are quicker to guess from a "
            "copy of keyslots.json. Leave the argon2 settings out of the config on ward PCs.",
            "warning: the machine config lowers the Argon2id cost to {time} passes and {memory} MiB (the default is "
            "{default_time} passes and {default_memory} MiB): passwords for this vault are quicker to guess from a "
            "copy of keyslots.json. Leave the argon2 settings out of the config on ward PCs.",
            cost.time_cost,
        ).format(time=cost.time_cost, memory=cost.memory_kib // 1024, default_time=default.time_cost,
                 default_memory=default.memory_kib // 1024), file=sys.stderr)


def _temporary(lines: list[str]) -> tuple[str, bool]:
    """Line 2 when given (the new account's temporary password), else a generated one."""
    if len(lines) > 1:
        if lines[1] == lines[0]:
            # Typed twice as a confirmation, it would quietly become the other account's password too.
            raise UsageError(_(
                "line 2 of standard input is your own password: it would become the account's temporary password. "
                "Give only your password (a temporary one is generated), or your password then a different "
                "temporary one. Nothing has been changed."
            ))
        return lines[1], False
    return generate_temporary_password(), True


def _user(args: argparse.Namespace) -> int:
    from app.vault import users

    temporary, generated = "", False
    if args.user_command in ("add", "reset-password"):
        lines = read_stdin_new_password(1, optional=True)
        temporary, generated = _temporary(lines)
    else:
        lines = read_stdin_secrets(1)
    session = _open(args, lines[0])
    try:
        if args.user_command == "list":
            for account in users.list_users(session):
                state = _("active") if account.active else _("disabled")
                change = _(", must change password") if account.active and account.must_change_password else ""
                print(f"{account.name}\t{account.role}\t{state}{change}")
            return 0
        if args.user_command == "disable":
            users.disable_user(session, args.name)
            print(_("'{name}' is disabled and their key slot removed: they can no longer sign in. If they may "
                    "hold a copy of the key slots (every backup has one), run 'signpost rekey'.").format(
                name=args.name
            ))
            return 0
        if args.user_command == "add":
            account = users.add_user(session, args.name, args.role, temporary)
            print(_("Added '{name}' ({role}).").format(name=account.name, role=account.role))
        else:
            users.reset_password(session, args.name, temporary)
            print(_("'{name}' has a new temporary password.").format(name=args.name))
        if generated:
            print(_("Temporary password (to be changed at first sign-in): {password}").format(password=temporary))
        return 0
    finally:
        session.close()


def _recover(args: argparse.Namespace) -> int:
    from app.vault.session import recover

    key, password = read_stdin_new_password(1)
    session = recover(_data_dir(args), key, args.admin, password, _cost())
    session.close()
    print(
        _("'{name}' can sign in with the new password and must change it at first sign-in.").format(
            name=session.user.name
        )
    )
    return 0


def _verify(args: argparse.Namespace) -> int:
    from app.vault.errors import PagesDamagedError
    from app.vault.verify import page_advice, vault_problems

    (password,) = read_stdin_secrets(1)
    try:
        # Every page is read before the sign-in is audited: verify never writes to a vault it finds damaged. What
        # sign-in found (a killed restore or rekey it finished) is part of the report, so it comes before the verdict
        # however the two streams are read.
        session = _open(args, password, daily_backup=False, check_pages=True, notices_to=sys.stdout)
    except PagesDamagedError as exc:
        problems, advice = exc.pages, [page_advice()]
    else:
        try:
            problems, advice = vault_problems(session), []
        finally:
            session.close()
    if problems:
        for line in (*problems, *advice):
            print(line)
        sys.stdout.flush()  # a pipe is block-buffered: the verdict on standard error must still come last
        print(ngettext("FAILED: {count} problem found.", "FAILED: {count} problems found.", len(problems)).format(
            count=len(problems)), file=sys.stderr)
        return 1
    print(_("OK: SQLCipher page check, database integrity check, audit chain, the audit entry of every saved "
            "screening and the key slot of every account all pass."))
    return 0


def _backup(args: argparse.Namespace) -> int:
    from app.output_file import missing_folder
    from app.vault.backup import write_backup
    from app.vault.layout import VaultLayout, check_backup_target

    check_backup_target(VaultLayout(_data_dir(args)), args.out)
    if args.out.exists() and not args.force:
        raise UsageError(_("{file} exists: choose another name, or add --force to replace it").format(file=args.out))
    if problem := missing_folder(args.out):
        raise problem  # before signing in: a refused backup leaves no sign-in in the audit trail
    (password,) = read_stdin_secrets(1)
    session = _open(args, password, daily_backup=False)
    try:
        info = write_backup(session, args.out)
    finally:
        print_notices(session)  # the key slots of an account change killed since signing in put back, if any
        session.close()
    print(_("Backup written to {file}.").format(file=info.path))
    return 0


def _restore(args: argparse.Namespace) -> int:
    from app.vault.backup import restore_backup

    (password,) = read_stdin_secrets(1)
    data_dir = _data_dir(args)
    aside = restore_backup(
        data_dir, args.file, args.user, password, force=args.force, refuse_if_open=True, how="cli"
    )
    print(_("Vault in {dir} restored from {file}.").format(dir=data_dir, file=args.file))
    if aside is not None:
        print(_("The previous vault was moved to {dir}.").format(dir=aside))
        print(_still_open_note())
    return 0
