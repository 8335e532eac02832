"""Review in the officer's own mail client: what a copy of a draft says and what it proves. No I/O.

A draft waiting for review is placed in the officer's mailbox as the very mail
the requester would receive, plus one header, ``X-Mailbot-Draft``, that names
the draft and carries a *fingerprint* of what the copy says (recipient, subject,
text, attachments) and an HMAC over both. When the officer moves the copy to the
approval folder, mailbot reads it back:

- no header, or a signature that does not verify: not ours; ignored, reported;
- the copy's own fingerprint differs from the signed one: the officer changed
  the copy; the stored draft is what would be sent, so nothing is sent;
- the signed fingerprint differs from the draft's current one: the draft was
  changed (in the web interface) after the copy was placed; nothing is sent.

Only then is the stored draft approved, through the same path as the web and
the command line. Mail the officer sends himself is recognised in his Sent
folder by the header, or by the case reference in the subject and the thread.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses
from enum import StrEnum

from mailbot.core.outgoing import MAX_SUBJECT, header_text

HEADER = "X-Mailbot-Draft"
NOTE_HEADER = "X-Mailbot-Note"
FINGERPRINT_IN_ID = 16  # hex digits of the fingerprint a copy's Message-ID carries
_SIGNED_ID = re.compile(
    r"^<review\.(?P<draft>[0-9]{1,18})\.(?P<fp>[0-9a-f]{16})\.(?P<sig>[0-9a-f]{32})@[^<>@\s]+>$"
)
_HEADER_VALUE = re.compile(
    r"^\s*(?P<draft>[0-9]{1,18})\s*;\s*fp=(?P<fp>[0-9a-f]{64})\s*;\s*sig=(?P<sig>[0-9a-f]{64})\s*$"
)


@dataclass(frozen=True, slots=True)
class Content:
    """What a mail says to its reader, the way two copies of it are compared."""

    to: str
    subject: str
    body: str
    attachments: tuple[tuple[str, bytes], ...] = ()

    @property
    def fingerprint(self) -> str:
        """A hash of the recipient, subject, words of the text, and attachments: blind to
        line ends, wrapping and spacing, which servers and clients change unasked."""
        canonical = {
            "to": self.to.strip().lower(),
            "subject": " ".join(header_text(self.subject, MAX_SUBJECT).split()),
            "body": _canonical_text(self.body),
            "attachments": sorted(
                [name, hashlib.sha256(data).hexdigest()] for name, data in self.attachments
            ),
        }
        text = json.dumps(canonical, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical_text(text: str) -> str:
    # Words, not layout: a server that stores mail in its own form (Exchange) may give it
    # back wrapped or re-encoded; only a change of the words is a change of the text.
    return " ".join(text.split())


def attachment_name(filename: str) -> str:
    """An attachment's name as ``core.outgoing`` writes it into the mail."""
    return header_text(filename, 200) or "attachment"


def signature(key: bytes, mailbox: str, draft_id: int, fingerprint: str) -> str:
    message = f"{mailbox}\n{draft_id}\n{fingerprint}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def header_value(key: bytes, mailbox: str, draft_id: int, fingerprint: str) -> str:
    """The ``X-Mailbot-Draft`` header of draft ``draft_id``'s copy."""
    return f"{draft_id}; fp={fingerprint}; sig={signature(key, mailbox, draft_id, fingerprint)}"


def with_header(content: bytes, name: str, value: str) -> bytes:
    """``content`` (a finished mail, CRLF) with one more header line in front."""
    return f"{name}: {value}\r\n".encode("ascii") + content


class Problem(StrEnum):
    """Why a copy in the approval or rejection folder is not acted on."""

    NOT_OURS = "not_ours"  # no X-Mailbot-Draft header
    BAD_SIGNATURE = "bad_signature"  # a header, but not one mailbot signed
    CHANGED = "changed"  # the copy says something else than when it was placed
    OUTDATED = "outdated"  # the draft was changed after the copy was placed


@dataclass(frozen=True, slots=True)
class Reading:
    """What a mail read back from the officer's mailbox says about itself."""

    draft_id: int | None  # the draft a valid signature names
    signed: str  # the fingerprint (or its first 16 digits) it was signed with, else ""
    problem: Problem | None  # NOT_OURS, BAD_SIGNATURE or CHANGED; OUTDATED is ``against``'s
    content: Content
    message_id: str = ""
    thread: tuple[str, ...] = ()  # In-Reply-To and References
    note: bool = False  # one of mailbot's notes to the officer

    def against(self, current: str) -> Problem | None:
        """The problem with acting on this copy, given the draft's fingerprint now."""
        if self.problem is None and not current.startswith(self.signed):
            return Problem.OUTDATED
        return self.problem


def parse(raw: bytes) -> EmailMessage:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def content_of(message: EmailMessage) -> Content:
    """The recipient, subject, text and attachments of ``message``."""
    recipients = [address for _, address in getaddresses([str(message.get("To", ""))]) if address]
    body = ""
    part = message.get_body(("plain",))
    if isinstance(part, EmailMessage):
        try:
            body = str(part.get_content())
        except (LookupError, ValueError):  # an unknown charset: compared as bytes read as UTF-8
            payload = part.get_payload(decode=True)
            body = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    attachments = []
    for attachment in message.iter_attachments():
        data = attachment.get_payload(decode=True)
        if isinstance(data, bytes):
            attachments.append((attachment.get_filename() or "attachment", data))
    return Content(
        to=recipients[0] if recipients else "",
        subject=str(message.get("Subject", "")),
        body=body,
        attachments=tuple(attachments),
    )


