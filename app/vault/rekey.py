"""A new master key for the vault, for when a key slot may have been copied (e.g. an account was disabled
because it may be misused: every backup and any copy of ``keyslots.json`` still holds its old slot).

The database is copied under the new key, the administrator's slot is rewrapped with their password,
every other active account gets a temporary password (to be changed at next sign-in), and there is a
new recovery key. The old vault and its backups are moved aside together, for IT to delete once the new
vault has been checked: they still open with the old slots. So do older copies the data directory may
already hold (``replaced-…`` folders from earlier restores and rekeys, backup files, leftovers of an
interrupted restore): they are listed too, and nothing is deleted automatically.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.i18n import _
from app.records import audit
from app.vault import keyslots as ks
from app.vault.accounts import generate_temporary_password
from app.vault.backup import (
    BACKUP_STAGING_FILES,
    SUFFIX,
    VaultInUseError,
    aside_folder,
    in_use_message,
    open_elsewhere,
)
from app.vault.database import KEY_BYTES, connect, export_copy, transaction
from app.vault.errors import VaultError
from app.vault.layout import DB_NAME, KEYSLOTS_NAME, VaultLayout, make_private_folder
from app.vault.leftovers import remove_stale_folders
from app.vault.recovery_key import format_recovery_key, generate_recovery_key
from app.vault.session import VaultSession, vault_id
from app.vault.swap import REKEY, STAGING_PREFIXES, swap
from app.vault.swap_lock import swap_lock

# What a copy of a vault is made of: the database, its key slots, a backup file, or a backup being written.
_VAULT_COPY_NAMES = (f"{DB_NAME}*", KEYSLOTS_NAME, f"*{SUFFIX}", "backup.zip")
# What a rekey's working folder holds: the new database copy and key slots (and their temporary files).
_STAGING_FILES = (KEYSLOTS_NAME, f".{KEYSLOTS_NAME}.*.tmp", *BACKUP_STAGING_FILES)


@dataclass(frozen=True)
class RekeyResult:
    """What IT must pass on: the new recovery key, each account's temporary password, the folders to delete.

    ``aside`` holds the vault just replaced and its backups; ``older_copies`` are the other copies under an
    earlier key that were already in the data directory.
    """

    recovery_key: str
    temporary_passwords: dict[str, str]
    aside: Path
    older_copies: tuple[Path, ...] = ()


def rekey_vault(
    session: VaultSession, password: str, *, refuse_if_open: bool = False,
    certain: Callable[[RekeyResult], None] | None = None,
) -> RekeyResult:
    """Give the vault a new master key; ``session`` (an administrator's, opened with ``password``) is closed.

    ``certain`` is given the result as soon as the change can no longer be lost (before the files are moved):
    the new recovery key and temporary passwords must be shown then, as the process may be killed next.

    Raises ``WrongPasswordError`` if ``password`` is not the signed-in administrator's, and with
    ``refuse_if_open`` ``VaultInUseError`` while another copy of Signpost has the vault open.
    """
    session.require_admin()
    layout = session.layout
    if layout is None:
        raise VaultError(_("the demo vault has no key slots to replace"))
    admin = session.user.name
    session.confirm_password(password, _("the password is not {name}'s").format(name=admin))
    if refuse_if_open and open_elsewhere(session.conn):
        raise VaultInUseError(in_use_message(layout))
    with swap_lock(layout):  # until its swap is done: no restore, other rekey or finishing of either meanwhile
        return _rekey(session, layout, password, certain)


def _rekey(
    session: VaultSession, layout: VaultLayout, password: str, certain: Callable[[RekeyResult], None] | None
) -> RekeyResult:
    import sqlcipher3

    admin = session.user.name
    master = bytearray(secrets.token_bytes(KEY_BYTES))
    # A new vault id too: a backup from before (old key slots, old recovery key) is then a different vault,
    # which restore refuses to put over this one.
    new_id = str(uuid.uuid4())
    remove_stale_folders(layout.data_dir, STAGING_PREFIXES[REKEY], _STAGING_FILES)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIXES[REKEY], dir=layout.data_dir))
    try:
        copy = staging / DB_NAME
        try:
            export_copy(session.conn, copy, master)
            temporary, set_at = _reset_other_accounts(copy, master, admin, new_id)
            recovery = generate_recovery_key()
            slots = ks.KeySlots(
                new_id,
                (
                    ks.wrap(master, ks.password_bytes(password), session.cost, new_id, ks.USER, admin,
                            password_set_at=set_at.get(admin)),
                    *(
                        ks.wrap(master, ks.password_bytes(secret), session.cost, new_id, ks.USER, name,
                                password_set_at=set_at.get(name))
                        for name, secret in temporary.items()
                    ),
                    ks.wrap(master, recovery.encode("ascii"), session.cost, new_id, ks.RECOVERY, None),
                ),
            )
            ks.save_keyslots(staging / KEYSLOTS_NAME, slots)
            os.chmod(copy, 0o600)
        except (OSError, sqlcipher3.OperationalError) as exc:
            problem = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise VaultError(
                _("the vault cannot be copied under a new key ({problem}). Nothing has been changed.").format(
                    problem=problem
                )
            ) from exc
        session.close()  # the old database is moved aside next: no connection may hold it
        aside = aside_folder(layout)
        result = RekeyResult(
            format_recovery_key(recovery), temporary, aside,
            old_key_copies(layout, aside, also_skip=(layout.backups.name, staging.name)),
        )
        _replace(layout, copy, staging, aside, None if certain is None else lambda: certain(result))
    finally:
        if not layout.swap_record.exists():  # a record left still needs what the staging folder holds
            shutil.rmtree(staging, ignore_errors=True)
        for i in range(len(master)):
            master[i] = 0
    return result


def old_key_copies(layout: VaultLayout, aside: Path, *, also_skip: tuple[str, ...] = ()) -> tuple[Path, ...]:
    """Everything in the data directory, besides the new vault and ``aside``, that holds a copy of a vault.

    After a rekey each of them is under an earlier master key and still opens with the passwords (and the
    recovery key) of its time: a ``replaced-…`` folder, a backup file or a ``backups`` folder, a leftover
    ``.signpost-…`` working folder of an interrupted restore or backup. Top-level entries, in name order.
    """
    own = {path.name for path in layout.own_files()} | {aside.name, *also_skip}
    found = []
    for entry in sorted(layout.data_dir.iterdir()):
        if entry.name in own or entry.is_symlink():
            continue
        if entry.is_dir():
            holds_copy = entry.name.startswith("replaced-") or any(
                path.is_file() for pattern in _VAULT_COPY_NAMES for path in entry.rglob(pattern)
            )
        else:
            holds_copy = any(entry.match(pattern) for pattern in _VAULT_COPY_NAMES)
        if holds_copy:
            found.append(entry)
    return tuple(found)


def _replace(
    layout: VaultLayout, db: Path, staging: Path, aside: Path, certain: Callable[[], None] | None
) -> None:
    """Move the old vault and its backups (they open with the old slots too) aside, and the new one in.

    ``certain`` is called once the swap is recorded, before the first move: from then on it is finished even if
    this process is killed. A move refused now puts everything back, and the new secrets are then void.
    """
    try:
        make_private_folder(aside)
    except OSError as exc:
        raise VaultError(
            _(
                "the vault in {dir} cannot be replaced by its new copy ({problem}). Close Signpost on every "
                "computer that uses it and try again. Nothing has been changed."
            ).format(dir=layout.data_dir, problem=exc.strerror or exc)
        ) from exc
    moves = [(layout.backups, aside / layout.backups.name)] if layout.backups.is_dir() else []
    moves += [(path, aside / path.name) for path in layout.vault_files()]
    moves += [(db, layout.db), (staging / KEYSLOTS_NAME, layout.keyslots)]
    announced = False

    def announce() -> None:
        nonlocal announced
        if certain is not None:
            certain()
            announced = True

    try:
        swap(layout, REKEY, staging, aside, moves, certain=announce)
    except VaultError as exc:
        if layout.swap_record.exists():
            raise  # finished at the next opening: what was announced holds
        if aside.is_dir() and not any(aside.iterdir()):
            aside.rmdir()
        if announced:
            raise VaultError(
                f"{exc} "
                + _("The recovery key and temporary passwords printed above were not put in use: the old passwords "
                    "and recovery key still hold.")
            ) from exc
        raise


def _reset_other_accounts(
    db: Path, master: bytearray, admin: str, new_id: str
) -> tuple[dict[str, str], dict[str, str | None]]:
    """In the new copy: its new vault id; every other active account must choose a new password; audited there.
    Returns each such account's temporary password, and when each active account's password was last set there
    (the new slots record it, so sign-in can tell them from older or unrecorded ones).

    The copy was taken while ``admin`` was signed in, so its trail holds that sign-in: their sign-out follows the
    rekey there, as it does the sign-in in the old vault when the session closes (before that vault moves aside).
    """
    conn = connect(db, master, create=False)
    try:
        with transaction(conn):
            conn.execute("UPDATE meta SET value = ? WHERE key = 'vault_id'", (new_id,))
        names = [row[0] for row in conn.execute("SELECT name FROM users WHERE active = 1 AND name != ? ORDER BY name",
                                                (admin,))]
        temporary = {name: generate_temporary_password() for name in names}
        with transaction(conn):
            now = audit.now_utc()
            for name in names:
                conn.execute("UPDATE users SET must_change_password = 1, password_changed_at = ? WHERE name = ?",
                             (now, name))
            audit.append(conn, admin, audit.REKEY,
                         detail=f"new master key for vault {vault_id(conn)}; {len(names)} account(s) must choose "
                                "a new password")
            audit.append(conn, admin, audit.SIGN_OUT)
        set_at = {name: changed for name, changed in conn.execute(
            "SELECT name, password_changed_at FROM users WHERE active = 1")}
    finally:
        conn.close()
    return temporary, set_at
