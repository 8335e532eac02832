from __future__ import annotations

from datetime import datetime
from email import message_from_bytes
from email.policy import compat32
from pathlib import Path

import pytest

from mailbot.core.mail import BodySource
from mailbot.core.parsing import (
    Limits,
    _payload,
    header_text,
    parse_mail,
    peek_headers,
    safe_filename,
)
from mailbot.errors import UnparseableMail
from tests.support.mails import PARSING, fixture, simple


def test_plain_mail() -> None:
    mail = parse_mail(simple("Ik wil mijn gegevens zien.", Message_ID="<a@example.nl>"))
    assert mail.sender is not None and mail.sender.address == "piet@example.nl"
    assert mail.sender.name == "Piet"
    assert mail.message_id == "<a@example.nl>"
    assert mail.new_text == "Ik wil mijn gegevens zien."
    assert mail.body_source is BodySource.PLAIN


def test_html_only_mail_becomes_text_without_scripts_styles_or_title() -> None:
    mail = parse_mail(fixture("html-only.eml"))
    assert mail.body_source is BodySource.HTML
    assert (
        "Ik maak bezwaar tegen het gebruik van mijn gegevens voor profilering & analyses."
        in mail.text
    )
    assert "- nieuwsbrief\n- reclame" in mail.text
    assert "Lisa Vos" in mail.text  # &nbsp; became a space
    for hidden in ("alert", "color: red", "ignored title"):
        assert hidden not in mail.text
    # The quoted Gmail block is told apart from the new text.
    assert "Wij sturen u graag" not in mail.new_text
    assert "> Wij sturen u graag onze nieuwsbrief." in mail.quoted_text


def test_empty_plain_alternative_falls_back_to_html() -> None:
    mail = parse_mail(fixture("alternative-empty-plain.eml"))
    assert mail.body_source is BodySource.HTML
    assert mail.new_text == "Please send me a copy of my personal data."


def test_unknown_charset_is_read_as_windows_1252_and_noted() -> None:
    mail = parse_mail(fixture("charset-unknown.eml"))
    assert "Bitte löschen Sie mein Konto" in mail.text
    assert "Grüße" in mail.text
    assert any("x-unknown-8bit" in note for note in mail.notes)


def test_utf8_labelled_latin1_is_read_as_utf8() -> None:
    mail = parse_mail(fixture("charset-lying-latin1.eml"))
    assert "Ich möchte wissen, welche Daten Sie über mich" in mail.text
    assert mail.notes == ("charset 'iso-8859-1' was really UTF-8",)


def test_windows_1252_labelled_utf8_is_read_as_windows_1252() -> None:
    mail = parse_mail(fixture("charset-lying-utf8.eml"))
    assert "mes données" in mail.text
    assert "5€" in mail.text
    assert mail.subject == "données"  # the raw 8-bit subject too


def test_encoded_word_headers_and_broken_ones() -> None:
    mail = parse_mail(fixture("encoded-words.eml"))
    assert mail.sender is not None and mail.sender.name == "Élodie Lambert"
    assert mail.subject == "Données personnelles – accès"
    assert mail.header("x-broken") == ("=?utf-8?B?not*valid*base64?=",)  # kept as written
    assert mail.header("x-unknown-charset") == ("café",)


def test_raw_8bit_utf8_headers() -> None:
    mail = parse_mail(fixture("raw-8bit-headers.eml"))
    assert mail.sender is not None and mail.sender.name == "Jörg Müller"
    assert mail.subject == "Löschung meiner Daten"


def test_attachments_are_stored_with_their_decoded_names() -> None:
    mail = parse_mail(fixture("attachments.eml"))
    assert mail.new_text == "Hierbij mijn ID (BSN weggelakt)."
    names = [(a.filename, a.content_type, a.inline) for a in mail.attachments]
    assert names == [
        (None, "image/png", True),
        ("identiteitsbewijs Jérôme.pdf", "application/pdf", False),
        ("notes.txt", "text/plain", False),
    ]
    pdf = mail.attachments[1]
    assert pdf.content is not None and pdf.content.startswith(b"%PDF-1.4")
    assert pdf.size == len(pdf.content)


