"""Outgoing mail, built with the standard library's ``EmailMessage`` and nothing else. No I/O.

Every value that reaches a header (subject, names, addresses, Message-IDs) is
cleaned of line breaks and other control characters first, and addresses are
parsed as addresses, so that no text (a subject a template wrote, a name from a
customer file, a body the officer edited) can add a header or a recipient.
Bodies are quoted-printable with CRLF line ends only: no bare CR or LF that a
server could read differently from us (SMTP smuggling); the SMTP client doubles
a leading dot, so a line with a single dot cannot end the data either.

Mail that no person reviewed (an automatic acknowledgement, the digest) carries
``Auto-Submitted`` (RFC 3834) and ``X-Auto-Response-Suppress``, so that
auto-responders do not answer it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
_MESSAGE_ID = re.compile(r"^<[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+>$")
MAX_SUBJECT = 250


@dataclass(frozen=True, slots=True)
class OutgoingAttachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class Outgoing:
    """Everything one outgoing mail says."""

    sender: str
    sender_name: str
    to: str
    subject: str
    body: str
    message_id: str
    date: datetime
    in_reply_to: str | None = None
    references: Sequence[str] = ()
    language: str | None = None
    automatic: str | None = None  # "auto-replied" or "auto-generated"; None: a person approved it
    attachments: Sequence[OutgoingAttachment] = ()
    html: str | None = None  # an HTML alternative to ``body`` (the officer's digest only)


def header_text(value: str, limit: int | None = None) -> str:
    """``value`` on one line: control characters (CR, LF, tabs, ...) become single spaces."""
    text = " ".join(_CONTROL.sub(" ", value).split())
    return text[:limit] if limit is not None else text


def message_id(unique: str, domain: str) -> str:
    """``<unique@domain>``; ``unique`` is random hex made by the caller (no I/O here)."""
    made = f"<{unique}@{domain.lower()}>"
    if not _MESSAGE_ID.match(made):
        raise ValueError(f"cannot make a Message-ID from {unique!r} and {domain!r}")
    return made


def safe_message_ids(ids: Sequence[str]) -> list[str]:
    """The Message-IDs that can go into In-Reply-To/References as they are."""
    return [value for value in ids if _MESSAGE_ID.match(value)]


def _address(name: str, address: str) -> Address:
    local, at, domain = address.partition("@")
    if not at or not local or not domain or _CONTROL.search(address) or " " in address:
        raise ValueError(f"not an address: {address!r}")
    return Address(display_name=header_text(name, 200), username=local, domain=domain)


def build_message(mail: Outgoing) -> bytes:
    """The mail as bytes with CRLF line ends, ready for SMTP and IMAP APPEND."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = _address(mail.sender_name, mail.sender)
    message["To"] = _address("", mail.to)
    message["Subject"] = header_text(mail.subject, MAX_SUBJECT)
    message["Date"] = format_datetime(mail.date)
    if not _MESSAGE_ID.match(mail.message_id):
        raise ValueError(f"not a Message-ID: {mail.message_id!r}")
    message["Message-ID"] = mail.message_id
    if mail.in_reply_to and _MESSAGE_ID.match(mail.in_reply_to):
        message["In-Reply-To"] = mail.in_reply_to
    references = safe_message_ids(list(mail.references))
    if references:
        message["References"] = " ".join(references)
    if mail.automatic:
        message["Auto-Submitted"] = mail.automatic
        message["X-Auto-Response-Suppress"] = "All"
    body = mail.body if mail.body.endswith("\n") else mail.body + "\n"
    message.set_content(body, subtype="plain", charset="utf-8", cte="quoted-printable")
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html", charset="utf-8", cte="quoted-printable")
    for attachment in mail.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.content,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=header_text(attachment.filename, 200) or "attachment",
        )
    if mail.language:  # after the parts: making a multipart moves Content-* headers inside
        message["Content-Language"] = header_text(mail.language, 16)
    return message.as_bytes()
