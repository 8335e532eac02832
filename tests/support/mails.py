"""Mails the tests write: a plain request, numbered requests, a delivery report, a fixture file."""

from __future__ import annotations

import time
from email.message import EmailMessage

from tests.support.paths import MAILS

PARSING = MAILS / "parsing"


def fixture(name: str) -> bytes:
    """The raw bytes of ``tests/fixtures/mails/parsing/<name>``."""
    return (PARSING / name).read_bytes()


def simple(body: str = "Hallo", **headers: str) -> bytes:
    """A plain-text mail to the privacy address; ``Message_ID="..."`` sets ``Message-ID``."""
    message = EmailMessage()
    message["From"] = headers.pop("From", "Piet <piet@example.nl>")
    message["To"] = "privacy@voorbeeld.example"
    message["Subject"] = headers.pop("Subject", "vraag")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return bytes(message)


def request(index: int = 0) -> bytes:
    """An erasure request from customer ``index``, with a Message-ID no other test uses."""
    return simple(
        f"Verwijder alstublieft al mijn gegevens (klant {index}).",
        From=f"Klant {index} <klant{index}@example.nl>",
        Message_ID=f"<imap-{index}-{time.monotonic_ns()}@example.nl>",
    )


def requests(count: int, first: int = 0, tag: str = "svc") -> list[bytes]:
    """Access requests from customers ``first`` to ``first + count - 1``: ``<tag-N@example.nl>``."""
    return [
        simple(
            f"Graag wil ik inzage in mijn gegevens. Klantnummer {index}.",
            From=f"Klant {index} <klant{index}@example.nl>",
            Message_ID=f"<{tag}-{index}@example.nl>",
        )
        for index in range(first, first + count)
    ]


DSN = b"""\
From: Mail Delivery System <MAILER-DAEMON@mx.example.com>
To: privacy@voorbeeld.example
Subject: Undelivered Mail Returned to Sender
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com

Final-Recipient: rfc822; tom.baker@example.com
Action: {action}
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <tom.baker@example.com>: Recipient address
 rejected: User unknown

--B
Content-Type: {returned}

From: privacy@voorbeeld.example
To: tom.baker@example.com
Subject: [AVG-2026-0001] Uw verzoek
Message-ID: <ours-1@voorbeeld.example>

--B--
"""


def dsn(action: str = "failed", returned: str = "text/rfc822-headers") -> bytes:
    """A delivery report about our mail ``<ours-1@voorbeeld.example>``."""
    return DSN.replace(b"{action}", action.encode()).replace(b"{returned}", returned.encode())
