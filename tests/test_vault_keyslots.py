"""Key slots: Argon2id + AES-256-GCM wrapping, per-slot parameters, atomic file writes, the recovery key."""

from __future__ import annotations

import dataclasses
import json
import secrets
from pathlib import Path

import pytest
from vault_support import ADMIN, ADMIN_PASSWORD, cost, new_vault

from app.config import Argon2Cost
from app.errors import UsageError
from app.vault import keyslots as ks
from app.vault.errors import VaultDamagedError
from app.vault.recovery_key import ALPHABET, format_recovery_key, generate_recovery_key, normalise_recovery_key


def test_wrapped_key_opens_only_with_its_password() -> None:
    master = secrets.token_bytes(32)
    slot = ks.wrap(master, ks.password_bytes("s3cret-pass"), cost(), "vault-1", ks.USER, "alice")
    assert bytes(ks.unwrap(slot, ks.password_bytes("s3cret-pass"), "vault-1")) == master
    with pytest.raises(ks.SecretMismatch):
        ks.unwrap(slot, ks.password_bytes("s3cret-pasS"), "vault-1")


def test_a_slot_copied_to_another_name_or_vault_does_not_open() -> None:
    master = secrets.token_bytes(32)
    slot = ks.wrap(master, b"pw-alice-123", cost(), "vault-1", ks.USER, "alice")
    with pytest.raises(ks.SecretMismatch):
        ks.unwrap(dataclasses.replace(slot, user="mallory"), b"pw-alice-123", "vault-1")
    with pytest.raises(ks.SecretMismatch):
        ks.unwrap(slot, b"pw-alice-123", "vault-2")


def test_unicode_passwords_are_normalised() -> None:
    composed, decomposed = "caf\u00e9-password", "cafe\u0301-password"
    assert ks.password_bytes(composed) == ks.password_bytes(decomposed)


def test_each_slot_keeps_its_own_argon2_parameters(data_dir: Path) -> None:
    session, _ = new_vault(data_dir)
    session.close()
    doc = json.loads((data_dir / "keyslots.json").read_text())
    configured = cost()
    for slot in doc["slots"]:
        assert slot["kdf"]["algorithm"] == "argon2id"
        assert (slot["kdf"]["time_cost"], slot["kdf"]["memory_kib"], slot["kdf"]["parallelism"]) == (
            configured.time_cost,
            configured.memory_kib,
            configured.parallelism,
        )
    slots = ks.load_keyslots(data_dir / "keyslots.json")
    stronger = Argon2Cost(time_cost=2, memory_kib=16384, parallelism=1)
    master = ks.unwrap(slots.user_slot(ADMIN), ks.password_bytes(ADMIN_PASSWORD), slots.vault_id)
    new_slot = ks.wrap(master, b"another-password", stronger, slots.vault_id, ks.USER, "bob")
    ks.save_keyslots(data_dir / "keyslots.json", slots.with_slot(new_slot))
    reloaded = ks.load_keyslots(data_dir / "keyslots.json")
    assert reloaded.user_slot("bob").kdf.memory_kib == 16384
    assert reloaded.user_slot(ADMIN).kdf.memory_kib == configured.memory_kib
    assert ks.unwrap(reloaded.user_slot(ADMIN), ks.password_bytes(ADMIN_PASSWORD), slots.vault_id) == master


def test_keyslots_file_holds_neither_master_key_nor_password(data_dir: Path) -> None:
    session, recovery = new_vault(data_dir)
    master_hex = bytes(session.master_key).hex()
    session.close()
    text = (data_dir / "keyslots.json").read_text()
    assert master_hex not in text
    assert ADMIN_PASSWORD not in text
    assert recovery.replace("-", "") not in text
    assert [p.name for p in data_dir.iterdir() if p.name.endswith(".tmp")] == []


def test_slots_are_never_written_without_recovery_and_a_user(data_dir: Path) -> None:
    session, _ = new_vault(data_dir)
    slots = session.load_slots()
    before = (data_dir / "keyslots.json").read_bytes()
    with pytest.raises(ValueError):
        ks.save_keyslots(data_dir / "keyslots.json", slots.without_user(ADMIN))
    assert (data_dir / "keyslots.json").read_bytes() == before
    session.close()


def test_recovery_key_is_40_unambiguous_characters_in_8_groups() -> None:
    key = generate_recovery_key()
    assert len(key) == 40 and set(key) <= set(ALPHABET)
    assert not set("IO01") & set(ALPHABET)
    shown = format_recovery_key(key)
    assert [len(group) for group in shown.split("-")] == [5] * 8
    typed = " ".join(shown.lower().split("-"))
    assert normalise_recovery_key(typed) == key


@pytest.mark.parametrize(
    ("typed", "message"),
    [("ABCDE-FGHJK", "has 40 characters"), ("hello", "has 40 characters (8 groups of 5), not 5"),
     ("O" * 40, "cannot contain O")],
)
def test_mistyped_recovery_key_gets_a_plain_message(typed: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        normalise_recovery_key(typed)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"[1, 2]", "it does not hold a list of key slots"),
        (b"{}", "it does not hold a list of key slots"),
        (b'{"format": 1, "vault_id": "v", "slots": [1]}', "a key slot is not laid out as one"),
        (b'{"format": 1, "slots": []}', "'vault_id' is missing"),
        (b"\xff\xfe", "it is not text"),
    ],
)
def test_damaged_keyslots_are_described_without_python_internals(content: bytes, problem: str) -> None:
    with pytest.raises(VaultDamagedError) as caught:
        ks.parse_keyslots(content, "keyslots.json")
    assert str(caught.value).startswith(f"keyslots.json is damaged ({problem}). Nothing has been changed.")
