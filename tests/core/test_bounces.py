"""Reading bounces: the Message-ID of our mail, and whether delivery failed."""

from __future__ import annotations

from mailbot.core.bounces import read_bounce

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
    return DSN.replace(b"{action}", action.encode()).replace(b"{returned}", returned.encode())


def test_a_delivery_report_with_the_returned_headers() -> None:
    bounce = read_bounce(dsn())
    assert bounce is not None
    assert bounce.message_ids == ("<ours-1@voorbeeld.example>",)
    assert bounce.failed and bounce.status == "5.1.1"
    assert "User unknown" in bounce.explanation


def test_a_delivery_report_with_the_returned_message() -> None:
    bounce = read_bounce(dsn(returned="message/rfc822"))
    assert bounce is not None and bounce.message_ids == ("<ours-1@voorbeeld.example>",)


def test_a_delay_is_not_a_failure() -> None:
    bounce = read_bounce(dsn(action="delayed"))
    assert bounce is not None and not bounce.failed


def test_a_plain_text_bounce_quoting_the_headers() -> None:
    raw = (
        b"From: MAILER-DAEMON@old.example\r\nSubject: failure notice\r\n\r\n"
        b"Sorry, we were unable to deliver your message.\r\n\r\n--- Below this line is a copy"
        b"\r\nReturn-Path: <privacy@voorbeeld.example>\r\n"
        b"Message-ID: <ours-2@voorbeeld.example>\r\nSubject: x\r\n"
    )
    bounce = read_bounce(raw)
    assert bounce is not None and bounce.failed
    assert bounce.message_ids == ("<ours-2@voorbeeld.example>",)


def test_mail_naming_no_message_id_is_no_bounce_of_ours() -> None:
    assert read_bounce(b"From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n") is None
    assert read_bounce(b"\xff\xfe garbage") is None
