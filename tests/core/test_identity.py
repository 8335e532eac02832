from __future__ import annotations

import pytest

from mailbot.core.identity import (
    Identity,
    decide_identity,
    delivery_elsewhere,
    needs_confirmation,
    parse_authentication_results,
    representation,
    trusted_authentication,
)
from mailbot.core.rights import Right

OURS = "mx.voorbeeld.example"


def header(results: str, server: str = OURS) -> str:
    return f"{server}; {results}"


def decide(headers: list[str], on_file: bool = True, from_domain: str = "example.com") -> Identity:
    return decide_identity(on_file, trusted_authentication(headers, OURS), from_domain).identity


def test_parsing_a_header_with_comments_and_properties() -> None:
    parsed = parse_authentication_results(
        "mx.voorbeld.example (Postfix); spf=pass (sender ok) smtp.mailfrom=example.com;\r\n"
        " dkim=pass header.d=example.com header.s=s1; dkim=fail header.i=@other.example;"
        " dmarc=pass (p=reject) header.from=example.com"
    )
    assert parsed is not None
    assert (parsed.spf, parsed.dmarc) == ("pass", "pass")
    assert parsed.dkim == (("pass", "example.com"), ("fail", "other.example"))


@pytest.mark.parametrize(
    ("headers", "on_file", "expected"),
    [
        ([], True, Identity.KNOWN),  # no header at all
        ([], False, Identity.UNKNOWN),
        ([header("dmarc=pass")], True, Identity.KNOWN),
        ([header("dmarc=fail")], True, Identity.SPOOFED),
        ([header("dmarc=fail")], False, Identity.SPOOFED),
        ([header("spf=softfail")], True, Identity.SPOOFED),
        ([header("spf=fail")], True, Identity.SPOOFED),
        ([header("spf=fail; dkim=pass header.d=example.com")], True, Identity.KNOWN),
        ([header("spf=fail; dkim=pass header.d=elsewhere.example")], True, Identity.SPOOFED),
        ([header("spf=neutral")], True, Identity.KNOWN),
        # a header from a server that is not ours counts for nothing, either way
        ([header("dmarc=fail", server="mx.other.example")], True, Identity.KNOWN),
        # only the topmost header with our id counts: a forged one below it is ignored
        ([header("dmarc=fail"), header("dmarc=pass")], True, Identity.SPOOFED),
        ([header("dmarc=pass"), header("dmarc=fail")], True, Identity.KNOWN),
    ],
)
def test_the_identity_table(headers: list[str], on_file: bool, expected: Identity) -> None:
    assert decide(headers, on_file) is expected


def test_authenticated_means_dmarc_pass_or_aligned_dkim() -> None:
    def authenticated(results: str) -> bool:
        auth = trusted_authentication([header(results)], OURS)
        return decide_identity(True, auth, "example.com").authenticated

    assert authenticated("dmarc=pass")
    assert authenticated("dkim=pass header.d=example.com")
    assert authenticated("dkim=pass header.d=mail.example.com")  # a subdomain aligns (relaxed)
    assert not authenticated("spf=pass")  # SPF alone is not enough
    assert not authenticated("dkim=pass header.d=other.example")


def test_no_trusted_server_configured_means_no_header_counts() -> None:
    assert trusted_authentication([header("dmarc=fail")], None) is None


def test_destructive_rights_from_an_unauthenticated_known_sender_need_confirmation() -> None:
    plain = decide_identity(True, None, "example.com")
    assert needs_confirmation(plain, [Right.ERASURE])
    assert needs_confirmation(plain, [Right.ACCESS, Right.OBJECTION])
    assert not needs_confirmation(plain, [Right.ACCESS, Right.PORTABILITY, Right.RECTIFICATION])
    signed = decide_identity(
        True, trusted_authentication([header("dmarc=pass")], OURS), "example.com"
    )
    assert not needs_confirmation(signed, [Right.ERASURE])


@pytest.mark.parametrize(
    "text",
    [
        "Namens mijn dochter (12) wil ik weten welke gegevens jullie hebben.",
        "Als advocaat van mevrouw Jansen verzoek ik om inzage.",
        "I am writing on behalf of my son.",
        "Ich schreibe im Namen meiner Tochter.",
        "Je vous écris au nom de ma fille.",
    ],
)
def test_someone_acting_for_another_is_recognised(text: str) -> None:
    assert representation(text) is not None


def test_own_request_is_not_representation() -> None:
    assert representation("Ik wil weten welke gegevens jullie van mij hebben.") is None


def test_data_wanted_at_another_address_or_by_post() -> None:
    other = delivery_elsewhere(
        "Stuur mijn gegevens naar Piet.Nieuw@Example.org aub.", "piet@example.nl"
    )
    assert other is not None and other.address == "piet.nieuw@example.org" and not other.by_post
    assert delivery_elsewhere("Please send it to me by post.", "a@example.com") is not None
    assert delivery_elsewhere("Bitte schicken Sie es auf dem Postweg.", "a@example.com") is not None
    # an address given as a correction is not a request to send data there
    assert (
        delivery_elsewhere(
            "My email is wrong, it should be tom.b@work.example.", "tom@home.example"
        )
        is None
    )
    assert delivery_elsewhere("Send it to tom@home.example please", "Tom@Home.example") is None
