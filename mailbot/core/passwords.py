"""Password hashes for the review pages' users: scrypt from the standard library.

A hash is stored as ``scrypt$<n>$<r>$<p>$<salt>$<key>`` (salt and key in base64), so
the cost can be raised later without breaking the hashes already stored: a hash
made with an older cost still verifies, and ``needs_rehash`` says to renew it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

N, R, P = 2**15, 8, 1  # about 0.1 s and 32 MiB per hash on a 2-core server
KEY_BYTES = 32
MIN_LENGTH = 10
MAX_LENGTH = 1024  # bounded work for whatever a login form sends


class PasswordProblem(ValueError):
    """A password that may not be set (too short, too long)."""


def check_new_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise PasswordProblem(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise PasswordProblem(f"a password has at most {MAX_LENGTH} characters")


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024,
        dklen=KEY_BYTES,
    )  # fmt: skip


def hash_password(password: str) -> str:
    check_new_password(password)
    salt = secrets.token_bytes(16)
    key = _derive(password, salt, N, R, P)
    encoded = [base64.b64encode(part).decode("ascii") for part in (salt, key)]
    return f"scrypt${N}${R}${P}${encoded[0]}${encoded[1]}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored``; False for any malformed hash or input."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        actual = _derive(password, base64.b64decode(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def needs_rehash(stored: str) -> bool:
    return not stored.startswith(f"scrypt${N}${R}${P}$")
