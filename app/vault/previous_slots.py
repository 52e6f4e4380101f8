"""The key slots an account change keeps from before it (``.keyslots.json.previous.tmp``), and settling what a
killed change left there.

``session.account_change`` gives ``keyslots.json`` this second name, renames the new slots over it as its
transaction's last step, commits, and then removes the second name. Killed between the rename and the commit, it
leaves ``keyslots.json`` holding a change the database rolled back, and the previous file holding what the database
knows; killed after the commit, the previous file is merely stale. Whoever next opens the vault, or changes an
account, settles it while holding the database's write lock (so no account change is under way).

Settling compares the two files account by account and judges only the accounts whose slots differ between them,
by whether each file's slot is what the database knows (``matches_database``), never by which stamp is later: the
PCs that made the changes may have had clocks hours apart. The previous file is put back when, for every such
account, it matches and ``keyslots.json`` does not; removed when ``keyslots.json`` matches for every such account;
and otherwise left for IT to look at.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from app.i18n import _, ngettext
from app.records import audit
from app.vault import keyslots as ks
from app.vault.atomic_file import fsync_directory, replace_file
from app.vault.errors import VaultDamagedError, VaultError
from app.vault.layout import VaultLayout

Account = tuple[bool, str | None]
"""What the database knows of an account: (active, ``users.password_changed_at``)."""


def previous_slot(layout: VaultLayout, vault_id: str, name: str) -> ks.KeySlot | None:
    """``name``'s slot in the previous file, when there is one of this vault: the password from before a killed
    change may be the one that opens the vault until it is settled."""
    try:
        kept = ks.load_keyslots(layout.previous_keyslots)
    except VaultDamagedError:  # none (the usual case) or unreadable
        return None
    return kept.user_slot(name) if kept.vault_id == vault_id else None


def accounts(conn: Any) -> dict[str, Account]:
    return {name: (bool(active), changed)
            for name, active, changed in conn.execute("SELECT name, active, password_changed_at FROM users")}


def matches_database(slot: ks.KeySlot | None, account: Account | None) -> bool:
    """Whether ``slot`` (``None``: no slot) is what the database knows of its ``account`` (``None``: none).

    An active account's slot must be stamped with its ``password_changed_at``: a committed change stamps both with
    the same value. A disabled or absent account has no slot. A slot without a stamp (from a version before them)
    is judged as sign-in judges it: right unless written before the account's last password change.
    """
    if account is None or not account[0]:
        return slot is None
    if slot is None:
        return False
    if slot.password_set_at is None:
        return not ks.superseded(slot, account[1])
    return slot.password_set_at == account[1]


def differing(previous: ks.KeySlots, current: ks.KeySlots) -> list[str]:
    """The accounts whose slots are not the same in both files."""
    names = {slot.user for slot in (*previous.slots, *current.slots) if slot.kind == ks.USER and slot.user}
    return sorted(name for name in names if previous.user_slot(name) != current.user_slot(name))


class Settled(Enum):
    """What settling did with the previous file."""

    NOTHING = "nothing"  # there was none
    PUT_BACK = "put back"
    REMOVED = "removed"  # stale: the change that made it was recorded, or never renamed its new slots
    HELD = "held"  # stale, but another program holds it, so it could not be removed
    LEFT_FOR_IT = "left for IT"


@dataclass(frozen=True)
class Settling:
    outcome: Settled
    put_back: list[str] = field(default_factory=list)
    """The accounts whose slots from before the killed change were put back."""


def _judge(layout: VaultLayout, conn: Any, vault_id: str) -> Settling:
    """What settling is to do (``REMOVED``: remove it as stale), without doing it."""
    kept = layout.previous_keyslots
    if not kept.exists():
        return Settling(Settled.NOTHING)
    try:
        current, previous = ks.load_keyslots(layout.keyslots), ks.load_keyslots(kept)
    except VaultDamagedError:
        return Settling(Settled.LEFT_FOR_IT)
    if current.vault_id != vault_id or previous.vault_id != vault_id:
        return Settling(Settled.LEFT_FOR_IT)  # another vault's: which it is, is for IT to see
    known = accounts(conn)
    names = differing(previous, current)
    if all(matches_database(current.user_slot(name), known.get(name)) for name in names):
        return Settling(Settled.REMOVED)  # killed after its commit (or before its rename): nothing to go back to
    if all(matches_database(previous.user_slot(name), known.get(name))
           and not matches_database(current.user_slot(name), known.get(name)) for name in names):
        return Settling(Settled.PUT_BACK, names)
    return Settling(Settled.LEFT_FOR_IT)


def is_stale(layout: VaultLayout, conn: Any, vault_id: str) -> bool:
    """Whether the previous file is there and settling would remove it (when it is still there, it is held)."""
    return _judge(layout, conn, vault_id).outcome is Settled.REMOVED


def settle_locked(layout: VaultLayout, conn: Any, vault_id: str, actor: str) -> Settling:
    """Settle the previous file; call inside a transaction (the database's write lock held), which must commit for
    the audit entry of a put-back to be kept.

    The previous file is left (for IT) when it is unreadable, another vault's, or neither file matches the database
    for every account in which they differ; a stale one another program holds is left too (``HELD``), for a later
    opening to remove.
    """
    kept = layout.previous_keyslots
    settling = _judge(layout, conn, vault_id)
    if settling.outcome is Settled.REMOVED:
        try:
            kept.unlink(missing_ok=True)
        except OSError:
            return Settling(Settled.HELD)
    if settling.outcome is not Settled.PUT_BACK:
        return settling
    names = settling.put_back
    audit.append(conn, actor, audit.KEYSLOTS_PUT_BACK, detail=(
        f"keyslots.json held slots from an account change that was interrupted before it was recorded (accounts: "
        f"{', '.join(names)}); the slots from before that change were put back"
    ))
    try:
        replace_file(kept, layout.keyslots)  # the transaction's last step, as in account_change
    except OSError as exc:  # the transaction rolls back: nothing has changed
        raise VaultError(
            _(
                "{file} holds an account change that was interrupted before it was recorded, and the key slots from "
                "before it, in {kept}, could not be put back ({problem}): another program may be holding the file. "
                "Nothing has been changed. Close any program that may hold it (another copy of Signpost, a virus "
                "scanner, a backup agent) and try again; if this keeps happening, ask IT."
            ).format(file=layout.keyslots, kept=kept, problem=exc.strerror or exc)
        ) from exc
    with suppress(OSError):  # the rename is made: a folder whose sync fails cannot take it back either
        fsync_directory(layout.data_dir)
    return settling


def held_message(kept: Path) -> str:
    """Why account changes are refused while a stale previous file cannot be removed."""
    return _(
        "{kept} is left from an earlier account change and is no longer needed, but it could not be removed: another "
        "program is holding it. Account changes are refused until it is gone. Close any program that may hold it "
        "(another copy of Signpost, a virus scanner, a backup agent) and try again; if this keeps happening, ask IT."
    ).format(kept=kept)


def put_back_notice(names: list[str]) -> str:
    """What the person opening the vault is told once the slots from before a killed change are back."""
    return ngettext(
        "A change to the account {names} was stopped before it had finished, so Signpost has put its password back "
        "as it was before that change.",
        "A change to the accounts {names} was stopped before it had finished, so Signpost has put their passwords "
        "back as they were before that change.",
        len(names),
    ).format(names=", ".join(names))

