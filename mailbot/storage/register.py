"""The register's reading of the cases, in the caller's session."""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import Session, col, select

from mailbot.core.cases import Status
from mailbot.storage.models import CaseRecord


class RegisterStore:
    """The cases the register of handled requests lists: every case that asked for a right
    (``service.register`` keeps only the facts of the procedure from them)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def requests(self, mailboxes: Collection[str] | None = None) -> list[CaseRecord]:
        """Every case (of ``mailboxes``) but mails that asked for no right, in the order they
        were received."""
        query = select(CaseRecord).where(CaseRecord.status != Status.NOT_A_REQUEST.value)
        if mailboxes is not None:
            query = query.where(col(CaseRecord.mailbox).in_(list(mailboxes)))
        return list(
            self.session.exec(query.order_by(col(CaseRecord.received_at), col(CaseRecord.id)))
        )
