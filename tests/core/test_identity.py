from __future__ import annotations

from dataclasses import replace

import pytest

from mailbot.core.authentication import Judgement, MailService, Trust, Verdict
from mailbot.core.identity import (
    Identity,
    contact_change,
    decide_identity,
    delivery_elsewhere,
    greeting_name,
    needs_confirmation,
    representation,
    sender_of,
)
from mailbot.core.mail import ParsedMail
from mailbot.core.parsing import parse_mail
from mailbot.core.rights import Right
from tests.support.mails import fixture, simple

OURS = "mx.voorbeeld.example"
TRUST = Trust(MailService.OWN, OURS)
COLLEAGUE = "linda@voorbeeld.example"


def judged(verdict: Verdict) -> Judgement:
    return Judgement(verdict, f"test: {verdict}")


@pytest.mark.parametrize(
    ("verdict", "on_file", "expected", "authenticated"),
    [
        (Verdict.UNCHECKED, True, Identity.KNOWN, False),
        (Verdict.UNCHECKED, False, Identity.UNKNOWN, False),
        (Verdict.NEUTRAL, True, Identity.KNOWN, False),
        (Verdict.PASS, True, Identity.KNOWN, True),
        (Verdict.PASS, False, Identity.UNKNOWN, True),
        (Verdict.FAIL, True, Identity.SPOOFED, False),
        (Verdict.FAIL, False, Identity.SPOOFED, False),
        (Verdict.AMBIGUOUS, True, Identity.SPOOFED, False),
    ],
)
def test_the_identity_table(
    verdict: Verdict, on_file: bool, expected: Identity, authenticated: bool
) -> None:
    decision = decide_identity(on_file, judged(verdict))
    assert (decision.identity, decision.authenticated) == (expected, authenticated)


def test_a_confirmation_from_the_address_makes_a_forged_looking_first_mail_the_owners() -> None:
    decision = decide_identity(True, judged(Verdict.FAIL), confirmed=True)
    assert decision.identity is Identity.KNOWN and not decision.authenticated
    assert decide_identity(False, judged(Verdict.FAIL), confirmed=True).identity is Identity.UNKNOWN


def test_destructive_rights_from_an_unauthenticated_known_sender_need_confirmation() -> None:
    plain = decide_identity(True, judged(Verdict.NEUTRAL))
    assert needs_confirmation(plain, [Right.ERASURE])
    assert needs_confirmation(plain, [Right.ACCESS, Right.OBJECTION])
    assert not needs_confirmation(plain, [Right.ACCESS, Right.PORTABILITY, Right.RECTIFICATION])
    # changing the e-mail address, postal address or phone number is as sensitive as erasure
    assert needs_confirmation(plain, [Right.RECTIFICATION], contact_change=True)
    signed = decide_identity(True, judged(Verdict.PASS))
    assert not needs_confirmation(signed, [Right.ERASURE])
    assert not needs_confirmation(signed, [Right.RECTIFICATION], contact_change=True)


@pytest.mark.parametrize(
    "text",
    [
        "Mijn e-mailadres is veranderd, het nieuwe is tom@nieuw.example",
        "Graag mijn adres aanpassen: ik ben verhuisd naar de Dorpsstraat 3.",
        "Mijn telefoonnummer klopt niet meer.",
        "Please update my email address to tom@new.example",
        "My phone number has changed.",
        "Bitte ändern Sie meine Anschrift.",
        "Meine neue E-Mail-Adresse lautet tom@neu.example",
        "Merci de modifier mon adresse e-mail.",
        "Mon numéro de téléphone a changé.",
    ],
)
def test_a_change_of_contact_details_is_recognised(text: str) -> None:
    assert contact_change(text) is not None


def test_a_correction_of_other_data_is_no_change_of_contact_details() -> None:
    assert contact_change("Mijn naam is verkeerd gespeld: het is Jansen, niet Janssen.") is None
    assert contact_change("My date of birth is wrong.") is None


@pytest.mark.parametrize(
    ("name", "greeting"),
    [
        ("Tom Baker", "Tom Baker"),
        ("Anne-Marie van den Berg", "Anne-Marie van den Berg"),
        ("Élodie Dubois", "Élodie Dubois"),
        ("Tom Klik hier: https://evil.example/login", ""),
        ("www.evil.example", ""),
        ("support@bank.example", ""),
        ("Tom 06-12345678", ""),
        ("Dit is geen naam maar een hele zin met veel woorden erin", ""),
        ("J. Visser", "J. Visser"),
        ("Alice log in op evilsite.nl", ""),
        ("Tom ＠ evil．com", ""),  # fullwidth look-alikes
        ("𝐓𝐨𝐦 𝐜𝐥𝐢𝐜𝐤 𝐞𝐯𝐢𝐥.𝐜𝐨𝐦", ""),  # mathematical letters
        ("", ""),
    ],
)
def test_only_a_display_name_that_looks_like_a_name_reaches_a_greeting(
    name: str, greeting: str
) -> None:
    assert greeting_name(name) == greeting


