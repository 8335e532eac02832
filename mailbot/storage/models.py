"""Database tables (SQLModel). Every change here needs a migration in ``migrations/versions``.

- ``cases``: one per request (or per mail that turned out to be no request);
- ``mails``: every mail mailbot has taken from a source, whatever became of it,
  keyed by (source, folder, uidvalidity, uid) so that none is read twice;
- ``raw_mails``: the bytes of each mail, apart so listings stay light;
- ``attachments``: the non-body parts of mails;
- ``case_messages``: every Message-ID of a case, ours and theirs, to join follow-ups;
- ``case_events``: the audit trail (who did what, when);
- ``reference_counters``: the last case number per prefix and year;
- ``source_states``: whether each mail source could be read, for the officer and the sysadmin;
- ``drafts``, ``draft_attachments``, ``draft_actions``: the replies mailbot proposes, the copies
  they carry, and what the officer must do in each data source before a reply can go;
- ``executions``: the actions mailbot carried out in a SQL source on the officer's approval;
- ``kept_data``: data an erasure had to keep, and until when;
- ``outbox``: approved mail, built once, waiting to be sent (and filed in the Sent folder);
- ``digests``: the day of each daily digest, so that one is sent per day;
- ``suppression``: keyed hashes of addresses that objected to direct marketing;
- ``purged_mails``: keyed hashes of the keys (and bytes) of mails whose records were purged,
  tied to no case, so that a mail still in the mailbox is not read again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from mailbot.core.addresses import normalise
from mailbot.core.identity import allowed_recipients


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes stored as UTC, read back as aware UTC, on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UtcDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _moment(nullable: bool = False) -> Any:
    return Field(sa_column=Column(UtcDateTime(), nullable=nullable))


def _mailbox() -> Any:
    return Field(
        default="default",
        sa_column=Column(String(32), nullable=False, server_default="default", index=True),
    )


def _empty(kind: Callable[[], Any]) -> Callable[[], Any]:
    """A default factory that pydantic inspects cheaply: it reads a factory's signature on
    every construction of a record, and a builtin's (``list``) is parsed from its text
    (some 0.2 ms each time: the largest cost of making a mail record)."""

    def empty() -> Any:
        return kind()

    return empty


def _json(default: Callable[[], Any]) -> Any:
    return Field(default_factory=_empty(default), sa_column=Column(JSON, nullable=False))


class CaseRecord(SQLModel, table=True):
    __tablename__ = "cases"
    # A person's earlier cases are looked up by address, case-insensitively.
    __table_args__ = (Index("ix_cases_requester_lower", func.lower(text("requester"))),)

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=40, unique=True)
    mailbox: str = _mailbox()
    status: str = Field(max_length=32, index=True)
    rights: list[str] = _json(list)
    language: str | None = Field(default=None, max_length=8)
    requester: str | None = Field(default=None, max_length=320, index=True)
    requester_name: str | None = Field(default=None, max_length=200)
    subject: str = Field(default="", sa_column=Column(Text, nullable=False))
    received_at: datetime = _moment()
    due_date: date | None = None
    confidence: float = 0.0
    low_confidence: bool = False
    evidence: list[dict[str, Any]] = _json(list)
    signals: list[str] = _json(list)
    # Recall first (issue 21): a mail that may be a request has a provisional clock and waits
    # for the officer's decision; what else it is (``core.classification.topics``); a breach's
    # 72 hours (Art. 33); the earlier case a complaint is about.
    needs_decision: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    topics: list[str] = Field(
        default_factory=_empty(list),
        sa_column=Column(JSON, nullable=False, server_default="[]"),
    )
    urgent: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    breach_notify_by: datetime | None = _moment(nullable=True)
    related_case: str | None = Field(default=None, max_length=40)
    classified_by: str = Field(default="mailbot", max_length=120)
    classified_at: datetime = _moment()
    identity: str | None = Field(default=None, max_length=16)
    identity_detail: str = Field(
        default="", sa_column=Column(Text, nullable=False, server_default="")
    )
    address_on_file: str | None = Field(default=None, max_length=320)
    send_to: str | None = Field(default=None, max_length=320)
    verified_method: str | None = Field(default=None, max_length=200)
    verified_by: str | None = Field(default=None, max_length=120)
    verified_at: datetime | None = _moment(nullable=True)
    confirmed_at: datetime | None = _moment(nullable=True)
    # The person said the request was not theirs: nothing more is drafted; the officer closes
    # the case (outcome not_the_person).
    denied_at: datetime | None = _moment(nullable=True)
    # An answer to a confirmation request or sender check that mailbot could not take as the
    # person's yes or no (unclear, or without the evidence): the mail, and why, for the officer.
    reply_to_check: int | None = None
    reply_check_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    drafting_due: bool = Field(
        default=True, sa_column=Column(Boolean, nullable=False, server_default=true())
    )
    channel: str = Field(
        default="email", sa_column=Column(String(16), nullable=False, server_default="email")
    )
    outcome: str | None = Field(default=None, max_length=32)
    closed_at: datetime | None = _moment(nullable=True)
    original_due_date: date | None = None
    extended_at: datetime | None = _moment(nullable=True)
    extension_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # For the register (codes, never text): why the deadline was extended, on which ground a
    # request was refused, how the officer verified the person, and when the answer went out.
    extension_ground: str | None = Field(default=None, max_length=32)
    refusal_ground: str | None = Field(default=None, max_length=32)
    verification: str | None = Field(default=None, max_length=16)
    answered_at: datetime | None = _moment(nullable=True)
    direct_marketing: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    purged_at: datetime | None = _moment(nullable=True)
    created_at: datetime = _moment()
    updated_at: datetime = _moment()

    @property
    def allowed_recipients(self) -> set[str]:
        """Where this case's personal data may go (``core.identity.allowed_recipients``)."""
        return allowed_recipients(self.identity, self.address_on_file, self.send_to)

    @property
    def filed_under(self) -> str:
        """The address the person's rows are filed under in the company's data: the address
        on file, else the requester's (a person the officer verified), normalised."""
        return (self.address_on_file or normalise(self.requester or "") or "").lower()


