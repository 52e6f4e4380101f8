"""The IT recovery key: 40 characters from an alphabet without look-alikes, read aloud in 8 groups of 5."""

from __future__ import annotations

import secrets

from app.errors import UsageError
from app.i18n import _

# No I, O, 0 or 1: nothing that can be misread or misheard when read out over the phone.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GROUPS = 8
GROUP_SIZE = 5
LENGTH = GROUPS * GROUP_SIZE


def generate_recovery_key() -> str:
    """A new random key (200 bits), ungrouped."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def format_recovery_key(key: str) -> str:
    """``ABCDE-FGHJK-...``: the form shown once and written down."""
    return "-".join(key[i : i + GROUP_SIZE] for i in range(0, len(key), GROUP_SIZE))


def normalise_recovery_key(text: str) -> str:
    """Accept the key as typed (any case, spaces or dashes between groups); ``UsageError`` if it cannot be one."""
    key = "".join(ch for ch in text.upper() if not ch.isspace() and ch != "-")
    if len(key) != LENGTH:
        raise UsageError(
            _("the recovery key has {expected} characters (8 groups of 5), not {found}").format(
                expected=LENGTH, found=len(key)
            )
        )
    wrong = sorted({ch for ch in key if ch not in ALPHABET})
    if wrong:
        raise UsageError(
            _("the recovery key cannot contain {characters}: check what was written down").format(
                characters=" ".join(wrong)
            )
        )
    return key
