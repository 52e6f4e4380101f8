"""Backups: one file holding an encrypted SQLCipher copy of the database plus the key slots; restore.

A backup (``*.spbackup``) is an uncompressed zip of ``manifest.json``, ``keyslots.json`` and
``signpost.db``, the last made with ``sqlcipher_export`` under the same master key, so it is as
encrypted as the vault and opens with the same passwords (as they were when it was made). Restore
checks the backup opens and passes the integrity checks before touching the live vault, and moves
the old vault aside instead of deleting it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import __version__
from app.errors import UsageError
from app.i18n import _
from app.records import audit
from app.vault import keyslots as ks
from app.vault.accounts import normalise_name
from app.vault.atomic_file import fsync_directory, replace_file
from app.vault.database import connect, damage_guard, export_copy, transaction
from app.vault.errors import (
    PermissionDeniedError,
    VaultBusyError,
    VaultDamagedError,
    VaultError,
    VaultExistsError,
    VaultFullError,
    VaultIOError,
    WrongPasswordError,
)
from app.vault.layout import (
    DB_NAME,
    KEYSLOTS_NAME,
    PRIVATE_FOLDER,
    VaultLayout,
    check_backup_target,
    check_is_folder,
    make_private_folder,
    prepare_folder,
    tighten_folders,
)
from app.vault.leftovers import remove_stale_folders
from app.vault.migrations import available_migrations, schema_version
from app.vault.previous_slots import put_back_notice, settle_locked
from app.vault.session import VaultSession, read_user, vault_id
from app.vault.swap import RESTORE, STAGING_PREFIXES, finish_interrupted_swap, swap
from app.vault.swap_lock import OPENING, swap_lock

SUFFIX = ".spbackup"
MANIFEST = "manifest.json"
DAILY_KEEP = 7
DAILY_PREFIX = "signpost-"
CLOCK_BEHIND_MARK = "-clock-behind"
BACKUP_STAGING_PREFIX = ".signpost-backup-"
# What a backup's working folder holds: the database copy (and SQLite's files beside it while it is written), the zip.
BACKUP_STAGING_FILES = (DB_NAME, f"{DB_NAME}-journal", f"{DB_NAME}-wal", f"{DB_NAME}-shm", "backup.zip")
# Clocks are corrected by a few seconds or minutes routinely; only a bigger step back is worth a word.
CLOCK_SLACK_SECONDS = 600.0


EXPORT_ATTEMPTS = 3  # a backup copied while another computer changed an account is made again, this many times


class BackupWriteError(VaultError):
    """The backup file could not be written (disk full, no permission): the vault itself is fine."""


class VaultInTheWayError(VaultExistsError, UsageError):
    """Restore without ``--force`` over a vault: a usage error (exit 2), as for an existing backup or leaflet file."""


class BackupMissingError(VaultError, UsageError):
    """The backup file named does not exist: a usage error (exit 2), as for any missing input file."""


class VaultInUseError(VaultError):
    """Another copy of Signpost has the vault open: it must be closed before the vault is replaced."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    vault_id: str
    created_at: str
    schema_version: int


def _fsync_file(path: Path) -> None:
    # Opened for writing: on Windows fsync is FlushFileBuffers, which refuses a read-only handle.
    with open(path, "r+b") as handle:
        os.fsync(handle.fileno())


def write_backup(session: VaultSession, out: Path) -> BackupInfo:
    """Write a backup of the open vault to ``out`` (replaced atomically if it exists). Audited.

    Administrators only: a backup is a copy of every record, put wherever the caller chooses. (The
    daily backup into the vault's own ``backups/`` is made at anyone's first sign-in of the day.)
    """
    from app.output_file import missing_folder

    session.require_admin()
    if problem := missing_folder(out):
        raise problem
    return _backup(session, out)


