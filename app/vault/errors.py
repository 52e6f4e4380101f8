"""Faults of the vault a person can act on, each with a plain message."""

from __future__ import annotations

from app.errors import SignpostError


class VaultError(SignpostError):
    """Base for every expected vault fault."""


class NoVaultError(VaultError):
    """No vault has been set up in this data directory yet."""


class VaultExistsError(VaultError):
    """A vault is already here; setting up another would destroy it."""


class VaultDamagedError(VaultError):
    """A vault file is missing, unreadable or fails its integrity checks."""


class PagesDamagedError(VaultDamagedError):
    """Pages of the database fail SQLCipher's check; ``pages`` has a line for each (found before anything was
    written)."""

    def __init__(self, message: str, pages: list[str]) -> None:
        super().__init__(message)
        self.pages = pages


class VaultOpenError(VaultDamagedError):
    """The database could not be opened with its key: damaged file or key slots of another vault."""


class WrongPasswordError(VaultError):
    """User name or password (or recovery key) not right. ``wait_seconds`` before the next try."""

    def __init__(self, message: str, wait_seconds: float = 0.0) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


class SignInThrottledError(VaultError):
    """Too many wrong passwords: the next try is allowed only after ``wait_seconds``."""

    def __init__(self, message: str, wait_seconds: float) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


class AccountDisabledError(VaultError):
    """The account exists but an administrator has disabled it."""


class AccountSlotMismatchError(VaultError):
    """The key slot that opened the vault disagrees with the database: it belongs to no account, or holds a password
    the account has changed since (an interrupted change, or an older ``keyslots.json`` put back)."""


class PasswordResetError(VaultError):
    """The signed-in account's password was changed or reset elsewhere: its open session must sign in again."""


class PermissionDeniedError(VaultError):
    """The signed-in user's role does not allow this action."""


class AccountError(VaultError):
    """A user account change that cannot be made (bad name, weak password, unknown or duplicate user)."""


class VaultReplacedError(VaultError):
    """The database in the data folder is no longer the one this session opened (restored or re-keyed meanwhile)."""


class VaultBusyError(VaultError):
    """Another copy of Signpost held the vault for longer than the wait allowed; nothing was written."""


class VaultFullError(VaultError):
    """The disk holding the vault is full: nothing was written, and the vault is not damaged."""


class VaultIOError(VaultError):
    """A vault file could not be read or written (I/O error, read-only file), although the disk is not full."""
