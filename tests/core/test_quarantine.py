"""A quarantined mail shown safely (text only, parts listed, never opened), and the mail a
case is made of when the officer decides it is a request."""

from __future__ import annotations

import base64

import pytest

from mailbot.core.analysis import analyse
from mailbot.core.authentication import MailService, Trust, Verdict
from mailbot.core.identity import sender_of
from mailbot.core.mail import BodySource
from mailbot.core.parsing import Limits, headers_of
from mailbot.core.quarantine import (
    MAX_PARTS,
    SHOWN_TEXT,
    ListedPart,
    read_safely,
    request_mail,
    undecided,
)
from tests.support.hostile import HOSTILE
from tests.support.mails import fixture

OURS = "mx.voorbeeld.example"
PASS = f"{OURS}; spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com; dmarc=pass"
HTML = (
    "<html><head><script>alert('quarantine')</script></head><body>"
    "<p>Ik wil graag <b>inzage</b> in mijn gegevens.</p>"
    '<img src="http://127.0.0.1:9/pixel.png"><p>Groet, Tom</p></body></html>'
)


def nested(depth: int, leaf: bytes, head: bytes = b"") -> bytes:
    """A mail whose text lies ``depth`` multiparts deep, with a PDF beside it."""
    body = leaf
    for level in range(depth):
        body = (
            f'Content-Type: multipart/mixed; boundary="b{level}"\r\n\r\n--b{level}\r\n'.encode()
            + body
            + f"\r\n--b{level}--\r\n".encode()
        )
    pdf = base64.encodebytes(b"%PDF-1.4 not opened")
    attachment = (
        b'--top\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="'
        b'paspoort.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n' + pdf
    )
    return (
        head + b"From: Tom Baker <tom.baker@example.com>\r\nTo: privacy@voorbeeld.example\r\n"
        b"Subject: =?utf-8?q?inzage_Zo=C3=AB?=\r\nDate: Tue, 10 Mar 2026 09:00:00 +0100\r\n"
        b"Message-ID: <deep@example.com>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="top"\r\n\r\n--top\r\n'
        + body
        + b"\r\n"
        + attachment
        + b"--top--\r\n"
    )


HTML_LEAF = b"Content-Type: text/html; charset=utf-8\r\n\r\n" + HTML.encode()


def test_html_is_shown_as_text_without_its_script_or_image() -> None:
    view = read_safely(nested(1, HTML_LEAF))
    assert view.body_source is BodySource.HTML
    assert "Ik wil graag inzage in mijn gegevens." in view.text
    assert "Groet, Tom" in view.text
    for unsafe in ("alert", "<script", "<img", "127.0.0.1", "<p>"):
        assert unsafe not in view.text
    assert (view.sender, view.subject) == ("Tom Baker <tom.baker@example.com>", "inzage Zoë")
    assert view.date == "Tue, 10 Mar 2026 09:00:00 +0100"
    assert view.attachments == (ListedPart("paspoort.pdf", "application/pdf", 19),)
    assert "PDF-1.4" not in view.text  # listed, never opened


def test_a_mail_too_deep_for_intake_is_still_shown() -> None:
    raw = nested(12, HTML_LEAF)
    assert "nesting deeper" in analyse(raw, Limits(), ()).problem
    view = read_safely(raw)
    assert "Ik wil graag inzage in mijn gegevens." in view.text
    assert view.problems == ()


def test_plain_text_is_preferred_to_its_html_alternative() -> None:
    leaf = (
        b'Content-Type: multipart/alternative; boundary="alt"\r\n\r\n--alt\r\n'
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nDe platte tekst.\r\n--alt\r\n"
        b"Content-Type: text/html\r\n\r\n<p>De HTML</p>\r\n--alt--\r\n"
    )
    view = read_safely(nested(1, leaf))
    assert (view.text, view.body_source) == ("De platte tekst.", BodySource.PLAIN)


def test_too_many_parts_and_too_much_text_are_cut_with_a_word() -> None:
    parts = b"".join(
        b"--p\r\nContent-Type: text/plain\r\n\r\n" + b"x" * 500 + b"\r\n"
        for _ in range(MAX_PARTS + 10)
    )
    raw = b'From: a@example.org\r\nContent-Type: multipart/mixed; boundary="p"\r\n\r\n' + parts
    view = read_safely(raw + b"--p--\r\n")
    assert view.cut and len(view.text) == SHOWN_TEXT
    assert view.problems == (f"more than {MAX_PARTS} parts: the rest are not shown",)


def test_control_characters_never_reach_a_page_or_a_terminal() -> None:
    raw = b"From: a@example.org\r\n\r\nhallo\x1b[2J\x1b]0;title\x07 wereld \xe2\x80\xae\r\n"
    text = read_safely(raw).text
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert text.startswith("hallo[2J]0;title wereld")


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_every_hostile_mail_is_shown_without_failing(name: str) -> None:
    view = read_safely(HOSTILE[name]())
    assert isinstance(view.text, str) and len(view.text) <= SHOWN_TEXT
    assert "<script" not in view.text and "alert(" not in view.text


@pytest.mark.parametrize(
    "raw",
    [b"", b"\x00\x01\xff", b"no headers, only words\n", fixture("garbage.eml"), b"From:\r\n\r\n"],
)
def test_broken_bytes_show_what_can_be_decoded(raw: bytes) -> None:
    view = read_safely(raw)
    headers = headers_of(raw)
    assert isinstance(view.text, str) and headers.sender is None
    if b"words" in raw:
        assert "only words" in view.text


def test_a_base64_part_that_does_not_decode_is_shown_as_far_as_it_goes() -> None:
    raw = (
        b"From: a@example.org\r\nContent-Type: text/plain; charset=no-such-charset\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nSGFsbG8gd2VyZWxk!!!=\r\n"
    )
    assert "Hallo wereld" in read_safely(raw).text


def test_the_mail_a_case_is_made_of_keeps_the_sender_check() -> None:
    raw = nested(12, HTML_LEAF, head=f"Authentication-Results: {PASS}\r\n".encode())
    mail = request_mail(raw, read_safely(raw))
    assert mail.sender is not None and mail.sender.address == "tom.baker@example.com"
    assert mail.message_id == "<deep@example.com>"
    assert "Ik wil graag inzage" in mail.request_text
    assert mail.notes[0].startswith("made a case by hand from quarantine")
    sender = sender_of(mail, Trust(MailService.OWN, OURS))
    assert sender.judgement.verdict is Verdict.PASS and sender.from_authenticated
    decided = undecided(mail)
    assert (decided.rights, decided.needs_decision, decided.is_request) == ((), True, True)
    assert decided.language == "nl"


def test_without_a_from_address_there_is_no_requester() -> None:
    raw = fixture("no-from.eml")
    mail = request_mail(raw, read_safely(raw))
    assert mail.sender is None and mail.subject == "anonymous" and "Who am I?" in mail.text
    assert sender_of(mail, Trust()).requester is None
