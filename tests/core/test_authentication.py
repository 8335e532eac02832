"""The receiving service's verdict (RFC 8601), and every way a sender tried to fake one."""

from __future__ import annotations

import pytest

from mailbot.core.authentication import (
    MailService,
    Trust,
    Verdict,
    judge_mail,
    parse_header,
    service_header,
)
from mailbot.core.parsing import parse_mail
from tests.support.mails import simple

OURS = "mx.voorbeeld.example"
OWN = Trust(MailService.OWN, OURS)
MICROSOFT = Trust(MailService.MICROSOFT365)
GOOGLE = Trust(MailService.GOOGLE)


def verdict(
    values: list[str], trust: Trust = OWN, domain: str = "example.com", authors: int = 1
) -> Verdict:
    return judge_mail(values, domain, authors, trust).verdict


def ours(results: str) -> str:
    return f"{OURS}; {results}"


def test_a_header_is_read_with_its_comments_properties_and_several_results_of_a_method() -> None:
    header = parse_header(
        "mx.voorbeeld.example 1 (Postfix (with OpenDMARC)); spf=pass (sender ok) "
        "smtp.mailfrom=example.com;\r\n dkim=pass header.d=example.com header.s=s1 "
        'header.b=ab+C/d==; dkim=fail reason="bad; signature" header.i=@other.example;'
        " dmarc=pass (p=reject) header.from=example.com"
    )
    assert header is not None and header.authserv_id == OURS
    assert [(r.method, r.result) for r in header.results] == [
        ("spf", "pass"), ("dkim", "pass"), ("dkim", "fail"), ("dmarc", "pass"),
    ]  # fmt: skip
    assert header.results[1].get("header.b") == "ab+C/d=="
    assert header.results[2].get("reason") == "bad; signature"
    assert header.results[2].get("header.i") == "@other.example"


def test_no_result_and_unreadable_values() -> None:
    header = parse_header(f"{OURS} 1; none")
    assert header is not None and header.authserv_id == OURS and header.results == ()
    assert parse_header("") is None
    assert parse_header(";;;") is None
    assert parse_header("(only a comment)") is None


def test_a_semicolon_inside_a_quoted_string_separates_nothing() -> None:
    # Attack: the sender picks an envelope sender that, split on ";", reads as a DMARC pass.
    header = (
        f'{OURS}; spf=pass smtp.mailfrom="x;dmarc=pass header.from=example.com"@evil.example;'
        " dmarc=fail header.from=example.com"
    )
    parsed = parse_header(header)
    assert parsed is not None
    assert [r.method for r in parsed.results] == ["spf", "dmarc"]
    assert verdict([header]) is Verdict.FAIL
    inside_only = (
        f'{OURS}; spf=none smtp.mailfrom="x;dmarc=pass header.from=example.com"@evil.example'
    )
    assert verdict([inside_only]) is Verdict.NEUTRAL


def test_a_comment_hides_nothing_and_hides_no_result() -> None:
    assert (
        verdict([ours("dmarc=fail (dmarc=pass; header.from=example.com) header.from=example.com")])
        is Verdict.FAIL
    )
    assert verdict([ours("spf=none (nested (dmarc=pass) comment); dmarc=none")]) is Verdict.NEUTRAL


def test_dmarc_pass_counts_only_for_the_from_domain() -> None:
    assert verdict([ours("dmarc=pass header.from=example.com")]) is Verdict.PASS
    assert verdict([ours("dmarc=pass header.from=EXAMPLE.com.")]) is Verdict.PASS
    assert verdict([ours("dmarc=pass header.from=evil.example")]) is Verdict.NEUTRAL
    assert verdict([ours("dmarc=pass")]) is Verdict.NEUTRAL  # for which domain? not said
    # two results of one method: any fail is a fail
    assert (
        verdict([ours("dmarc=pass header.from=example.com; dmarc=fail header.from=example.com")])
        is Verdict.FAIL
    )