def copy_id(key: bytes, mailbox: str, draft_id: int, fingerprint: str, domain: str) -> str:
    """The Message-ID of a draft's copy: names the draft and is signed, like the header.

    Servers keep a Message-ID where they may drop a header they do not know, so a
    copy is still recognised on them (with the first 16 digits of its fingerprint).
    """
    short = fingerprint[:FINGERPRINT_IN_ID]
    sig = signature(key, mailbox, draft_id, short)[:32]
    return f"<review.{draft_id}.{short}.{sig}@{domain.lower()}>"


def signed_draft(message: EmailMessage, key: bytes, mailbox: str) -> tuple[int, str] | None:
    """The draft id and (signed) fingerprint a mail carries, else None.

    The ``X-Mailbot-Draft`` header counts when there is one (the whole fingerprint);
    without it, a copy's signed Message-ID (its first 16 digits).
    """
    value = message.get(HEADER)
    if value is not None:
        found = _HEADER_VALUE.match(str(value))
        if found is None:
            return None
        draft_id, signed, sig = int(found["draft"]), found["fp"], found["sig"]
        expected = signature(key, mailbox, draft_id, signed)
    else:
        found = _SIGNED_ID.match(str(message.get("Message-ID", "")).strip())
        if found is None:
            return None
        draft_id, signed, sig = int(found["draft"]), found["fp"], found["sig"]
        expected = signature(key, mailbox, draft_id, signed)[:32]
    return (draft_id, signed) if hmac.compare_digest(expected, sig) else None


def carries_signature(message: EmailMessage) -> bool:
    """Whether a mail claims to be a copy (a header, or a copy's Message-ID), valid or not."""
    message_id = str(message.get("Message-ID", "")).strip()
    return message.get(HEADER) is not None or re.match(r"<review\.[0-9]+\.", message_id) is not None


def thread_of(message: EmailMessage) -> tuple[str, ...]:
    """The Message-IDs a mail answers (In-Reply-To, References)."""
    text = f"{message.get('In-Reply-To', '')} {message.get('References', '')}"
    return tuple(re.findall(r"<[^<>\s]+>", text))


def read(raw: bytes, key: bytes, mailbox: str) -> Reading:
    """Read a copy back: which draft it names, and whether it is still what was placed.

    A mail that is no signed copy is not read further than its headers (it may be
    anything: it is only told to the officer by its subject).
    """
    message = parse(raw)
    draft_id: int | None = None
    fingerprint, problem = "", None
    content = Content("", str(message.get("Subject", "")), "")
    if not carries_signature(message):
        problem = Problem.NOT_OURS
    elif (signed := signed_draft(message, key, mailbox)) is None:
        problem = Problem.BAD_SIGNATURE
    else:
        draft_id, fingerprint = signed
        content = content_of(message)
        problem = None if content.fingerprint.startswith(fingerprint) else Problem.CHANGED
    return Reading(
        draft_id,
        fingerprint,
        problem,
        content,
        message_id=str(message.get("Message-ID", "")).strip(),
        thread=thread_of(message),
        note=message.get(NOTE_HEADER) is not None,
    )


@dataclass(frozen=True, slots=True)
class SentCheck:
    """What the officer sent himself, compared with the draft it answers."""

    recipient_on_file: bool
    recipient_changed: bool
    dropped: tuple[str, ...] = field(default=())

    @property
    def warnings(self) -> list[str]:
        found = []
        if not self.recipient_on_file:
            found.append("recipient_not_on_file")
        elif self.recipient_changed:
            found.append("recipient_changed")
        if self.dropped:
            found.append("attachment_dropped")
        return found


def check_sent(
    sent: Content,
    recipients: Sequence[str],
    *,
    draft_to: str,
    draft_attachments: Sequence[str],
    allowed: set[str],
    data_bearing: bool,
) -> SentCheck:
    """Compare a mail the officer sent with its draft: who got it, which attachments went.

    ``recipients`` are every To/Cc/Bcc address of the sent mail. Personal data may go
    only to ``allowed``; any other mail should go to the draft's recipient.
    """
    lowered = {address.lower() for address in recipients if address}
    if data_bearing:
        on_file = bool(lowered) and lowered <= {address.lower() for address in allowed}
    else:
        on_file = bool(lowered) and lowered <= {draft_to.lower()} | {a.lower() for a in allowed}
    names = {name for name, _ in sent.attachments}
    dropped = tuple(name for name in draft_attachments if attachment_name(name) not in names)
    return SentCheck(on_file, draft_to.lower() not in lowered, dropped)


def recipients_of(message: EmailMessage) -> list[str]:
    """Every address a sent mail went to (To, Cc, Bcc as the Sent copy records them)."""
    fields = [str(value) for name in ("To", "Cc", "Bcc") for value in message.get_all(name, [])]
    return [address for _, address in getaddresses(fields) if address]
