from __future__ import annotations

import pytest

from mailbot.core.passwords import (
    PasswordProblem,
    hash_password,
    needs_rehash,
    verify_password,
)


def test_a_hash_verifies_its_password_only() -> None:
    stored = hash_password("correct horse battery")
    assert stored.startswith("scrypt$32768$8$1$")
    assert verify_password("correct horse battery", stored)
    assert not verify_password("correct horse batterY", stored)
    assert hash_password("correct horse battery") != stored  # a salt of its own
    assert not needs_rehash(stored)


def test_malformed_hashes_and_inputs_never_verify() -> None:
    for stored in ("", "plain", "scrypt$1$2$3", "bcrypt$1$2$3$4$5", "scrypt$x$8$1$AA==$AA=="):
        assert not verify_password("anything at all", stored)
    assert not verify_password("x" * 5000, hash_password("correct horse battery"))


def test_an_older_cost_still_verifies_and_asks_to_be_renewed() -> None:
    import base64
    import hashlib

    salt = b"0123456789abcdef"
    key = hashlib.scrypt(b"correct horse battery", salt=salt, n=2**10, r=8, p=1, dklen=32)
    old = f"scrypt$1024$8$1${base64.b64encode(salt).decode()}${base64.b64encode(key).decode()}"
    assert verify_password("correct horse battery", old)
    assert needs_rehash(old)


def test_new_passwords_are_checked() -> None:
    with pytest.raises(PasswordProblem, match="at least 10"):
        hash_password("short")
    with pytest.raises(PasswordProblem, match="at most"):
        hash_password("x" * 2000)
