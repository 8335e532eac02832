"""The kept data's side of the database (table ``kept_data``), in the caller's session (the
caller commits)."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, delete, select

from mailbot.storage.models import CaseRecord, KeptDataRecord


class KeptStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, kept_id: int) -> KeptDataRecord | None:
        return self.session.get(KeptDataRecord, kept_id)

    def of(self, reference: str, source: str, mailbox: str) -> KeptDataRecord | None:
        """The record of ``reference``'s data kept in ``source`` (one at most)."""
        return self.session.exec(
            select(KeptDataRecord).where(
                KeptDataRecord.reference == reference,
                KeptDataRecord.source == source,
                KeptDataRecord.mailbox == mailbox,
            )
        ).first()

    def case_of(self, record: KeptDataRecord) -> CaseRecord | None:
        """The case the kept data were kept in, while it exists (its register's period)."""
        return self.session.exec(
            select(CaseRecord).where(
                CaseRecord.reference == record.reference, CaseRecord.mailbox == record.mailbox
            )
        ).first()

    def listed(self, mailboxes: set[str] | None = None) -> list[KeptDataRecord]:
        """Every record (of ``mailboxes``), the earliest end first."""
        query = select(KeptDataRecord).order_by(col(KeptDataRecord.until), col(KeptDataRecord.id))
        if mailboxes is not None:
            query = query.where(col(KeptDataRecord.mailbox).in_(sorted(mailboxes)))
        return list(self.session.exec(query))

    def due(self, today: date, mailbox: str | None = None) -> list[KeptDataRecord]:
        """The records not done whose last day is before ``today`` (of ``mailbox``)."""
        query = select(KeptDataRecord).where(
            col(KeptDataRecord.done_at).is_(None), KeptDataRecord.until < today
        )
        if mailbox is not None:
            query = query.where(KeptDataRecord.mailbox == mailbox)
        return list(self.session.exec(query.order_by(col(KeptDataRecord.until))))

    def delete_done(self, before: datetime) -> list[str]:
        """Delete the records done at or before ``before``; the references of those deleted."""
        done = list(
            self.session.exec(
                select(KeptDataRecord).where(
                    col(KeptDataRecord.done_at).is_not(None),
                    col(KeptDataRecord.done_at) <= before,
                )
            )
        )
        ids = [record.id for record in done if record.id is not None]
        if ids:
            self.session.execute(delete(KeptDataRecord).where(col(KeptDataRecord.id).in_(ids)))
        return [record.reference for record in done]
