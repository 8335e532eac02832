"""A realistic backlog of mail for the benchmarks, made reproducibly from a seed.

What an officer's inbox holds after a campaign or a holiday:

- requests in Dutch, English, German and French: our informal fixture mails
  (tests/fixtures/mails/informal, written by us) and the third-party formal letters of
  ``../shared/corpus/requests`` (read in place, never copied into the project);
- a quarter of them HTML only, one in ten with an attachment of 10 KB to 1 MB (a scan);
- 5% machine mail: auto-replies and delivery reports;
- 5% follow-ups: a second mail from the same person, ``In-Reply-To`` their first;
- half of the senders are customers (they are in the customer file this writes too).

Every mail has its own sender and Message-ID, so nothing is a duplicate by accident.
"""

from __future__ import annotations

import csv
import email
import email.policy
import html
import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INFORMAL = ROOT / "tests" / "fixtures" / "mails" / "informal"
CORPUS = ROOT.parent / "shared" / "corpus" / "requests"
OFFICER = "privacy@voorbeeld.example"


@dataclass(frozen=True)
class Letter:
    subject: str
    text: str


@dataclass(frozen=True)
class Backlog:
    mails: list[bytes]
    customers: list[tuple[str, str, str]]  # (number, name, address)
    kinds: Counter[str]

    def write_customers(self, path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["klantnummer", "naam", "email", "plaats", "klant_sinds"])
            for number, name, address in self.customers:
                writer.writerow([number, name, address, "Utrecht", "2022-03-01"])

    @property
    def size(self) -> int:
        return sum(len(mail) for mail in self.mails)


def letters() -> list[Letter]:
    """The texts the requests are made of: our informal mails and, if present, the corpus."""
    found = []
    for path in sorted(INFORMAL.glob("*/*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        body = message.get_body(("plain", "html"))
        text = body.get_content() if body is not None else ""
        if text.strip():
            found.append(Letter(str(message.get("Subject", "")) or "Privacy", text))
    if CORPUS.is_dir():
        for path in sorted(CORPUS.glob("*.txt")):
            found.append(Letter("Verzoek / request", path.read_text(encoding="utf-8")))
    return found


def make(count: int, seed: int = 2026, *, small: bool = False) -> Backlog:
    """``count`` mails; ``small``: plain text only, no attachments (the kinds stay)."""
    chance = random.Random(seed)
    texts = letters()
    start = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    customers: list[tuple[str, str, str]] = []
    mails: list[bytes] = []
    earlier: list[tuple[str, str, str]] = []  # (sender, message-id, subject) of requests
    kinds: Counter[str] = Counter()
    for index in range(count):
        when = start + timedelta(minutes=7 * index)
        roll = chance.random()
        if roll < 0.05:
            mails.append(_machine(index, when, chance))
            kinds["machine"] += 1
            continue
        if roll < 0.10 and earlier:
            sender, parent, subject = chance.choice(earlier)
            mails.append(_follow_up(index, when, sender, parent, subject))
            kinds["follow-up"] += 1
            continue
        name = f"Persoon {index}"
        sender = (
            f"persoon{index}@{chance.choice(['ziggo.example', 'gmail.example', 'kpn.example'])}"
        )
        if chance.random() < 0.5:
            customers.append((f"C-{10000 + index}", name, sender))
        letter = chance.choice(texts)
        message_id = f"<backlog-{index}@{sender.split('@')[1]}>"
        message = EmailMessage()
        message["From"] = f"{name} <{sender}>"
        message["To"] = OFFICER
        message["Subject"] = letter.subject
        message["Date"] = format_datetime(when)
        message["Message-ID"] = message_id
        kinds["request"] += 1
        html_only, attached = chance.random() < 0.25, chance.random() < 0.10
        if html_only and not small:
            kinds["HTML only"] += 1
            paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in letter.text.split("\n\n"))
            message.set_content(
                f"<html><body><div style='font-family:Arial'>{paragraphs}</div></body></html>",
                subtype="html",
            )
        else:
            message.set_content(letter.text)
        if attached:  # drawn for small mails too: the same senders, letters and kinds
            scan = chance.randbytes(int(chance.uniform(10_000, 1_000_000)))
            if not small:
                kinds["with an attachment"] += 1
                message.add_attachment(
                    scan, maintype="application", subtype="pdf", filename=f"scan-{index}.pdf"
                )
        mails.append(bytes(message))
        earlier.append((sender, message_id, letter.subject))
    kinds["senders on file"] = len(customers)
    return Backlog(mails, customers, kinds)


def _machine(index: int, when: datetime, chance: random.Random) -> bytes:
    message = EmailMessage()
    message["Date"] = format_datetime(when)
    message["Message-ID"] = f"<machine-{index}@mx.example>"
    message["To"] = OFFICER
    if chance.random() < 0.5:
        message["From"] = f"Collega {index} <collega{index}@partner.example>"
        message["Subject"] = "Automatisch antwoord: Uw verzoek"
        message["Auto-Submitted"] = "auto-replied"
        message.set_content("Ik ben afwezig tot maandag. Voor dringende zaken: bel de receptie.")
        return bytes(message)
    message["From"] = "Mail Delivery System <MAILER-DAEMON@mx.example>"
    message["Subject"] = "Undelivered Mail Returned to Sender"
    message.set_content("This is the mail system. Your message could not be delivered.")
    report = EmailMessage()
    report.set_content(
        f"Reporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; gone{index}@example.org\n"
        "Action: failed\nStatus: 5.1.1\n"
    )
    message.make_mixed()
    message.attach(report)
    message.replace_header("Content-Type", 'multipart/report; report-type="delivery-status"')
    return bytes(message)


def _follow_up(index: int, when: datetime, sender: str, parent: str, subject: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = OFFICER
    message["Subject"] = f"Re: {subject}"
    message["Date"] = format_datetime(when)
    message["Message-ID"] = f"<follow-{index}@{sender.split('@')[1]}>"
    message["In-Reply-To"] = parent
    message["References"] = parent
    message.set_content("Hallo, ik heb nog niets gehoord. Hoe staat het met mijn verzoek?")
    return bytes(message)


def describe(backlog: Backlog) -> str:
    parts = ", ".join(f"{n} {kind}" for kind, n in sorted(backlog.kinds.items()))
    return f"{len(backlog.mails)} mails ({backlog.size / 2**20:.0f} MiB): {parts}"
