"""The marketing suppression list: keyed hashes of addresses, per mailbox, in the caller's
session (the caller commits)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from mailbot.storage.models import SuppressionRecord


class SuppressionStore:
    """Each mailbox's suppression entries, found by the address's keyed hash."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, mailbox: str, address_hash: str) -> SuppressionRecord | None:
        return self.session.get(SuppressionRecord, (mailbox, address_hash))

    def add(self, entry: SuppressionRecord) -> None:
        """Store ``entry`` (flushed: a second one of the same hash fails here)."""
        self.session.add(entry)
        self.session.flush()

    def of_mailbox(self, mailbox: str) -> list[SuppressionRecord]:
        """``mailbox``'s entries, oldest first (then by hash)."""
        return list(
            self.session.exec(
                select(SuppressionRecord)
                .where(SuppressionRecord.mailbox == mailbox)
                .order_by(col(SuppressionRecord.added_on), col(SuppressionRecord.address_hash))
            )
        )
