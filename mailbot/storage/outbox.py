"""The outbox's side of the database: ``enqueue``, the one way a mail enters it, and
``OutboxStore``, the queries and state changes the sending worker makes on its rows."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, update
from sqlmodel import Session, col, select

from mailbot.core.drafting import DraftStatus
from mailbot.core.outbox import OutboxState
from mailbot.storage.models import CaseRecord, DraftRecord, OutboxRecord


def enqueue(
    session: Session,
    *,
    kind: str,
    mailbox: str,
    message_id: str,
    sender: str,
    recipient: str,
    content: bytes,
    now: datetime,
    draft_id: int | None = None,
    file_in_sent: bool = False,
) -> OutboxRecord:
    """Queue a mail to be sent now, in the caller's transaction (added and flushed, not
    committed): the row has its id."""
    row = OutboxRecord(
        draft_id=draft_id,
        kind=kind,
        mailbox=mailbox,
        message_id=message_id,
        sender=sender,
        recipient=recipient,
        content=content,
        state=OutboxState.QUEUED.value,
        next_attempt_at=now,
        created_at=now,
        file_in_sent=file_in_sent,
    )
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True, slots=True)
class Candidate:
    """A mail that may be sendable: queued and due, or claimed (``sending``)."""

    id: int
    queued: bool
    claimed_by: str | None
    lease_expired: bool  # claimed, and the claim's lease has run out


@dataclass(frozen=True, slots=True)
class Listed:
    """An outbox row with its draft's kind and its case's reference (None without a draft)."""

    mail: OutboxRecord
    draft_kind: str | None
    case: str | None


class OutboxStore:
    """The outbox rows (approved mail and digests) in the caller's session; the caller commits.

    A row moves ``queued`` -> ``sending`` (claimed, with a lease) -> ``sent`` or ``failed``,
    or back to ``queued`` for a later attempt.
    """

    def __init__(self, session: Session) -> None:
        self.session = session

    def row(self, row_id: int) -> OutboxRecord | None:
        return self.session.get(OutboxRecord, row_id)

    # -- finding and claiming ------------------------------------------------
    def candidates(self, mailbox: str, now: datetime) -> list[Candidate]:
        """``mailbox``'s mail queued and due by ``now``, and its claimed mail, in the order
        they are due."""
        rows = self.session.exec(
            select(OutboxRecord.id, OutboxRecord.state, OutboxRecord.claimed_by)
            .where(
                col(OutboxRecord.mailbox) == mailbox,
                or_(
                    and_(
                        col(OutboxRecord.state) == OutboxState.QUEUED,
                        col(OutboxRecord.next_attempt_at) <= now,
                    ),
                    col(OutboxRecord.state) == OutboxState.SENDING,
                ),
            )
            .order_by(col(OutboxRecord.next_attempt_at), col(OutboxRecord.id))
        ).all()
        expired = self._expired(now)
        return [
            Candidate(row_id, state == OutboxState.QUEUED, claimed_by, row_id in expired)
            for row_id, state, claimed_by in rows
            if row_id is not None
        ]

    def _expired(self, now: datetime) -> set[int]:
        found = self.session.exec(
            select(OutboxRecord.id).where(
                col(OutboxRecord.state) == OutboxState.SENDING,
                col(OutboxRecord.lease_until) < now,
            )
        )
        return {row_id for row_id in found if row_id is not None}

    def sent_since(self, row: OutboxRecord, since: datetime) -> list[datetime]:
        """When the other mails to ``row``'s recipient were sent after ``since``."""
        found = self.session.exec(
            select(OutboxRecord.sent_at).where(
                col(OutboxRecord.recipient) == row.recipient,
                col(OutboxRecord.state) == OutboxState.SENT,
                col(OutboxRecord.sent_at) > since,
                col(OutboxRecord.id) != row.id,
            )
        ).all()
        return [moment for moment in found if moment]

    def hold(self, row: OutboxRecord, until: datetime) -> None:
        """Queue the mail again, not to be tried before ``until``."""
        row.next_attempt_at = until
        row.state = OutboxState.QUEUED.value
        self.session.add(row)

    def take(self, row: OutboxRecord, me: str, lease_until: datetime) -> bool:
        """Claim ``row`` for worker ``me`` if nobody changed its state or claim since it was
        read (compare and swap, one conditional update): ``row`` then holds the claim.
        False when somebody did. The caller commits, or rolls back on False."""
        claimer = col(OutboxRecord.claimed_by)
        same_claimer = claimer.is_(None) if row.claimed_by is None else claimer == row.claimed_by
        result = self.session.execute(
            update(OutboxRecord)
            .where(
                col(OutboxRecord.id) == row.id, col(OutboxRecord.state) == row.state, same_claimer
            )
            .values(state=OutboxState.SENDING.value, claimed_by=me, lease_until=lease_until)
        )
        if getattr(result, "rowcount", 0) != 1:
            return False
        self.session.refresh(row)
        return True

    # -- the outcome of an attempt -------------------------------------------
    def mark_sent(self, row_id: int, reply: str, now: datetime) -> None:
        """The server took the mail (one update: nothing else is read or written)."""
        self.session.execute(
            update(OutboxRecord)
            .where(col(OutboxRecord.id) == row_id)
            .values(
                state=OutboxState.SENT.value,
                sent_at=now,
                server_reply=reply[:2000],
                attempts=col(OutboxRecord.attempts) + 1,
                claimed_by=None,
                lease_until=None,
                last_error="",
            )
        )

    def requeue(
        self, row: OutboxRecord, error: str, next_attempt_at: datetime | None = None
    ) -> None:
        """Unclaimed and queued again with ``error``; tried at ``next_attempt_at`` when given,
        else when it was due."""
        row.state, row.last_error = OutboxState.QUEUED.value, error[:2000]
        if next_attempt_at is not None:
            row.next_attempt_at = next_attempt_at
        row.claimed_by, row.lease_until = None, None
        self.session.add(row)

    def mark_failed(self, row: OutboxRecord, reply: str) -> None:
        """The mail will not arrive: unclaimed, with the server's answer."""
        row.state, row.last_error = OutboxState.FAILED.value, reply[:2000]
        row.claimed_by, row.lease_until = None, None
        self.session.add(row)

    def unsettled(self, mailbox: str) -> list[int]:
        """``mailbox``'s sent mail whose draft is still approved (not marked sent yet)."""
        found = self.session.exec(
            select(OutboxRecord.id)
            .join(DraftRecord, col(DraftRecord.id) == col(OutboxRecord.draft_id))
            .where(
                col(OutboxRecord.mailbox) == mailbox,
                col(OutboxRecord.state) == OutboxState.SENT,
                col(DraftRecord.status) == DraftStatus.APPROVED,
            )
        )
        return [row_id for row_id in found if row_id is not None]

    def with_message_ids(self, message_ids: Collection[str]) -> list[OutboxRecord]:
        return list(
            self.session.exec(
                select(OutboxRecord).where(col(OutboxRecord.message_id).in_(list(message_ids)))
            )
        )

    # -- filing in the Sent folder -------------------------------------------
    def to_file(self, mailbox: str) -> list[OutboxRecord]:
        """``mailbox``'s sent mail that is to be filed in the Sent folder and is not yet."""
        return list(
            self.session.exec(
                select(OutboxRecord).where(
                    col(OutboxRecord.mailbox) == mailbox,
                    col(OutboxRecord.state) == OutboxState.SENT,
                    col(OutboxRecord.file_in_sent) == True,  # noqa: E712
                    col(OutboxRecord.filed_at).is_(None),
                )
            )
        )

    def mark_filed(self, row: OutboxRecord, error: str, now: datetime) -> None:
        """Filed at ``now``; or, with ``error``, not filed, and why."""
        if error:
            row.file_error = error[:2000]
        else:
            row.filed_at, row.file_error = now, ""
        self.session.add(row)

    # -- what the officer and the sysadmin see -------------------------------
    def listing(self, state: str | None = None) -> list[Listed]:
        """Every row (in ``state``), oldest first, with its draft's kind and case reference."""
        query = (
            select(OutboxRecord, DraftRecord.kind, CaseRecord.reference)
            .join(DraftRecord, col(DraftRecord.id) == col(OutboxRecord.draft_id), isouter=True)
            .join(CaseRecord, col(CaseRecord.id) == col(DraftRecord.case_id), isouter=True)
        )
        if state is not None:
            query = query.where(col(OutboxRecord.state) == state)
        return [
            Listed(row, kind, reference)
            for row, kind, reference in self.session.exec(query.order_by(col(OutboxRecord.id)))
        ]

    def counts(self) -> list[tuple[str, int]]:
        """How many rows are in each state (only the states that occur)."""
        query = select(OutboxRecord.state, func.count()).group_by(col(OutboxRecord.state))
        return [(str(state), int(count)) for state, count in self.session.exec(query).all()]
