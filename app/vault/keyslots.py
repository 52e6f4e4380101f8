"""Key slots: the master key wrapped with AES-256-GCM under Argon2id(secret), one slot per user plus recovery.

``keyslots.json`` holds no patient data and never the master key in clear. Each slot keeps its own
Argon2id parameters, so raising the cost later affects only slots written after the change.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import secrets
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from app.config import MAX_MEMORY_KIB, MAX_PARALLELISM, MAX_TIME_COST, Argon2Cost
from app.i18n import _
from app.vault.atomic_file import StagedFile
from app.vault.disk_space import full_disk_error, says_full
from app.vault.errors import VaultDamagedError, VaultError

FORMAT = 1
USER = "user"
RECOVERY = "recovery"
SALT_BYTES = 16
NONCE_BYTES = 12
KEY_BYTES = 32
TAG_BYTES = 16  # AES-GCM authentication tag
# A slot written before slots recorded the password change they belong to counts as older than that change only
# when it was written this much before it: the old code wrapped the first administrator's slot a few seconds
# before recording the vault's creation as their password change.
UNSTAMPED_GRACE = dt.timedelta(minutes=1)


class SecretMismatch(Exception):
    """The secret does not unwrap this slot (AES-GCM tag check failed)."""


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters of one slot."""

    time_cost: int
    memory_kib: int
    parallelism: int
    salt: bytes

    @classmethod
    def fresh(cls, cost: Argon2Cost) -> KdfParams:
        return cls(cost.time_cost, cost.memory_kib, cost.parallelism, secrets.token_bytes(SALT_BYTES))


@dataclass(frozen=True)
class KeySlot:
    """One wrapped copy of the master key. ``user`` is the account name (``None`` for the recovery slot).

    ``password_set_at`` is the account's ``users.password_changed_at`` that this slot's password belongs to (the
    same moment, recorded in the same account change): a slot with an earlier one holds a superseded password, one
    with a later one a change the database never recorded. ``None`` in slots written before this was recorded.
    """

    kind: str
    user: str | None
    kdf: KdfParams
    nonce: bytes
    wrapped: bytes
    created_at: str
    password_set_at: str | None = None

    @property
    def id(self) -> str:
        return f"{USER}:{self.user}" if self.kind == USER else RECOVERY


@dataclass(frozen=True)
class KeySlots:
    """The whole ``keyslots.json``: the vault it belongs to and its slots."""

    vault_id: str
    slots: tuple[KeySlot, ...]

    def user_slot(self, name: str) -> KeySlot | None:
        return next((s for s in self.slots if s.kind == USER and s.user == name), None)

    def recovery_slot(self) -> KeySlot | None:
        return next((s for s in self.slots if s.kind == RECOVERY), None)

    def with_slot(self, slot: KeySlot) -> KeySlots:
        """These slots with ``slot`` added, replacing any slot with the same id."""
        return replace(self, slots=tuple(s for s in self.slots if s.id != slot.id) + (slot,))

    def without_user(self, name: str) -> KeySlots:
        return replace(self, slots=tuple(s for s in self.slots if not (s.kind == USER and s.user == name)))


def password_bytes(password: str) -> bytes:
    """The same password typed on any keyboard or platform gives the same bytes."""
    return unicodedata.normalize("NFC", password).encode("utf-8")


def derive_key(secret: bytes, kdf: KdfParams) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(secret, kdf.salt, kdf.time_cost, kdf.memory_kib, kdf.parallelism, KEY_BYTES, Type.ID)


def _aad(vault_id: str, kind: str, user: str | None) -> bytes:
    # Binding the slot to its vault and owner stops a slot being copied to another name or vault.
    return json.dumps(["signpost-keyslot", FORMAT, vault_id, kind, user]).encode("utf-8")


def wrap(
    master_key: bytes | bytearray, secret: bytes, cost: Argon2Cost, vault_id: str, kind: str, user: str | None,
    *, password_set_at: str | None = None,
) -> KeySlot:
    """A new slot holding ``master_key`` for whoever knows ``secret`` (``password_set_at``: see ``KeySlot``)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    kdf = KdfParams.fresh(cost)
    nonce = secrets.token_bytes(NONCE_BYTES)
    wrapped = AESGCM(derive_key(secret, kdf)).encrypt(nonce, master_key, _aad(vault_id, kind, user))
    created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return KeySlot(kind, user, kdf, nonce, wrapped, created, password_set_at)


def _moment(text: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def unrecorded(slot: KeySlot, password_changed_at: str | None) -> bool:
    """Whether ``slot`` was written for a password change the database has not recorded (stamped later than
    ``users.password_changed_at``): the change was killed between writing the slots and its commit."""
    stamped = _moment(slot.password_set_at) if slot.password_set_at else None
    changed = _moment(password_changed_at) if password_changed_at else None
    return stamped is not None and (changed is None or stamped > changed)


def superseded(slot: KeySlot, password_changed_at: str | None) -> bool:
    """Whether the account's password was changed (``users.password_changed_at``) after ``slot`` was written for it:
    an older ``keyslots.json`` was put back."""
    changed = _moment(password_changed_at) if password_changed_at else None
    if changed is None:
        return False
    if slot.password_set_at is not None:
        stamped = _moment(slot.password_set_at)
        return stamped is not None and stamped < changed
    created = _moment(slot.created_at)
    return created is not None and created < changed - UNSTAMPED_GRACE


def unwrap(slot: KeySlot, secret: bytes, vault_id: str) -> bytearray:
    """The master key from ``slot``; ``SecretMismatch`` when the secret is not the one it was wrapped with."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if len(slot.wrapped) != KEY_BYTES + TAG_BYTES:
        raise SecretMismatch()
    # Decrypted straight into a buffer the session wipes: ``decrypt`` would return immutable bytes,
    # left readable in freed memory.
    key = bytearray(KEY_BYTES)
    try:
        aad = _aad(vault_id, slot.kind, slot.user)
        AESGCM(derive_key(secret, slot.kdf)).decrypt_into(slot.nonce, slot.wrapped, aad, key)
    except InvalidTag:
        raise SecretMismatch() from None
    return key


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def to_json(slots: KeySlots) -> bytes:
    doc = {
        "format": FORMAT,
        "vault_id": slots.vault_id,
        "slots": [
            {
                "kind": s.kind,
                "user": s.user,
                "kdf": {
                    "algorithm": "argon2id",
                    "version": 19,
                    "time_cost": s.kdf.time_cost,
                    "memory_kib": s.kdf.memory_kib,
                    "parallelism": s.kdf.parallelism,
                    "salt": _b64(s.kdf.salt),
                },
                "cipher": "aes-256-gcm",
                "nonce": _b64(s.nonce),
                "wrapped_key": _b64(s.wrapped),
                "created_at": s.created_at,
                **({"password_set_at": s.password_set_at} if s.password_set_at is not None else {}),
            }
            for s in slots.slots
        ],
    }
    return (json.dumps(doc, indent=2) + "\n").encode("utf-8")


