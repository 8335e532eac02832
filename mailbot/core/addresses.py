"""E-mail addresses as mailbot compares them: normalised, case-insensitive, never fuzzy.

Two addresses are the same person's only when their normalised forms are
equal. Nothing is "close enough": a look-alike address (one letter more, a
Cyrillic "о") is another address, because matching it would hand one person's
data to another.
"""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

_IN_TEXT = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")


def normalise(address: str) -> str | None:
    """The canonical lower-case form of ``address``, or None when it is not an address.

    email-validator checks the syntax and normalises Unicode; no DNS lookup is made.
    """
    try:
        valid = validate_email(address.strip(), check_deliverability=False)
    except EmailNotValidError:
        return None
    return valid.normalized.lower()


def same(first: str | None, second: str | None) -> bool:
    """True when both are addresses and normalise to the same one."""
    if not first or not second:
        return False
    a, b = normalise(first), normalise(second)
    return a is not None and a == b


def addresses_in(text: str) -> list[str]:
    """Addresses written in ``text``, normalised, without repeats, in order."""
    found: dict[str, None] = {}
    for match in _IN_TEXT.findall(text):
        address = normalise(match.rstrip("."))
        if address is not None:
            found.setdefault(address, None)
    return list(found)


def domain(address: str) -> str:
    return address.rpartition("@")[2].lower()
