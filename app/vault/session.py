"""Setting up a vault, signing in (slot -> master key -> database -> active account) and the open session.

A ``VaultSession`` is what the GUI and the CLI hold while someone is signed in: the open connection,
the signed-in user, and the master key (needed to give new users a key slot). Closing it, by sign-out
or idle lock, closes the connection and overwrites the key in memory.
"""

from __future__ import annotations

import math
import secrets
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from app.config import Argon2Cost
from app.i18n import _, ngettext
from app.records import audit
from app.vault import keyslots as ks
from app.vault.accounts import ADMIN, User, check_name, check_new_password, normalise_name
from app.vault.atomic_file import KeptFile, identity, keep_previous, replace_file
from app.vault.attempts import UNKNOWN, AttemptLog
from app.vault.database import KEY_BYTES, MEMORY, connect, damage_guard, damaged_pages, transaction, wipe
from app.vault.errors import (
    AccountDisabledError,
    AccountSlotMismatchError,
    NoVaultError,
    PagesDamagedError,
    PasswordResetError,
    PermissionDeniedError,
    SignInThrottledError,
    VaultBusyError,
    VaultDamagedError,
    VaultError,
    VaultExistsError,
    VaultFullError,
    VaultIOError,
    VaultOpenError,
    VaultReplacedError,
    WrongPasswordError,
)
from app.vault.layout import KEYSLOTS_NAME, VaultLayout, check_is_folder, prepare_folder
from app.vault.leftovers import remove_stale_files
from app.vault.migrations import migrate
from app.vault.previous_slots import (
    Settled,
    accounts,
    held_message,
    matches_database,
    previous_slot,
    put_back_notice,
    settle_locked,
)
from app.vault.recovery_key import format_recovery_key, generate_recovery_key, normalise_recovery_key
from app.vault.swap import (
    REKEY,
    SwapRecord,
    finish_interrupted_swap,
    forget_swap,
    take_finished_swap,
    unfinished_leftovers,
)
from app.vault.swap_lock import OPENING, swap_lock

DEMO_USER = "demo"
LATE_AFTER_SECONDS = 1.0  # a lock or sign-out entry written later than this after it happened says when it did
ABANDONED_AFTER_SECONDS = 60.0  # a key slots temp file this old is no other change's, about to be renamed
BUSY_PAUSE_SECONDS = 0.05  # between tries while another copy holds the vault (each try waits its busy timeout too)