def _int_in(value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{value!r} is not a whole number from {low} to {high}")
    return value


def _slot_from(raw: dict[str, Any]) -> KeySlot:
    kdf = raw["kdf"]
    if kdf.get("algorithm") != "argon2id" or raw.get("cipher") != "aes-256-gcm":
        raise ValueError("unknown key derivation or cipher")
    kind = raw["kind"]
    user = raw.get("user")
    if kind not in (USER, RECOVERY) or (kind == USER) != isinstance(user, str):
        raise ValueError(f"bad slot kind {kind!r}")
    params = KdfParams(
        _int_in(kdf["time_cost"], 1, MAX_TIME_COST),
        _int_in(kdf["memory_kib"], 8, MAX_MEMORY_KIB),
        _int_in(kdf["parallelism"], 1, MAX_PARALLELISM),
        base64.b64decode(kdf["salt"], validate=True),
    )
    nonce = base64.b64decode(raw["nonce"], validate=True)
    if len(nonce) != NONCE_BYTES or len(params.salt) < 8:
        raise ValueError("nonce or salt has the wrong length")
    wrapped = base64.b64decode(raw["wrapped_key"], validate=True)
    password_set_at = raw.get("password_set_at")
    if password_set_at is not None and not isinstance(password_set_at, str):
        raise ValueError("password_set_at is not text")
    return KeySlot(kind, user, params, nonce, wrapped, str(raw["created_at"]), password_set_at)


def parse_keyslots(data: bytes, source: str) -> KeySlots:
    """Decode ``keyslots.json`` content; ``VaultDamagedError`` naming the file when it is not valid."""
    try:
        doc = json.loads(data.decode("utf-8"))
        if not isinstance(doc, dict) or not isinstance(doc.get("slots"), list):
            raise ValueError(_("it does not hold a list of key slots"))
        if doc.get("format") != FORMAT:
            raise ValueError(f"format {doc.get('format')!r} is not {FORMAT}")
        vault_id = doc["vault_id"]
        if not isinstance(vault_id, str) or not vault_id:
            raise ValueError("vault_id is missing")
        slots = tuple(_slot_from(raw) for raw in doc["slots"])
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError, binascii.Error) as exc:
        problem = _("'{field}' is missing").format(field=exc.args[0]) if isinstance(exc, KeyError) else exc
        if isinstance(exc, (TypeError, AttributeError)):
            problem = _("a key slot is not laid out as one")
        elif isinstance(exc, UnicodeDecodeError):
            problem = _("it is not text")
        raise VaultDamagedError(
            _(
                "{file} is damaged ({problem}). Nothing has been changed. Put back a copy of keyslots.json "
                "from a backup, or restore the whole vault with 'signpost restore'."
            ).format(file=source, problem=problem)
        ) from exc
    return KeySlots(vault_id, slots)


def load_keyslots(path: Path) -> KeySlots:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise VaultDamagedError(_("{file} cannot be read ({problem})").format(file=path, problem=exc)) from exc
    return parse_keyslots(data, str(path))


def save_keyslots(path: Path, slots: KeySlots) -> None:
    """Replace ``keyslots.json`` atomically; a crash leaves the old or the new file, both usable."""
    staged = stage_keyslots(path, slots)
    try:
        staged.put_in_place()
    except OSError as exc:
        raise _unwritable(path, exc) from exc


def stage_keyslots(path: Path, slots: KeySlots) -> StagedFile:
    """``slots`` written to disk beside ``path``, ready to be renamed over it (``put_in_place``)."""
    if slots.recovery_slot() is None or not any(s.kind == USER for s in slots.slots):
        raise ValueError("refusing to write key slots without a recovery slot and at least one user slot")
    try:
        return StagedFile(path, to_json(slots))
    except OSError as exc:
        raise _unwritable(path, exc) from exc


def _unwritable(path: Path, exc: OSError) -> VaultError:
    if says_full(exc):
        return full_disk_error(exc.strerror or exc, path.parent)
    return VaultError(
        _("{file} cannot be written ({problem}); the change has not been made").format(file=path, problem=exc)
    )