def test_aligned_dkim_passes_and_spf_alone_does_not() -> None:
    assert verdict([ours("dkim=pass header.d=example.com")]) is Verdict.PASS
    assert verdict([ours("dkim=pass header.d=mail.example.com")]) is Verdict.PASS
    assert verdict([ours("dkim=pass header.i=@example.com")]) is Verdict.PASS
    assert verdict([ours("dkim=pass header.d=other.example")]) is Verdict.NEUTRAL
    assert verdict([ours("dkim=pass header.d=com")]) is Verdict.NEUTRAL  # a bare suffix
    assert verdict([ours("spf=pass smtp.mailfrom=example.com")]) is Verdict.NEUTRAL
    assert verdict([ours("spf=fail; dkim=pass header.d=example.com")]) is Verdict.PASS
    assert verdict([ours("spf=softfail")]) is Verdict.FAIL
    assert verdict([ours("spf=fail; dkim=pass header.d=elsewhere.example")]) is Verdict.FAIL


def test_more_than_one_sender_is_never_authenticated() -> None:
    assert verdict([ours("dmarc=pass header.from=example.com")], authors=2) is Verdict.AMBIGUOUS
    assert verdict([], authors=0) is Verdict.AMBIGUOUS
    assert Verdict.AMBIGUOUS.forged and Verdict.FAIL.forged and not Verdict.NEUTRAL.forged


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], Verdict.UNCHECKED),
        ([ours("dmarc=fail"), ours("dmarc=pass header.from=example.com")], Verdict.FAIL),
        # a failure lower down counts: one a sender wrote can only hurt the sender
        ([ours("dmarc=pass header.from=example.com"), ours("dmarc=fail")], Verdict.FAIL),
        # another server's header counts for nothing, either way, wherever it stands
        (["mx.other.example; dmarc=fail", ours("spf=none")], Verdict.NEUTRAL),
        (["mx.other.example; dmarc=pass header.from=example.com"], Verdict.UNCHECKED),
        # Microsoft's shape is not our server's
        (["spf=pass; dmarc=pass header.from=example.com"], Verdict.UNCHECKED),
    ],
)
def test_only_the_topmost_header_of_our_own_server_counts(
    values: list[str], expected: Verdict
) -> None:
    assert verdict(values) is expected


def test_without_a_configured_service_nothing_is_checked() -> None:
    unset = Trust(MailService.OWN, None)
    assert not unset.checks and OWN.checks and MICROSOFT.checks and GOOGLE.checks
    assert verdict([ours("dmarc=fail")], trust=unset) is Verdict.UNCHECKED
    assert "no receiving service" in judge_mail([], "example.com", 1, unset).detail


MS_PASS = (
    "spf=pass (sender IP is 209.85.128.41) smtp.mailfrom=example.com; dkim=pass (signature was "
    "verified) header.d=example.com;dmarc=pass action=none header.from=example.com;compauth=pass "
    "reason=100"
)
MS_SPOOF = (
    "spf=none (sender IP is 192.0.2.7) smtp.mailfrom=evil.example; dkim=none (message not signed) "
    "header.d=none;dmarc=none action=none header.from=example.com;compauth=fail reason=001"
)


def test_microsoft_365_writes_no_authserv_id_and_its_compauth_counts() -> None:
    header = parse_header(MS_PASS)
    assert header is not None and header.authserv_id is None
    assert verdict([MS_PASS], trust=MICROSOFT) is Verdict.PASS
    assert verdict([MS_SPOOF], trust=MICROSOFT) is Verdict.FAIL
    bestguess = (
        "spf=pass smtp.mailfrom=example.com; dmarc=bestguesspass action=none "
        "header.from=example.com;compauth=pass reason=109"
    )
    assert verdict([bestguess], trust=MICROSOFT) is Verdict.NEUTRAL
    # Only the topmost header counts, and only in Microsoft's shape: one the sender put below
    # Microsoft's is never read, and a topmost header in another shape means none we know.
    assert verdict([MS_SPOOF, MS_PASS], trust=MICROSOFT) is Verdict.FAIL
    assert verdict([ours("dmarc=none"), MS_PASS], trust=MICROSOFT) is Verdict.UNCHECKED
    assert verdict([MS_PASS], trust=OWN) is Verdict.UNCHECKED  # a 365 mailbox set as "own"