@dataclass
class VaultSession:
    """An open vault and the person signed in to it. ``layout`` is ``None`` for the in-memory demo vault."""

    conn: Any
    user: User
    layout: VaultLayout | None
    cost: Argon2Cost
    master_key: bytearray = field(repr=False)
    demo: bool = False
    notices: list[str] = field(default_factory=list)
    """Things the person signing in should be told (e.g. today's backup could not be written)."""
    on_refused: Callable[[VaultError], None] | None = field(default=None, repr=False)
    """Told once, from the thread that tried, when an action is refused because the vault file was replaced
    or the account disabled: the session cannot be used any more (the GUI locks or signs out)."""
    _opened: tuple[int, int] | None = field(default=None, init=False, repr=False)
    _ending: bool = field(default=False, init=False, repr=False)
    _password_set: str | None = field(default=None, init=False, repr=False)  # users.password_changed_at at sign-in

    def __post_init__(self) -> None:
        if self.layout is not None:
            self._opened = identity(self.layout.db)
        self.note_own_password_change()
        self.conn.guard = self._guard

    def note_own_password_change(self) -> None:
        """The account's password as set now is this session's own: a later reset elsewhere ends the session."""
        row = self.conn.execute("SELECT password_changed_at FROM users WHERE name = ?", (self.user.name,)).fetchone()
        self._password_set = row[0] if row else None

    def check_usable(self) -> None:
        """Refuse (``VaultReplacedError``, ``AccountDisabledError``) before a read outside a transaction.

        Every ``transaction`` on this session's connection runs the same check inside it.
        """
        self._guard(self.conn)

    def _guard(self, conn: Any) -> None:
        self._check_vault_file()
        if self._ending:
            return  # a disabled account's sign-out or lock is still recorded
        row = conn.execute("SELECT active, password_changed_at FROM users WHERE name = ?",
                           (self.user.name,)).fetchone()
        if row is None or not row[0]:
            self._refuse(AccountDisabledError(
                _(
                    "the account '{name}' has been disabled by an administrator, so it can no longer be used: "
                    "nothing more has been read or written. Ask an administrator if this is a mistake."
                ).format(name=self.user.name)
            ))
        if row[1] != self._password_set:
            self._refuse(PasswordResetError(
                _(
                    "the password of the account '{name}' has been changed or reset since it signed in here, so it "
                    "must sign in again: nothing more has been read or written. Sign in with the new password to "
                    "carry on."
                ).format(name=self.user.name)
            ))

    def _check_vault_file(self) -> None:
        """The database in the data folder must be the file opened: a restore or rekey moves that one aside."""
        if self.layout is None:
            return
        try:
            now = identity(self.layout.db)
        except VaultIOError as exc:
            self._refuse(exc)
        if now is None:  # gone, not replaced: an unmounted share or a moved folder, most likely
            self._refuse(VaultIOError(
                _(
                    "{file} cannot be found: the drive or network share holding the vault may have been "
                    "disconnected, or the vault folder moved. Nothing more has been written. Sign in again once it "
                    "is back; if it does not come back, ask IT."
                ).format(file=self.layout.db)
            ))
        if now != self._opened:
            self._refuse(VaultReplacedError(
                _(
                    "the vault in {dir} was replaced while you were signed in (restored from a backup or given a new "
                    "key by another program). Nothing has been written to it from here. Sign in again to carry on."
                ).format(dir=self.layout.data_dir)
            ))

    def _refuse(self, error: VaultError) -> NoReturn:
        tell, self.on_refused = self.on_refused, None
        if tell is not None:
            tell(error)
        raise error

    def require_admin(self) -> None:
        if not self.user.is_admin:
            raise PermissionDeniedError(_("only an administrator can do this"))

    def close(self, *, patience: float = 0.0) -> str | None:
        """Sign out: audit it, close the database, forget the key. Safe to call twice.

        While another copy holds the vault the entry is tried again, with the key still held, for up to
        ``patience`` seconds. Returns the audit action when its entry still could not be written (for the caller
        to record late, ``record_late``); None otherwise.
        """
        return self._end(audit.SIGN_OUT, patience)

    def lock(self, *, patience: float = 0.0) -> str | None:
        """Idle lock: like sign-out, audited as a lock."""
        return self._end(audit.LOCK, patience)

    def _end(self, action: str, patience: float) -> str | None:
        if self.conn is None:
            return None
        self.on_refused = None  # ending already; a refused audit entry below changes nothing
        self._ending = True
        import sqlcipher3

        at, started = audit.now_utc(), time.monotonic()

        def write() -> None:
            with transaction(self.conn):
                # Written after waiting for another copy (in this try's busy wait or over several): it says when.
                waited = time.monotonic() - started > LATE_AFTER_SECONDS
                audit.append(self.conn, self.user.name, action, detail=late_detail(at) if waited else "")

        try:
            _while_busy(write, patience)
        except (VaultBusyError, VaultIOError, VaultFullError):
            # Busy, the vault out of reach (a share disconnected) or its disk full: written at the next sign-in.
            return action
        except sqlcipher3.ProgrammingError:
            raise  # our own mistake (bad SQL, a closed cursor), not the vault's: a bug, closed in ``finally``
        except (VaultError, sqlcipher3.DatabaseError):
            # The database cannot take the entry, now or later: it is damaged (verify and the next sign-in say
            # so), or a restore or re-key replaced it (the new vault's trail records the replacement).
            # It must still be closed and the key forgotten.
            pass
        finally:
            self.discard()
        return None

    def record_late(self, actor: str, action: str, at: str, *, patience: float = 0.0) -> None:
        """Write an audit entry that could not be written at ``at`` (the vault was busy or out of reach) now,
        saying so.

        While the vault is still busy it is tried again for up to ``patience`` seconds.
        """

        def write() -> None:
            with transaction(self.conn) as conn:
                audit.append(conn, actor, action, detail=late_detail(at))

        _while_busy(write, patience)

    def discard(self) -> None:
        """Close without an audit entry (a sign-in that did not complete) and overwrite the key in memory."""
        if self.conn is not None:
            self.conn.guard = None
            self.conn.close()
            self.conn = None
        wipe(self.master_key)

    def load_slots(self) -> ks.KeySlots:
        """The current key slots of this vault (re-read: another program may have changed them).

        ``VaultReplacedError`` when the vault was restored or re-keyed since sign-in: its new slots are not
        this session's (they would read as "a different vault"), and signing in again is the remedy.
        """
        assert self.layout is not None
        self._check_vault_file()
        return load_matching_slots(self.layout, self.conn)

    def confirm_password(self, password: str, problem: str) -> None:
        """``WrongPasswordError(problem)``, unless ``password`` opens the signed-in user's slot (the demo has none).

        Wrong tries count as at sign-in: a growing wait (``SignInThrottledError`` while it runs) and an
        audit entry, so a screen left open cannot be used to guess the password at leisure.
        """
        if self.layout is None:
            return
        self.check_usable()  # a disabled account has no slot: saying its password is wrong would mislead
        log = AttemptLog.load(self.layout.attempts)
        _refuse_while_waiting(log.wait_seconds(self.user.name), lambda n: ngettext(
            "too many wrong passwords: wait {seconds} second before trying again",
            "too many wrong passwords: wait {seconds} seconds before trying again", n))
        slots = self.load_slots()
        slot = slots.user_slot(self.user.name)
        try:
            if slot is None:
                raise ks.SecretMismatch()
            ks.unwrap(slot, ks.password_bytes(password), slots.vault_id)
        except ks.SecretMismatch:
            wait = log.record_failure(self.user.name)
            with transaction(self.conn):
                _audit_failures(self.conn, log)
            log.save()
            raise WrongPasswordError(problem, wait) from None
        log.clear(self.user.name)
        log.save()


