"""What a copy in the officer's mailbox proves: its signature, its fingerprint, what he sent."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from mailbot.core.mail_client import (
    HEADER,
    Content,
    Problem,
    check_sent,
    content_of,
    copy_id,
    header_value,
    parse,
    read,
    recipients_of,
    signed_draft,
    with_header,
)
from mailbot.core.outgoing import Outgoing, OutgoingAttachment, build_message

KEY = bytes(range(32))
BODY = "Beste Tom,\n\nHierbij uw gegevens.\n\nMet vriendelijke groet,\nR. de Functionaris"
DATA = b'{"klantnummer": "C-1001"}'


def draft_mail(
    body: str = BODY, attachments: tuple[tuple[str, bytes], ...] = (("klanten.json", DATA),)
) -> bytes:
    return build_message(
        Outgoing(
            sender="privacy@voorbeeld.example",
            sender_name="Voorbeeld",
            to="tom.baker@example.com",
            subject="[AVG-2026-0001] Uw verzoek",
            body=body,
            message_id="<review.1@voorbeeld.example>",
            date=datetime(2026, 11, 25, tzinfo=UTC),
            attachments=[OutgoingAttachment(n, "application/json", d) for n, d in attachments],
        )
    )


def stored() -> Content:
    return Content(
        "tom.baker@example.com", "[AVG-2026-0001] Uw verzoek", BODY, (("klanten.json", DATA),)
    )


def signed_copy(draft_id: int = 7, mailbox: str = "default", key: bytes = KEY) -> bytes:
    return with_header(
        draft_mail(), HEADER, header_value(key, mailbox, draft_id, stored().fingerprint)
    )


def test_the_built_mail_reads_back_to_the_stored_drafts_fingerprint() -> None:
    assert content_of(parse(draft_mail())).fingerprint == stored().fingerprint


def test_an_unchanged_copy_names_its_draft() -> None:
    reading = read(signed_copy(), KEY, "default")
    assert reading.draft_id == 7 and reading.problem is None
    assert reading.against(stored().fingerprint) is None


def test_line_ends_wrapping_and_spaces_are_not_a_change() -> None:
    a = Content("t@x.nl", "s", "regel een  \r\nregel twee\r\n", ())
    b = Content("T@x.nl", "s", "regel een\nregel twee", ())
    c = Content("t@x.nl", "s", "regel een regel\n  twee", ())  # wrapped anew by a server
    assert a.fingerprint == b.fingerprint == c.fingerprint
    assert Content("t@x.nl", "s", "regel een regeltwee", ()).fingerprint != a.fingerprint


@pytest.mark.parametrize(
    "changed",
    [
        lambda c: Content(c.to, c.subject, c.body + "\nPS", c.attachments),
        lambda c: Content("other@example.com", c.subject, c.body, c.attachments),
        lambda c: Content(c.to, "[AVG-2026-0001] Anders", c.body, c.attachments),
        lambda c: Content(c.to, c.subject, c.body, ()),
        lambda c: Content(c.to, c.subject, c.body, (("klanten.json", DATA + b" "),)),
    ],
    ids=["text", "recipient", "subject", "attachment dropped", "attachment changed"],
)
def test_every_change_that_matters_changes_the_fingerprint(changed: object) -> None:
    assert callable(changed)
    assert changed(stored()).fingerprint != stored().fingerprint


def test_a_changed_copy_is_told_apart_from_an_outdated_one() -> None:
    value = header_value(KEY, "default", 7, stored().fingerprint)
    edited = with_header(draft_mail(BODY + "\nPS: nog iets"), HEADER, value)
    assert read(edited, KEY, "default").problem is Problem.CHANGED
    newer = Content(stored().to, stored().subject, "Nieuwe tekst", stored().attachments)
    assert read(signed_copy(), KEY, "default").against(newer.fingerprint) is Problem.OUTDATED


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (draft_mail(), Problem.NOT_OURS),
        (signed_copy(key=b"another key"), Problem.BAD_SIGNATURE),
        (signed_copy(mailbox="sales"), Problem.BAD_SIGNATURE),  # signed for another mailbox
        (signed_copy().replace(b"7; fp=", b"8; fp=", 1), Problem.BAD_SIGNATURE),  # another draft
        (with_header(draft_mail(), HEADER, "7; approve please"), Problem.BAD_SIGNATURE),
    ],
    ids=["no header", "wrong key", "other mailbox", "other draft", "garbage"],
)
def test_copies_mailbot_did_not_sign_name_no_draft(raw: bytes, problem: Problem) -> None:
    reading = read(raw, KEY, "default")
    assert reading.draft_id is None and reading.problem is problem
    assert signed_draft(parse(raw), KEY, "default") is None


def sent(to: str, cc: str = "", attachments: tuple[str, ...] = ()) -> EmailMessage:
    message = EmailMessage()
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message.set_content("tekst")
    for name in attachments:
        message.add_attachment(b"x", maintype="application", subtype="json", filename=name)
    return message


def test_what_the_officer_sent_is_checked_against_the_address_on_file() -> None:
    allowed = {"tom.baker@example.com"}
    good = sent("Tom <tom.baker@example.com>", attachments=("klanten.json",))
    check = check_sent(
        content_of(good), recipients_of(good), draft_to="tom.baker@example.com",
        draft_attachments=["klanten.json"], allowed=allowed, data_bearing=True,
    )  # fmt: skip
    assert check.warnings == []
    copied = sent("tom.baker@example.com", cc="boss@example.org")
    check = check_sent(
        content_of(copied), recipients_of(copied), draft_to="tom.baker@example.com",
        draft_attachments=["klanten.json"], allowed=allowed, data_bearing=True,
    )  # fmt: skip
    assert check.warnings == ["recipient_not_on_file", "attachment_dropped"]
    assert check.dropped == ("klanten.json",)


def test_a_mail_without_personal_data_may_go_to_the_drafts_recipient() -> None:
    other = sent("new.address@example.org")
    check = check_sent(
        content_of(other), recipients_of(other), draft_to="new.address@example.org",
        draft_attachments=[], allowed=set(), data_bearing=False,
    )  # fmt: skip
    assert check.warnings == []
    check = check_sent(
        content_of(other), recipients_of(other), draft_to="tom.baker@example.com",
        draft_attachments=[], allowed={"tom.baker@example.com"}, data_bearing=False,
    )  # fmt: skip
    assert check.warnings == ["recipient_not_on_file"]


def without_header(raw: bytes) -> bytes:
    """What a server that drops headers it does not know gives back."""
    return b"\r\n".join(line for line in raw.split(b"\r\n") if not line.startswith(HEADER.encode()))


def copy_with_id(message_id: str, body: str = BODY) -> bytes:
    raw = draft_mail(body).replace(b"<review.1@voorbeeld.example>", message_id.encode())
    return with_header(raw, HEADER, header_value(KEY, "default", 7, stored().fingerprint))


def test_a_copy_without_its_header_is_still_known_by_its_signed_message_id() -> None:
    made = copy_id(KEY, "default", 7, stored().fingerprint, "Voorbeeld.example")
    assert made.endswith("@voorbeeld.example>") and made.startswith("<review.7.")
    reading = read(without_header(copy_with_id(made)), KEY, "default")
    assert reading.draft_id == 7 and reading.problem is None
    assert reading.against(stored().fingerprint) is None
    newer = Content(stored().to, stored().subject, "Nieuwe tekst", stored().attachments)
    assert reading.against(newer.fingerprint) is Problem.OUTDATED
    edited = read(without_header(copy_with_id(made, BODY + " PS")), KEY, "default")
    assert edited.draft_id == 7 and edited.problem is Problem.CHANGED
    forged = made.replace(made.split(".")[3][:32], "0" * 32)
    assert read(without_header(copy_with_id(forged)), KEY, "default").problem is (
        Problem.BAD_SIGNATURE
    )
    other = copy_id(KEY, "default", 8, stored().fingerprint, "voorbeeld.example")
    assert read(without_header(copy_with_id(other)), KEY, "default").draft_id == 8
