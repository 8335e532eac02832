"""The purge's queries and deletes (``service.retention`` decides what goes), in the
caller's session (the caller commits)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, delete, select

from mailbot.core.cases import Status
from mailbot.core.outbox import OutboxState
from mailbot.core.retention import ENDED
from mailbot.ports import MailKey, Outcome
from mailbot.storage.drafts import DraftStore
from mailbot.storage.models import (
    AttachmentRecord,
    CaseEventRecord,
    CaseMessageRecord,
    CaseRecord,
    DigestRecord,
    DraftActionRecord,
    DraftAttachmentRecord,
    ExecutionRecord,
    MailRecord,
    OutboxRecord,
    RawMailRecord,
    ReviewCopyRecord,
)
from mailbot.storage.purged_mails import PurgedMailStore


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
    """What a purge reads and deletes across the cases, their mails, their drafts, the
    register and the digests."""

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
        """Delete the case's drafts with their copies of data, their actions (and what mailbot
        carried out of them), their outbox mail and their review copies (flushed, before the
        case's mails are emptied)."""
        drafts = attachments = outbox = 0
        # what mailbot carried out for the actions (the trail keeps the counts)
        self._delete(ExecutionRecord, ExecutionRecord.case_id == case_id)
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

    def delete_mail(self, secret: str, mail: MailRecord) -> tuple[int, bool]:
        """Delete a mail's record with its bytes and attachments, leaving only keyed hashes
        of its key and bytes (``PurgedMailStore``) so that it is not read again; returns how
        many attachments and whether its bytes were stored."""
        assert mail.id is not None
        key = MailKey(mail.source, mail.folder, mail.uidvalidity, mail.uid)
        PurgedMailStore(self.session).add(
            secret, mail.mailbox, key, mail.content_hash, mail.disposition
        )
        attachments = self._delete(AttachmentRecord, AttachmentRecord.mail_id == mail.id)
        raw = self._delete(RawMailRecord, RawMailRecord.mail_id == mail.id)
        self.session.execute(
            update(MailRecord)
            .where(col(MailRecord.duplicate_of) == mail.id)
            .values(duplicate_of=None)
        )
        self._delete(MailRecord, MailRecord.id == mail.id)
        return attachments, raw > 0

    def caseless_mails(self, dispositions: Collection[str], before: datetime) -> list[MailRecord]:
        """Mails that became no case (with one of ``dispositions``), processed before
        ``before``."""
        return list(
            self.session.exec(
                select(MailRecord)
                .where(
                    col(MailRecord.case_id).is_(None),
                    col(MailRecord.disposition).in_(list(dispositions)),
                    MailRecord.processed_at < before,
                )
                .order_by(col(MailRecord.id))
            )
        )

    def purged_cases(self) -> list[CaseRecord]:
        """The cases that were purged (their register rows and bare trails), by id."""
        return list(
            self.session.exec(
                select(CaseRecord)
                .where(col(CaseRecord.purged_at).is_not(None))
                .order_by(col(CaseRecord.id))
            )
        )

    def delete_case(self, case_id: int) -> int:
        """Delete a purged case's register row and trail (and whatever else still points at
        it); returns how many trail entries went."""
        self._delete(DraftActionRecord, DraftActionRecord.case_id == case_id)
        self._delete(ExecutionRecord, ExecutionRecord.case_id == case_id)
        self.delete_message_ids(case_id)
        events = self._delete(CaseEventRecord, CaseEventRecord.case_id == case_id)
        self._delete(CaseRecord, CaseRecord.id == case_id)
        return events

    def delete_digests(self, before: datetime) -> int:
        """Delete the daily digests (the days and their mails) queued before ``before`` and
        sent or given up: they name the cases open then, with their failures."""
        done = [OutboxState.SENT.value, OutboxState.FAILED.value]
        ids = list(
            self.session.exec(
                select(DigestRecord.outbox_id)
                .join(OutboxRecord, col(OutboxRecord.id) == col(DigestRecord.outbox_id))
                .where(col(OutboxRecord.state).in_(done), OutboxRecord.created_at < before)
            )
        )
        if not ids:
            return 0
        self._delete(DigestRecord, col(DigestRecord.outbox_id).in_(ids))
        return self._delete(OutboxRecord, col(OutboxRecord.id).in_(ids))

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