def test_a_colleagues_authenticated_forward_makes_the_original_sender_the_requester() -> None:
    mail = parse_mail(fixture("forward-outlook-nl.eml"))
    passed = (f"{OURS}; dmarc=pass header.from=voorbeeld.example",)
    from_colleague = sender_of(_with(mail, passed), TRUST, [COLLEAGUE])
    assert from_colleague.requester is not None
    assert from_colleague.requester.address == "karel.smits@example.nl"
    assert from_colleague.forwarded_by is not None and from_colleague.writes_for is None
    # the original's own mail cannot be authenticated: never "authenticated", never "forged"
    assert from_colleague.judgement.verdict is Verdict.UNCHECKED


def test_a_forward_from_anyone_else_is_that_persons_own_mail() -> None:
    mail = parse_mail(fixture("forward-outlook-nl.eml"))
    passed = (f"{OURS}; dmarc=pass header.from=voorbeeld.example",)
    # not a configured colleague: the forwarder asks, for someone else
    stranger = sender_of(_with(mail, passed), TRUST, [])
    assert stranger.requester is not None and stranger.requester.address == COLLEAGUE
    assert stranger.writes_for is not None
    assert stranger.writes_for.address == "karel.smits@example.nl"
    # a colleague's address, but the mail is not authenticated (or forged): not a colleague
    for results in ((), (f"{OURS}; spf=none",), (f"{OURS}; dmarc=fail",)):
        unproven = sender_of(_with(mail, results), TRUST, [COLLEAGUE])
        assert unproven.requester is not None and unproven.requester.address == COLLEAGUE
        assert unproven.forwarded_by is None
    # where no receiving service checks anything, a colleague's forward that did not fail counts
    unset = sender_of(_with(mail, ()), Trust(MailService.OWN, None), [COLLEAGUE])
    assert unset.requester is not None and unset.requester.address == "karel.smits@example.nl"


def test_a_french_forward_block_is_a_claim_the_stranger_makes_for_someone_else() -> None:
    # anyone can type "Message transféré ... De : <someone>" into a mail: it names who the
    # writer acts for, it never makes that person the requester
    raw = simple(
        "Pouvez-vous traiter ceci ?\n\n-------- Message transféré --------\n"
        "Sujet : suppression\nDate : Mon, 17 Nov 2026 19:41:02 +0100\n"
        "De : Amélie Roussel <amelie.roussel@example.fr>\nPour : helpdesk@voorbeeld.example\n\n"
        "Supprimez toutes mes données.",
        From="Outsider <outsider@example.org>",
        Subject="TR: suppression",
    )
    passed = (f"{OURS}; dmarc=pass header.from=example.org",)
    stranger = sender_of(_with(parse_mail(raw), passed), TRUST, [COLLEAGUE])
    assert stranger.requester is not None
    assert stranger.requester.address == "outsider@example.org"
    assert stranger.writes_for is not None
    assert stranger.writes_for.address == "amelie.roussel@example.fr"
    assert stranger.forwarded_by is None


def _with(mail: ParsedMail, results: tuple[str, ...]) -> ParsedMail:
    return replace(mail, authentication_results=results)


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


def test_on_microsoft_365_a_colleagues_forward_from_inside_the_tenant_counts() -> None:
    # Exchange stamps internal mail without a DMARC pass; its compauth flags spoofing.
    mail = parse_mail(fixture("forward-outlook-nl.eml"))
    internal = ("dkim=none (message not signed) header.d=none;dmarc=none action=none "
                "header.from=voorbeeld.example;",)  # fmt: skip
    found = sender_of(_with(mail, internal), Trust(MailService.MICROSOFT365), [COLLEAGUE])
    assert found.requester is not None and found.requester.address == "karel.smits@example.nl"
    spoofed = ("spf=fail (sender IP is 192.0.2.66) smtp.mailfrom=voorbeeld.example; dkim=none "
               "(message not signed) header.d=none;dmarc=fail action=oreject "
               "header.from=voorbeeld.example;compauth=fail reason=000",)  # fmt: skip
    forged = sender_of(_with(mail, spoofed), Trust(MailService.MICROSOFT365), [COLLEAGUE])
    assert forged.requester is not None and forged.requester.address == COLLEAGUE
    assert forged.judgement.verdict is Verdict.FAIL
