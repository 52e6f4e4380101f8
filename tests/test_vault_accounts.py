"""Account rules: what a password must be to protect patient records (length, variety, not common)."""

from __future__ import annotations

import pytest

from app.vault.accounts import check_new_password
from app.vault.errors import AccountError


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1!", "at least 8 characters"),
        (" " * 8, "at least 4 different characters"),
        ("aaaaaaaa", "at least 4 different characters"),
        ("abababab", "at least 4 different characters"),
        ("alice.smith", "must not contain the user name"),
        ("my-alice.smith-pw", "must not contain the user name"),
        ("password", "one of the most common"),
        ("Password1!", "one of the most common"),
        ("12345678", "one of the most common"),
        ("Liverpool99", "one of the most common"),
        ("QWERTYUIOP", "one of the most common"),
        ("qwerty12345", "one of the most common"),
        ("!Password", "one of the most common"),
        ("1password", "one of the most common"),
        ("passwordpassword", "one of the most common"),
        ("NHS12345", "one of the most common"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, reason: str) -> None:
    with pytest.raises(AccountError) as caught:
        check_new_password("alice.smith", password)
    assert reason in str(caught.value)


@pytest.mark.parametrize("password", ["correct horse battery", "kettle-Orbit-7", "K7QM-3XRP-ABCD", "ward 5 night"])
def test_long_varied_uncommon_passwords_are_accepted(password: str) -> None:
    check_new_password("alice.smith", password)


def test_an_empty_user_name_is_asked_for_not_quoted() -> None:
    from app.vault.accounts import check_name

    with pytest.raises(AccountError) as caught:
        check_name("   ")
    assert str(caught.value).startswith("type a user name: 1 to 64 letters")


def test_the_vault_bench_uses_a_password_the_rules_accept() -> None:
    from bench import vault as vault_bench

    check_new_password("bench", vault_bench.PASSWORD)