class MailRecord(SQLModel, table=True):
    __tablename__ = "mails"
    __table_args__ = (
        UniqueConstraint("mailbox", "source", "folder", "uidvalidity", "uid", name="uq_mails_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    mailbox: str = Field(
        default="default",
        sa_column=Column(String(32), nullable=False, server_default="default"),
    )
    source: str = Field(max_length=16)
    folder: str = Field(max_length=1024)
    uidvalidity: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    uid: str = Field(max_length=255)
    message_id: str | None = Field(default=None, max_length=998, index=True)
    fingerprint: str | None = Field(default=None, max_length=64, index=True)
    content_hash: str | None = Field(default=None, max_length=64, index=True)
    arrived_at: datetime = _moment()
    size: int = 0
    sender: str | None = Field(default=None, max_length=320)
    subject: str = Field(default="", sa_column=Column(Text, nullable=False))
    disposition: str = Field(max_length=16, index=True)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    case_id: int | None = Field(default=None, foreign_key="cases.id", index=True)
    duplicate_of: int | None = Field(default=None, foreign_key="mails.id")
    language: str | None = Field(default=None, max_length=8)
    rights: list[str] = _json(list)
    confidence: float | None = None
    evidence: list[dict[str, Any]] = _json(list)
    notes: list[str] = _json(list)
    body_text: str = Field(default="", sa_column=Column(Text, nullable=False))
    # What drafting reads, kept at intake so that the mail is not parsed again (None: a mail
    # recorded before 0009, read from its bytes): the person's own words, and the receiving
    # server's Authentication-Results headers (none for a forwarded request).
    request_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    authentication_results: list[str] | None = Field(
        default=None, sa_column=Column(JSON, nullable=True)
    )
    forwarded_by: str | None = Field(default=None, max_length=320)
    # The receiving service's verdict on the From address (``core.authentication``; None: a
    # mail recorded before 0011), what it rests on, and, for another person's mail that the
    # sender forwarded, that person's address (the sender asks for them).
    sender_verdict: str | None = Field(default=None, max_length=16)
    sender_detail: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    writes_for: str | None = Field(default=None, max_length=320)
    identity_evidence: bool = False  # arrived while its case awaited identity: may hold an ID copy
    processed_at: datetime = _moment()
    # A quarantined mail the officer dismissed (``dismissed``): who, when, and why (his words;
    # purged with the mail after the retention period, counted from the dismissal).
    dismissed_by: str | None = Field(default=None, max_length=120)
    dismissed_at: datetime | None = _moment(nullable=True)
    dismissal_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class RawMailRecord(SQLModel, table=True):
    __tablename__ = "raw_mails"

    mail_id: int = Field(foreign_key="mails.id", primary_key=True)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class AttachmentRecord(SQLModel, table=True):
    __tablename__ = "attachments"

    id: int | None = Field(default=None, primary_key=True)
    mail_id: int = Field(foreign_key="mails.id", index=True)
    filename: str | None = Field(default=None, max_length=255)
    content_type: str = Field(max_length=255)
    size: int
    inline: bool = False
    # Within intake.max_attachment_bytes: its bytes are kept, in the mail's (raw_mails).
    kept: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    # Its decoded bytes, a second copy: only in rows recorded before 0017.
    content: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))