def test_google_workspace_is_mx_google_com() -> None:
    google = (
        "mx.google.com; dkim=pass header.i=@example.com header.s=20230601 header.b=Qd1z8g==; "
        "spf=pass (google.com: domain of a@example.com designates 192.0.2.1 as permitted sender) "
        "smtp.mailfrom=a@example.com; dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.com"
    )
    assert verdict([google], trust=GOOGLE) is Verdict.PASS
    assert (
        verdict(
            ["mx.google.com; dmarc=fail (p=REJECT) header.from=example.com", google], trust=GOOGLE
        )
        is Verdict.FAIL
    )
    assert service_header([ours("dmarc=pass")], GOOGLE) is None


def test_encoded_words_in_the_header_are_never_decoded() -> None:
    # The envelope sender carries an encoded word that decodes to a closing quote and a pass.
    raw = (
        f"Authentication-Results: {OURS}; spf=none smtp.mailfrom="
        '"=?utf-8?q?a=22=3B_dmarc=3Dpass_header.from=3Dexample.com?="@evil.example\r\n'
        "From: Tom <tom@example.com>\r\nSubject: x\r\n\r\nVerwijder mijn gegevens.\r\n"
    ).encode()
    mail = parse_mail(raw)
    assert "=?utf-8?q?" in mail.authentication_results[0]
    assert (
        judge_mail(mail.authentication_results, "example.com", mail.authors, OWN).verdict
        is Verdict.NEUTRAL
    )


def test_two_from_headers_or_two_addresses_are_counted() -> None:
    one = parse_mail(simple(From="Tom <tom@example.com>"))
    assert one.authors == 1
    two = parse_mail(b"From: tom@example.com\r\nFrom: eve@evil.example\r\nSubject: x\r\n\r\nhi\r\n")
    assert two.authors == 2 and two.sender is not None and two.sender.address == "tom@example.com"
    listed = parse_mail(b"From: tom@example.com, eve@evil.example\r\nSubject: x\r\n\r\nhi\r\n")
    assert listed.authors == 2


def test_an_envelope_sender_echoed_into_a_comment_adds_no_result() -> None:
    # Google writes the envelope sender into its SPF comment; a quoted local part holding ")"
    # must not end the comment and make the rest of it a result.
    echoed = (
        'mx.google.com; spf=pass (google.com: domain of "x); dmarc=pass header.from=example.com;'
        ' (y"@evil.example designates 192.0.2.9 as permitted sender) smtp.mailfrom=evil.example;'
        " dmarc=none (p=NONE sp=NONE dis=NONE) header.from=example.com"
    )
    header = parse_header(echoed)
    assert header is not None and [r.method for r in header.results] == ["spf", "dmarc"]
    assert verdict([echoed], trust=GOOGLE) is Verdict.NEUTRAL


def test_a_method_the_service_states_once_given_twice_passes_nothing() -> None:
    doubled = ours("dmarc=none header.from=example.com; dmarc=pass header.from=example.com")
    assert verdict([doubled]) is Verdict.NEUTRAL
    spf_twice = ours("spf=pass; spf=pass; dmarc=pass header.from=example.com")
    assert verdict([spf_twice]) is Verdict.NEUTRAL


