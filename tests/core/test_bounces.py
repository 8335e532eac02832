"""Reading bounces: the Message-ID of our mail, and whether delivery failed."""

from __future__ import annotations

from mailbot.core.bounces import read_bounce
from tests.support.mails import dsn


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