class CaseMessageRecord(SQLModel, table=True):
    __tablename__ = "case_messages"
    __table_args__ = (UniqueConstraint("case_id", "message_id", name="uq_case_messages"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    message_id: str = Field(max_length=998, index=True)
    direction: str = Field(max_length=8)  # "in" or "out"
    sender: str | None = Field(default=None, max_length=320)  # of an "in" mail, lower case


class CaseEventRecord(SQLModel, table=True):
    __tablename__ = "case_events"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    at: datetime = _moment()
    actor: str = Field(max_length=120)
    action: str = Field(max_length=40)
    detail: dict[str, Any] = _json(dict)


class DraftRecord(SQLModel, table=True):
    __tablename__ = "drafts"
    # One reminder per request (``core.reminders``), however many workers draft at once.
    __table_args__ = (
        Index("ix_drafts_reminder_of", "reminder_of", unique=True),
        Index("ix_drafts_action_id", "action_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    kind: str = Field(max_length=32)
    language: str = Field(max_length=8)
    to_address: str = Field(max_length=320)
    subject: str = Field(sa_column=Column(Text, nullable=False))
    body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(max_length=16, index=True)
    why: str = Field(default="", sa_column=Column(Text, nullable=False))
    notes: list[str] = _json(list)
    in_reply_to: str | None = Field(default=None, max_length=998)
    references: list[str] = _json(list)
    message_id: str | None = Field(default=None, max_length=998)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    drafted_body: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    edited_by: str | None = Field(default=None, max_length=120)
    edited_at: datetime | None = _moment(nullable=True)
    approved_by: str | None = Field(default=None, max_length=120)
    approved_at: datetime | None = _moment(nullable=True)
    automatic: bool = False
    sent_at: datetime | None = _moment(nullable=True)
    error: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    # A reminder: the identification or confirmation request of the same case it reminds of
    # (no foreign key: the two are deleted together, in any order).
    reminder_of: int | None = None
    # A recipient notice (Art. 19): the action of the same case it carries out.
    action_id: int | None = None
    created_at: datetime = _moment()
    updated_at: datetime = _moment()


class DraftAttachmentRecord(SQLModel, table=True):
    __tablename__ = "draft_attachments"

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="drafts.id", index=True)
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=255)
    size: int
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class DraftActionRecord(SQLModel, table=True):
    __tablename__ = "draft_actions"

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="drafts.id", index=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    source: str = Field(max_length=64)
    right: str = Field(max_length=16)
    text: str = Field(sa_column=Column(Text, nullable=False))
    kept_until: str | None = Field(default=None, max_length=200)
    recipient: int | None = None  # telling the source's recipient at this index (Art. 19)
    done: bool = False
    done_by: str | None = Field(default=None, max_length=120)
    done_at: datetime | None = _moment(nullable=True)


class ExecutionRecord(SQLModel, table=True):
    """One action carried out by mailbot in a SQL source (``service.execution``).

    ``plan``: the statements and the rows a dry run counted when the officer approved it;
    ``counts``: the rows each statement changed (never the data); ``new_values``: what a
    rectification sets, kept only until it ran. ``running`` is committed before the
    company's transaction starts, so a crash in between is found and recovered.
    """

    __tablename__ = "executions"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    action_id: int = Field(sa_column=Column(Integer, nullable=False, unique=True, index=True))
    source: str = Field(max_length=64)
    right: str = Field(max_length=16)
    state: str = Field(max_length=16, index=True)
    plan: list[Any] = _json(list)
    plan_version: str = Field(max_length=64)
    counts: list[Any] = _json(list)
    new_values: dict[str, Any] = _json(dict)
    error: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    approved_by: str = Field(max_length=120)
    approved_at: datetime = _moment()
    started_at: datetime | None = _moment(nullable=True)
    finished_at: datetime | None = _moment(nullable=True)


class KeptDataRecord(SQLModel, table=True):
    """Data an erasure had to keep (invoices) until their period ends: the daily purge reminds
    the officer then. Outlives its case's purge: only the reference and the address."""

    __tablename__ = "kept_data"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=40, index=True)
    mailbox: str = _mailbox()
    source: str = Field(max_length=64)
    address: str = Field(max_length=320)
    until: date = Field(sa_column=Column(Date, nullable=False, index=True))
    kept_at: datetime = _moment()
    reminded_at: datetime | None = _moment(nullable=True)
    done_by: str | None = Field(default=None, max_length=120)
    done_at: datetime | None = _moment(nullable=True)


class OutboxRecord(SQLModel, table=True):
    """One approved mail, built once at approval; every attempt sends exactly these bytes."""

    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int | None = Field(default=None, foreign_key="drafts.id", unique=True)
    kind: str = Field(max_length=16)  # "draft" or "digest"
    mailbox: str = _mailbox()  # whose SMTP server sends it
    message_id: str = Field(max_length=998, unique=True)
    sender: str = Field(max_length=320)
    recipient: str = Field(max_length=320, index=True)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    state: str = Field(max_length=16, index=True)  # queued, sending, sent, failed
    attempts: int = 0
    next_attempt_at: datetime = _moment()
    claimed_by: str | None = Field(default=None, max_length=200)
    lease_until: datetime | None = _moment(nullable=True)
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False))
    server_reply: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = _moment()
    sent_at: datetime | None = _moment(nullable=True)
    file_in_sent: bool = False
    filed_at: datetime | None = _moment(nullable=True)
    file_error: str = Field(default="", sa_column=Column(Text, nullable=False))