def _backup(session: VaultSession, out: Path, *, note: str = "") -> BackupInfo:
    if session.layout is None:
        raise VaultError(_("the demo vault is not saved anywhere and cannot be backed up"))
    out = Path(out)
    check_backup_target(session.layout, out)
    with _writing(out):
        out.parent.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        remove_stale_folders(out.parent, BACKUP_STAGING_PREFIX, BACKUP_STAGING_FILES)
        staging = Path(tempfile.mkdtemp(prefix=BACKUP_STAGING_PREFIX, dir=out.parent))
    try:
        info, packed = _pack(session, out, staging)
        # Audited before it takes its place, as a leaflet is before it is printed: a backup that cannot be audited
        # is not kept. A full disk met here is the vault's, and is said so.
        with transaction(session.conn):
            detail = f"{out.name}; {note}" if note else out.name
            audit.append(session.conn, session.user.name, audit.BACKUP, detail=detail)
        with _writing(out):
            replace_file(packed, out)  # tried again while a virus scanner holds the backup it replaces
            fsync_directory(out.parent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return info


@contextmanager
def _writing(out: Path) -> Iterator[None]:
    """Faults in writing the backup's own files, said as such: a full disk here is the backup's, not the vault's."""
    import sqlcipher3

    try:
        yield
    except VaultFullError as exc:
        raise BackupWriteError(
            _("the backup {file} cannot be written: the disk it goes to is full. The vault is unchanged: free "
              "some space there, or choose another place.").format(file=out)
        ) from exc
    except (OSError, sqlcipher3.OperationalError, VaultIOError) as exc:
        problem = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc.__cause__ or exc
        raise BackupWriteError(
            _("the backup {file} cannot be written ({problem})").format(file=out, problem=problem)
        ) from exc


def _pack(session: VaultSession, out: Path, staging: Path) -> tuple[BackupInfo, Path]:
    """The backup, whole and on disk in ``staging``, for ``out``; page damage surfaces here as ``VaultDamagedError``
    (``sqlcipher_export`` reads every page). Faults in writing it are the backup's (``_writing``); settling the key
    slots writes to the vault, and its faults (a full vault disk) are the vault's."""
    assert session.layout is not None
    copy, packed = staging / DB_NAME, staging / "backup.zip"
    for _attempt in range(EXPORT_ATTEMPTS):
        slots_bytes = _settled_slots(session, session.layout)
        ks.parse_keyslots(slots_bytes, str(session.layout.keyslots))
        with _writing(out):
            export_copy(session.conn, copy, session.master_key)
        # The slots are read before the database is copied: an account change another copy of Signpost committed in
        # between would leave the backup's slots older than its accounts (restored, that account would open with
        # neither password). The change replaces keyslots.json before its commit, so the same slots read again after
        # the copy mean none did.
        if _slots_bytes(session.layout) == slots_bytes:
            break
        with _writing(out):
            copy.unlink()
    else:
        raise BackupWriteError(
            _("the accounts were changed from another computer while the backup was being written, {count} times "
              "running; nothing has been written. Try again.").format(count=EXPORT_ATTEMPTS)
        )
    with _writing(out):
        return _zip(session, out, copy, slots_bytes, packed)


def _zip(session: VaultSession, out: Path, copy: Path, slots_bytes: bytes, packed: Path) -> tuple[BackupInfo, Path]:
    """The database ``copy`` and its key slots packed into ``packed``, flushed to the disk."""
    info = BackupInfo(out, vault_id(session.conn), audit.now_utc(), schema_version(session.conn))
    manifest = {
        "format": 1,
        "vault_id": info.vault_id,
        "created_at": info.created_at,
        "created_by": session.user.name,
        "schema_version": info.schema_version,
        "signpost_version": __version__,
    }
    with zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
        archive.writestr(KEYSLOTS_NAME, slots_bytes)
        archive.write(copy, DB_NAME)
    os.chmod(packed, 0o600)
    _fsync_file(packed)
    return info, packed


def _settled_slots(session: VaultSession, layout: VaultLayout) -> bytes:
    """``keyslots.json`` as the database knows it: an account change killed since this session opened the vault is
    settled first, as an opening does (the swap lock and the database's write lock held), and the slots are read
    under that lock, so that no change is midway. A backup thus holds the slots from before a killed change, never
    its unrecorded slot (restored, that account would open with neither password)."""
    with swap_lock(layout, purpose=OPENING), transaction(session.conn):
        if put_back := settle_locked(layout, session.conn, vault_id(session.conn), session.user.name).put_back:
            session.notices.append(put_back_notice(put_back))
        return _slots_bytes(layout)


def _slots_bytes(layout: VaultLayout) -> bytes:
    try:
        return layout.keyslots.read_bytes()
    except OSError as exc:  # the vault's file, not the backup's
        raise VaultDamagedError(
            _("{file} cannot be read ({problem})").format(file=layout.keyslots, problem=exc)
        ) from exc


def daily_backups(layout: VaultLayout) -> list[Path]:
    """The automatic backups, oldest written first (by the time written, not by the date in the name)."""
    if not layout.backups.is_dir():
        return []
    return sorted(layout.backups.glob(f"{DAILY_PREFIX}*{SUFFIX}"), key=lambda path: (_written(path), path.name))


def _written(path: Path) -> float:
    """When a backup was written, by this computer's clock at the time (its file time)."""
    return path.stat().st_mtime


def newest_backup_ahead(layout: VaultLayout) -> Path | None:
    """The newest automatic backup if it was written later than the clock says it is now (a clock gone back)."""
    backups = daily_backups(layout)
    if backups and _written(backups[-1]) > time.time() + CLOCK_SLACK_SECONDS:
        return backups[-1]
    return None


def daily_backup_path(layout: VaultLayout, today: dt.date | None = None) -> Path:
    """Where the day's automatic backup goes: the first sign-in of the day writes it (the GUI says so).

    While the clock is earlier than the newest backup, the day's name may belong to a backup made
    before, when that date was real; the day's backup then gets a name of its own, so one is still made.
    """
    return _daily_path(layout, today, newest_backup_ahead(layout))


def _daily_path(layout: VaultLayout, today: dt.date | None, ahead: Path | None) -> Path:
    name = f"{DAILY_PREFIX}{(today or dt.date.today()).isoformat()}"
    if ahead is not None:
        name += CLOCK_BEHIND_MARK
    return layout.backups / f"{name}{SUFFIX}"


def make_daily_backup(session: VaultSession, today: dt.date | None = None) -> Path | None:
    """On the first sign-in of the day, back up to ``backups/`` and keep only the newest seven.

    The newest are those written last; the one just written is always kept, whatever the clock says,
    and a clock earlier than the newest backup is pointed out (a notice for staff, and in the audit entry).
    """
    if session.layout is None:
        return None
    # The first step of every sign-in in the app that writes in the data folder: folders that earlier
    # versions left open to other accounts are closed here.
    tighten_folders(session.layout)
    ahead = newest_backup_ahead(session.layout)
    target = _daily_path(session.layout, today, ahead)
    if target.exists():
        return None
    note = ""
    if ahead is not None:
        written = dt.datetime.fromtimestamp(_written(ahead)).strftime("%Y-%m-%d %H:%M")
        note = f"clock earlier than the newest backup {ahead.name} (written {written})"
        session.notices.append(
            _(
                "This computer's clock says it is {now}, earlier than the newest automatic backup, {file} "
                "(written {written}). Either the clock is wrong now, or it was wrong when that backup was made. "
                "Today's backup was made as {target}. Ask IT to check the date and time; if the clock is right, "
                "IT can move the backups written later than now out of {folder}."
            ).format(
                now=dt.datetime.now().strftime("%Y-%m-%d %H:%M"), file=ahead.name, written=written,
                target=target.name, folder=session.layout.backups,
            )
        )
    _backup(session, target, note=note)
    others = [path for path in daily_backups(session.layout) if path != target]
    for old in others[: max(0, len(others) - (DAILY_KEEP - 1))]:
        try:
            old.unlink(missing_ok=True)  # another copy of Signpost may have removed it just now
        except OSError as exc:  # held open by a virus scanner or backup agent, or made read-only
            session.notices.append(
                _(
                    "Today's backup was made, but the old automatic backup {file} could not be removed ({problem}). "
                    "Signpost tries again at the first sign-in tomorrow; if this keeps happening, ask IT to check "
                    "{folder}."
                ).format(file=old.name, problem=exc.strerror or exc, folder=session.layout.backups)
            )
    return target


def read_manifest(path: Path) -> tuple[dict[str, Any], bytes]:
    """The manifest and key slot bytes of a backup file; ``VaultDamagedError`` if it is not one."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if not {MANIFEST, KEYSLOTS_NAME, DB_NAME} <= names:
                raise ValueError("it does not hold manifest.json, keyslots.json and signpost.db")
            manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
            slots_bytes = archive.read(KEYSLOTS_NAME)
            if not isinstance(manifest, dict) or manifest.get("format") != 1:
                raise ValueError("unknown manifest format")
    except FileNotFoundError as exc:
        raise BackupMissingError(_("{file} does not exist").format(file=path)) from exc
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        if _starts_like_a_backup(path):  # cut short, or a checksum that fails: a backup, damaged
            message = _("{file} is damaged ({problem}). Nothing has been changed.").format(file=path, problem=exc)
        else:
            message = _("{file} is not a Signpost backup ({problem})").format(file=path, problem=exc)
        raise VaultDamagedError(message) from exc
    return manifest, slots_bytes


def _starts_like_a_backup(path: Path) -> bool:
    """True when ``path`` begins as a backup's zip file does, with its manifest."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(30 + len(MANIFEST))
    except OSError:
        return False
    return head.startswith(b"PK\x03\x04") and head[30:] == MANIFEST.encode()


def _unwrap(slots: ks.KeySlots, restorer: str, password: str) -> bytearray:
    """The master key from ``restorer``'s slot in the backup (the same key as the vault's: rekey changes the id)."""
    slot = slots.user_slot(restorer)
    try:
        if slot is None:
            raise ks.SecretMismatch()
        return ks.unwrap(slot, ks.password_bytes(password), slots.vault_id)
    except ks.SecretMismatch:
        raise WrongPasswordError(
            _("the user name or password does not open this backup (passwords are those at the time of the backup)")
        ) from None


def _check_copy(db: Path, master: bytearray, backup_vault_id: str, restorer: str, detail: str, how: str) -> None:
    """Open the extracted copy as ``restorer``, run every check, and record in its audit log the restorer's
    sign-in (``how``), the restore and the sign-out: this opening of the vault is the restore's only sign-in."""
    conn = connect(db, master, create=False)
    try:
        with damage_guard():
            if vault_id(conn) != backup_vault_id:
                raise VaultDamagedError(_("the backup's key slots belong to a different database"))
            account = read_user(conn, restorer)
            if account is None or not account.active or not account.is_admin:
                raise PermissionDeniedError(
                    _("only an administrator can restore a backup (and {name} is not one in it)").format(
                        name=restorer
                    )
                )
            problems = [row[0] for row in conn.execute("PRAGMA cipher_integrity_check")]
            problems += [row[0] for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
            if problems:
                raise VaultDamagedError(_("the backup is damaged: {problems}").format(problems="; ".join(problems)))
            latest = available_migrations()[-1].version
            if schema_version(conn) > latest:
                raise VaultDamagedError(
                    _("the backup was made by a newer Signpost (schema {found}, this one knows {latest})").format(
                        found=schema_version(conn), latest=latest
                    )
                )
            with transaction(conn):
                audit.append(conn, restorer, audit.SIGN_IN, detail=how)
                audit.append(conn, restorer, audit.RESTORE, detail=detail)
                audit.append(conn, restorer, audit.SIGN_OUT)
    finally:
        conn.close()


def _where_the_trail_ends(layout: VaultLayout, master: bytearray) -> str:
    """The last audit entry of the vault about to be replaced, for the restored vault's trail to link to.

    Everything it recorded after the backup was taken (the backup itself, sign-ins, saves) stays only
    in that vault; naming its last row and hash lets anyone holding the moved-aside copy check it.
    """
    import sqlcipher3

    try:
        conn = connect(layout.db, master, create=False)
        try:
            with damage_guard():
                row = conn.execute("SELECT id, at, actor, action, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        finally:
            conn.close()
    except (VaultError, sqlcipher3.Error, OSError) as exc:
        return f"its audit trail could not be read ({exc})"
    if row is None:
        return "its audit trail was empty"
    return f"its last audit entry was #{row[0]}: {row[3]} by {row[2]} at {row[1]}, hash {row[4]}"


def open_elsewhere(conn: Any) -> bool:
    """Whether another connection (a copy of Signpost on this or another computer) has this vault open now.

    SQLite lets a connection leave WAL mode only when no other connection has the file open, which it
    learns from the file lock every connection holds while open (on Windows as on POSIX, and on network
    shares that pass locks on). The probe puts WAL mode back at once. Where locks are not passed on, an
    open copy goes unseen here, and it refuses to save into a replaced vault by itself.
    """
    import sqlcipher3

    conn.execute("PRAGMA busy_timeout = 0")
    try:
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        if mode == "delete":
            conn.execute("PRAGMA journal_mode = WAL")
        return mode != "delete"
    except sqlcipher3.OperationalError as exc:
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            return True
        raise
    finally:
        conn.execute("PRAGMA busy_timeout = 5000")


def _refuse_if_open_elsewhere(layout: VaultLayout, master: bytearray) -> None:
    """``VaultInUseError`` if a copy of Signpost has the vault in ``layout`` open (a damaged one cannot tell)."""
    import sqlcipher3

    try:
        conn = connect(layout.db, master, create=False)
    except VaultBusyError as exc:
        raise VaultInUseError(in_use_message(layout)) from exc  # a copy is writing to it this moment
    except VaultError:
        return  # damaged or not this key: no copy can be using it for records either
    try:
        in_use = open_elsewhere(conn)
    except sqlcipher3.DatabaseError:
        return
    finally:
        conn.close()
    if in_use:
        raise VaultInUseError(in_use_message(layout))


def in_use_message(layout: VaultLayout) -> str:
    """What to do when restore or rekey finds the vault open in a copy of Signpost."""
    return _(
        "Signpost is still open on this vault, on this computer or another that uses {dir}: a copy left open "
        "would go on using the vault being replaced. Close Signpost wherever it is open (sign out and quit), "
        "then run the command again. Nothing has been changed."
    ).format(dir=layout.data_dir)


def _check_still_allowed(layout: VaultLayout, name: str, backup_vault_id: str) -> None:
    """The backup is of this vault (not of another, nor from before ``signpost rekey``), and an account removed
    from the current vault (disabled) cannot come back by restoring an older backup."""
    if not layout.keyslots.exists():
        return
    try:
        current = ks.load_keyslots(layout.keyslots)
    except VaultError:
        return  # the vault being replaced may be damaged: the backup's own check still applies
    if current.vault_id != backup_vault_id:
        raise VaultExistsError(
            _(
                "this backup is of another vault, or from before this vault was given a new key ('signpost "
                "rekey'), so it would bring back the old key slots. Nothing has been changed. To put it here "
                "anyway, move the folder {dir} away first."
            ).format(dir=layout.data_dir)
        )
    if current.user_slot(normalise_name(name)) is None:
        raise PermissionDeniedError(
            _("{name} has no key slot in the current vault (disabled or never added): only one of its "
              "administrators can restore it").format(name=normalise_name(name))
        )


def restore_backup(
    data_dir: Path, backup: Path, name: str, password: str, *, force: bool = False, refuse_if_open: bool = False,
    how: str = "",
) -> Path | None:
    """Make ``backup`` the vault in ``data_dir``. Returns the folder the previous vault was moved to, if any.

    Refuses to replace an existing vault unless ``force``, and with ``refuse_if_open`` while a copy of
    Signpost has it open (``VaultInUseError``); the backup is fully checked first, so a bad backup leaves
    the current vault untouched. The restored vault's trail records the restorer's sign-in (``how``, as for
    ``sign_in``), the restore and the sign-out; nothing is written to the vault replaced.
    """
    check_is_folder(data_dir)  # a folder made for the restore is made late, and removed again if it is refused
    layout = VaultLayout(data_dir)
    if not data_dir.is_dir():
        return _restore(layout, backup, name, password, force, refuse_if_open, how)
    with swap_lock(layout):  # from before finishing an interrupted swap until this one is done
        return _restore(layout, backup, name, password, force, refuse_if_open, how)


def _restore(
    layout: VaultLayout, backup: Path, name: str, password: str, force: bool, refuse_if_open: bool, how: str,
) -> Path | None:
    data_dir = layout.data_dir
    finished = finish_interrupted_swap(layout) if data_dir.is_dir() else None
    existing = layout.vault_files()
    if existing and not force:
        raise VaultInTheWayError(
            _(
                "{dir} already holds a vault; nothing has been changed. Add --force to replace it (the current "
                "vault is kept in a new 'replaced-…' folder inside {dir})."
            ).format(dir=data_dir)
        )
    manifest, slots_bytes = read_manifest(backup)
    slots = ks.parse_keyslots(slots_bytes, f"{backup}:{KEYSLOTS_NAME}")
    if manifest.get("vault_id") != slots.vault_id:
        raise VaultDamagedError(_("{file}: manifest and key slots disagree about the vault").format(file=backup))
    _check_still_allowed(layout, name, slots.vault_id)
    restorer = normalise_name(name)
    master = _unwrap(slots, restorer, password)
    staging: Path | None = None
    aside: Path | None = None
    made_folder = False
    try:
        if refuse_if_open and layout.db.exists():
            _refuse_if_open_elsewhere(layout, master)
        detail = (
            f"vault restored from backup {backup.name} (made {manifest.get('created_at')} by "
            f"{manifest.get('created_by')})"
        )
        if existing:
            aside = aside_folder(layout)
            detail += f"; the vault it replaced was moved to {aside.name}"
            if layout.db.exists():
                detail += "; " + _where_the_trail_ends(layout, master)
        if finished is not None:  # its own record is about to be replaced by this restore's
            detail += "; before it, " + finished.audit_detail()
        made_folder = not data_dir.exists()
        prepare_folder(data_dir)
        remove_stale_folders(data_dir, STAGING_PREFIXES[RESTORE], (KEYSLOTS_NAME, *BACKUP_STAGING_FILES))
        try:
            staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIXES[RESTORE], dir=data_dir))
            copy = staging / DB_NAME
            with zipfile.ZipFile(backup) as archive, archive.open(DB_NAME) as source, open(copy, "wb") as target:
                shutil.copyfileobj(source, target)
                target.flush()
                os.fsync(target.fileno())
            _check_copy(copy, master, slots.vault_id, restorer, detail, how)
            (staging / KEYSLOTS_NAME).write_bytes(slots_bytes)
            _fsync_file(staging / KEYSLOTS_NAME)
            for restored in (copy, staging / KEYSLOTS_NAME):
                os.chmod(restored, 0o600)  # as create_vault leaves them; the umask would make them readable by all
            if aside is not None:
                make_private_folder(aside)
        except zipfile.BadZipFile as exc:  # the database inside fails its checksum: the backup file is damaged
            raise VaultDamagedError(
                _("{file} is damaged ({problem}). Nothing has been changed.").format(file=backup, problem=exc)
            ) from exc
        except OSError as exc:
            raise VaultError(
                _("the backup cannot be unpacked in {dir} ({problem}). Nothing has been changed.").format(
                    dir=data_dir, problem=exc.strerror or exc
                )
            ) from exc
        try:
            # Listed again: closing the connection that read the old trail may have folded its -wal in.
            current = layout.vault_files()
            if current and aside is None:  # files that appeared since (a vault set up meanwhile) are kept too
                aside = aside_folder(layout)
                make_private_folder(aside)
            moves = [(path, aside / path.name) for path in current] if aside is not None else []
            moves += [(copy, layout.db), (staging / KEYSLOTS_NAME, layout.keyslots)]
            swap(layout, RESTORE, staging, aside, moves)
        except VaultError:
            if aside is not None and aside.is_dir() and not any(aside.iterdir()):
                aside.rmdir()
            raise
    except BaseException:
        if made_folder:  # a refusal leaves no folder it made behind (the damage may show only once unpacked)
            if staging is not None and not layout.swap_record.exists():
                shutil.rmtree(staging, ignore_errors=True)
            with contextlib.suppress(OSError):
                if not layout.swap_record.exists():
                    layout.swap_lock.unlink(missing_ok=True)  # swap() has let go of it
                data_dir.rmdir()
        raise
    finally:
        if staging is not None and not layout.swap_record.exists():  # a record left still needs what it holds
            shutil.rmtree(staging, ignore_errors=True)
        for i in range(len(master)):
            master[i] = 0
    return aside


def aside_folder(layout: VaultLayout) -> Path:
    """A new, unused ``replaced-YYYYmmdd-HHMMSS`` folder name in the data folder (numbered if one exists already)."""
    stem = layout.data_dir / f"replaced-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}"
    candidate, number = stem, 1
    while candidate.exists():
        number += 1
        candidate = stem.with_name(f"{stem.name}-{number}")
    return candidate