# Header values as Microsoft documents them (learn.microsoft.com/defender-office-365:
# email-authentication-about, email-authentication-troubleshoot, email-authentication-arc-configure)
# and as seen in public samples; a sender's domain is the header.from of each.
@pytest.mark.parametrize(
    ("value", "domain", "expected"),
    [
        (
            "spf=pass (sender IP is 10.2.3.4) smtp.mailfrom=fabrikam.com; contoso.com; dkim=none "
            "(message not signed) header.d=none; contoso.com; dmarc=bestguesspass action=none "
            "header.from=fabrikam.com; compauth=pass reason=109",
            "fabrikam.com",
            Verdict.NEUTRAL,
        ),
        (
            "spf=none (sender IP is 192.168.1.8) smtp.mailfrom=maliciousdomain.com; contoso.com; "
            "dkim=pass (signature was verified) header.d=maliciousdomain.com; contoso.com; "
            "dmarc=none action=none header.from=contoso.com; compauth=fail reason=001",
            "contoso.com",
            Verdict.FAIL,
        ),
        (
            "spf=fail (sender IP is 203.0.113.50) smtp.mailfrom=contoso.com; dkim=pass (signature "
            "was verified) header.d=contoso.com; dmarc=fail action=quarantine "
            "header.from=contoso.com; compauth=fail reason=000",
            "contoso.com",
            Verdict.FAIL,
        ),
        (  # forwarded, a trusted ARC sealer vouched: not forged, not authenticated either
            "spf=fail (sender IP is 10.10.10.10) smtp.mailfrom=contoso.com; dkim=fail (body hash "
            "did not verify) header.d=contoso.com;dmarc=fail action=none "
            "header.from=contoso.com;compauth=pass reason=130",
            "contoso.com",
            Verdict.NEUTRAL,
        ),
        (
            "spf=softfail (sender IP is 198.51.100.3) smtp.mailfrom=example.com; dkim=pass "
            "(signature was verified) header.d=example.com;dmarc=pass action=none "
            "header.from=example.com;compauth=pass reason=100",
            "example.com",
            Verdict.PASS,
        ),
        (
            "spf=softfail (sender IP is 170.10.162.128) smtp.mailfrom=bounce.com; dkim=none "
            "(message not signed) header.d=none;dmarc=fail action=oreject "
            "header.from=godaddy.com;compauth=fail reason=000",
            "godaddy.com",
            Verdict.FAIL,
        ),
        (  # mail from inside the tenant: no spf, no compauth
            "dkim=none (message not signed) header.d=none;dmarc=none action=none "
            "header.from=voorbeeld.example;",
            "voorbeeld.example",
            Verdict.NEUTRAL,
        ),
    ],
)
def test_microsoft_365_headers_as_documented(value: str, domain: str, expected: Verdict) -> None:
    assert verdict([value], trust=MICROSOFT, domain=domain) is expected


@pytest.mark.parametrize(
    ("value", "domain", "expected"),
    [
        (
            "mx.google.com; dkim=pass header.i=@discoursemail.com header.s=sjc2 header.b=VmvuZ8wM;"
            " spf=pass (google.com: domain of ocaml+verp-1@discoursemail.com designates "
            "216.218.240.121 as permitted sender) smtp.mailfrom=ocaml+verp-1@discoursemail.com;"
            " dmarc=pass (p=QUARANTINE sp=QUARANTINE dis=NONE) header.from=discoursemail.com",
            "discoursemail.com",
            Verdict.PASS,
        ),
        (  # SPF fails, an aligned DKIM signature passes, no DMARC result
            "mx.google.com; dkim=pass header.i=@endpointdev.com header.s=maildrop "
            "header.b=hR445V77; spf=fail (google.com: domain of notifier@endpointdev.com does "
            "not designate 206.191.128.233 as permitted sender) "
            "smtp.mailfrom=notifier@endpointdev.com",
            "endpointdev.com",
            Verdict.PASS,
        ),
        (
            "mx.google.com; spf=pass (google.com: domain of cameron@gmail.com designates "
            "209.85.220.41 as permitted sender) smtp.mailfrom=cameron@gmail.com; dmarc=fail "
            "(p=QUARANTINE sp=NONE dis=QUARANTINE) header.from=cooalliance.com",
            "cooalliance.com",
            Verdict.FAIL,
        ),
        (
            'mx.google.com; dkim=pass header.i=@wdc.com header.s=dkim.wdc.com header.b="KwKf/2R5";'
            ' spf=pass (google.com: domain of "prvs=1234=x@wdc.com" designates 192.0.2.3 as '
            'permitted sender) smtp.mailfrom="prvs=1234=x@wdc.com"; dmarc=pass (p=QUARANTINE '
            "sp=QUARANTINE dis=NONE) header.from=WDC.com",
            "wdc.com",
            Verdict.PASS,
        ),
    ],
)
def test_google_headers_as_seen(value: str, domain: str, expected: Verdict) -> None:
    assert verdict([value], trust=GOOGLE, domain=domain) is expected
    # the same header claiming to be Google's, read by a company whose own server receives
    assert verdict([value], domain=domain) is Verdict.UNCHECKED