class DigestRecord(SQLModel, table=True):
    __tablename__ = "digests"

    mailbox: str = Field(default="default", primary_key=True, max_length=32)
    day: date = Field(primary_key=True)
    outbox_id: int = Field(foreign_key="outbox.id")
    created_at: datetime = _moment()


class SourceStateRecord(SQLModel, table=True):
    __tablename__ = "source_states"

    name: str = Field(max_length=200, primary_key=True)
    state: str = Field(max_length=32)  # "ok", "unreachable", "login_failed"
    detail: str = Field(default="", sa_column=Column(Text, nullable=False))
    changed_at: datetime = _moment()
    last_ok_at: datetime | None = _moment(nullable=True)


class ReferenceCounterRecord(SQLModel, table=True):
    __tablename__ = "reference_counters"

    prefix: str = Field(max_length=16, primary_key=True)
    year: int = Field(primary_key=True)
    last_number: int = 0


class SuppressionRecord(SQLModel, table=True):
    """An address that must get no direct marketing, as a keyed hash (``core.suppression``).

    Pseudonymised, not anonymous: whoever holds the key can test an address against it.
    No case reference, no name, only the day it was added and why.
    """

    __tablename__ = "suppression"

    mailbox: str = Field(default="default", primary_key=True, max_length=32)  # whose objection
    address_hash: str = Field(primary_key=True, max_length=64)
    added_on: date
    origin: str = Field(max_length=16)  # "objection" (a case) or "officer" (added by hand)