def test_attachment_over_the_limit_is_recorded_but_not_stored() -> None:
    mail = parse_mail(fixture("attachments.eml"), Limits(max_attachment_bytes=100))
    pdf = mail.attachments[1]
    assert pdf.content is None and pdf.size > 100
    assert any("not stored" in note for note in mail.notes)


@pytest.mark.parametrize(
    ("name", "sender", "subject", "text"),
    [
        (
            "forward-gmail.eml",
            "erik.jansen@example.nl",
            "gegevens verwijderen",
            "wilt u al mijn gegevens",
        ),
        ("forward-outlook-nl.eml", "karel.smits@example.nl", "inzage", "welke gegevens jullie"),
        ("forward-thunderbird.eml", "tom@example.com", "data", "Please delete my account."),
        ("forward-apple-html.eml", "m.weber@example.de", "Werbung", "keine Werbung mehr"),
        ("forward-as-attachment.eml", "sophie@example.fr", "limitation", "limiter le traitement"),
    ],
)
def test_forwarded_request_keeps_the_original_sender_and_text(
    name: str, sender: str, subject: str, text: str
) -> None:
    mail = parse_mail(fixture(name))
    assert mail.forwarded is not None
    assert mail.forwarded.sender is not None and mail.forwarded.sender.address == sender
    assert mail.forwarded.forwarded_by is not None
    assert mail.forwarded.forwarded_by.address == "linda@voorbeeld.example"
    assert mail.request_subject == subject
    assert text in mail.request_text
    assert "Linda" not in mail.request_text  # the colleague's note is not the request


def test_forwarded_dates_are_read_in_the_clients_formats() -> None:
    outlook = parse_mail(fixture("forward-outlook-nl.eml")).forwarded
    assert outlook is not None and outlook.date == datetime(2026, 3, 2, 8, 12)
    thunderbird = parse_mail(fixture("forward-thunderbird.eml")).forwarded
    assert thunderbird is not None and thunderbird.date is not None
    assert thunderbird.date.utcoffset() is not None


@pytest.mark.parametrize(
    ("name", "own", "quoted"),
    [
        ("reply-en.eml", "Thanks, attached is my customer number: 10442.", "delete your data"),
        ("reply-nl.eml", "Prima, dank je.", "Wij hebben uw gegevens verwijderd."),
        ("reply-de.eml", "Danke, das reicht mir.", "Anbei die Auskunft"),
        ("reply-fr.eml", "Merci beaucoup.", "Nous avons supprimé vos données."),
        ("reply-outlook-en.eml", "Yes, that is the right account.", "Can you confirm the account"),
    ],
)
def test_quoted_reply_is_kept_apart_from_the_new_text(name: str, own: str, quoted: str) -> None:
    mail = parse_mail(fixture(name))
    assert mail.new_text == own
    assert quoted in mail.quoted_text
    assert mail.forwarded is None


def test_thread_headers() -> None:
    mail = parse_mail(fixture("reply-en.eml"))
    assert mail.in_reply_to == ("<out-1@voorbeeld.example>",)
    assert mail.thread_ids == ("<out-1@voorbeeld.example>", "<first@example.com>")


def test_crlf_line_endings() -> None:
    mail = parse_mail(fixture("crlf-crlf.eml"))
    assert (
        mail.new_text == "Could you export my data as a CSV file? I'm moving to another provider."
    )


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty mail"),
        (b"   \r\n", "empty mail"),
        (fixture("garbage.eml"), "no mail headers found"),
        (fixture("no-from.eml"), "no sender"),
    ],
)
def test_unparseable_mail_says_why(raw: bytes, reason: str) -> None:
    with pytest.raises(UnparseableMail, match=reason):
        parse_mail(raw)


def test_mail_over_the_size_limit_is_refused_before_parsing() -> None:
    with pytest.raises(UnparseableMail, match=r"larger than intake\.max_mail_bytes"):
        parse_mail(simple("x" * 2000), Limits(max_mail_bytes=1000))


def _multipart(parts: int) -> bytes:
    body = "".join(
        f"--b\r\nContent-Type: application/octet-stream\r\n\r\npart {i}\r\n" for i in range(parts)
    )
    return (
        "From: a@example.nl\r\nSubject: many\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n' + body + "--b--\r\n"
    ).encode()