def late_detail(at: str) -> str:
    """The detail of an audit entry written after the moment ``at`` it records."""
    return f"recorded late: at {at} the vault could not take it (another copy held it, or it was out of reach)"


def _while_busy(write: Callable[[], None], patience: float) -> None:
    """``write()``; while another copy holds the vault, again until ``patience`` seconds have passed.

    Each try itself waits the connection's busy timeout, so the last one may end that much later.
    """
    deadline = time.monotonic() + patience
    while True:
        try:
            write()
            return
        except VaultBusyError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(BUSY_PAUSE_SECONDS)


def vault_id(conn: Any) -> str:
    row = conn.execute("SELECT value FROM meta WHERE key = 'vault_id'").fetchone()
    return row[0] if row else ""


def load_matching_slots(layout: VaultLayout, conn: Any) -> ks.KeySlots:
    slots = ks.load_keyslots(layout.keyslots)
    if slots.vault_id != vault_id(conn):
        raise VaultOpenError(
            _("{file} belongs to a different vault than {db}. Nothing has been changed.").format(
                file=layout.keyslots, db=layout.db
            )
        )
    return slots


@contextmanager
def account_change(
    conn: Any, layout: VaultLayout | None, change: Callable[[ks.KeySlots], ks.KeySlots], *, actor: str
) -> Iterator[Any]:
    """``with account_change(conn, layout, change, actor=name):`` the database change and its audit entry, made in
    the block, and ``change`` applied to ``keyslots.json``, in one transaction. ``layout`` is ``None`` for the demo
    (no slots).

    The new slots are written beside ``keyslots.json`` and renamed over it as the transaction's last step, while it
    holds the database's write lock: a full disk, or a file another program holds, rolls the whole change back, and
    two changes never overwrite each other's slots. A kill in the instant between the rename and the commit leaves
    slots the database has not recorded, and the previous slots under a second name: the next opening puts those
    back (``previous_slots``, which this also runs first, as ``actor``, for a kill since: in a transaction of
    its own, so that a put-back keeps its audit entry when this change then fails). When they cannot be put
    back, sign-in and ``verify`` say so (``keyslots.unrecorded``), as they do for a slot older than the account's
    last change (``keyslots.superseded``, e.g. an older ``keyslots.json`` put back), and this refuses: making its
    own second name would overwrite them.
    """
    staged = previous = None
    renamed = False
    settled = Settled.NOTHING
    if layout is not None:  # in a transaction of its own: a put-back stays audited when this change fails
        with transaction(conn):
            settled = settle_locked(layout, conn, vault_id(conn), actor).outcome
    try:
        with transaction(conn):
            if layout is not None:
                _refuse_while_left(layout, held=settled is Settled.HELD)
            yield conn
            if layout is not None:
                # A change killed before its rename left its new slots in a temp file; they hold passwords the
                # database never recorded. (The previous slots' file is no longer there: settled just now.)
                remove_stale_files(layout.keyslots.parent, f".{layout.keyslots.name}.*.tmp", ABANDONED_AFTER_SECONDS)
                # Read under the write lock, so a slot another program added meanwhile stays.
                staged = ks.stage_keyslots(layout.keyslots, change(load_matching_slots(layout, conn)))
                try:
                    previous = keep_previous(layout.keyslots)
                    staged.put_in_place()
                except OSError as exc:
                    renamed = staged.placed  # the rename itself may have been made, and the folder's sync failed
                    raise VaultError(
                        _(
                            "{file} could not be replaced ({problem}): the disk may be full, or another program may "
                            "be holding it. The account change has not been made; try again."
                        ).format(file=layout.keyslots, problem=exc.strerror or exc)
                    ) from exc
                renamed = True
    except BaseException:
        if renamed and previous is not None:
            # The commit failed (a full disk fails it there: SQLite writes the change out at the commit): the slots
            # go back to what the database knows, or the account could sign in with neither password.
            kept, previous = previous.path, None
            try:
                replace_file(kept, layout.keyslots)  # type: ignore[union-attr]
            except OSError as undo:
                raise VaultError(
                    _(
                        "the account change failed, and the previous {file} could not be put back ({problem}): it is "
                        "kept as {kept}. Ask IT to rename it to {name} with Signpost closed, or passwords changed "
                        "just now will not work."
                    ).format(file=layout.keyslots, problem=undo.strerror or undo, kept=kept,  # type: ignore[union-attr]
                             name=KEYSLOTS_NAME)
                ) from undo
        raise
    finally:
        if staged is not None:
            staged.discard()
        if previous is not None:
            _remove_own(conn, previous)