class PurgedMailRecord(SQLModel, table=True):
    """A mail whose record was purged (``service.retention``), so that it is not read again.

    Only keyed hashes (``core.retention.mail_key_hash``, ``mail_content_hash``, under the
    database's ``mails`` key in ``signing_keys``) of where it lay and of its bytes, and
    what became of it (a code, for the folder it is settled in). No case, no date, no
    Message-ID, no sender: nothing joins it to a case or a person.
    """

    __tablename__ = "purged_mails"

    mailbox: str = Field(default="default", primary_key=True, max_length=32)
    key_hash: str = Field(primary_key=True, max_length=64)
    content_hash: str | None = Field(default=None, max_length=64, index=True)
    # The folder's UIDVALIDITY when it was read (the same for every mail of the folder, so no
    # identifier): the same bytes are this mail again only under another one (a renumbering);
    # under the same one they are new mail sent again.
    uidvalidity: int = Field(
        default=0, sa_column=Column(BigInteger, nullable=False, server_default="0")
    )
    disposition: str = Field(max_length=16)


class UserRecord(SQLModel, table=True):
    """Someone who may use the review pages (the officer, a deputy): ``mailbot users add``."""

    __tablename__ = "users"

    name: str = Field(primary_key=True, max_length=120)
    password_hash: str = Field(max_length=400)
    language: str = Field(max_length=8)
    mailboxes: list[str] = Field(  # the mailboxes this user may see; empty: every one
        default_factory=_empty(list),
        sa_column=Column(JSON, nullable=False, server_default="[]"),
    )
    created_at: datetime = _moment()
    password_changed_at: datetime = _moment()


class WebSessionRecord(SQLModel, table=True):
    """A browser session of the review pages; only a hash of its id is kept.

    A session without a user is the one a login form belongs to (for its CSRF token);
    logging in always replaces it with a new one.
    """

    __tablename__ = "web_sessions"

    id_hash: str = Field(primary_key=True, max_length=64)
    user_name: str | None = Field(default=None, foreign_key="users.name", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = _moment()
    expires_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))


class ReviewCopyRecord(SQLModel, table=True):
    """A draft's copy in the officer's mailbox (``service.mail_client``), found by Message-ID.

    ``placed``: in the review folder (or moved by the officer since); ``done``: moved to
    the done folder after the draft was approved, rejected or sent; ``replaced``: removed,
    because the draft was changed and a new copy was placed.
    """

    __tablename__ = "review_copies"

    id: int | None = Field(default=None, primary_key=True)
    mailbox: str = _mailbox()
    draft_id: int = Field(foreign_key="drafts.id", index=True)
    fingerprint: str = Field(max_length=64)
    message_id: str = Field(max_length=998, unique=True)
    note_message_id: str = Field(max_length=998)
    state: str = Field(max_length=16, index=True)
    placed_at: datetime = _moment()
    done_at: datetime | None = _moment(nullable=True)


class ReviewMarkRecord(SQLModel, table=True):
    """How far a mailbox's Sent folder was read for mail the officer sent himself."""

    __tablename__ = "review_marks"

    mailbox: str = Field(primary_key=True, max_length=32)
    folder: str = Field(primary_key=True, max_length=300)
    uidvalidity: int = Field(sa_column=Column(BigInteger, nullable=False))
    last_uid: int = Field(sa_column=Column(BigInteger, nullable=False))


class SigningKeyRecord(SQLModel, table=True):
    """A key made for this database when it was created (or upgraded): signs review copies."""

    __tablename__ = "signing_keys"

    name: str = Field(primary_key=True, max_length=32)
    key: str = Field(max_length=128)
    created_at: datetime = _moment()
