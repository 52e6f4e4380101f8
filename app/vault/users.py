"""Managing staff accounts: each change updates the database, the key slots and the audit log together.

The database change and its audit entry are one transaction; ``keyslots.json`` is written beside the vault and
renamed into place as its last step before the commit (``session.account_change``): if writing or renaming the
slots fails, or the commit does, the account change is undone whole; a kill between the rename and the commit
leaves slots holding a change the database never recorded, and the slots from before it, which the next opening of
the vault puts back (``previous_slots``).
"""

from __future__ import annotations

from collections.abc import Callable

from app.i18n import _
from app.records import audit
from app.vault import keyslots as ks
from app.vault.accounts import User, check_name, check_new_password, check_role, normalise_name
from app.vault.database import damage_guard
from app.vault.errors import AccountError
from app.vault.session import VaultSession, account_change, read_user, vault_id


@damage_guard()
def list_users(session: VaultSession) -> list[User]:
    """Every account, for administrators."""
    session.require_admin()
    session.check_usable()
    rows = session.conn.execute(
        "SELECT name, role, active, must_change_password FROM users ORDER BY name"
    ).fetchall()
    return [User(r[0], r[1], bool(r[2]), bool(r[3])) for r in rows]


def _existing(session: VaultSession, name: str) -> User:
    user = read_user(session.conn, normalise_name(name))
    if user is None:
        raise AccountError(_("there is no user named '{name}'").format(name=name.strip()))
    return user


def _new_slot(session: VaultSession, name: str, password: str, set_at: str) -> Callable[[ks.KeySlots], ks.KeySlots]:
    """The change to the key slots giving ``name`` a slot for ``password`` (set in the database at ``set_at``).

    Wrapped before the transaction begins: Argon2 takes a while, and other copies wait for the write lock.
    """
    if session.layout is None:
        return lambda slots: slots  # the demo vault has no key slots
    session.check_usable()
    slot = ks.wrap(session.master_key, ks.password_bytes(password), session.cost, vault_id(session.conn), ks.USER,
                   name, password_set_at=set_at)
    return lambda slots: slots.with_slot(slot)


def add_user(session: VaultSession, name: str, role: str, temporary_password: str) -> User:
    """A new account that must choose its own password at first sign-in."""
    session.require_admin()
    name = check_name(name)
    check_role(role)
    check_new_password(name, temporary_password)
    if read_user(session.conn, name) is not None:
        raise AccountError(_("there is already a user named '{name}'").format(name=name))
    now = audit.now_utc()
    with account_change(session.conn, session.layout, _new_slot(session, name, temporary_password, now),
                        actor=session.user.name) as conn:
        if read_user(conn, name) is not None:
            raise AccountError(_("there is already a user named '{name}'").format(name=name))
        conn.execute(
            "INSERT INTO users (name, role, active, must_change_password, created_at, created_by, "
            "password_changed_at) VALUES (?, ?, 1, 1, ?, ?, ?)",
            (name, role, now, session.user.name, now),
        )
        audit.append(conn, session.user.name, audit.USER_ADD, detail=f"{name} ({role})")
    return User(name, role, True, True)


def disable_user(session: VaultSession, name: str) -> None:
    """Disable an account and delete its key slot: it can no longer sign in.

    The master key stays the same, so a copy of ``keyslots.json`` taken earlier (every backup holds one)
    still opens the database with the old password; docs/decisions.md says what IT does about it.
    """
    session.require_admin()
    user = _existing(session, name)
    if user.name == session.user.name:
        raise AccountError(_("you cannot disable your own account"))
    detail = user.name
    if not user.active:
        if session.layout is None or session.load_slots().user_slot(user.name) is None:
            raise AccountError(_("'{name}' is already disabled").format(name=user.name))
        detail = f"{user.name} (removing the key slot an interrupted disable left)"
    if user.is_admin and user.active:
        admins = session.conn.execute("SELECT count(*) FROM users WHERE role = 'admin' AND active = 1").fetchone()[0]
        if admins <= 1:
            raise AccountError(_("'{name}' is the last active administrator").format(name=user.name))
    with account_change(session.conn, session.layout, lambda slots: slots.without_user(user.name),
                        actor=session.user.name) as conn:
        conn.execute("UPDATE users SET active = 0 WHERE name = ?", (user.name,))
        audit.append(conn, session.user.name, audit.USER_DISABLE, detail=detail)


def reset_password(session: VaultSession, name: str, temporary_password: str) -> None:
    """Give an account a temporary password (re-enabling it if disabled); it must be changed at sign-in."""
    session.require_admin()
    user = _existing(session, name)
    if user.name == session.user.name:
        raise AccountError(
            _("you cannot reset your own password: that would lock you out. Use Admin ▸ Change my password "
              "(or 'signpost recover' with the recovery key if it is forgotten)")
        )
    check_new_password(user.name, temporary_password)
    now = audit.now_utc()
    with account_change(session.conn, session.layout, _new_slot(session, user.name, temporary_password, now),
                        actor=session.user.name) as conn:
        conn.execute(
            "UPDATE users SET active = 1, must_change_password = 1, password_changed_at = ? WHERE name = ?",
            (now, user.name),
        )
        detail = user.name if user.active else f"{user.name} (re-enabled)"
        audit.append(conn, session.user.name, audit.USER_RESET_PASSWORD, detail=detail)


def change_own_password(session: VaultSession, old_password: str, new_password: str) -> None:
    """The signed-in user replaces their password; only their own key slot is rewrapped."""
    name = session.user.name
    check_new_password(name, new_password)
    if new_password == old_password:
        raise AccountError(_("the new password must differ from the old one"))
    session.confirm_password(old_password, _("the current password is not right"))
    now = audit.now_utc()
    with account_change(session.conn, session.layout, _new_slot(session, name, new_password, now),
                        actor=session.user.name) as conn:
        conn.execute(
            "UPDATE users SET must_change_password = 0, password_changed_at = ? WHERE name = ?", (now, name)
        )
        audit.append(conn, name, audit.PASSWORD_CHANGE, detail=name)
    session.user = User(name, session.user.role, True, False)
    session.note_own_password_change()