def _remove_own(conn: Any, kept: KeptFile) -> None:
    """Remove an account change's second name for the slots it replaced, once the change is over: only its own
    (another copy's change may have settled it and made one of the same name since), and holding the database's
    write lock again, under which every other change settles and makes its own. Busy or held by another program,
    it is left: the next opening finds it stale and removes it."""
    import sqlcipher3

    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlcipher3.Error:
        return
    try:
        kept.remove()
    except (OSError, VaultIOError):
        pass
    finally:
        conn.execute("COMMIT")


def _refuse_while_left(layout: VaultLayout, *, held: bool) -> None:
    """Refuse while the slots from before an interrupted change are still there: settling left them, for IT or
    (``held``) because another program holds the stale file."""
    kept = layout.previous_keyslots
    if kept.exists() and held:
        raise VaultError(held_message(kept))
    if kept.exists():
        raise VaultError(
            _(
                "{kept} holds the key slots from before an account change that was interrupted, and Signpost cannot "
                "tell whether they or those in {file} are the right ones. The account change has not been made. "
                "Ask IT to look at both with Signpost closed, keep a copy of {kept} somewhere safe, and then remove "
                "it from {dir}."
            ).format(kept=kept, file=layout.keyslots, dir=layout.data_dir)
        )


@damage_guard()
def read_user(conn: Any, name: str) -> User | None:
    row = conn.execute("SELECT name, role, active, must_change_password FROM users WHERE name = ?", (name,)).fetchone()
    return User(row[0], row[1], bool(row[2]), bool(row[3])) if row else None


@damage_guard()
def password_changed_at(conn: Any, name: str) -> str | None:
    row = conn.execute("SELECT password_changed_at FROM users WHERE name = ?", (name,)).fetchone()
    return row[0] if row else None


def when(moment: str) -> str:
    """A recorded UTC time (``audit.now_utc``) as people read it: ``2026-03-01 14:05 UTC``."""
    return f"{moment[:16].replace('T', ' ')} UTC"


def _restrict(path: Path) -> None:
    try:
        path.chmod(0o600)
    except OSError:
        pass


def create_vault(data_dir: Path, admin_name: str, password: str, cost: Argon2Cost) -> tuple[VaultSession, str]:
    """Set up a new vault with its first administrator; returns the signed-in session and the recovery key.

    The recovery key (grouped ``ABCDE-FGHJK-...``) is returned once and stored nowhere in clear.
    """
    layout = VaultLayout(data_dir)
    if not data_dir.is_dir():
        return _set_up(layout, admin_name, password, cost)
    with swap_lock(layout):  # no restore may put a vault here meanwhile
        finish_interrupted_swap(layout)  # a restore or rekey killed mid-way leaves a vault, finished here
        return _set_up(layout, admin_name, password, cost)


