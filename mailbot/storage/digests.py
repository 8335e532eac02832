"""The daily digests: one row per mailbox and day, naming the outbox mail that carries it."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from mailbot.storage.models import DigestRecord


class DigestStore:
    """Which days' digests were queued, in the caller's session (the caller commits).

    The mailbox and the day are the row's primary key: a second digest for the same day
    fails to commit."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def queued(self, mailbox: str, day: date) -> bool:
        """True when ``mailbox``'s digest of ``day`` was queued."""
        return self.session.get(DigestRecord, (mailbox, day)) is not None

    def add(self, mailbox: str, day: date, outbox_id: int, now: datetime) -> None:
        self.session.add(
            DigestRecord(mailbox=mailbox, day=day, outbox_id=outbox_id, created_at=now)
        )
