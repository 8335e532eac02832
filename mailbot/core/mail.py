"""What the core knows about an e-mail: plain values, no ``email.message`` objects.

``parsing.parse_mail`` turns raw bytes into a ``ParsedMail``; everything after
it (machine-mail detection, classification, follow-up matching) works on these.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Address:
    """A mailbox: display name and address (compare with ``key``)."""

    name: str
    address: str

    @property
    def key(self) -> str:
        """The address in lower case, for comparisons."""
        return self.address.lower()

    @property
    def local_part(self) -> str:
        return self.address.rpartition("@")[0].lower()

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2].lower()


@dataclass(frozen=True, slots=True)
class Attachment:
    """A non-body part. ``kept``: it was within the configured limit, and is kept with the
    mail's bytes. ``content``: its decoded bytes while the mail is read (for the letters'
    text); None when it was over the limit, and in a reading handed on (``without_contents``):
    the mail's bytes hold it, a second copy would only take memory."""

    filename: str | None
    content_type: str
    size: int
    content: bytes | None
    inline: bool = False
    kept: bool = True


@dataclass(frozen=True, slots=True)
class DocumentText:
    """The text of an attached letter (PDF, DOCX, plain text), or why there is none.

    ``problem`` is set when the file could not be read: ``no_text`` (a scan without a
    text layer), ``encrypted``, ``unreadable`` (broken or not what its name says),
    ``too_large``. Such a file is flagged for the officer, never guessed at.
    """

    name: str
    text: str = ""
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class Forwarded:
    """A request that a colleague forwarded: the original sender and text."""

    sender: Address | None
    date: datetime | None
    subject: str
    text: str
    forwarded_by: Address | None


class BodySource(StrEnum):
    PLAIN = "plain"
    HTML = "html"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class ParsedMail:
    """A mail as the core sees it.

    ``text`` is the whole body as text; ``new_text`` is what the sender wrote
    themselves, ``quoted_text`` the reply history below or beside it. When the
    mail forwards a request, ``forwarded`` holds the original and ``new_text``
    the forwarder's own note.
    """

    message_id: str | None
    subject: str
    sender: Address | None
    reply_to: tuple[Address, ...]
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    date: datetime | None
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    headers: Mapping[str, tuple[str, ...]]
    content_type: str
    text: str
    new_text: str
    quoted_text: str
    body_source: BodySource
    attachments: tuple[Attachment, ...] = ()
    forwarded: Forwarded | None = None
    notes: tuple[str, ...] = field(default=())
    # What the receiving services wrote about the mail, topmost first, as they wrote it
    # (a sender may have written some too: ``core.authentication`` says which one counts).
    authentication_results: tuple[str, ...] = field(default=())
    authors: int = 1  # addresses in the From header(s): one, or the sender cannot be told

    def without_contents(self) -> ParsedMail:
        """This mail without its attachments' decoded bytes (their names, types, sizes stay)."""
        if all(attachment.content is None for attachment in self.attachments):
            return self
        light = tuple(replace(attachment, content=None) for attachment in self.attachments)
        return replace(self, attachments=light)

    def header(self, name: str) -> tuple[str, ...]:
        """All values of a header (name case-insensitive), decoded."""
        return self.headers.get(name.lower(), ())

    @property
    def request_subject(self) -> str:
        if self.forwarded is not None and self.forwarded.subject:
            return self.forwarded.subject
        return self.subject

    @property
    def request_text(self) -> str:
        """The text to classify: the person's own words, not quotes or a forwarder's note."""
        if self.forwarded is not None and self.forwarded.text.strip():
            return self.forwarded.text
        return self.new_text

    @property
    def fingerprint(self) -> str:
        """Identifies the same mail delivered twice (say, once in To and once in Cc).

        Built from what senders' systems set once per message, not from the
        headers that each delivery adds (Received, Delivered-To, Return-Path).
        """
        parts = [
            self.message_id or "",
            self.sender.key if self.sender else "",
            self.header("Date")[0] if self.header("Date") else "",
            self.subject,
            self.text,
        ]
        return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Message-IDs this mail answers or refers to."""
        seen: dict[str, None] = {}
        for message_id in (*self.in_reply_to, *self.references):
            seen.setdefault(message_id, None)
        return tuple(seen)
