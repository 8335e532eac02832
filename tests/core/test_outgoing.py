"""Outgoing mail: what it carries, and that no field can add a header or a recipient."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest

from mailbot.core.outgoing import (
    Outgoing,
    OutgoingAttachment,
    build_message,
    header_text,
    message_id,
)

WHEN = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def mail(**changes: object) -> Outgoing:
    values: dict[str, object] = {
        "sender": "privacy@voorbeeld.example",
        "sender_name": "Voorbeeld B.V.",
        "to": "tom.baker@example.com",
        "subject": "[AVG-2026-0001] Uw verzoek: inzage",
        "body": "Beste Tom,\n\nHierbij uw gegevens.\n",
        "message_id": "<abc123@voorbeeld.example>",
        "date": WHEN,
    }
    values.update(changes)
    return Outgoing(**values)  # type: ignore[arg-type]


def test_a_reply_with_threading_and_attachments() -> None:
    raw = build_message(
        mail(
            in_reply_to="<req-1@example.com>",
            references=["<req-0@example.com>", "<req-1@example.com>"],
            language="nl",
            attachments=[OutgoingAttachment("crm.json", "application/json", b'[{"a": 1}]')],
        )
    )
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
    message = message_from_bytes(raw, policy=policy.default)
    assert message["Message-ID"] == "<abc123@voorbeeld.example>"
    assert message["In-Reply-To"] == "<req-1@example.com>"
    assert message["References"] == "<req-0@example.com> <req-1@example.com>"
    assert message["Content-Language"] == "nl"
    assert message["Auto-Submitted"] is None  # a person approved it
    (sender,) = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (
        "Voorbeeld B.V.",
        "privacy@voorbeeld.example",
    )
    body = message.get_body(("plain",))
    assert body is not None
    assert body.get_content().replace("\r\n", "\n") == "Beste Tom,\n\nHierbij uw gegevens.\n"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "crm.json"
    assert attachment.get_content() == b'[{"a": 1}]'


def test_automatic_mail_says_so() -> None:
    message = message_from_bytes(
        build_message(mail(automatic="auto-replied")), policy=policy.default
    )
    assert message["Auto-Submitted"] == "auto-replied"
    assert message["X-Auto-Response-Suppress"] == "All"


@pytest.mark.parametrize(
    "field",
    ["subject", "sender_name"],
)
def test_no_header_can_be_added_through_a_field(field: str) -> None:
    hostile = "Hello\r\nBcc: eve@evil.example\r\nX-Injected: yes"
    message = message_from_bytes(build_message(mail(**{field: hostile})), policy=policy.default)
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert message.get_all("To") == ["tom.baker@example.com"]


def test_an_edited_body_cannot_add_headers_or_end_the_data() -> None:
    body = "Dear Tom,\r\n.\r\nMAIL FROM:<eve@evil.example>\r\n\r\nBcc: eve@evil.example\n.\n"
    raw = build_message(mail(body=body))
    without_crlf = raw.replace(b"\r\n", b"")
    assert b"\n" not in without_crlf and b"\r" not in without_crlf  # no bare line ends
    message = message_from_bytes(raw, policy=policy.default)
    assert message["Bcc"] is None
    text = message.get_body(("plain",))
    assert text is not None and "MAIL FROM:<eve@evil.example>" in text.get_content()


@pytest.mark.parametrize(
    "to",
    ["tom@example.com, eve@evil.example", "tom@example.com\r\nBcc: eve@evil.example", "tom"],
)
def test_a_recipient_must_be_one_address(to: str) -> None:
    with pytest.raises(ValueError, match="not an address"):
        build_message(mail(to=to))


def test_message_ids_are_checked() -> None:
    assert message_id("0f3a", "Voorbeeld.Example") == "<0f3a@voorbeeld.example>"
    with pytest.raises(ValueError, match="cannot make a Message-ID"):
        message_id("a b", "voorbeeld.example")
    with pytest.raises(ValueError, match="not a Message-ID"):
        build_message(mail(message_id="<x@y>\r\nBcc: e@evil.example"))
    message = message_from_bytes(
        build_message(mail(in_reply_to="<bad>\r\nBcc: x@y", references=["no brackets"])),
        policy=policy.default,
    )
    assert message["In-Reply-To"] is None and message["References"] is None


def test_header_text_is_one_line() -> None:
    assert header_text("a\r\nb\tc\x00d\u2028e") == "a b c d e"
    assert header_text("x" * 300, 10) == "x" * 10