def _set_up(layout: VaultLayout, admin_name: str, password: str, cost: Argon2Cost) -> tuple[VaultSession, str]:
    data_dir = layout.data_dir
    if layout.exists():
        raise VaultExistsError(_("{dir} already holds a vault; nothing has been changed").format(dir=data_dir))
    if layout.db.exists():
        raise VaultExistsError(
            _(
                "{db} exists but {file} does not: this is a damaged or half-restored vault. Move {db} away "
                "(or restore a backup) before setting up a new vault. Nothing has been changed."
            ).format(db=layout.db, file=layout.keyslots)
        )
    if leftovers := unfinished_leftovers(layout):
        raise VaultExistsError(
            _(
                "there is no whole vault in {dir}, but {folders} holds a vault's files, left by a restore or rekey "
                "that was stopped before it finished. A new vault here would hide them: ask IT to move signpost.db "
                "and keyslots.json from there back into {dir} with Signpost closed, then run 'signpost verify'. "
                "Nothing has been created."
            ).format(dir=data_dir, folders=", ".join(str(path) for path in leftovers))
        )
    name = check_name(admin_name)
    check_new_password(name, password)
    prepare_folder(data_dir)
    master = bytearray(secrets.token_bytes(KEY_BYTES))
    new_id = str(uuid.uuid4())
    recovery = generate_recovery_key()
    now = audit.now_utc()
    slots = ks.KeySlots(
        new_id,
        (
            ks.wrap(master, ks.password_bytes(password), cost, new_id, ks.USER, name, password_set_at=now),
            ks.wrap(master, recovery.encode("ascii"), cost, new_id, ks.RECOVERY, None),
        ),
    )
    conn = connect(layout.db, master)
    try:
        _restrict(layout.db)
        migrate(conn)
        with transaction(conn):
            conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)", [("vault_id", new_id), ("created_at", now)]
            )
            conn.execute(
                "INSERT INTO users (name, role, active, must_change_password, created_at, created_by, "
                "password_changed_at) VALUES (?, 'admin', 1, 0, ?, ?, ?)",
                (name, now, name, now),
            )
            audit.append(conn, name, audit.VAULT_CREATE, detail=f"vault {new_id}")
            audit.append(conn, name, audit.USER_ADD, detail=f"{name} (admin)")
            audit.append(conn, name, audit.SIGN_IN)
        ks.save_keyslots(layout.keyslots, slots)
    except BaseException:
        conn.close()
        for path in (layout.keyslots, layout.db, layout.wal, layout.shm):
            path.unlink(missing_ok=True)
        raise
    _restrict(layout.keyslots)
    user = User(name, ADMIN, True, False)
    return VaultSession(conn, user, layout, cost, master), format_recovery_key(recovery)


def _check_files(layout: VaultLayout) -> ks.KeySlots:
    """The key slots, once the files are there (an interrupted restore or rekey is finished first)."""
    check_is_folder(layout.data_dir)
    if layout.data_dir.is_dir():
        finish_interrupted_swap(layout)
    if leftovers := unfinished_leftovers(layout) if not (layout.exists() and layout.db.exists()) else []:
        raise VaultDamagedError(
            _(
                "the vault in {dir} is incomplete: a restore or rekey was stopped before it finished, and its "
                "files are in {folders}. With Signpost closed, ask IT to move signpost.db and keyslots.json from "
                "there back into {dir}, then run 'signpost verify'. Do not set up a new vault or restore an older "
                "backup: the data is there. Nothing has been changed."
            ).format(dir=layout.data_dir, folders=", ".join(str(path) for path in leftovers))
        )
    if not layout.exists():
        if layout.db.exists():
            raise VaultDamagedError(
                _(
                    "{file} is missing, so {db} cannot be opened. Put back keyslots.json from a backup, or "
                    "restore the whole vault with 'signpost restore'. Nothing has been changed."
                ).format(file=layout.keyslots, db=layout.db)
            )
        if not layout.data_dir.exists():
            raise NoVaultError(
                _(
                    "the vault folder {dir} does not exist. If it is on a share or a removable drive, check that it "
                    "is connected; a new vault is set up with 'signpost init'."
                ).format(dir=layout.data_dir)
            )
        raise NoVaultError(
            _("there is no vault in {dir}: set one up first (signpost init)").format(dir=layout.data_dir)
        )
    slots = ks.load_keyslots(layout.keyslots)
    if not layout.db.exists():
        raise VaultDamagedError(
            _(
                "{db} is missing although {file} is there. Restore the vault from a backup with "
                "'signpost restore'. Nothing has been changed."
            ).format(db=layout.db, file=layout.keyslots)
        )
    layout.check_writable()
    return slots


@dataclass
class _Opened:
    conn: Any
    slots: ks.KeySlots
    """``keyslots.json`` as it is once opened (an interrupted account change's slots put right)."""
    notices: list[str]
    put_back: list[str]
    """The accounts whose slots from before an interrupted change were put back just now."""
    kept: ks.KeySlot | None
    """The opener's slot in the previous file once settled: there only when that file was left for IT, or was stale
    and could not be removed (another program holds it)."""


