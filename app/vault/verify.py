"""The self-check behind ``signpost verify``: SQLCipher page HMACs, SQLite structure, the audit chain, an
audit entry for every saved screening version, the triggers that keep the audit log and screening
versions append-only, and that the key slots match the accounts."""

from __future__ import annotations

from typing import Any

from app.i18n import _
from app.records import audit
from app.vault import keyslots as ks
from app.vault.database import damage_guard, transaction
from app.vault.errors import VaultError
from app.vault.previous_slots import held_message, is_stale
from app.vault.session import VaultSession, when


def page_advice() -> str:
    """What to do about damaged pages, said after a line for each."""
    return _("pages of the vault database are damaged: restore the latest backup with 'signpost restore', which "
             "keeps the damaged vault aside")


def vault_problems(session: VaultSession) -> list[str]:
    """Every problem found, as plain sentences; empty when the vault is sound. The check is audited.

    The session must have been opened with ``check_pages`` (sign-in read every page and found it sound): damaged
    pages would fail these checks half-way, and SQLCipher then refuses to write the audit entry.
    """
    conn = session.conn
    problems: list[str] = []
    try:
        with damage_guard():
            problems += [f"SQLite: {row[0]}" for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
            problems += [str(problem) for problem in audit.verify_chain(conn)]
            problems += _unaudited_versions(conn)
            problems += _safeguard_problems(conn)
            problems += account_slot_problems(session)
    except VaultError as exc:
        problems.append(str(exc))
    try:
        with transaction(conn):
            audit.append(conn, session.user.name, audit.VERIFY, detail=f"{len(problems)} problem(s)")
    except VaultError as exc:
        problems.append(str(exc))
    return problems


# Trigger -> the table it guards (migrations 0001 and 0004). Without them rows can be changed in place.
SAFEGUARDS = {
    "audit_no_update": "audit",
    "audit_no_delete": "audit",
    "screening_versions_no_update": "screening_versions",
    "screening_versions_no_delete": "screening_versions",
}


def _unaudited_versions(conn: Any) -> list[str]:
    """A sentence for each screening with more saved versions than save and amend entries in the audit log.

    The chain shows rows removed from its middle, and from its end while SQLite's counter remembers them; this
    also shows the newest rows removed by someone who set the counter back, when a screening they were about
    is still there.
    """
    rows = conn.execute(
        "SELECT s.ref, (SELECT count(*) FROM screening_versions v WHERE v.screening_id = s.id), "
        "(SELECT count(*) FROM audit a WHERE a.record_ref = s.ref AND a.action IN (?, ?)) FROM screenings s",
        (audit.SAVE, audit.AMEND),
    )
    return [
        _(
            "screening {ref} has {versions} saved version(s) but {entries} save or amend entries in the audit log: "
            "audit entries have been removed"
        ).format(ref=ref, versions=versions, entries=entries)
        for ref, versions, entries in rows
        if entries < versions
    ]


def _safeguard_problems(conn: Any) -> list[str]:
    """A sentence for each append-only trigger that is missing or no longer refuses the change."""
    triggers = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    problems = []
    for name, table in SAFEGUARDS.items():
        sql = " ".join((triggers.get(name) or "").split()).upper()
        if f" ON {table.upper()} " not in sql or "RAISE(ABORT," not in sql.replace(" ", ""):
            problems.append(
                _("the safeguard {name}, which keeps {table} append-only, is missing or has been altered").format(
                    name=name, table=table
                )
            )
    return problems


def account_slot_problems(session: VaultSession) -> list[str]:
    """A sentence for each disagreement between ``keyslots.json`` and the accounts: a slot with no account or for a
    disabled one, an active account with no slot, a slot older than the account's last password change; and one for
    the slots from before an interrupted account change that signing in could not settle.

    An account change that was interrupted between the database and the key slots leaves one of these, and so does
    an older copy of either file put back.
    """
    if session.layout is None:
        return []
    slots = session.load_slots()
    accounts = {
        name: (bool(active), changed)
        for name, active, changed in session.conn.execute("SELECT name, active, password_changed_at FROM users")
    }
    admins = {row[0] for row in session.conn.execute("SELECT name FROM users WHERE role = 'admin' AND active = 1")}

    kept = session.layout.previous_keyslots

    def reset(name: str) -> str:
        if name in admins:
            remedy = _("reset its password with 'signpost user reset-password {name}' as another administrator, or "
                       "with 'signpost recover --admin {name}' and the recovery key").format(name=name)
        else:
            remedy = _("reset its password with 'signpost user reset-password {name}'").format(name=name)
        if not kept.exists():
            return remedy
        return _(
            "first IT looks at {kept} and keyslots.json with Signpost closed, keeps a copy of {kept} somewhere safe, "
            "and removes it from the vault folder (resets are refused while it is there); then {remedy}"
        ).format(kept=kept, remedy=remedy)

    problems = []
    for slot in slots.slots:
        if slot.kind != ks.USER or slot.user is None:
            continue
        name = slot.user
        if name not in accounts:
            problems.append(_(
                "keyslots.json has a key slot for '{name}', but there is no such account: setting it up was "
                "interrupted, or signpost.db was put back from an older copy (then look for the newer one first). "
                "Otherwise set the account up with 'signpost user add {name}' (which replaces the slot), then "
                "disable it if it is not wanted"
            ).format(name=name))
            continue
        active, changed = accounts[name]
        if not active:
            problems.append(_(
                "'{name}' is disabled but still has a key slot, so its password still opens the vault's key: "
                "disable it again with 'signpost user disable {name}', which removes the slot"
            ).format(name=name))
        elif ks.unrecorded(slot, changed):
            problems.append(_(
                "the key slot of '{name}' holds a password from a change that was interrupted before it was recorded, "
                "so it cannot sign in: {remedy}"
            ).format(name=name, remedy=reset(name)))
        elif ks.superseded(slot, changed):
            problems.append(_(
                "the key slot of '{name}' holds a password from before its change on {when} (keyslots.json was put "
                "back from an older copy), so it cannot sign in: {remedy}"
            ).format(name=name, when=when(changed), remedy=reset(name)))
    problems += [
        _(
            "'{name}' is an active account with no key slot, so it cannot sign in (an account change was interrupted, "
            "or keyslots.json was put back from an older copy): {remedy}"
        ).format(name=name, remedy=reset(name))
        for name, (active, _changed) in sorted(accounts.items())
        if active and slots.user_slot(name) is None
    ]
    if kept.exists() and is_stale(session.layout, session.conn, slots.vault_id):  # signing in could not remove it
        problems.append(held_message(kept))
    elif kept.exists():  # signing in settled it when it could
        problems.append(_(
            "{kept} holds the key slots from before an account change that was interrupted, and Signpost cannot tell "
            "whether they or those in keyslots.json are the right ones, so it has left both. Account changes are "
            "refused until IT has looked at both with Signpost closed, kept a copy of {kept} somewhere safe, and "
            "removed it from the vault folder"
        ).format(kept=kept))
    return problems