# -- found in review: values a service echoes, written so that they read as results ---------
@pytest.mark.parametrize(
    "value",
    [
        # a DKIM selector "x()header.d=example.com": Google writes no header.d of its own
        "mx.google.com; dkim=pass header.i=@evil.example header.s=x()header.d=example.com "
        "header.b=abc; spf=pass smtp.mailfrom=evil.example",
        # a selector ending in a quote, and a quoted envelope sender that closes it
        'mx.google.com; dkim=pass header.i=@evil.example header.s=x" header.b=abc; spf=pass '
        'smtp.mailfrom="; dkim=pass header.d=example.com; x"@evil.example',
        # header.d and header.i that disagree: not as a signer writes
        "mx.google.com; dkim=pass header.d=example.com header.i=@evil.example",
    ],
)
def test_an_echoed_value_passes_nothing(value: str) -> None:
    assert verdict([value], trust=GOOGLE) is not Verdict.PASS


@pytest.mark.parametrize(
    "value",
    [
        f"{OURS}; dkim=none header.s=x( ; dmarc=fail header.from=example.com",
        f'{OURS}; dkim=none header.s=x" ; dmarc=fail header.from=example.com',
    ],
)
def test_an_unended_quote_or_comment_hides_no_failure(value: str) -> None:
    header = parse_header(value)
    assert header is not None and header.suspicious
    assert verdict([value]) is Verdict.FAIL


def test_a_failure_in_a_lower_header_of_our_own_server_counts() -> None:
    # OpenDKIM, OpenDMARC and SPF filters write a header each: the topmost is OpenDMARC's.
    top = ours("dmarc=none header.from=example.com")
    assert verdict([top, ours("spf=fail smtp.mailfrom=example.com")]) is Verdict.FAIL
    assert verdict([top, ours("dmarc=fail header.from=example.com")]) is Verdict.FAIL
    # a pass below counts for nothing: a sender can write one
    assert verdict([top, ours("dmarc=pass header.from=example.com")]) is Verdict.NEUTRAL
    # a pass on top stands against an SPF failure below (a forwarded mail, DKIM intact)
    passed = ours("dmarc=pass header.from=example.com")
    assert verdict([passed, ours("spf=fail smtp.mailfrom=example.com")]) is Verdict.PASS


def test_microsoft_365_topmost_header_decides_even_when_unreadable() -> None:
    assert verdict(["; dmarc=fail", MS_PASS], trust=MICROSOFT) is Verdict.UNCHECKED
    # only the ARC reason vouches for a DMARC failure
    other = (
        "spf=fail smtp.mailfrom=example.com; dmarc=fail action=none header.from=example.com;"
        "compauth=pass reason=109"
    )
    assert verdict([other], trust=MICROSOFT) is Verdict.FAIL


@pytest.mark.parametrize(
    "sender",
    [
        'tom@example.com, "e ve"@evil.example',  # an address the parser could not keep
        "=?utf-8?q?tom=40example.com?=",  # an address in an encoded word: none to check
    ],
)
def test_an_unreadable_second_sender_still_counts(sender: str) -> None:
    raw = f"From: {sender}\r\nSubject: x\r\n\r\nhoi\r\n".encode()
    assert parse_mail(raw).authors == 2


def test_a_quote_that_never_ends_inside_a_comment_ends_the_reading() -> None:
    # Found by the fuzzing: this once looped for ever (in the worker's own process).
    header = parse_header(f'{OURS}; spf=pass (a "b) dmarc=pass header.from=example.com')
    assert header is not None and header.suspicious
    assert (
        verdict([f'{OURS}; spf=pass (a "b) dmarc=pass header.from=example.com']) is not Verdict.PASS
    )