def _open_guarded(
    layout: VaultLayout, master: bytearray, slots: ks.KeySlots, actor: str, *, check_pages: bool = False
) -> _Opened:
    """``_open`` holding the swap lock: a restore or rekey running now is waited for (and the key slots read before
    it are checked again), and one starting next finds this connection open and refuses, rather than copying the
    vault while this copy writes to the one it moves aside. An account change killed midway is then settled
    (``previous_slots``), as ``actor``, the database's write lock held so that no other copy is changing an account.

    ``check_pages``: ``PagesDamagedError``, and nothing written, when a page of the database fails its check.
    """
    with swap_lock(layout, purpose=OPENING):
        if ks.load_keyslots(layout.keyslots).vault_id != slots.vault_id:
            raise VaultReplacedError(
                _("the vault was restored or given a new key while you were signing in. Nothing has been changed: "
                  "sign in again.")
            )
        conn = _open(layout, master, slots)
        try:
            if check_pages and (pages := damaged_pages(conn)):
                raise PagesDamagedError(
                    _("pages of the vault database are damaged; nothing has been written ({count} found)").format(
                        count=len(pages)
                    ),
                    pages,
                )
            put_back: list[str] = []
            if layout.previous_keyslots.exists():
                with transaction(conn):
                    put_back = settle_locked(layout, conn, slots.vault_id, actor).put_back
            return _Opened(conn, ks.load_keyslots(layout.keyslots), [put_back_notice(put_back)] if put_back else [],
                           put_back, previous_slot(layout, slots.vault_id, actor))
        except BaseException:
            conn.close()
            raise


def _open(layout: VaultLayout, master: bytearray, slots: ks.KeySlots) -> Any:
    """Open the database, check it belongs to these key slots, bring its schema up to date."""
    conn = connect(layout.db, master, create=False)
    try:
        with damage_guard():
            exists = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone()
            if exists and vault_id(conn) != slots.vault_id:
                raise VaultOpenError(
                    _("{file} belongs to a different vault than {db}. Nothing has been changed.").format(
                        file=layout.keyslots, db=layout.db
                    )
                )
            migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _audit_failures(conn: Any, log: AttemptLog) -> None:
    """Audit the wrong passwords counted and not yet audited (inside the caller's transaction)."""
    for who, entry in log.take_unaudited():
        audit.append(
            conn,
            who,
            audit.SIGN_IN_FAILED,
            detail=f"{entry.unaudited} wrong password(s) between {entry.first_at} and {entry.last_at}",
        )


def _audit_sign_in(conn: Any, name: str, log: AttemptLog, how: str) -> None:
    with transaction(conn):
        _audit_failures(conn, log)
        audit.append(conn, name, audit.SIGN_IN, detail=how)
    log.clear(name)
    # Mistyped names share one counter; once someone signs in here, earlier typos stop slowing the next person.
    log.clear(UNKNOWN)
    log.save()


def _finish(
    layout: VaultLayout, opened: _Opened, user: User, cost: Argon2Cost, master: bytearray, log: AttemptLog, how: str,
    *, daily_backup: bool,
) -> VaultSession:
    """Make the day's first backup (which reads, and so checks, every page) before anything is written."""
    conn = opened.conn
    session = VaultSession(conn, user, layout, cost, master, notices=list(opened.notices))
    try:
        if daily_backup:
            from app.vault.backup import BackupWriteError, make_daily_backup

            try:
                make_daily_backup(session)
            except BackupWriteError as exc:
                # Staff must still be able to work; the damage checks ran before writing began.
                session.notices.append(str(exc))
        _audit_sign_in(conn, user.name, log, how)
        _audit_finished_swap(session)
    except BaseException:
        session.discard()
        raise
    return session


def _audit_finished_swap(session: VaultSession) -> None:
    """Record in the vault, and tell the person signing in, that a killed restore or rekey was finished."""
    assert session.layout is not None
    record = take_finished_swap(session.layout)
    if record is None:
        return
    with transaction(session.conn):
        audit.append(session.conn, session.user.name, record.operation, detail=record.audit_detail())
    forget_swap(session.layout, record)
    session.notices.append(finished_notice(record))


def finished_notice(record: SwapRecord) -> str:
    """What the person signing in is told once a killed restore or rekey has been finished."""
    if record.operation == REKEY:
        return _(
            "A 'signpost rekey' started at {at} was stopped before it had finished; Signpost finished it now, and "
            "the vault has its new key. The new recovery key and the temporary passwords were printed by that "
            "command before it stopped: if nobody has them, an administrator runs 'signpost rekey' again for new "
            "ones. The old vault is in {aside}."
        ).format(at=when(record.started_at), aside=record.aside)
    return _(
        "A restore of the vault started at {at} was stopped before it had finished; Signpost finished it now, so "
        "the vault is the restored backup. The vault it replaced is in {aside}."
    ).format(at=when(record.started_at), aside=record.aside or "-")


def _refuse_while_waiting(wait: float, message: Callable[[int], str]) -> None:
    """``SignInThrottledError`` while a wait after wrong tries runs; ``message(n)`` words it for n seconds."""
    if wait > 0:
        seconds = math.ceil(wait)
        raise SignInThrottledError(message(seconds).format(seconds=seconds), wait)


