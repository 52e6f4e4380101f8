"""The key slots an account change keeps from before it (``.keyslots.json.previous.tmp``), and settling what a
killed change left there.

``session.account_change`` gives ``keyslots.json`` this second name, renames the new slots over it as its
transaction's last step, commits, and then removes the second name. Killed between the rename and the commit, it
leaves ``keyslots.json`` holding a change the database rolled back, and the previous file holding what the database
knows; killed after the commit, the previous file is merely stale. Whoever next opens the vault, or changes an
account, settles it while holding the database's write lock (so no account change is under way): the previous file
is put back when it agrees with the database and ``keyslots.json`` does not, removed when it is not needed, and
otherwise left for IT to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.i18n import _, ngettext
from app.records import audit
from app.vault import keyslots as ks
from app.vault.atomic_file import fsync_directory, previous_of, replace_file
from app.vault.errors import VaultDamagedError
from app.vault.layout import VaultLayout

UNRECORDED = "unrecorded"  # a slot for a change (or an account) the database has not recorded
MISSING = "missing"  # an active account without a slot
SUPERSEDED = "superseded"  # a slot older than the account's last password change
BLOCKING = {UNRECORDED, MISSING}


def previous_path(layout: VaultLayout) -> Path:
    return previous_of(layout.keyslots)


def previous_slot(layout: VaultLayout, vault_id: str, name: str) -> ks.KeySlot | None:
    """``name``'s slot in the previous file, when there is one of this vault: the password from before a killed
    change may be the one that opens the vault until it is settled."""
    try:
        kept = ks.load_keyslots(previous_path(layout))
    except VaultDamagedError:  # none (the usual case) or unreadable
        return None
    return kept.user_slot(name) if kept.vault_id == vault_id else None


def disagreements(slots: ks.KeySlots, accounts: dict[str, tuple[bool, str | None]]) -> set[tuple[str, str]]:
    """What in ``slots`` the database does not bear out, as (kind, account name) pairs; ``accounts`` maps each name
    to (active, ``password_changed_at``)."""
    found: set[tuple[str, str]] = set()
    for slot in slots.slots:
        if slot.kind != ks.USER or slot.user is None:
            continue
        if slot.user not in accounts or ks.unrecorded(slot, accounts[slot.user][1]):
            found.add((UNRECORDED, slot.user))
        elif ks.superseded(slot, accounts[slot.user][1]):
            found.add((SUPERSEDED, slot.user))
    found |= {(MISSING, name) for name, (active, _changed) in accounts.items()
              if active and slots.user_slot(name) is None}
    return found


def settle_locked(layout: VaultLayout, conn: Any, vault_id: str, actor: str) -> list[str] | None:
    """Settle the previous file; call inside a transaction (the database's write lock held), which must commit for
    the audit entry of a put-back to be kept.

    Returns the accounts whose slots were put back as they were before the killed change, ``None`` when nothing was
    put back. The previous file is removed when ``keyslots.json`` agrees with the database or holds the same slots;
    it is left (for IT) when it is unreadable, another vault's, or no better.
    """
    kept = previous_path(layout)
    if not kept.exists():
        return None
    current = ks.load_keyslots(layout.keyslots)
    if current.vault_id != vault_id:
        return None  # the opening refuses these slots anyway; which vault the previous file is of is for IT to see
    accounts = {name: (bool(active), changed)
                for name, active, changed in conn.execute("SELECT name, active, password_changed_at FROM users")}
    wrong_now = disagreements(current, accounts)
    if not {kind for kind, _name in wrong_now} & BLOCKING:
        kept.unlink(missing_ok=True)
        return None
    try:
        previous = ks.load_keyslots(kept)
    except VaultDamagedError:
        return None
    if previous.vault_id != vault_id:
        return None
    if previous.slots == current.slots:  # a change killed before its rename: nothing to go back to
        kept.unlink(missing_ok=True)
        return None
    wrong_before = disagreements(previous, accounts)
    # Put back only what makes no account worse: no slot the database has not recorded, and no password it has
    # recorded changing turned back into the old one.
    if {kind for kind, _name in wrong_before} & BLOCKING or not wrong_before <= wrong_now:
        return None
    names = sorted({name for kind, name in wrong_now - wrong_before})
    audit.append(conn, actor, audit.KEYSLOTS_PUT_BACK, detail=(
        f"keyslots.json held slots from an account change that was interrupted before it was recorded (accounts: "
        f"{', '.join(names)}); the slots from before that change were put back"
    ))
    replace_file(kept, layout.keyslots)  # the transaction's last step, as in account_change
    fsync_directory(layout.data_dir)
    return names


def put_back_notice(names: list[str]) -> str:
    """What the person opening the vault is told once the slots from before a killed change are back."""
    return ngettext(
        "A change to the account {names} was stopped before it had finished, so Signpost has put its password back "
        "as it was before that change.",
        "A change to the accounts {names} was stopped before it had finished, so Signpost has put their passwords "
        "back as they were before that change.",
        len(names),
    ).format(names=", ".join(names))


def kept_for_it(layout: VaultLayout) -> str:
    """A sentence naming the previous file left for IT ('' when there is none)."""
    kept = previous_path(layout)
    if not kept.exists():
        return ""
    return _(
        "The key slots from before an interrupted account change are kept in {file}: IT can look at it."
    ).format(file=kept)
