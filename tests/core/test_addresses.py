from __future__ import annotations

import pytest

from mailbot.core.addresses import addresses_in, normalise, same


def test_addresses_differing_only_in_case_are_the_same() -> None:
    assert same("Tom.Baker@Example.COM", "tom.baker@example.com")
    assert normalise("  Tom.Baker@Example.COM ") == "tom.baker@example.com"


@pytest.mark.parametrize(
    "look_alike",
    [
        "tom.bakerr@example.com",  # one letter more
        "tom.baker@example.co",  # another domain
        "tombaker@example.com",  # dots count: not every provider ignores them
        "tom.baker@exarnple.com",  # rn for m
        "t\u043em.baker@example.com",  # a Cyrillic о
        "tom.baker+x@example.com",  # a sub-address is another address
    ],
)
def test_look_alike_addresses_do_not_match(look_alike: str) -> None:
    assert not same(look_alike, "tom.baker@example.com")


def test_not_an_address() -> None:
    for text in ("", "tom", "tom@", "@example.com", "tom baker@example.com"):
        assert normalise(text) is None
    assert not same(None, "a@example.com")


def test_quoted_local_parts_are_not_accepted_as_addresses() -> None:
    # Refused before any lookup; the data sources bind whatever they get as a parameter anyway.
    assert normalise('"x\'; DROP TABLE customers; --"@example.com') is None


def test_addresses_in_text() -> None:
    text = "Stuur het naar Piet@Example.nl. Of naar piet@example.nl, of naar jan@example.org."
    assert addresses_in(text) == ["piet@example.nl", "jan@example.org"]