def sign_in(
    data_dir: Path,
    name: str,
    password: str,
    cost: Argon2Cost,
    *,
    how: str = "",
    daily_backup: bool = True,
    check_pages: bool = False,
    delay_base_seconds: float = 1.0,
    clock: Callable[[], float] | None = None,
) -> VaultSession:
    """Open the vault in ``data_dir`` as ``name``.

    ``check_pages``: read every page first, whatever the day, and raise ``PagesDamagedError`` without writing
    anything when one fails (for ``signpost verify``, which must not change a damaged vault it reports on).

    Raises ``WrongPasswordError`` (with the wait now imposed), ``SignInThrottledError`` while a wait
    is running, ``AccountDisabledError``, or a ``VaultDamagedError``/``NoVaultError`` with advice;
    none of them writes to the vault, except that the slots from before an interrupted account change are put back
    first (audited) once the vault is open. The first sign-in of the day makes the daily backup.
    """
    layout = VaultLayout(data_dir)
    slots = _check_files(layout)
    name = normalise_name(name)
    log = AttemptLog.load(layout.attempts, base_seconds=delay_base_seconds, clock=clock)
    # The password from before a change killed midway opens the vault too, until opening settles which is right.
    kept = previous_slot(layout, slots.vault_id, name)
    tried = [candidate for candidate in dict.fromkeys((slots.user_slot(name), kept)) if candidate is not None]
    counter = name if tried else UNKNOWN
    _refuse_while_waiting(log.wait_seconds(counter), lambda n: ngettext(
        "too many wrong passwords: wait {seconds} second before trying again",
        "too many wrong passwords: wait {seconds} seconds before trying again", n))
    try:
        master, used = _unwrap_any(tried, password, slots.vault_id)
    except ks.SecretMismatch:
        _wrong_password(log, counter)
    try:
        opened = _open_guarded(layout, master, slots, name, check_pages=check_pages)
    except BaseException:
        wipe(master)
        raise
    conn, slot = opened.conn, opened.slots.user_slot(name)
    try:
        if used != slot:  # opening settled an interrupted account change
            if opened.put_back and used == slots.user_slot(name):
                raise AccountSlotMismatchError(
                    _(
                        "this password of '{name}' comes from a change that was interrupted before Signpost had "
                        "recorded it, so it cannot be used: Signpost has just put the account's password back as it "
                        "was before that change. Sign in with that one; if there was none (a new account), ask an "
                        "administrator."
                    ).format(name=name)
                )
            if used != opened.kept or not matches_database(used, accounts(conn).get(name)):
                _wrong_password(log, counter)  # the slot it opened is no longer the account's
            # The password the database knows, held only by the slots left for IT: never counted as a wrong one.
            raise AccountSlotMismatchError(_interrupted(layout, name))
        user = read_user(conn, name)
        if user is None:
            raise AccountSlotMismatchError(
                _(
                    "there is no account '{name}' in this vault, though its password file knows it: setting up the "
                    "account was interrupted, or IT put back an older copy of signpost.db. Nothing has been "
                    "changed. Ask an administrator to run 'signpost verify', which says what to put right."
                ).format(name=name)
            )
        if not user.active:
            raise AccountDisabledError(
                _("the account '{name}' is disabled: ask an administrator to reset its password").format(name=name)
            )
        changed = password_changed_at(conn, name)
        left_for_it = opened.kept not in (None, slot) and not matches_database(slot, (True, changed))
        if left_for_it or ks.unrecorded(slot, changed):
            raise AccountSlotMismatchError(_interrupted(layout, name))
        if ks.superseded(slot, changed):
            raise AccountSlotMismatchError(
                _(
                    "this is no longer the password of '{name}': it was changed on {when}. If it has not been changed "
                    "since you chose this one, an older copy of the vault's files was put back. Nothing has been "
                    "changed. Ask an administrator to reset your password (an administrator's own is reset with "
                    "'signpost recover' and the recovery key)."
                ).format(name=name, when=when(changed or ""))
            )
    except BaseException:
        conn.close()
        wipe(master)
        raise
    return _finish(layout, opened, user, cost, master, log, how, daily_backup=daily_backup)


def _interrupted(layout: VaultLayout, name: str) -> str:
    kept = layout.previous_keyslots
    if not kept.exists():
        return _(
            "the last password change of '{name}' was interrupted before Signpost had recorded it, so it cannot be "
            "used. Nothing has been changed. Ask an administrator to reset your password (an administrator's own is "
            "reset with 'signpost recover' and the recovery key)."
        ).format(name=name)
    # Resets are refused while the previous file is there: IT's step comes first.
    return _(
        "the last password change of '{name}' was interrupted before Signpost had recorded it, and Signpost cannot "
        "tell whether the key slots from before it, kept in {kept}, or those in {file} are the right ones, so your "
        "password cannot be used now. Nothing has been changed. Ask IT to look at both files with Signpost closed, "
        "keep a copy of {kept} somewhere safe and remove it from the vault folder; then an administrator can reset "
        "your password (an administrator's own is reset with 'signpost recover' and the recovery key)."
    ).format(name=name, kept=kept, file=layout.keyslots)


