"""The purge's queries and deletes (``service.retention`` decides what goes), in the
caller's session (the caller commits)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, or_
from sqlmodel import Session, col, delete, select

from mailbot.core.cases import Status
from mailbot.core.retention import ENDED
from mailbot.ports import Outcome
from mailbot.storage.drafts import DraftStore
from mailbot.storage.models import (
    CaseMessageRecord,
    CaseRecord,
    DraftActionRecord,
    DraftAttachmentRecord,
    MailRecord,
    OutboxRecord,
    RawMailRecord,
    ReviewCopyRecord,
)


@dataclass(frozen=True, slots=True)
class DeletedDrafts:
    """What deleting a case's drafts removed."""

    drafts: int
    attachments: int  # the copies of data they carried
    outbox: int  # their mails in the outbox


@dataclass(frozen=True, slots=True)
class Answered:
    """A case answered and not closed: when, and for which rights."""

    reference: str
    rights: Sequence[str]
    answered_at: datetime


class RetentionStore:
    """What a purge reads and deletes across the cases, their mails and their drafts."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def ended_cases(self) -> list[CaseRecord]:
        """The cases that ended (closed, or no request) and were not purged yet, by id."""
        return list(
            self.session.exec(
                select(CaseRecord)
                .where(
                    col(CaseRecord.status).in_([status.value for status in ENDED]),
                    col(CaseRecord.purged_at).is_(None),
                )
                .order_by(col(CaseRecord.id))
            )
        )

    def delete_drafts(self, case_id: int) -> DeletedDrafts:
        """Delete the case's drafts with their copies of data, their actions, their outbox
        mail and their review copies (flushed, before the case's mails are emptied)."""
        drafts = attachments = outbox = 0
        for draft in DraftStore(self.session).of_case(case_id):
            attachments += self._delete(
                DraftAttachmentRecord, DraftAttachmentRecord.draft_id == draft.id
            )
            self._delete(DraftActionRecord, DraftActionRecord.draft_id == draft.id)
            outbox += self._delete(OutboxRecord, OutboxRecord.draft_id == draft.id)
            self._delete(ReviewCopyRecord, ReviewCopyRecord.draft_id == draft.id)
            self.session.delete(draft)
            drafts += 1
        self.session.flush()
        return DeletedDrafts(drafts, attachments, outbox)

    def delete_message_ids(self, case_id: int) -> None:
        """Delete the case's Message-IDs (with the addresses its mails came from)."""
        self._delete(CaseMessageRecord, CaseMessageRecord.case_id == case_id)

    def caseless_mails(self, dispositions: Collection[str], before: datetime) -> list[MailRecord]:
        """Mails that became no case (with one of ``dispositions``), processed before
        ``before``, that still hold a sender, a subject or their bytes."""
        has_raw = exists().where(col(RawMailRecord.mail_id) == col(MailRecord.id))
        return list(
            self.session.exec(
                select(MailRecord).where(
                    col(MailRecord.case_id).is_(None),
                    col(MailRecord.disposition).in_(list(dispositions)),
                    MailRecord.processed_at < before,
                    or_(
                        col(MailRecord.sender).is_not(None), col(MailRecord.subject) != "", has_raw
                    ),
                )
            )
        )

    def answered_not_closed(self) -> list[Answered]:
        """The cases that were answered (``sent``) and are not closed yet."""
        rows = self.session.exec(
            select(CaseRecord.reference, CaseRecord.rights, CaseRecord.answered_at).where(
                CaseRecord.status == Status.SENT.value, col(CaseRecord.answered_at).is_not(None)
            )
        )
        return [
            Answered(reference, rights, answered_at)
            for reference, rights, answered_at in rows
            if answered_at is not None
        ]

    def quarantined_before(self, before: datetime) -> int:
        """How many quarantined mails were processed before ``before``."""
        return self.session.exec(
            select(func.count())
            .select_from(MailRecord)
            .where(
                MailRecord.disposition == Outcome.QUARANTINED.value,
                MailRecord.processed_at < before,
            )
        ).one()

    def _delete(self, table: type[Any], condition: Any) -> int:
        result = self.session.execute(delete(table).where(condition))
        return int(getattr(result, "rowcount", 0) or 0)
