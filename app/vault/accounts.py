"""Rules for staff account names, roles and passwords (shared by set-up, sign-in and user management)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from functools import cache

from app.i18n import N_, _
from app.paths import resources_dir
from app.vault.errors import AccountError

PRACTITIONER = "practitioner"
ADMIN = "admin"
ROLES = (PRACTITIONER, ADMIN)
ROLE_LABELS = {PRACTITIONER: N_("Practitioner"), ADMIN: N_("Administrator")}
MIN_PASSWORD_LENGTH = 8
MIN_DIFFERENT_CHARACTERS = 4
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class User:
    """A staff account as stored in the vault."""

    name: str
    role: str
    active: bool = True
    must_change_password: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN


def normalise_name(name: str) -> str:
    """Account names are case-insensitive: ``Alice.Smith`` signs in as ``alice.smith``."""
    return name.strip().lower()


def check_name(name: str) -> str:
    """The normalised name, or ``AccountError`` saying what a name may contain."""
    normal = normalise_name(name)
    if not normal:
        raise AccountError(_("type a user name: 1 to 64 letters, digits, '.', '_' or '-'"))
    if not _NAME.match(normal):
        raise AccountError(
            _(
                "'{name}' cannot be a user name: use 1 to 64 letters, digits, '.', '_' or '-', "
                "starting with a letter or digit"
            ).format(name=name.strip())
        )
    return normal


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(_("'{role}' is not a role: use practitioner or admin").format(role=role))
    return role


def generate_temporary_password() -> str:
    """A temporary password an administrator can read out (no look-alike characters), e.g. ``K7QM-3XWP-RT9D``.

    The account must replace it at its first sign-in.
    """
    from app.vault.recovery_key import ALPHABET

    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(3))


def check_new_password(name: str, password: str) -> None:
    """``AccountError`` when a password is too weak to protect patient records.

    Length, variety and a deny-list of the commonest passwords, as the NCSC advises, not rules about
    which kinds of character to use.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _("the password must have at least {count} characters").format(count=MIN_PASSWORD_LENGTH)
        )
    lowered = password.strip().lower()
    if len(set(lowered)) < MIN_DIFFERENT_CHARACTERS:
        raise AccountError(
            _("the password needs at least {count} different characters: this one is too easy to guess").format(
                count=MIN_DIFFERENT_CHARACTERS
            )
        )
    if lowered == name.lower() or (len(name) >= 4 and name.lower() in lowered):
        raise AccountError(_("the password must not contain the user name"))
    core = _EDGE_DIGITS_AND_SYMBOLS.sub("", lowered)
    halves = len(core) % 2 == 0 and core[: len(core) // 2] == core[len(core) // 2 :]
    if {lowered, core, core[: len(core) // 2] if halves else core} & _common_passwords():
        raise AccountError(
            _("that password is one of the most common ones, which are tried first: choose another, "
              "for example three unrelated words")
        )


_EDGE_DIGITS_AND_SYMBOLS = re.compile(r"^[\d\W_]+|[\d\W_]+$")  # "!Password1" and "1password" are "password"


@cache
def _common_passwords() -> frozenset[str]:
    text = (resources_dir() / "policy" / "common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))