def _unwrap_any(slots: list[ks.KeySlot], password: str, vault_id: str) -> tuple[bytearray, ks.KeySlot]:
    """The master key from the first of ``slots`` the password opens, and that slot; ``SecretMismatch`` if none."""
    for slot in slots:
        try:
            return ks.unwrap(slot, ks.password_bytes(password), vault_id), slot
        except ks.SecretMismatch:
            continue
    raise ks.SecretMismatch()


def _wrong_password(log: AttemptLog, counter: str) -> NoReturn:
    wait = log.record_failure(counter)
    # The same words whether or not the name has a slot (a disabled account has none): the screen must not tell a
    # stranger which accounts exist.
    raise WrongPasswordError(
        _(
            "the user name or password is not right. If your account has been disabled, an administrator must "
            "reset its password before you can sign in"
        ),
        wait,
    ) from None


def recover(
    data_dir: Path, recovery_key: str, admin_name: str, new_password: str, cost: Argon2Cost
) -> VaultSession:
    """Use the recovery key to give ``admin_name`` a new password (creating that administrator if needed).

    The account must change the password at its next sign-in. Audited as ``recover``.
    """
    layout = VaultLayout(data_dir)
    slots = _check_files(layout)
    key = normalise_recovery_key(recovery_key)
    name = check_name(admin_name)
    check_new_password(name, new_password)
    log = AttemptLog.load(layout.attempts)
    _refuse_while_waiting(log.wait_seconds(UNKNOWN), lambda n: ngettext(
        "too many wrong attempts: wait {seconds} second before trying again",
        "too many wrong attempts: wait {seconds} seconds before trying again", n))
    slot = slots.recovery_slot()
    try:
        if slot is None:
            raise ks.SecretMismatch()
        master = ks.unwrap(slot, key.encode("ascii"), slots.vault_id)
    except ks.SecretMismatch:
        log.record_failure(UNKNOWN)
        raise WrongPasswordError(_("this is not the recovery key of this vault")) from None
    try:
        opened = _open_guarded(layout, master, slots, name)
    except BaseException:
        wipe(master)
        raise
    conn = opened.conn
    try:
        existing = read_user(conn, name)
        if existing is not None and not existing.is_admin:
            raise PermissionDeniedError(
                _("'{name}' is a practitioner account: recover an administrator account instead").format(name=name)
            )
        now = audit.now_utc()
        new_slot = ks.wrap(master, ks.password_bytes(new_password), cost, slots.vault_id, ks.USER, name,
                           password_set_at=now)
        with account_change(conn, layout, lambda current: current.with_slot(new_slot), actor=name):
            if existing is None:
                conn.execute(
                    "INSERT INTO users (name, role, active, must_change_password, created_at, created_by, "
                    "password_changed_at) VALUES (?, 'admin', 1, 1, ?, 'recovery key', ?)",
                    (name, now, now),
                )
            else:
                conn.execute(
                    "UPDATE users SET active = 1, must_change_password = 1, password_changed_at = ? WHERE name = ?",
                    (now, name),
                )
            audit.append(conn, name, audit.RECOVER, detail=f"new password for {name} with the recovery key")
    except BaseException:
        conn.close()
        wipe(master)
        raise
    return _finish(layout, opened, User(name, ADMIN, True, True), cost, master, log, "recovery key",
                   daily_backup=False)


def open_demo_vault() -> VaultSession:
    """An in-memory SQLCipher vault (nothing on disk) with the schema and a signed-in demo administrator."""
    master = bytearray(secrets.token_bytes(KEY_BYTES))
    conn = connect(MEMORY, master)
    migrate(conn)
    now = audit.now_utc()
    with transaction(conn):
        conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [("vault_id", "demo"), ("created_at", now)])
        conn.execute(
            "INSERT INTO users (name, role, active, must_change_password, created_at, created_by) "
            "VALUES (?, 'admin', 1, 0, ?, ?)",
            (DEMO_USER, now, DEMO_USER),
        )
        audit.append(conn, DEMO_USER, audit.SIGN_IN, detail="demo")
    return VaultSession(conn, User(DEMO_USER, ADMIN, True, False), None, Argon2Cost(), master, demo=True)