def test_too_many_parts_is_refused() -> None:
    parse_mail(_multipart(10), Limits(max_parts=20))
    with pytest.raises(UnparseableMail, match="more than 20 MIME parts"):
        parse_mail(_multipart(50), Limits(max_parts=20))


def _nested(depth: int) -> bytes:
    head = "From: a@example.nl\r\nSubject: deep\r\nMIME-Version: 1.0\r\n"
    opening = "".join(
        f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(depth)
    )
    closing = "".join(f"\r\n--b{i}--\r\n" for i in reversed(range(depth)))
    return (head + opening + "Content-Type: text/plain\r\n\r\nhallo" + closing).encode()


def test_deep_nesting_is_refused() -> None:
    assert parse_mail(_nested(3), Limits(max_depth=8)).new_text == "hallo"
    with pytest.raises(UnparseableMail, match="nest"):
        parse_mail(_nested(40), Limits(max_depth=8))


def test_pathological_nesting_does_not_crash() -> None:
    with pytest.raises(UnparseableMail):
        parse_mail(_nested(3000))


def test_header_text_unfolds_and_decodes() -> None:
    assert header_text("=?utf-8?Q?caf=C3=A9?=\r\n and more") == "café and more"


def test_peek_headers_reads_what_it_can() -> None:
    assert peek_headers(fixture("no-from.eml")) == (None, "anonymous", "<no-from@example.org>")
    assert peek_headers(fixture("encoded-words.eml"))[:2] == (
        "elodie@example.fr",
        "Données personnelles – accès",
    )
    assert peek_headers(b"\xff\xfe\x00garbage") == (None, "", None)


def test_fingerprint_ignores_delivery_headers() -> None:
    raw = simple(
        "Verwijder mijn gegevens",
        Message_ID="<fp@example.nl>",
        Date="Mon, 2 Mar 2026 10:00:00 +0100",
    )
    again = b"Delivered-To: privacy@voorbeeld.example\r\nReturn-Path: <piet@example.nl>\r\n" + raw
    assert parse_mail(raw).fingerprint == parse_mail(again).fingerprint
    other = simple(
        "Verwijder mijn account",
        Message_ID="<fp@example.nl>",
        Date="Mon, 2 Mar 2026 10:00:00 +0100",
    )
    assert parse_mail(raw).fingerprint != parse_mail(other).fingerprint


@pytest.mark.parametrize("path", sorted(PARSING.glob("*.eml")), ids=lambda path: path.name)
def test_every_parsing_fixture_is_either_parsed_or_refused_with_a_reason(path: Path) -> None:
    refusals = {"garbage.eml": "no mail headers", "no-from.eml": "no sender"}
    if path.name in refusals:
        with pytest.raises(UnparseableMail, match=refusals[path.name]):
            parse_mail(path.read_bytes())
    else:
        assert parse_mail(path.read_bytes()).sender is not None


def test_a_sender_file_name_becomes_a_plain_name() -> None:
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\boot.ini") == "boot.ini"
    assert safe_filename("nul\x00byte\r\n.txt") == "nulbyte.txt"
    assert safe_filename("..") is None and safe_filename("/") is None
    assert safe_filename("rapport 2026 (1).pdf") == "rapport 2026 (1).pdf"


@pytest.mark.parametrize(
    "body",
    [
        "SGFsbG8gd2VyZWxk\r\nIQ==\r\n",  # plain, padded: decoded straight
        "SGFsbG8gd2VyZWxkIQ==",
        "SGFsbG8gd2VyZWxkIQ\r\n",  # the padding missing
        "SGFs bG8g\r\nd2VyZWxk\r\n",  # a space within a line
        "SGFsbG8=\r\nd2VyZWxk\r\n",  # padding, then more
        "SGFsbG8gd2VyZWxk\r\n====\r\n",
        "SGFsbG8*gd2VyZWxk\r\n",  # a character outside the alphabet
        "",
        "\r\n\r\n",
    ],
)
def test_a_base64_part_decodes_as_email_decodes_it(body: str) -> None:
    """The straight decoding of plain base64 (no copies of a large part) gives what
    email's own does, and anything else is left to email."""

    raw = (
        "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" + body
    ).encode("ascii")
    part = message_from_bytes(raw, policy=compat32)
    assert _payload(part) == part.get_payload(decode=True)
